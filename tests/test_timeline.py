from datetime import date

import pytest

from bordermap.timeline import (EventFilter, TimeWindow, dense_period, filter_events, ordered,
                                overlaps, span, step)


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
    w = TimeWindow(*win)
    assert [f["properties"]["id"] for f in EVENTS if overlaps(f, w)] == expected


def test_filters_combine():
    f = EventFilter(window=TimeWindow(date(2012, 7, 1), date(2012, 7, 31)), sides=frozenset({"TJK"}))
    assert [e["properties"]["id"] for e in filter_events(EVENTS, f)] == ["b"]
    assert [e["properties"]["id"] for e in filter_events(EVENTS, EventFilter(actor="Ayambekov"))] == ["b"]
    assert [e["properties"]["id"] for e in filter_events(EVENTS, EventFilter(confidence=frozenset({"unconfirmed"})))] == ["month"]
    assert len(filter_events(EVENTS, EventFilter())) == 5


def test_describe():
    f = EventFilter(window=TimeWindow(date(2012, 7, 1), date(2012, 7, 31)), event_types=frozenset({"Battles"}))
    assert f.describe() == "2012-07-01 to 2012-07-31; types: Battles"
    assert EventFilter().describe() == "all events"


def test_span_and_dense_period():
    assert span(EVENTS) == TimeWindow(date(1992, 1, 1), date(2012, 7, 25))
    d = dense_period(EVENTS, pad_days=1)
    assert d == TimeWindow(date(2012, 7, 20), date(2012, 7, 26))
    assert dense_period(EVENTS[:2], pad_days=0) == TimeWindow(date(1992, 1, 1), date(1992, 1, 1))
    assert span([]) is None and dense_period([]) is None


def test_step_through_story_order():
    ids = [f["properties"]["id"] for f in ordered(EVENTS)]
    assert ids == ["war", "month", "a", "b", "c"]
    assert step(EVENTS, None, +1)["properties"]["id"] == "war"
    assert step(EVENTS, None, -1)["properties"]["id"] == "c"
    assert step(EVENTS, "a", +1)["properties"]["id"] == "b"
    assert step(EVENTS, "a", -1)["properties"]["id"] == "month"
    assert step(EVENTS, "c", +1)["properties"]["id"] == "c"
    assert step([], "a", 1) is None
