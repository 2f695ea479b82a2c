from datetime import date

import pytest

import numpy as np

from bordermap.core.table import EventTable
from bordermap.timeline import EventFilter, TimeWindow, dense_period, span, step, window_days


def ev(id, start, end=None, **props):
    p = {"id": id, "date_start": start, "date_end": end or start, "event_type": "Battles",
         "confidence": "reported", "actors": [], **props}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [71.5, 37.5]}, "properties": p}


EVENTS = [
    ev("war", "1992-01-01", "1997-12-31", event_type="Strategic developments"),
    ev("month", "2010-07-01", "2010-07-31", confidence="unconfirmed"),
    ev("a", "2012-07-21"),
    ev("b", "2012-07-24", "2012-07-25", side="TJK",
       actors=[{"name": "Tolib Ayombekov", "role": "actor2", "aliases": ["Ayembekov", "Ayambekov"]}]),
    ev("c", "2012-07-25", side="AFG"),
]


def table(events=EVENTS):
    sides = [e["properties"].pop("side", None) for e in [dict(e, properties=dict(e["properties"])) for e in events]]
    return EventTable.from_features(events, derived={"side": np.array(sides, dtype=object)})


def ids(tbl, rows):
    return [str(tbl.ids[r]) for r in rows]


def test_window_rejects_reversed_interval():
    with pytest.raises(ValueError, match="ends .* before it starts"):
        TimeWindow(date(2012, 7, 2), date(2012, 7, 1))


@pytest.mark.parametrize("win, expected", [
    ((date(2012, 7, 22), date(2012, 7, 23)), []),
    ((date(2012, 7, 25), date(2012, 7, 25)), ["b", "c"]),          # b's range reaches into the window
    ((date(2010, 7, 15), date(2010, 7, 15)), ["month"]),           # month-precision overlaps mid-month
    ((date(1995, 1, 1), date(1995, 1, 1)), ["war"]),
    ((date(1990, 1, 1), date(2013, 1, 1)), ["war", "month", "a", "b", "c"]),
])
def test_interval_overlap(win, expected):
    tbl = table()
    assert ids(tbl, EventFilter(window=TimeWindow(*win)).rows(tbl)) == expected


def test_filters_combine():
    tbl = table()
    f = EventFilter(window=TimeWindow(date(2012, 7, 1), date(2012, 7, 31)), sides=frozenset({"TJK"}))
    assert ids(tbl, f.rows(tbl)) == ["b"]
    assert ids(tbl, EventFilter(actor="Ayambekov").rows(tbl)) == ["b"]
    assert ids(tbl, EventFilter(actor="Tolib Ayombekov").rows(tbl)) == ["b"]
    assert ids(tbl, EventFilter(confidence=frozenset({"unconfirmed"})).rows(tbl)) == ["month"]
    assert ids(tbl, EventFilter(event_types=frozenset({"Strategic developments"})).rows(tbl)) == ["war"]
    assert len(EventFilter().rows(tbl)) == 5


def test_describe():
    f = EventFilter(window=TimeWindow(date(2012, 7, 1), date(2012, 7, 31)), event_types=frozenset({"Battles"}))
    assert f.describe() == "2012-07-01 to 2012-07-31; types: Battles"
    assert EventFilter().describe() == "all events"


def test_span_and_dense_period():
    assert span(table()) == TimeWindow(date(1992, 1, 1), date(2012, 7, 25))
    d = dense_period(table(), pad_days=1)
    assert d == TimeWindow(date(2012, 7, 20), date(2012, 7, 26))
    assert dense_period(table(EVENTS[:2]), pad_days=0) == TimeWindow(date(1992, 1, 1), date(1992, 1, 1))
    assert span(EventTable.empty()) is None and dense_period(EventTable.empty()) is None


def test_one_day_dataset_has_a_one_day_span():
    one = table([ev("x", "2012-07-24"), ev("y", "2012-07-24")])
    assert span(one) == TimeWindow(date(2012, 7, 24), date(2012, 7, 24))
    assert dense_period(one, pad_days=0) == span(one)


def test_window_days_are_days_since_1970():
    assert window_days(TimeWindow(date(1970, 1, 2), date(2012, 7, 24))) == (1, 15545)
    assert TimeWindow.from_days(1, 15545) == TimeWindow(date(1970, 1, 2), date(2012, 7, 24))


def test_step_through_story_order():
    tbl = table(list(reversed(EVENTS)))  # the table sorts into story order whatever the input order
    assert list(tbl.ids) == ["war", "month", "a", "b", "c"]
    row = tbl.row_of
    assert step(tbl, None, +1) == row("war")
    assert step(tbl, None, -1) == row("c")
    assert step(tbl, row("a"), +1) == row("b")
    assert step(tbl, row("a"), -1) == row("month")
    assert step(tbl, row("c"), +1) == row("c")
    assert step(EventTable.empty(), 0, 1) is None
