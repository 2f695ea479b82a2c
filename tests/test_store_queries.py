"""The app's questions in SQL (bordermap.store.queries) on a real PostGIS, held to the same hand-worked
conformance cases as the Python filter and the browser's (tests/data/conformance/cases.json), and
to the opened dataset's own answers for boxes, bars and bounds."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import psycopg
import pytest

from bordermap.dataset import load_dataset
from bordermap.project import project_for_events
from bordermap.store import load_project_into
from bordermap.store.connection import StoreError
from bordermap.store.queries import Box, count_events, event_ids, timeline_bars
from bordermap.timeline import EventFilter, TimeWindow
from test_filter_conformance import CASES, HERE, case_filter

ROOT = Path(__file__).resolve().parents[1]
SIDE_CASES = [c for c in CASES if c.get("sides")]
STORE_CASES = [c for c in CASES if not c.get("sides")]


@pytest.fixture(scope="module")
def conformance():
    return load_dataset(HERE / "events.geojson", ROOT / "geo")


@pytest.fixture
def conn(store):
    load_project_into(store, project_for_events(HERE / "events.geojson", ROOT / "geo"))
    with psycopg.connect(store, autocommit=True) as c:
        yield c


def test_every_conformance_case_is_answered_by_the_store(conn):
    # One database for all cases (loading it per case would cost more than the queries).
    assert STORE_CASES and SIDE_CASES
    for case in STORE_CASES:
        flt = case_filter(case)
        ids = event_ids(conn, flt)
        assert sorted(ids) == case["expected"], case["name"]
        assert count_events(conn, flt) == len(case["expected"]), case["name"]
        assert count_events(conn, flt, dataset="events") == len(case["expected"]), case["name"]
        assert count_events(conn, flt, dataset="no such dataset") == 0, case["name"]


def test_ids_come_in_the_cores_story_order_and_are_bounded(conn, conformance):
    story = [str(i) for i in conformance.table.ids]
    assert event_ids(conn) == story
    assert event_ids(conn, limit=5) == story[:5]
    assert event_ids(conn, limit=0) == []
    for bad in (-1, 2.5, "10"):
        with pytest.raises(StoreError, match="limit"):
            event_ids(conn, limit=bad)


def test_a_filter_by_side_is_refused_in_one_sentence_not_ignored(conn):
    for case in SIDE_CASES:
        with pytest.raises(StoreError, match="side of the border") as err:
            count_events(conn, case_filter(case))
        assert "\n" not in str(err.value)


def test_a_box_selects_what_the_opened_dataset_says_is_inside_it(conn, conformance):
    table = conformance.table
    features = [table.feature(r) for r in range(len(table))]
    for box in (Box(71.0, 37.0, 72.0, 38.0), Box(71.0, 36.0, 72.0, 37.0), Box(60.0, 30.0, 61.0, 31.0)):
        inside = []
        for f in features:
            coords = np.asarray(f["geometry"]["coordinates"], dtype=float).reshape(-1, 2)
            lo, hi = coords.min(axis=0), coords.max(axis=0)  # && compares bounding boxes
            if lo[0] <= box.east and hi[0] >= box.west and lo[1] <= box.north and hi[1] >= box.south:
                inside.append(f["properties"]["id"])
        assert sorted(event_ids(conn, box=box)) == sorted(inside)
        assert count_events(conn, box=box) == len(inside)
    assert count_events(conn, box=Box(71.0, 37.0, 72.0, 38.0)) > 0


@pytest.mark.parametrize("bad", [(72.0, 37.0, 71.0, 38.0), (71.0, 38.0, 72.0, 37.0), (0, 95, 1, 96),
                                 (float("nan"), 0, 1, 1), ("a", 0, 1, 1), (True, 0, 1, 1)])
def test_a_bad_box_is_refused_in_one_sentence(bad):
    with pytest.raises(StoreError, match="map box") as err:
        Box(*bad)
    assert "\n" not in str(err.value)


def _python_bars(table, window: TimeWindow | None, unit: str) -> dict[date, tuple[int, int]]:
    def start_of(d: date) -> date:
        if unit == "day":
            return d
        if unit == "week":
            return d - timedelta(days=d.weekday())
        if unit == "month":
            return d.replace(day=1)
        if unit == "quarter":
            return d.replace(month=d.month - (d.month - 1) % 3, day=1)
        return d.replace(month=1, day=1)

    inside, outside = Counter(), Counter()
    mask = EventFilter(window=window).mask(table) if window else np.ones(len(table), bool)
    for r in range(len(table)):
        start = date.fromisoformat(table.feature(r)["properties"]["date_start"])
        (inside if mask[r] else outside)[start_of(start)] += 1
    return {k: (inside[k], outside[k]) for k in set(inside) | set(outside)}


@pytest.mark.parametrize("unit", ["day", "week", "month", "quarter", "year"])
def test_timeline_bars_count_starts_per_unit_inside_and_outside_the_window(conn, conformance, unit):
    for window in (None, TimeWindow(date(2012, 7, 24), date(2012, 7, 31)), TimeWindow(date(2013, 1, 1), date(2013, 2, 1))):
        bars = timeline_bars(conn, EventFilter(window=window), unit)
        assert [b.start for b in bars] == sorted(b.start for b in bars)
        assert {b.start: (b.inside, b.outside) for b in bars} == _python_bars(conformance.table, window, unit)
        assert sum(b.inside + b.outside for b in bars) == len(conformance)
    battles = timeline_bars(conn, EventFilter(event_types=frozenset({"Battles"})), unit)
    assert sum(b.inside for b in battles) == 5 and all(b.outside == 0 for b in battles)


def test_an_unknown_unit_is_refused(conn):
    with pytest.raises(StoreError, match="timeline unit"):
        timeline_bars(conn, unit="fortnight")


def test_hostile_filter_values_are_parameters_not_sql(conn):
    hostile = "x' OR '1'='1"
    assert count_events(conn, EventFilter(actor=hostile)) == 0
    assert count_events(conn, EventFilter(event_types=frozenset({hostile}))) == 0
    assert count_events(conn, EventFilter(datasets=frozenset({"events'; DROP TABLE events; --"}))) == 0
    assert count_events(conn) == 12
