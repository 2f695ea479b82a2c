from datetime import date

from bordermap.core.table import EventTable
from bordermap.timeline import TimeWindow
from bordermap.ui.chart import timeline_chart


def ev(start, t):
    return {"geometry": {"type": "Point", "coordinates": [71.5, 37.5]},
            "properties": {"id": "e", "date_start": start, "date_end": start, "event_type": t}}


def test_chart_counts_per_month_and_type_not_per_event():
    events = [ev("2012-07-21", "Battles"), ev("2012-07-24", "Battles"), ev("2012-07-25", "Strategic developments"),
              ev("2010-10-01", "Battles")] * 100
    spec = timeline_chart(EventTable.from_features(events), TimeWindow(date(2012, 7, 1), date(2012, 7, 31))).to_dict()
    rows = next(v for k, v in spec["datasets"].items() if v and "events" in v[0])
    assert len(rows) == 3
    assert sorted((r["start"][:7], r["type"], r["events"]) for r in rows) == [
        ("2010-10", "Battles", 100), ("2012-07", "Battles", 200), ("2012-07", "Strategic developments", 100)]
