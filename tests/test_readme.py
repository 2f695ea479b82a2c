"""The README's promises stay true: the two commands first, CI calls the test one, CLI documented."""

import re
from pathlib import Path

from bordermap.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make app", "make test"]
    assert README.index("```sh") < 20


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_cli_command_is_in_the_readme():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        assert f"bordermap {name}" in README, name


def test_dependencies_are_pinned():
    constraints = (ROOT / "constraints.txt").read_text()
    for dep in ("streamlit", "streamlit-folium", "folium", "geopandas", "shapely", "pyproj", "playwright",
                "xstatic-leaflet", "timezonefinder"):
        assert re.search(rf"^{dep}==", constraints, re.M | re.I), dep
