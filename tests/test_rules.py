"""The validator's rules on columns give validate_collection's problems: same words, fields, order.

Differential: the bad files of tests/data/bad/ and hypothesis-made variations of real events,
each as GeoJSON (the columns made from the parsed file) and as GeoParquet (written, read back),
against :func:`bordermap.validate.validate_collection` on the same events.
"""

from __future__ import annotations

import copy
import json
import struct
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bordermap.core import schema_rules
from bordermap.core.rules import table_problems
from bordermap.core.table import EventTable, model_columns
from bordermap.dataset import _collection_problems, _with_null_derived, parquet_problems, validate_path
from bordermap.io.geoparquet import read_events_parquet_meta, write_events_parquet
from bordermap.model import EVENT_TYPES
from bordermap.validate import keyed_schema_problems, validate_collection, validate_file
from fuzzing import examples

HERE = Path(__file__).parent
ROOT = HERE.parent
FILES = sorted((HERE / "data" / "bad").glob("*.geojson")) + [HERE / "data" / "good-minimal.geojson",
                                                              HERE / "data" / "hostile.geojson",
                                                              ROOT / "data" / "events.geojson"]
BUNDLED = json.loads((ROOT / "data" / "events.geojson").read_text())
ARTICLE = BUNDLED["article"]


def _parquet_round_trip(model: pa.Table, article, folder: Path) -> tuple[Path, pa.Table, dict]:
    path = folder / "events.parquet"
    write_events_parquet(model, article, path)
    back, blocks = read_events_parquet_meta(path)
    return path, back, blocks


def _as_read(model: pa.Table) -> list[dict]:
    """The features a columnar file holds, as they are shown and exported."""
    return list(EventTable.from_arrow(_with_null_derived(model)).features(derived=False))


def _reference(model: pa.Table, blocks: dict, file: str):
    """validate_collection on the events a GeoParquet file holds."""
    return validate_collection({"type": "FeatureCollection", **blocks, "features": _as_read(model)}, file)


def _same_from_both(fc: dict, folder: Path) -> None:
    """The GeoJSON path and the GeoParquet path each give validate_collection's problems."""
    assert _collection_problems(fc, "x.geojson")[0] == validate_collection(fc, "x.geojson")
    try:
        model = model_columns(fc["features"])
    except (pa.ArrowException, shapely.errors.GEOSException, ValueError, TypeError):
        return  # not something a GeoParquet file can hold
    path, back, blocks = _parquet_round_trip(model, fc.get("article"), folder)
    assert parquet_problems(back, str(path), blocks=blocks) == _reference(back, blocks, str(path))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_files_same_problems_from_columns(path, tmp_path):
    try:
        fc = json.loads(path.read_text())
    except ValueError:
        pytest.skip("not JSON")
    assert validate_path(path) == validate_file(path)
    if not isinstance(fc, dict) or not isinstance(fc.get("features"), list):
        return
    _same_from_both(fc, tmp_path)


@pytest.mark.parametrize("stem", ["bad-date-precision", "missing-title", "duplicate-id", "coordinates-swapped",
                                  "fatalities-two-claims-one-source", "javascript-url", "many-problems",
                                  "article-ref-out-of-range"])
def test_the_same_lines_for_geojson_and_geoparquet(stem, tmp_path):
    path = HERE / "data" / "bad" / f"{stem}.geojson"
    fc = json.loads(path.read_text())
    parquet, _, _ = _parquet_round_trip(model_columns(fc["features"]), fc.get("article"), tmp_path)
    as_geojson = [str(p).replace(str(path), "FILE") for p in validate_path(path)]
    assert as_geojson and [str(p).replace(str(parquet), "FILE") for p in validate_path(parquet)] == as_geojson


# --- variations of real events ---------------------------------------------------------------

_NEAR_MISSES = ["", "x", "Day", "daily", "tjk", "TJK\n", "TJKX", "\u0663\u0663\u0663", "a--b", "-a", "A-b",
                "2012", "2012-07", "12-07-2012", "https://example.org/a", "HTTPS://EXAMPLE.ORG", "javascript:x",
                "ftp://x", "x" * 81, "ok-id-1"]
_TEXT = st.one_of(st.sampled_from(_NEAR_MISSES), st.text(max_size=12))
_ENUMS = {
    "date_precision": ["day", "week", "month", "year"],
    "confidence": ["confirmed", "reported", "disputed", "unconfirmed"],
    "country": ["TJK", "AFG"],
    "event_type": list(EVENT_TYPES),
    "sub_event_type": [s for subs in EVENT_TYPES.values() for s in subs],
}
_ROLES = ["actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "mentioned"]
_KINDS = ["official", "media", "analyst", "NGO", "other"]


def _maybe(strategy):
    return st.one_of(st.just(None), strategy)  # None: the key is left out


def _dict(**fields):
    return st.fixed_dictionaries({}, optional={k: v for k, v in fields.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not None})


_FIGURE = st.integers(-2, 30)
_CLAIM = _dict(source=_maybe(st.sampled_from(["Test source", "Other", "Nobody", "", "x"])),
               total=_FIGURE, low=_FIGURE, high=_FIGURE, scope=st.sampled_from(["total", "partial", "some"]),
               counts=st.sampled_from(["troops only", ""]), approximate=st.booleans(),
               breakdown=st.dictionaries(st.sampled_from(["civilians", "rebels", "troops"]), _FIGURE, max_size=3),
               note=_TEXT)
_SOURCE = _dict(name=st.sampled_from(["Test source", "Other", ""]), kind=st.sampled_from(_KINDS + ["blog"]),
                url=_TEXT, date=_TEXT, note=_TEXT)
_ACTOR = _dict(name=st.sampled_from(["Taliban", ""]), role=st.sampled_from(_ROLES + ["actor3"]),
               inter=st.sampled_from(["State forces", "Rebel group", "Aliens"]),
               aliases=st.lists(st.sampled_from(["TTP", ""]), max_size=2))
_CORRECTION = _dict(field=_TEXT, article_says=_TEXT, correction=_TEXT,
                    sources=st.lists(_dict(name=_TEXT, url=_TEXT), max_size=2))


def _lonlat():
    inside = st.tuples(st.floats(56, 84), st.floats(26, 44))
    outside = st.tuples(st.floats(-179, 179), st.floats(-89, 89))
    wild = st.tuples(st.sampled_from([-200.0, 200, 71, 37.49, 181.5]), st.sampled_from([-95.0, 95, 37, 71.55, 0]))
    return st.one_of(inside, outside, wild, inside.map(lambda p: (p[1], p[0])))


def _geometry():
    pos = _lonlat().map(list)
    line = st.lists(pos, min_size=2, max_size=4)
    ring = st.lists(pos, min_size=3, max_size=4).map(lambda r: r + [r[0]])
    return st.one_of(
        pos.map(lambda p: {"type": "Point", "coordinates": p}),
        line.map(lambda c: {"type": "LineString", "coordinates": c}),
        st.lists(ring, min_size=1, max_size=2).map(lambda c: {"type": "Polygon", "coordinates": c}),
        st.lists(ring, min_size=1, max_size=2).map(lambda c: {"type": "MultiPolygon", "coordinates": [c]}),
        st.lists(pos, min_size=1, max_size=3).map(lambda c: {"type": "MultiPoint", "coordinates": c}),
    )


_FIELDS = {
    "id": st.sampled_from(_NEAR_MISSES),
    "title": st.one_of(_TEXT, st.text(min_size=150, max_size=170)),
    "summary": st.one_of(_TEXT, st.text(min_size=1990, max_size=2010)),
    "date_start": st.dates().map(lambda d: d.isoformat()),
    "date_end": st.dates().map(lambda d: d.isoformat()),
    "location": _TEXT,
    "geo_precision": st.integers(0, 4),
    "actors": st.lists(_ACTOR, max_size=3),
    "fatalities": st.lists(_CLAIM, max_size=3),
    "sources": st.lists(_SOURCE, max_size=3),
    "article_refs": st.lists(st.integers(-1, 40), max_size=3),
    "confidence_note": _TEXT,
    "corrections": st.lists(_CORRECTION, max_size=2),
    "tags": st.lists(_TEXT, max_size=2),
    "original": st.dictionaries(st.sampled_from(["a", "b.c", "d[0]"]), _TEXT, max_size=2),
    **{name: st.one_of(st.sampled_from(values), _TEXT) for name, values in _ENUMS.items()},
}


@st.composite
def _collections(draw) -> dict:
    events = []
    for _ in range(draw(st.integers(1, 4))):
        feature = copy.deepcopy(BUNDLED["features"][draw(st.integers(0, len(BUNDLED["features"]) - 1))])
        props = feature["properties"]
        for name in draw(st.lists(st.sampled_from(sorted(_FIELDS)), max_size=4, unique=True)):
            if draw(st.integers(0, 5)) == 0:
                props.pop(name, None)
            else:
                props[name] = draw(_FIELDS[name])
        if draw(st.booleans()):
            feature["geometry"] = draw(_geometry())
        if events and draw(st.integers(0, 3)) == 0:
            props["id"] = events[0]["properties"].get("id", "x")
        events.append(feature)
    return {"type": "FeatureCollection", "article": ARTICLE, "features": events}


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_collections())
def test_variations_of_real_events_same_problems_from_columns(fc):
    with tempfile.TemporaryDirectory() as folder:
        _same_from_both(fc, Path(folder))


# --- what only a columnar file can hold ------------------------------------------------------

def _model(features: list[dict]) -> pa.Table:
    return model_columns(features)


def _minimal() -> dict:
    return json.loads((HERE / "data" / "good-minimal.geojson").read_text())


def _set(model: pa.Table, column: str, values) -> pa.Table:
    i = model.schema.get_field_index(column)
    return model.set_column(i, column, pa.array(values, model.schema.field(column).type))


def _lines(model: pa.Table) -> list[str]:
    return [str(p) for p in table_problems(model, "x.parquet")]


def test_null_items_are_values_of_the_wrong_type():
    fc = _minimal()
    model = _model(fc["features"])
    model = _set(model, "tags", [["a", None]])
    model = _set(model, "actors", [[None]])
    claims = fc["features"][0]["properties"]["fatalities"]
    model = _set(model, "fatalities", [[{**claims[0], "breakdown": [("civilians", None)]}]])
    as_dicts = copy.deepcopy(fc)
    props = as_dicts["features"][0]["properties"]
    props["tags"], props["actors"] = ["a", None], [None]
    props["fatalities"] = [{**claims[0], "breakdown": {"civilians": None}}]
    expected = [str(p).replace("x.geojson", "x.parquet") for p in validate_collection(as_dicts, "x.geojson")]
    assert _lines(model) == expected
    assert "field 'actors[0]': expected object; found NoneType None" in "\n".join(expected)


def test_geometries_geojson_cannot_have_are_named():
    fc = _minimal()
    fc["features"] = fc["features"] * 5
    for i, f in enumerate(fc["features"]):
        f = fc["features"][i] = copy.deepcopy(f)
        f["properties"]["id"] = f"event-{i}"
    model = _model(fc["features"])
    wkb = model["geometry"].to_pylist()
    wkb[1] = b"\x01\x02"  # not WKB
    wkb[2] = None
    wkb[3] = shapely.to_wkb(shapely.MultiPoint([(71.5, 37.5), (71.6, 37.6)]))
    wkb[4] = shapely.to_wkb(shapely.Point())  # empty
    lines = _lines(_set(model, "geometry", wkb))
    assert lines == [
        "x.parquet: feature 1 (id 'event-1'): field 'geometry': is not valid WKB (a Point, LineString, Polygon "
        "or MultiPolygon as well-known binary)",
        "x.parquet: feature 2 (id 'event-2'): field 'geometry': is required: a Point, LineString, Polygon or "
        "MultiPolygon",
        "x.parquet: feature 3 (id 'event-3'): field 'geometry': expected type Point, LineString, Polygon or "
        "MultiPolygon; found 'MultiPoint'",
        "x.parquet: feature 4 (id 'event-4'): field 'geometry': Point coordinates must look like [lon, lat]",
    ]


def _wkb_polygon(rings: list[list[tuple[float, float]]]) -> bytes:
    return struct.pack("<BII", 1, 3, len(rings)) + b"".join(
        struct.pack("<I", len(r)) + b"".join(struct.pack("<dd", *p) for p in r) for r in rings)


def test_an_empty_ring_or_part_is_worded_from_its_shape():
    # Shapely never builds these, but WKB holds them: GeoJSON has no empty ring.
    fc = _minimal()
    fc["features"] = [copy.deepcopy(fc["features"][0]) for _ in range(2)]
    fc["features"][1]["properties"]["id"] = "other"
    ring = [(71.5, 37.4), (71.6, 37.4), (71.6, 37.5), (71.5, 37.4)]
    holed = _wkb_polygon([ring, []])
    multi = struct.pack("<BII", 1, 6, 2) + _wkb_polygon([ring]) + _wkb_polygon([])
    lines = _lines(_set(_model(fc["features"]), "geometry", [holed, multi]))
    assert [line.split(": field ")[1] for line in lines] == [
        "'geometry': Polygon coordinates must look like [[[lon, lat], ...]]",
        "'geometry': MultiPolygon coordinates must look like [[[[lon, lat], ...]]]"]


def test_days_no_python_date_can_hold_are_named():
    model = _model(_minimal()["features"])
    model = model.set_column(model.schema.get_field_index("date_end"), "date_end",
                             pa.array([3_000_000], pa.int32()).cast(pa.date32()))
    (line,) = _lines(model)
    assert line.endswith("field 'date_end': expected a date between 0001-01-01 and 9999-12-31; "
                         "found day 3,000,000 counted from 1970-01-01")


def test_a_pattern_python_matches_is_no_problem():
    # RE2 (Arrow) refuses 'TJK\n' for ^[A-Z]{3}$; Python's re.search, which jsonschema uses, takes it.
    fc = _minimal()
    fc["features"][0]["properties"]["country"] = "TJK\n"
    assert validate_collection(fc, "x") == []
    assert table_problems(_model(fc["features"]), "x") == []


def test_numbers_are_worded_as_the_file_writes_them(tmp_path):
    fc = _minimal()
    props = fc["features"][0]["properties"]
    fc["features"][0]["geometry"]["coordinates"] = [13, 52]
    props["fatalities"] = [{"source": "Test source", "low": 9.0, "high": 3}]
    props["article_refs"] = [99.0, 40]
    problems = _collection_problems(fc, "x.geojson")[0]
    assert problems == validate_collection(fc, "x.geojson")
    assert [p.message for p in problems] == ["[13, 52] lies outside the region (lon 55..85, lat 25..45)",
                                             "paragraph 40 is not in the article (it has paragraphs 1..31)"]


def test_a_schema_keyword_without_a_columnar_rule_is_refused():
    level = schema_rules._Level(pa.array([1]), np.zeros(1, np.int64), (), False)
    with pytest.raises(TypeError, match="no columnar rule for keyword 'multipleOf'"):
        schema_rules._failing(level, "multipleOf", 2)


def test_many_problems_in_a_large_table_come_in_file_order(tmp_path):
    fc = _minimal()
    base = fc["features"][0]
    features = []
    for i in range(30):
        f = copy.deepcopy(base)
        f["properties"]["id"] = f"event-{i % 25}"
        f["properties"]["date_precision"] = "daily" if i % 7 == 0 else "day"
        f["geometry"]["coordinates"] = [37.49, 71.55] if i % 5 == 0 else [71.55, 37.49]
        features.append(f)
    fc["features"] = features
    model = _model(features)
    expected = [str(p) for p in validate_collection({**fc, "features": _as_read(model)}, "x.parquet")]
    # Schema problems first, ordered by JSON path as text (feature 14 before feature 7), then the rules.
    assert expected[:3] == [
        "x.parquet: feature 0 (id 'event-0'): field 'date_precision': expected one of day, week, month, year; "
        "found 'daily'",
        "x.parquet: feature 14 (id 'event-14'): field 'date_precision': expected one of day, week, month, year; "
        "found 'daily'",
        "x.parquet: feature 21 (id 'event-21'): field 'date_precision': expected one of day, week, month, year; "
        "found 'daily'"]
    assert [str(p) for p in table_problems(model, "x.parquet", batch_rows=4,
                                           article_paragraphs=31)] == expected


def test_the_worded_pass_on_the_invalid_features_is_the_whole_pass():
    import jsonschema

    from bordermap.model import load_schema

    fc = json.loads((HERE / "data" / "bad" / "many-problems.geojson").read_text())
    fc["features"] += copy.deepcopy(BUNDLED["features"][:12])
    fc["extra"] = 1
    whole = sorted(jsonschema.Draft202012Validator(load_schema()).iter_errors(fc),
                   key=lambda e: [str(x) for x in e.absolute_path])
    keys = [tuple(str(x) for x in e.absolute_path) for e in whole
            if not (len(e.absolute_path) > 2 and e.absolute_path[2] == "geometry")]
    assert [key for key, _ in keyed_schema_problems(fc, "x")] == keys
