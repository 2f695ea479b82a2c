"""The map is the page: its share of the window at 1440×900 and 1280×720, the timeline's brush,
zoom and playback, and the permalink restoring all of it — in a real Chromium, offline."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bordermap.dataset import load_dataset
from bordermap.timeline import EventFilter, TimeWindow, span

from browser import map_frame, offline_page, wait_for_app

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SIZES = [(1440, 900), (1280, 720)]
EPOCH = date(1970, 1, 1).toordinal()


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo")


def day(d: date) -> int:
    return d.toordinal() - EPOCH


def date_of(n: int) -> date:
    return date.fromordinal(n + EPOCH)


def open_app(chromium, url, width=1440, height=900):
    page, watch = offline_page(chromium, width=width, height=height)
    page.goto(url)
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("Bordermap.timelineControl && Bordermap.layers.length && Bordermap.layers[0].ready")
    page.wait_for_timeout(300)
    return page, watch, frame


def window(frame) -> tuple[date, date]:
    f = frame.evaluate("[Bordermap.state.filter.t0, Bordermap.state.filter.t1]")
    return date_of(f[0]), date_of(f[1])


def expected(ds, start: date, end: date) -> int:
    return len(EventFilter(window=TimeWindow(start, end)).rows(ds.table))


def track_box(page, frame):
    """The timeline's track in page coordinates (the iframe's offset added)."""
    return frame.locator(".bm-tl-track").bounding_box()


def x_of(frame, box, d: date) -> float:
    return box["x"] + frame.evaluate("(d) => Bordermap.timelineControl.xOf(d)", day(d))


def wait_url(page, name, value, timeout=10.0):
    deadline = time.time() + timeout
    while parse_qs(urlparse(page.url).query).get(name) != value and time.time() < deadline:
        page.wait_for_timeout(100)
    assert parse_qs(urlparse(page.url).query).get(name) == value, page.url


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_map_fills_the_window(app_server, chromium, artifacts, size):
    w, h = size
    page, watch, frame = open_app(chromium, app_server.url, w, h)
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    inner = frame.evaluate("(() => { const r = map.getContainer().getBoundingClientRect(); return [r.width, r.height]; })()")
    # The map itself (its timeline not counted) is at least 60% of the viewport, and all of it,
    # the timeline under it and the table's header are above the fold.
    assert inner[0] * inner[1] >= 0.6 * w * h, (inner, w, h)
    assert iframe["y"] >= 0 and iframe["y"] + iframe["height"] <= h
    tl = frame.locator(".bm-tl").bounding_box()
    assert tl["y"] + tl["height"] <= h + 1 and tl["height"] > 60
    table = page.get_by_text("Events in view").bounding_box()
    assert table["y"] + table["height"] <= h
    for name in ("Filters", "Next event", "Export this view", "Briefing", "About"):
        b = page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name)).first.bounding_box()
        assert b and b["y"] + b["height"] <= 60, name
    page.screenshot(path=str(artifacts / f"map-first-{w}x{h}.png"))
    # A pick opens the drawer over the map's right side; Close closes it, the map stays put.
    page.get_by_role("button", name="Next event").click()
    drawer = page.locator(".st-key-bm-drawer")
    drawer.locator(".bm-panel-title").wait_for(timeout=15000)
    d = drawer.bounding_box()
    assert d["x"] > w * 0.55 and d["y"] + d["height"] <= h
    assert d["y"] + d["height"] <= tl["y"] + 1  # the timeline's controls stay in reach
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box() == iframe  # no jump
    # The layer control and the legend move out from under the drawer, into the map.
    frame.wait_for_function("map.getContainer().getAttribute('data-bm-clear-of') > 0", timeout=5000)
    controls = [frame.locator(".leaflet-control-layers"), frame.locator(".bm-legend")]
    for ctl in controls:
        c = ctl.bounding_box()
        assert c["x"] + c["width"] <= d["x"] and c["x"] >= iframe["x"], (c, d)
    page.screenshot(path=str(artifacts / f"map-first-{w}x{h}-panel.png"))
    drawer.get_by_role("button", name="Close").click()
    drawer.wait_for(state="hidden", timeout=15000)
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box() == iframe
    # ... and back to the map's right edge when it closes.
    frame.wait_for_function("map.getContainer().getAttribute('data-bm-clear-of') === '0'", timeout=5000)
    for ctl in controls:
        c = ctl.bounding_box()
        assert c["x"] + c["width"] >= iframe["x"] + iframe["width"] - 20, c
    assert watch.problems() == []


def test_brush_sets_moves_and_resizes_the_window(app_server, chromium, ds):
    page, watch, frame = open_app(chromium, app_server.url + "?axis=2012-07-01..2012-07-31")
    assert frame.evaluate("Bordermap.timelineControl.unit") == "day"  # a month gets days
    box = track_box(page, frame)
    y = box["y"] + box["height"] / 2
    # Drag across empty track: a new window from 20 to 25 July.
    page.mouse.move(x_of(frame, box, date(2012, 7, 20)) + 2, y)
    page.mouse.down()
    page.mouse.move(x_of(frame, box, date(2012, 7, 23)), y, steps=4)
    page.mouse.move(x_of(frame, box, date(2012, 7, 25)) + 2, y, steps=4)
    page.mouse.up()
    assert window(frame) == (date(2012, 7, 20), date(2012, 7, 25))
    assert frame.evaluate("Bordermap.count()") == expected(ds, date(2012, 7, 20), date(2012, 7, 25))
    label = frame.locator(".bm-tl-label").inner_text()
    assert "20 Jul 2012 – 25 Jul 2012" in label
    assert f"{expected(ds, date(2012, 7, 20), date(2012, 7, 25))} event" in label
    # Drag the window itself three days later: same length.
    page.mouse.move(x_of(frame, box, date(2012, 7, 22)) + 5, y)
    page.mouse.down()
    page.mouse.move(x_of(frame, box, date(2012, 7, 25)) + 5, y, steps=6)
    page.mouse.up()
    assert window(frame) == (date(2012, 7, 23), date(2012, 7, 28))
    # Drag its end edge back to the 26th.
    page.mouse.move(x_of(frame, box, date(2012, 7, 29)), y)
    page.mouse.down()
    page.mouse.move(x_of(frame, box, date(2012, 7, 26)) + 3, y, steps=6)
    page.mouse.up()
    assert window(frame) == (date(2012, 7, 23), date(2012, 7, 26))
    assert frame.evaluate("Bordermap.count()") == expected(ds, date(2012, 7, 23), date(2012, 7, 26))
    # The page follows: count and permalink.
    wait_url(page, "from", ["2012-07-23"])
    wait_url(page, "to", ["2012-07-26"])
    n = expected(ds, date(2012, 7, 23), date(2012, 7, 26))
    page.get_by_text(f"{n} of {len(ds)} events").first.wait_for(timeout=15000)
    assert watch.problems() == []


def test_the_axis_zooms_in_and_out(app_server, chromium, ds):
    page, watch, frame = open_app(chromium, app_server.url)
    whole = span(ds.table)
    assert frame.evaluate("Bordermap.timelineControl.axis()") == [day(whole.start), day(whole.end)]
    assert frame.evaluate("Bordermap.timelineControl.unit") in ("month", "quarter", "year")
    box = track_box(page, frame)
    page.mouse.move(x_of(frame, box, date(2012, 7, 15)), box["y"] + box["height"] / 2)
    for _ in range(12):
        page.mouse.wheel(0, -120)
        page.wait_for_timeout(30)
    a0, a1 = frame.evaluate("Bordermap.timelineControl.axis()")
    # (the pointer's day is known to a few days at the whole span's scale: 0.2 px a day)
    assert a1 - a0 < 400 and a0 - 4 <= day(date(2012, 7, 15)) <= a1 + 4
    assert frame.evaluate("Bordermap.timelineControl.unit") in ("day", "week")
    # Zooming never changes the window, and the window dates stay readable.
    assert window(frame) == (whole.start, whole.end)
    wait_url(page, "axis", [f"{date_of(a0).isoformat()}..{date_of(a1).isoformat()}"])
    frame.get_by_role("button", name="The whole span, window and axis").click()
    assert frame.evaluate("Bordermap.timelineControl.axis()") == [day(whole.start), day(whole.end)]
    # The busiest month: the window and the axis on July 2012.
    frame.locator(".bm-tl-dense").click()
    w0, w1 = window(frame)
    assert w0.month == 7 and w0.year == 2012 or w1.month == 7
    a0, a1 = frame.evaluate("Bordermap.timelineControl.axis()")
    assert a1 - a0 < 120
    assert watch.problems() == []


def test_playback_moves_the_window_and_pause_stops_it(app_server, chromium, ds):
    page, watch, frame = open_app(chromium, app_server.url + "?from=2010-07-01&to=2010-07-31&step=month&speed=4")
    assert frame.locator(".bm-tl-step").input_value() == "month"
    start = window(frame)
    frame.get_by_role("button", name="Play").click()
    seen = set()
    for _ in range(12):
        page.wait_for_timeout(200)
        t0, t1, n = frame.evaluate("[Bordermap.state.filter.t0, Bordermap.state.filter.t1, Bordermap.count()]")
        seen.add((t0, t1))
        # ...the map shows exactly the events of the window it is at...
        assert n == expected(ds, date_of(t0), date_of(t1))
    assert len(seen) >= 3, seen  # ...which moved, month by month, keeping its length...
    later = window(frame)
    assert later[0] > start[0]
    assert {(b - a) for a, b in seen} <= {day(start[1]) - day(start[0]), 29, 30, 27, 28}
    frame.get_by_role("button", name="Pause").click()
    paused = window(frame)
    page.wait_for_timeout(800)
    assert window(frame) == paused  # ...and pause stops it.
    assert frame.evaluate("Bordermap.count()") == expected(ds, *paused)
    # Keyboard: on the timeline, → steps a month, Space plays and pauses.
    frame.locator(".bm-tl").focus()
    before = window(frame)
    frame.locator(".bm-tl").press("ArrowLeft")
    assert window(frame)[0] < before[0]
    frame.locator(".bm-tl").press(" ")
    assert frame.evaluate("Bordermap.timelineControl.playing()")
    frame.locator(".bm-tl").press(" ")
    assert not frame.evaluate("Bordermap.timelineControl.playing()")
    assert watch.problems() == []


def test_a_growing_window_keeps_its_start(app_server, chromium, ds):
    page, watch, frame = open_app(chromium, app_server.url + "?from=2012-07-16&to=2012-07-19&step=day&grow=1&speed=4")
    assert frame.locator(".bm-tl-grow").input_value() == "1"
    counts = []
    frame.get_by_role("button", name="Play").click()
    for _ in range(8):
        page.wait_for_timeout(180)
        counts.append(frame.evaluate("Bordermap.count()"))
    frame.evaluate("Bordermap.timelineControl.pause()")  # (it stops by itself at the record's end)
    w0, w1 = window(frame)
    assert w0 == date(2012, 7, 16) and w1 > date(2012, 7, 22)
    assert counts == sorted(counts) and counts[-1] > counts[0]  # cumulative: only ever grows
    assert watch.problems() == []


def test_the_permalink_restores_window_zoom_and_playback(app_server, chromium, ds):
    page, watch, frame = open_app(chromium, app_server.url + "?from=2012-07-20&to=2012-07-31")
    # A narrow window opens on an axis zoomed to it, not as a sliver of twenty years.
    a0, a1 = frame.evaluate("Bordermap.timelineControl.axis()")
    assert a1 - a0 < 60
    frame.locator(".bm-tl-step").select_option("day")
    frame.locator(".bm-tl-grow").select_option("1")
    frame.locator(".bm-tl-speed").select_option("2")
    frame.locator(".bm-tl").focus()
    frame.locator(".bm-tl").press("ArrowLeft")  # a day earlier: 19–30 July
    assert window(frame) == (date(2012, 7, 19), date(2012, 7, 30))
    wait_url(page, "from", ["2012-07-19"])
    wait_url(page, "to", ["2012-07-30"])  # (each parameter reaches the address bar in its own message)
    wait_url(page, "step", ["day"])
    wait_url(page, "grow", ["1"])
    wait_url(page, "speed", ["2"])
    url = page.url
    page2, watch2, frame2 = open_app(chromium, url)
    assert window(frame2) == (date(2012, 7, 19), date(2012, 7, 30))
    assert parse_qs(urlparse(url).query)["axis"] == [f"{date_of(a0).isoformat()}..{date_of(a1).isoformat()}"]
    assert frame2.evaluate("Bordermap.timelineControl.axis()") == [a0, a1]
    assert frame2.locator(".bm-tl-step").input_value() == "day"
    assert frame2.locator(".bm-tl-grow").input_value() == "1"
    assert frame2.locator(".bm-tl-speed").input_value() == "2"
    assert frame2.evaluate("Bordermap.count()") == expected(ds, date(2012, 7, 19), date(2012, 7, 30))
    assert watch.problems() == [] and watch2.problems() == []


KHOROG = (37.49, 71.55)


@pytest.mark.parametrize("query", ["Хорог", "خاروغ", "Khorugh", "khorog"])
def test_search_finds_a_place_in_any_script_and_flies_there(app_server, chromium, query):
    page, watch, frame = open_app(chromium, app_server.url, 1280, 720)
    box = page.get_by_placeholder("Search places")
    box.fill(query)
    box.press("Enter")
    first = page.locator(".st-key-bm-drawer-body .stButton button").first
    first.wait_for(timeout=15000)
    assert first.inner_text().startswith("Place: Khorugh")
    first.click()
    frame.wait_for_function("map.getZoom() >= 10", timeout=15000)
    page.wait_for_timeout(1200)  # the flight
    lat, lon = frame.evaluate("[map.getCenter().lat, map.getCenter().lng]")
    assert abs(lat - KHOROG[0]) < 0.05 and abs(lon - KHOROG[1]) < 0.05
    wait_url(page, "q", [query])
    assert watch.problems() == []


def test_search_finds_events_by_their_words_and_opens_one(app_server, chromium, ds):
    target = ds.table.properties(ds.table.row_of("2012-07-24-khorog-special-operation"))
    page, watch, frame = open_app(chromium, app_server.url, 1280, 720)
    box = page.get_by_placeholder("Search places")
    box.fill("special operation")
    box.press("Enter")
    hit = page.locator(".st-key-bm-drawer-body .stButton button", has_text=target["title"]).first
    hit.wait_for(timeout=15000)
    hit.click()
    page.locator(".bm-panel-title", has_text=target["title"]).wait_for(timeout=15000)
    wait_url(page, "event", [target["id"]])
    row = ds.table.row_of(target["id"])
    page.wait_for_timeout(1500)
    assert frame.evaluate("Bordermap.state.selected") == row
    assert frame.evaluate("(r) => map.getBounds().contains(Bordermap.layers[0].bounds(r).getCenter())", row)
    # The permalink with the search opens the same results.
    page2, watch2, _ = open_app(chromium, app_server.url + "?q=special%20operation", 1280, 720)
    page2.locator(".st-key-bm-drawer-body .stButton button", has_text=target["title"]).first.wait_for(timeout=15000)
    assert watch.problems() == [] and watch2.problems() == []
