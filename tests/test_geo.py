"""bordermap.geo: the committed reference layers, the loader's errors, and border analytics."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point

from bordermap.geo import (
    GeoLayerError,
    ReferenceLayers,
    annotate_events,
    border_distance_km,
    country_at,
    load_reference_layers,
    nearest_crossing,
)

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "geo"
BAD = Path(__file__).parent / "data" / "geo"

BRIDGE_IDS = ["darvaz", "ishkashim", "panji-poyon", "tem-demogan", "vanj"]
# Longest segment of border.geojson as built (5,044 m, an overland straight in the east).
MAX_SEGMENT_M = 5_100


@pytest.fixture(scope="module")
def layers():
    return load_reference_layers(GEO)


def place(layers, place_id: str) -> Point:
    return layers.places.set_index("id").geometry[place_id]


def point_feature(lon: float, lat: float, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


# --- the committed layers ---------------------------------------------------------------


def test_all_layers_load_with_nothing_missing(layers):
    assert layers.missing == []
    assert set(layers.raw) == {"border", "countries", "bridges", "places", "rivers", "lakes", "relief"}
    assert layers.raw["relief"]["url"].startswith("data:image/jpeg;base64,")
    assert layers.border.geom_type == "LineString"
    for frame in (layers.countries, layers.bridges, layers.places):
        assert frame.crs.to_epsg() == 4326


def test_border_length_and_vertex_density(layers):
    length_km = pyproj.Geod(ellps="WGS84").geometry_length(layers.border) / 1000
    vertices = shapely.get_num_coordinates(layers.border)
    assert 1300 <= length_km <= 1400
    assert vertices / length_km >= 5
    xy = shapely.get_coordinates(layers.border)
    _, _, segment_m = pyproj.Geod(ellps="WGS84").inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    assert segment_m.max() <= MAX_SEGMENT_M


def test_border_runs_west_to_east(layers):
    xy = shapely.get_coordinates(layers.border)
    assert xy[0, 0] < 68 and xy[-1, 0] > 74.5


@pytest.mark.parametrize("bridge_id", BRIDGE_IDS)
def test_each_bridge_lies_within_1_km_of_the_border(layers, bridge_id):
    bridges = layers.bridges.set_index("id")
    assert border_distance_km(bridges.geometry[bridge_id], layers.border) <= 1.0


def test_the_five_bridges_of_2012_with_sources(layers):
    assert sorted(layers.bridges["id"]) == BRIDGE_IDS
    for _, bridge in layers.bridges.iterrows():
        assert bridge["sources"] and all(s["url"].startswith("http") for s in bridge["sources"])
        assert bridge["precision"] in ("published", "placed on border between settlements")
    tem = layers.bridges.set_index("id").loc["tem-demogan"]
    assert tem["opened"] == "2002-11-03" and "2004" in tem["note"]


@pytest.mark.parametrize(
    ("place_id", "iso3"),
    [("khorugh", "TJK"), ("ishkoshim", "TJK"), ("imam-sahib", "AFG"), ("ishkashim-af", "AFG")],
)
def test_towns_lie_in_their_country(layers, place_id, iso3):
    p = place(layers, place_id)
    assert country_at(p.x, p.y, layers.countries) == iso3


def test_every_place_lies_in_the_country_it_declares(layers):
    found = {
        row["id"]: country_at(row.geometry.x, row.geometry.y, layers.countries)
        for _, row in layers.places.iterrows()
    }
    declared = dict(zip(layers.places["id"], layers.places["country"], strict=True))
    assert found == declared


@pytest.mark.parametrize(
    ("place_id", "km", "tolerance"),
    [
        ("khorugh", 2.6, 0.3),
        # geography.md §6 says ≈0.7 km and ≈12.8 km; those match Wikipedia's Ishkoshim point
        # and a point ~2 km SW of GeoNames' Imam Sahib. From the §1 points used here:
        ("ishkoshim", 0.57, 0.15),
        ("imam-sahib", 11.0, 0.3),
    ],
)
def test_distance_of_towns_to_the_border(layers, place_id, km, tolerance):
    assert border_distance_km(place(layers, place_id), layers.border) == pytest.approx(
        km, abs=tolerance
    )


def test_kuh_i_lal_is_flagged_approximate(layers):
    kuh = layers.places.set_index("id").loc["kuh-i-lal"]
    assert kuh["precision"] == "approximate" and "UNVERIFIED" in kuh["coord_source"]


def test_border_and_countries_fit_in_1_mb():
    size = (GEO / "border.geojson").stat().st_size + (GEO / "countries.geojson").stat().st_size
    assert size <= 1_000_000


def test_countries_share_the_border_line_exactly(layers):
    outlines = layers.countries.set_index("iso3").geometry
    shared = shapely.line_merge(outlines["AFG"].boundary.intersection(outlines["TJK"].boundary))
    # Measured when built: 0.0 m (the AFG–TJK edge keeps every vertex of border.geojson).
    assert shapely.hausdorff_distance(shared, layers.border) < 1e-9
    assert shapely.coverage_is_valid(np.asarray(outlines.array, dtype=object))


# --- loader errors ------------------------------------------------------------------------


def copy_as(tmp_path: Path, fixture: str, layer_file: str = "border.geojson") -> Path:
    shutil.copy(BAD / fixture, tmp_path / layer_file)
    return tmp_path / layer_file


def test_missing_border_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(GeoLayerError, match=r"border\.geojson: file not found"):
        load_reference_layers(tmp_path)


def test_not_json_gives_line_and_column(tmp_path):
    path = copy_as(tmp_path, "not_json.geojson")
    with pytest.raises(GeoLayerError, match=r"is not valid JSON: .* at line 3, column 40") as err:
        load_reference_layers(tmp_path)
    assert str(err.value).startswith(str(path))


def test_wrong_type_is_named(tmp_path):
    copy_as(tmp_path, "wrong_type.geojson")
    with pytest.raises(
        GeoLayerError, match=r"border\.geojson: is not a GeoJSON FeatureCollection .*'Feature'"
    ):
        load_reference_layers(tmp_path)


def test_feature_without_geometry_is_named(tmp_path):
    copy_as(tmp_path, "no_geometry.geojson")
    with pytest.raises(GeoLayerError, match=r"border\.geojson: feature 1 has no geometry") as err:
        load_reference_layers(tmp_path)
    assert [(p.feature_index, p.field) for p in err.value.problems] == [(1, "geometry")]


def test_wrong_geometry_type_and_missing_property(tmp_path):
    shutil.copy(GEO / "border.geojson", tmp_path / "border.geojson")
    (tmp_path / "countries.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
        ' "geometry": {"type": "Point", "coordinates": [70, 37]}}]}',
        encoding="utf-8",
    )
    with pytest.raises(GeoLayerError, match=r"countries\.geojson: feature 0 is a Point; expected"):
        load_reference_layers(tmp_path, required=("border", "countries"))


def test_missing_or_broken_optional_layers_are_reported_not_raised(tmp_path):
    shutil.copy(GEO / "border.geojson", tmp_path / "border.geojson")
    copy_as(tmp_path, "not_json.geojson", "places.geojson")
    loaded = load_reference_layers(tmp_path)
    assert loaded.bridges is None and loaded.countries is None and loaded.places is None
    assert f"{tmp_path / 'bridges.geojson'} is missing; the map is drawn without bridges" in (
        loaded.missing
    )
    assert any(
        m.startswith(f"{tmp_path / 'places.geojson'} could not be used (is not valid JSON")
        for m in loaded.missing
    )
    assert len(loaded.missing) == 3


def test_unknown_required_layer_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown layer"):
        load_reference_layers(GEO, required=("roads",))


# --- analytics ----------------------------------------------------------------------------


def test_border_distance_is_zero_for_a_crossing_line(layers):
    across_the_panj = LineString([(71.50, 37.50), (71.56, 37.49)])
    assert border_distance_km(across_the_panj, layers.border) == 0.0


def test_country_at_outside_every_outline(layers):
    assert country_at(10.0, 50.0, layers.countries) is None


def test_nearest_crossing_from_khorugh(layers):
    bridge, km = nearest_crossing(place(layers, "khorugh"), layers.bridges)
    assert bridge == "tem-demogan"
    assert km == pytest.approx(5.5, abs=0.2)


def test_annotate_events_point_line_and_no_geometry(layers):
    features = [
        point_feature(71.5534, 37.4904, id="khorugh-centre"),
        {
            "type": "Feature",
            "properties": {"id": "across"},
            "geometry": {"type": "LineString", "coordinates": [[71.50, 37.50], [71.56, 37.49]]},
        },
        {"type": "Feature", "properties": None, "geometry": None},
    ]
    before = [dict(f["properties"] or {}) for f in features]
    point, line, empty = annotate_events(features, layers)

    assert point["properties"]["id"] == "khorugh-centre"
    assert point["properties"]["side"] == "TJK"
    assert point["properties"]["distance_to_border_km"] == pytest.approx(2.6, abs=0.1)
    assert point["properties"]["nearest_crossing"] == "tem-demogan"
    assert point["properties"]["nearest_crossing_km"] == pytest.approx(5.5, abs=0.2)
    assert line["properties"]["side"] == "both"
    assert line["properties"]["distance_to_border_km"] == 0.0
    assert empty["properties"] == {
        "side": None,
        "distance_to_border_km": None,
        "nearest_crossing": None,
        "nearest_crossing_km": None,
    }
    assert [dict(f["properties"] or {}) for f in features] == before  # inputs untouched


def test_annotate_events_sides_of_the_river(layers):
    imam_sahib = point_feature(68.9364, 37.1890)
    kabul = point_feature(69.1723, 34.5281)
    tashkent = point_feature(69.2401, 41.2995)
    sides = [
        f["properties"]["side"] for f in annotate_events([imam_sahib, kabul, tashkent], layers)
    ]
    assert sides == ["AFG", "AFG", "UZB"]


def test_annotate_events_without_bridges_or_countries(layers):
    bare = ReferenceLayers(border=layers.border, places=layers.places, raw=layers.raw)
    (feature,) = annotate_events([point_feature(71.5534, 37.4904)], bare)
    assert feature["properties"]["nearest_crossing"] is None
    assert feature["properties"]["nearest_crossing_km"] is None
    assert feature["properties"]["side"] is None
    assert feature["properties"]["distance_to_border_km"] == pytest.approx(2.6, abs=0.1)


def test_annotate_events_needs_a_border(layers):
    with pytest.raises(ValueError, match="border"):
        annotate_events([], ReferenceLayers(border=None, countries=layers.countries, bridges=layers.bridges))


def test_annotate_10000_features_at_once(layers):
    """10,000 points annotated in one vectorised pass (its speed is measured in
    benchmarks/bench_scale.py, not asserted here: a timed test flakes on a shared machine)."""
    rng = np.random.default_rng(2012)
    features = [
        point_feature(float(x), float(y), n=i)
        for i, (x, y) in enumerate(
            zip(rng.uniform(67, 75, 10_000), rng.uniform(36, 39.5, 10_000), strict=True)
        )
    ]
    annotated = annotate_events(features, layers)
    assert len(annotated) == 10_000
    one_by_one = [annotate_events([f], layers)[0] for f in features[:200:20]]
    assert [a["properties"] for a in annotated[:200:20]] == [a["properties"] for a in one_by_one]



def test_a_broken_relief_is_reported_and_an_absent_one_is_not(tmp_path):
    shutil.copy(GEO / "border.geojson", tmp_path / "border.geojson")
    assert not any("relief.json" in m for m in load_reference_layers(tmp_path).missing)
    (tmp_path / "relief.json").write_text('{"bounds": [[40, 60], [30, 70]], "image": "relief.jpg"}', "utf-8")
    loaded = load_reference_layers(tmp_path)
    assert "relief" not in loaded.raw
    assert any(m.startswith(f"{tmp_path / 'relief.json'} could not be used (\"bounds\" should be")
               for m in loaded.missing), loaded.missing
    (tmp_path / "relief.json").write_text('{"bounds": [[30, 60], [40, 70]], "image": "../x.jpg"}', "utf-8")
    assert any('"image" should name a .jpg or .png file beside it' in m
               for m in load_reference_layers(tmp_path).missing)
    (tmp_path / "relief.json").write_text('{"bounds": [[30, 60], [40, 70]], "image": "gone.jpg"}', "utf-8")
    assert any("its image gone.jpg cannot be read" in m for m in load_reference_layers(tmp_path).missing)


def test_frames_are_made_when_first_asked_for_and_hold_every_feature(layers):
    """The countries, bridges and places GeoDataFrames are built from the checked features on
    first use (the border analytics' only), once, with every feature's properties."""
    fresh = load_reference_layers(GEO)
    assert set(fresh._features) == {"countries", "bridges", "places"}
    bridges = fresh.bridges
    assert fresh.bridges is bridges and "bridges" not in fresh._features
    assert sorted(bridges["id"]) == BRIDGE_IDS and bridges.crs.to_epsg() == 4326
    assert len(fresh.places) == len(fresh.raw["places"]["features"])
    assert list(fresh.countries["iso3"]) == list(layers.countries["iso3"])


def test_a_cached_dataset_is_exported_without_geopandas(tmp_path):
    """Opening a cached dataset and exporting its HTML imports neither geopandas nor pyproj
    nor jsonschema (their imports were a fifth of an export's start)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from bordermap.dataset import load_dataset\n"
        "from bordermap.export import export_html\n"
        "ds = load_dataset('data/events.geojson')\n"
        "page = export_html(ds)\n"
        "assert 'Bordermap.eventLayer' in page\n"
        "print(sorted(m for m in ('geopandas', 'pyproj', 'jsonschema') if m in sys.modules))\n"
    )
    env = {**__import__("os").environ, "BORDERMAP_CACHE": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
            for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert runs[1].stdout.strip() == "[]"  # the second run: the dataset from the cache


def test_odd_vertices_give_no_numpy_warning(layers):
    """A line with a NaN vertex or a point at 1e308 (a fuzzed file's values) gets distances
    without numpy's 'invalid value' / 'overflow' warnings, which would reach the user's terminal."""
    import warnings

    from bordermap.geo import _border_distances_m, _nearest_bridges, _project

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # making such geometries warns too; not what is tested
        odd = np.array([shapely.from_wkt("LINESTRING (71.5 37.4, nan 37.5)"), shapely.Point(1e308, 1e308),
                        shapely.Point(71.55, 37.49)], dtype=object)
        projected = _project(odd)
        border = _project(layers.border)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ids, km = _nearest_bridges(projected, layers.bridges)
        metres = _border_distances_m(projected, border)
    assert ids[2] is not None and km[2] < 50 and metres[2] < 5_000
