"""scripts/build_geo.py rebuilds geo/ byte for byte from the pinned timezonefinder data."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "geo"
BUILT = ["README.md", "border.geojson", "bridges.geojson", "countries.geojson", "places.geojson"]

pytest.importorskip("timezonefinder", reason="build-geo extra (timezonefinder) not installed")


def load_script():
    spec = importlib.util.spec_from_file_location("build_geo", ROOT / "scripts" / "build_geo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recorded_toolchain() -> dict[str, str]:
    border = json.loads((GEO / "border.geojson").read_text(encoding="utf-8"))
    return border["metadata"]["built_with"]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    installed = load_script().built_with()
    if installed != recorded_toolchain():
        pytest.skip(
            f"geo/ was built with {recorded_toolchain()}, this environment has {installed}; "
            "byte-identity only holds for the same versions"
        )
    out = tmp_path_factory.mktemp("geo")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_geo.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_builds_exactly_the_committed_files(rebuilt):
    assert sorted(p.name for p in rebuilt.iterdir()) == BUILT


@pytest.mark.parametrize("name", BUILT)
def test_rebuild_is_byte_identical(rebuilt, name):
    assert (rebuilt / name).read_bytes() == (GEO / name).read_bytes(), (
        f"geo/{name} differs from a fresh build; run .venv/bin/python scripts/build_geo.py"
    )


def test_files_record_the_toolchain():
    toolchain = recorded_toolchain()
    assert set(toolchain) == {"timezonefinder", "timezonefinder-data", "shapely", "GEOS", "pyproj"}
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    assert f"timezonefinder {toolchain['timezonefinder']}" in readme
    assert f"timezonefinder-data {toolchain['timezonefinder-data']}" in readme
    for name in BUILT[1:]:
        metadata = json.loads((GEO / name).read_text(encoding="utf-8"))["metadata"]
        assert metadata["built_with"] == toolchain, name
