"""The columnar core: the table gives back exactly the events it was built from, in story order,
and its vectorised fatality range is the model's rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from bordermap.core.columns import properties_schema
from bordermap.core.table import EventTable, fatality_range_columns, partial_floor_columns, take_rows
from bordermap.model import fatality_range, partial_floor
from fuzzing import examples

ROOT = Path(__file__).resolve().parents[1]


def test_features_round_trip_exactly_in_story_order():
    for name in ("data/events.geojson", "tests/data/hostile.geojson"):
        fc = json.loads((ROOT / name).read_text())
        table = EventTable.from_features(fc["features"])
        got = list(table.features(derived=False))
        want = sorted(fc["features"], key=lambda f: (f["properties"]["date_start"], f["properties"]["date_end"],
                                                     f["properties"]["id"]))
        assert got == want, name
        assert [list(f["properties"]) for f in got] == [list(f["properties"]) for f in want]  # key order too
        assert [int(i) for i in table.source_index] == [fc["features"].index(f) for f in want]


figures = st.integers(0, 10_000)
# Every combination of figures (best estimates with bounds among them), complete tolls and
# partial counts, with and without an explicit scope.
claim = st.fixed_dictionaries({"source": st.just("s")}, optional={
    "total": figures, "low": figures, "high": figures,
    "scope": st.sampled_from(["total", "partial"]), "counts": st.just("troops only"),
    "breakdown": st.dictionaries(st.sampled_from(["a", "b_c"]), st.integers(0, 50), max_size=2)})
bounded = st.fixed_dictionaries({"source": st.just("s"), "total": figures, "low": figures, "high": figures},
                                optional={"scope": st.sampled_from(["total", "partial"])})
claims = st.lists(st.one_of(claim, bounded), max_size=4)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(claims, min_size=1, max_size=20))
def test_vectorised_fatality_range_is_the_models_rule(events):
    typ = next(f.type for f in properties_schema() if f.name == "fatalities")
    column = pa.array(events, typ)
    low, high = fatality_range_columns(column)
    assert list(zip(low.to_pylist(), high.to_pylist())) == [fatality_range(c) for c in events]
    assert partial_floor_columns(column).to_pylist() == [partial_floor(c) for c in events]


def test_partial_counts_and_bounds_on_columns():
    typ = next(f.type for f in properties_schema() if f.name == "fatalities")
    events = [[{"source": "a", "total": 8, "scope": "partial", "counts": "Afghans only"}],
              [{"source": "a", "total": 8, "scope": "partial", "counts": "Afghans only"}, {"source": "b", "total": 42}],
              [{"source": "a", "total": 16, "low": 16, "high": 20}], []]
    low, high = fatality_range_columns(pa.array(events, typ))
    assert low.to_pylist() == [None, 42, 16, None] and high.to_pylist() == [None, 42, 20, None]
    assert partial_floor_columns(pa.array(events, typ)).to_pylist() == [8, 8, None, None]


def test_khorog_operation_derived_range_is_its_complete_tolls(ds):
    # 42 (first official figure) to 200 (BBC); Tolonews' 8 Afghans and the troops-only counts
    # are partial and never the low end.
    p = ds.table.properties(ds.table.row_of("2012-07-24-khorog-special-operation"))
    assert (p["fatalities_low"], p["fatalities_high"]) == (42, 200)
    assert fatality_range(p["fatalities"]) == (42, 200)


def test_take_rows_picks_without_reordering():
    fc = json.loads((ROOT / "data" / "events.geojson").read_text())
    table = EventTable.from_features(fc["features"])
    for rows in ([], [0], [5, 6, 7], [3, 1, 2, 30], list(range(len(table)))):
        assert take_rows(table.table, rows).to_pylist() == table.table.take(pa.array(rows, pa.int64())).to_pylist()


def test_point_anchors_read_from_wkb_match_shapely():
    # 2-D points: the anchors come straight from the WKB bytes (no shapely objects); the same
    # numbers as decoding, on chunks and slices; any other row is left to decode.
    import shapely
    from bordermap.core.table import _point_anchors

    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(-180, 180, (500, 2)))
    col = pa.chunked_array([pa.array(shapely.to_wkb(pts[:200]), pa.binary()),
                            pa.array(shapely.to_wkb(pts[200:]), pa.binary())])
    point, lonlat = _point_anchors(col)
    assert point.all()
    assert np.array_equal(lonlat, shapely.get_coordinates(pts))
    sliced = pa.array(shapely.to_wkb(pts), pa.binary()).slice(17, 40)
    assert np.array_equal(_point_anchors(sliced)[1], shapely.get_coordinates(pts[17:57]))
    others = [shapely.box(0, 0, 1, 1), shapely.to_wkb(pts[0], byte_order=0), shapely.points(1.0, 2.0, 3.0)]
    wkb = [shapely.to_wkb(pts[1]), shapely.to_wkb(others[0]), others[1], shapely.to_wkb(others[2]), None,
           shapely.to_wkb(pts[2])]
    point, lonlat = _point_anchors(pa.array(wkb, pa.binary()))
    assert point.tolist() == [True, False, False, False, False, True]
    assert np.array_equal(lonlat[[0, 5]], shapely.get_coordinates(pts[1:3]))
    assert np.isnan(lonlat[1:5]).all()


def test_anchors_of_every_kind_match_the_decoded_geometries():
    import shapely
    from bordermap.core.table import _shape_anchors
    from bordermap.dataset import load_dataset

    ds = load_dataset("data/events.geojson", "geo", use_cache=False)
    t = ds.table
    geoms = t.geometries()
    assert set(t.geometry_kind.tolist()) >= {0, 1}  # points and lines (the article has no area)
    assert np.array_equal(t.lonlat, _shape_anchors(geoms, t.geometry_kind), equal_nan=True)


def test_derived_columns_given_as_a_future_give_the_same_table(ds):
    # The GeoJSON reader hands over the border analytics still running on another thread; the
    # model's columns are sorted meanwhile and the derived ones follow the same order.
    from concurrent.futures import ThreadPoolExecutor

    from bordermap.core.table import model_columns
    from bordermap.geo import border_columns

    features = [ds.table.feature(r, derived=False) for r in range(len(ds.table))][::-1]  # not in story order
    model = model_columns(features)
    geoms = ds.table.geometries(np.arange(len(ds.table)))[::-1]
    derived = border_columns(geoms, ds.layers)
    with ThreadPoolExecutor(1) as pool:
        later = EventTable.from_model_columns(model, pool.submit(lambda: derived))
    now = EventTable.from_model_columns(model, derived)
    assert later.table.equals(now.table)
    assert (later.source_index == now.source_index).all()
    assert later.table.equals(ds.table.table)  # the same as the file read in its own order
    assert not (now.source_index == np.arange(len(now))).all()
