"""The columnar core: the table gives back exactly the events it was built from, in story order,
and its vectorised fatality range is the model's rule."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from bordermap.core.columns import properties_schema
from bordermap.core.table import EventTable, fatality_range_columns, take_rows
from bordermap.model import fatality_range

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


claims = st.lists(st.fixed_dictionaries({"source": st.just("s")}, optional={
    "total": st.integers(0, 10_000), "low": st.integers(0, 10_000), "high": st.integers(0, 10_000),
    "breakdown": st.dictionaries(st.sampled_from(["a", "b_c"]), st.integers(0, 50), max_size=2)}), max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(claims, min_size=1, max_size=20))
def test_vectorised_fatality_range_is_the_models_rule(events):
    typ = next(f.type for f in properties_schema() if f.name == "fatalities")
    low, high = fatality_range_columns(pa.array(events, typ))
    assert list(zip(low.to_pylist(), high.to_pylist())) == [fatality_range(c) for c in events]


def test_take_rows_picks_without_reordering():
    fc = json.loads((ROOT / "data" / "events.geojson").read_text())
    table = EventTable.from_features(fc["features"])
    for rows in ([], [0], [5, 6, 7], [3, 1, 2, 30], list(range(len(table)))):
        assert take_rows(table.table, rows).to_pylist() == table.table.take(pa.array(rows, pa.int64())).to_pylist()
