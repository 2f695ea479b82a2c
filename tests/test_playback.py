"""The timeline's view in the permalink, and the axis it opens on."""

from datetime import date

from hypothesis import given, strategies as st

from bordermap.playback import TimelineView, default_axis, timeline_options
from bordermap.timeline import TimeWindow

WHOLE = TimeWindow(date(1992, 1, 1), date(2012, 7, 31))


def test_round_trip_through_the_query():
    view = TimelineView(axis=TimeWindow(date(2012, 6, 1), date(2012, 7, 31)), step="month", grow=True, speed=2)
    q = {k: v for k, v in view.to_query().items() if v is not None}
    assert q == {"axis": "2012-06-01..2012-07-31", "step": "month", "grow": "1", "speed": "2"}
    assert TimelineView.from_query(q, WHOLE) == view
    assert TimelineView().to_query() == {"axis": None, "step": None, "grow": None, "speed": None}


def test_bad_values_fall_back_to_defaults():
    v = TimelineView.from_query({"axis": "2012-07-31..2012-07-01", "step": "fortnight", "grow": "yes",
                                 "speed": "nan"}, WHOLE)
    assert v == TimelineView()
    assert TimelineView.from_query({"axis": "1900-01-01..2030-01-01"}, WHOLE).axis == WHOLE  # clamped
    assert TimelineView.from_query({"speed": "3"}).speed == 1  # only the offered speeds


@given(st.dictionaries(st.sampled_from(["axis", "step", "grow", "speed"]), st.text(max_size=40)))
def test_any_query_parses(params):
    TimelineView.from_query(params, WHOLE)


def test_from_the_browser():
    assert TimelineView.from_browser(None) is None
    v = TimelineView.from_browser({"axis": ["2012-07-01", "2012-07-31"], "step": "day", "grow": True, "speed": 4})
    assert v == TimelineView(axis=TimeWindow(date(2012, 7, 1), date(2012, 7, 31)), step="day", grow=True, speed=4)
    assert TimelineView.from_browser({"axis": [1, 2], "grow": "true"}) == TimelineView()


def test_a_narrow_window_opens_a_zoomed_axis():
    assert default_axis(WHOLE, WHOLE) is None
    assert default_axis(TimeWindow(date(2005, 1, 1), date(2012, 7, 31)), WHOLE) is None
    axis = default_axis(TimeWindow(date(2012, 7, 20), date(2012, 7, 31)), WHOLE)
    assert axis == TimeWindow(date(2012, 7, 13), date(2012, 7, 31))  # a week before; the record ends on the 31st
    one_day = default_axis(TimeWindow(date(2000, 5, 5), date(2000, 5, 5)), WHOLE)
    assert one_day.days >= 14 and one_day.start <= date(2000, 5, 5) <= one_day.end


def test_options_carry_the_rules_and_the_busiest_month():
    o = timeline_options(WHOLE, dense=TimeWindow(date(2012, 6, 29), date(2012, 7, 27)))
    assert o["min"] < o["max"] and o["units"][0][0] == "day" and o["steps"][1][0] == "week"
    assert o["dense"]["label"] == "Busiest period · Jul 2012"
    assert o["initial"] == {"axis": None, "step": "week", "grow": False, "speed": 1}


def test_the_timeline_colours_are_the_styles_and_the_css_reads_them():
    # One source: Python's style; timeline.css uses the custom property timeline.js sets from it.
    from pathlib import Path

    from bordermap import playback
    from bordermap.mapping import style

    assert playback.COLOURS is style.TIMELINE_COLOURS
    assert style.TIMELINE_COLOURS["inside"].lower() not in {c.lower() for c in style.TYPE_COLORS.values()}
    css = (Path(playback.__file__).parent / "static" / "timeline.css").read_text()
    assert style.TIMELINE_COLOURS["inside"].lower() not in css.lower() and "var(--bm-tl-inside)" in css
    js = (Path(playback.__file__).parent / "static" / "timeline.js").read_text()
    assert 'setProperty("--bm-tl-inside", opts.colours.inside)' in js
