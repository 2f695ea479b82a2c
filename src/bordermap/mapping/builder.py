"""Build the folium map: offline basemap, reference layers, the event layer, legend, controls.

The same builder makes the app's map (assets served by Streamlit) and the standalone exports
(assets inlined afterwards), so both draw the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import folium

from bordermap.assets import APP_PREFIX, map_css, map_js
from bordermap.core.table import EventTable
from bordermap.mapping.event_layer import EventLayer, Timeline, inline_source
from bordermap.mapping.fit_view import FitView
from bordermap.mapping.keep_clear import KeepClear
from bordermap.mapping.framing import MAX_ZOOM, MIN_ZOOM, Frame
from bordermap.mapping.legend import Attribution, Legend
from bordermap.mapping.reference import (OSM_ATTRIBUTION, REFERENCE_LAYERS, RELIEF_ATTRIBUTION,
                                         WATER_ATTRIBUTION, ReferenceLayer, add_online_tiles)
from bordermap.project import DEFAULT_CENTER, DEFAULT_ZOOM
from bordermap.playback import TimelineView
from bordermap.timeline import TimeWindow

__all__ = ["MapOptions", "build_map", "REGION_CENTER", "REGION_ZOOM"]

#: The Afghan–Tajik border region, from Panji Poyon in the west to the Wakhan in the east.
REGION_CENTER = DEFAULT_CENTER  # a project's region.center / zoom take their place (project.toml)
REGION_ZOOM = DEFAULT_ZOOM


@dataclass(frozen=True)
class MapOptions:
    asset_prefix: str = APP_PREFIX
    #: popups with each event's whole story (standalone exports; the app has its panel)
    details: bool = False
    online_tiles: bool = True
    legend: bool = True
    legend_open: bool = True
    #: ``filter_to_js`` output applied when the map opens
    initial_filter: dict[str, Any] | None = None
    center: tuple[float, float] = REGION_CENTER
    zoom: int = REGION_ZOOM
    #: the opening view when not just ``center``/``zoom``: the box to fit (clear of the map's
    #: boxes) or a view to set, applied once every control is on the map (exports)
    frame: Frame | None = None
    #: Leaflet's zoomSnap: a fraction lets a fitted box fill the window (the basemap is vector)
    zoom_snap: float = 1.0
    attribution: str = ""
    #: reference layer name ("countries", ...) -> URL to load it from instead of embedding it
    data_urls: Mapping[str, str] | None = None
    #: where the browser gets the events (the app's served files); default: inside the page
    events_source: Mapping[str, Any] | None = None
    #: the app's in-map timeline over this span (the window moves in the browser)
    timeline: TimeWindow | None = None
    #: its axis zoom and playback settings (from the permalink), and its "busiest month" button
    timeline_view: TimelineView = TimelineView()
    dense: TimeWindow | None = None
    #: tell the app which event was picked (through st_folium)
    report_picks: bool = False
    #: a project's datasets as (title, name, mark), when it has several
    datasets: tuple[tuple[str, str, str], ...] = ()
    #: a CSS selector of a box in the page hosting the map's frame (the app's drawer) that the
    #: right-hand controls keep clear of
    keep_clear_of: str | None = None


def build_map(events: EventTable, reference: Mapping[str, dict[str, Any] | None], *,
              options: MapOptions = MapOptions(), article: dict[str, Any] | None = None) -> folium.Map:
    """A folium Map of ``events`` over the reference layers (``relief``, ``countries``,
    ``lakes``, ``rivers``, ``border``, ``bridges``, ``places``; any may be None and is then
    left out)."""
    m = folium.Map(location=list(options.center), zoom_start=options.zoom, tiles=None,
                   prefer_canvas=True, control_scale=True, maxZoom=MAX_ZOOM, minZoom=MIN_ZOOM,
                   **({"zoomSnap": options.zoom_snap} if options.zoom_snap != 1 else {}))
    # Instance attributes, so no other map in the process is affected.
    m.default_js = map_js(options.asset_prefix)
    m.default_css = map_css(options.asset_prefix)

    urls = options.data_urls or {}
    relief = urls.get("relief") or reference.get("relief")
    for kind in REFERENCE_LAYERS:
        if kind == "lakes" and options.online_tiles:
            add_online_tiles(m)  # base layers after the offline basemap, before the overlays
        extra = {"relief": relief} if kind == "countries" and relief else {}
        if kind in urls:
            ReferenceLayer(kind, url=urls[kind], asset_prefix=options.asset_prefix, **extra).add_to(m)
        elif reference.get(kind):
            ReferenceLayer(kind, data=reference[kind], asset_prefix=options.asset_prefix, **extra).add_to(m)

    marks = {name: mark for _, name, mark in options.datasets} or None
    source = options.events_source or inline_source(events, article=article, popups=options.details, marks=marks)
    EventLayer(dict(source), popups=options.details, initial_filter=options.initial_filter,
               asset_prefix=options.asset_prefix, report_picks=options.report_picks).add_to(m)
    if options.timeline is not None:
        Timeline(options.timeline, view=options.timeline_view, dense=options.dense,
                 asset_prefix=options.asset_prefix).add_to(m)
    if options.legend:
        Legend(reference=bool(reference.get("border")), open=options.legend_open,
               datasets=[(title, mark) for title, _, mark in options.datasets]).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    credits = [OSM_ATTRIBUTION]
    if reference.get("rivers") or reference.get("lakes") or "rivers" in urls:
        credits.append(WATER_ATTRIBUTION)
    if relief:
        credits.append(RELIEF_ATTRIBUTION)
    if options.attribution:
        credits.append(options.attribution)
    Attribution(" · ".join(credits)).add_to(m)
    if options.keep_clear_of:
        KeepClear(options.keep_clear_of).add_to(m)
    if options.frame is not None:
        FitView(options.frame).add_to(m)
    return m
