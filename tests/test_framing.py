"""bordermap.mapping.framing: the box around the selected events, and the boxes and views people give."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bordermap.core.table import EventTable
from bordermap.mapping.framing import (MAX_FRAME_ZOOM, MAX_ZOOM, Bounds, FrameError, View, as_frame, events_bounds,
                                       events_frame, parse_bbox, parse_view)
from bordermap.mapping.style import RING_KM
from bordermap.synthetic import synthetic_collection

REGION = View(37.75, 70.9, 7)


def feature(i: int, geometry: dict, geo_precision: int = 1) -> dict:
    f = synthetic_collection(1, seed=i)["features"][0]
    f["geometry"] = geometry
    f["properties"]["geo_precision"] = geo_precision
    return f


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def table(*features: dict) -> EventTable:
    return EventTable.from_features(list(features))


def test_the_box_holds_every_point_line_and_area():
    t = table(feature(1, point(70.0, 37.0)),
              feature(2, {"type": "LineString", "coordinates": [[71.0, 36.5], [72.0, 38.5]]}),
              feature(3, {"type": "Polygon", "coordinates": [[[69.0, 37.2], [69.5, 37.2], [69.5, 37.9],
                                                              [69.0, 37.9], [69.0, 37.2]]]}))
    b = events_bounds(t)
    assert (b.west, b.south, b.east, b.north) == pytest.approx((69.0, 36.5, 72.0, 38.5))
    assert b.max_zoom == MAX_FRAME_ZOOM


def test_an_approximate_place_brings_its_ring():
    lat = 37.5
    precise = events_bounds(table(feature(1, point(71.5, lat), geo_precision=1)))
    region = events_bounds(table(feature(1, point(71.5, lat), geo_precision=3)))
    near = events_bounds(table(feature(1, point(71.5, lat), geo_precision=2)))
    assert precise.north - precise.south < 1e-5  # a point: max_zoom decides how close
    km_per_deg = 111.32
    assert region.north - lat == pytest.approx(RING_KM[3] / km_per_deg, rel=1e-3)
    assert near.north - lat == pytest.approx(RING_KM[2] / km_per_deg, rel=1e-3)
    assert region.east - 71.5 == pytest.approx(RING_KM[3] / (km_per_deg * math.cos(math.radians(lat))), rel=1e-3)
    # A line's ends are exact: no ring, whatever its precision code.
    line = events_bounds(table(feature(2, {"type": "LineString", "coordinates": [[71.0, 37.0], [71.5, 37.5]]},
                                       geo_precision=3)))
    assert (line.south, line.north) == pytest.approx((37.0, 37.5))


def test_nothing_selected_is_the_region():
    assert events_bounds(EventTable.empty()) is None
    assert events_frame(EventTable.empty(), REGION) == REGION
    one = table(feature(1, point(71.55, 37.49)))
    assert isinstance(events_frame(one, REGION), Bounds)


def test_many_events_vectorised():
    fc = synthetic_collection(5000, seed=2)
    t = EventTable.from_features(fc["features"])
    b = events_bounds(t)
    lon, lat = t.lonlat.T
    assert b.west <= lon.min() and b.east >= lon.max() and b.south <= lat.min() and b.north >= lat.max()


def test_bounds_and_views_name_every_bad_value():
    with pytest.raises(FrameError) as exc:
        Bounds(200, -95, 10, 20)
    assert exc.value.problems == ("west 200 is outside -180 to 180", "south -95 is outside -90 to 90")
    with pytest.raises(FrameError, match="west 72 is not less than east 71"):
        Bounds(72, 37, 71, 38)
    with pytest.raises(FrameError, match="zoom 15 is outside 4 to 14"):
        View(37, 71, MAX_ZOOM + 1)


@pytest.mark.parametrize("text, problems", [
    ("80,10,70,95", ["--bbox: north 95 is outside -90 to 90",
                     "--bbox: west 80 is not less than east 70 (a box across the antimeridian is not supported)"]),
    ("71,38,72,37", ["--bbox: south 38 is not less than north 37"]),
    ("-200,x,70,50", ["--bbox: south 'x' is not a number", "--bbox: west -200 is outside -180 to 180"]),
    ("nan,1,2,3", ["--bbox: west nan is not a finite number"]),
    ("1,2,3", ["--bbox '1,2,3' is not 4 numbers W,S,E,N, e.g. 68.5,36.5,72.5,39.5"]),
])
def test_bbox_text(text, problems):
    with pytest.raises(FrameError) as exc:
        parse_bbox(text)
    assert list(exc.value.problems) == problems


def test_good_bbox_and_view_text():
    assert parse_bbox(" 68.5, 36.5 ,72.5,39.5") == Bounds(68.5, 36.5, 72.5, 39.5)
    assert parse_view("37.49,71.55,10") == View(37.49, 71.55, 10.0)
    with pytest.raises(FrameError) as exc:
        parse_view("95,y,3.5")
    assert list(exc.value.problems) == ["--view: longitude 'y' is not a number",
                                        "--view: latitude 95 is outside -90 to 90",
                                        "--view: zoom 3.5 is outside 4 to 14"]


def test_a_map_view_from_the_page():
    assert as_frame(None) is None
    assert as_frame((71.0, 37.0, 72.5, 38.0)) == Bounds(71.0, 37.0, 72.5, 38.0)
    assert as_frame([37.5, 71.5, 9]) == View(37.5, 71.5, 9.0)
    assert as_frame(np.array([71.0, 37.0, 72.5, 38.0]).tolist()) == Bounds(71.0, 37.0, 72.5, 38.0)
    b = Bounds(1, 2, 3, 4)
    assert as_frame(b) is b
    leaflet = {"_southWest": {"lat": 37.0, "lng": 71.0}, "_northEast": {"lat": 38.0, "lng": 72.5}}
    assert as_frame(leaflet) == Bounds(71.0, 37.0, 72.5, 38.0)
    # A zoomed-out map reports bounds past the antimeridian and the poles: clipped to the Earth.
    assert as_frame((-250.0, -95.0, 300.0, 95.0)) == Bounds(-180.0, -90.0, 180.0, 90.0)
    for bad in [(1, 2), ("a", 1, 2, 3), (72.5, 37, 71, 38), (True, 1, 2), {"bounds": 1}, (200.0, 1.0, 250.0, 2.0)]:
        with pytest.raises(FrameError):
            as_frame(bad)


def test_a_window_frames_the_events_dated_inside_it():
    from datetime import date

    from bordermap.dataset import load_dataset
    from bordermap.mapping.framing import events_bounds, in_focus
    from bordermap.timeline import EventFilter, TimeWindow, window_days

    root = Path(__file__).resolve().parents[1]
    ds = load_dataset(root / "data" / "events.geojson", root / "geo")
    window = TimeWindow(date(2012, 7, 20), date(2012, 7, 31))
    events = ds.table.take(EventFilter(window=window).rows(ds.table))
    focus = in_focus(events, window_days(window))
    assert 0 < len(focus) < len(events)
    assert all(window.start <= date.fromisoformat(str(d)) for d in focus.table["date_start"].to_pylist())
    whole, tight = events_bounds(events), events_bounds(focus)
    assert (tight.east - tight.west) * (tight.north - tight.south) < (whole.east - whole.west) * (whole.north - whole.south)
    # No event wholly inside (a window inside one year-long event): all of them.
    assert len(in_focus(events, window_days(TimeWindow(date(2012, 7, 25), date(2012, 7, 25))))) >= 1
    assert in_focus(events, None) is events
