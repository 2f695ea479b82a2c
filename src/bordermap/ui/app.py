"""The Streamlit page: composition only. Everything it shows comes from the library.

State lives in the URL (time window, filters, selected event), so a pasted link opens the same
view. The map iframe is built once per dataset; timeline and filter changes reach it as a tiny
script through st_folium's ``feature_group_to_add`` and are applied in the browser.
"""

from __future__ import annotations

import os
from functools import partial
from datetime import date
from pathlib import Path
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

from bordermap.assets import APP_PREFIX, install_static, publish_json
from bordermap.dataset import Dataset, load_dataset
from bordermap.errors import BordermapError, DataFileError
from bordermap.mapping.builder import MapOptions, build_map
from bordermap.mapping.event_layer import FilterScript
from bordermap.mapping.payload import encode_events
from bordermap.model import CONFIDENCE_LEVELS, EVENT_TYPES
from bordermap.panel import render_panel
from bordermap.timeline import EventFilter, TimeWindow, dense_period, filter_events, ordered, span, step
from bordermap.ui import chart, table
from bordermap.ui.briefing import briefing
from bordermap.ui.exports import export_menu
from bordermap.ui.style import PAGE_CSS

__all__ = ["main"]

SIDE_LABELS = {"TJK": "Tajik side", "AFG": "Afghan side", "both": "Across the border"}


@st.cache_resource(show_spinner="Loading events and reference layers…")
def _load(events_path: str, geo_dir: str, events_mtime: float, geo_mtime: float) -> Dataset:
    # mtimes are part of the cache key: editing a file reloads it.
    return load_dataset(events_path, geo_dir)


@st.cache_resource(show_spinner=False)
def _published(_ds: Dataset, version: tuple, static_dir: str) -> dict[str, str]:
    """Map data as files Streamlit serves: layer name -> URL. ``version`` keys the cache."""
    dest = Path(static_dir) / "data"
    urls = {"events": APP_PREFIX + "data/" + publish_json(dest, encode_events(_ds.events))}
    for kind, fc in _ds.reference.items():
        if fc:
            urls[kind] = APP_PREFIX + "data/" + publish_json(dest, fc)
    return urls


def map_options(root: Path, ds: Dataset, version: tuple, **kw) -> MapOptions:
    return MapOptions(data_urls=_published(ds, version, str(root / "static" / "vendor")), **kw)


@st.cache_resource(show_spinner=False)
def _install_static(dest: str) -> Path:
    # Once per server process, not on every rerun (it compares every asset byte for byte).
    return install_static(Path(dest))


def _mtime(path: Path) -> float:
    try:
        if path.is_dir():
            return max((p.stat().st_mtime for p in path.glob("*.geojson")), default=0.0)
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _paths(root: Path) -> tuple[Path, Path]:
    """The bundled data next to app.py, unless BORDERMAP_EVENTS / BORDERMAP_GEO say otherwise."""
    events = Path(os.environ.get("BORDERMAP_EVENTS", root / "data" / "events.geojson"))
    geo = Path(os.environ.get("BORDERMAP_GEO", root / "geo"))
    return events, geo


def _show_load_error(exc: BordermapError, events_path: Path) -> None:
    st.error(f"bordermap cannot show {events_path}: the file has problems. Nothing was changed; "
             "fix them and reload the page (or run `bordermap validate`).")
    lines = exc.problems if isinstance(exc, DataFileError) else [exc]
    st.code("\n".join(str(p) for p in lines), language=None, wrap_lines=True)


def _select(event_id: str | None, *, fly: bool) -> None:
    st.session_state["selected"] = event_id
    st.session_state["fly"] = fly


def _take_click(out: dict | None, known_ids: set[str]) -> bool:
    """Select the event a new map click landed on; True if the selection changed."""
    out = out or {}
    clicks = out.get("last_object_clicked_count") or 0
    if clicks == st.session_state.get("_clicks", 0):
        return False
    st.session_state["_clicks"] = clicks
    clicked = ((out.get("last_active_drawing") or {}).get("properties") or {}).get("id")
    if clicked in known_ids and clicked != st.session_state.get("selected"):
        _select(clicked, fly=False)
        return True
    return False


def _on_map_change(known_ids: set[str]) -> None:
    # Runs before the rerun a click causes, so the page is drawn once, with the new selection.
    _take_click(st.session_state.get("map"), known_ids)


def _on_step(ds_events: list[dict[str, Any]], direction: int) -> None:
    cur = st.session_state.get("selected")
    nxt = step(ds_events, cur, direction)
    if nxt is None:
        return
    _select(nxt["properties"]["id"], fly=True)
    # Keep the stepped-to event inside the time window.
    win = st.session_state.get("win")
    if win:
        s, e = date.fromisoformat(nxt["properties"]["date_start"]), date.fromisoformat(nxt["properties"]["date_end"])
        if not (s <= win[1] and e >= win[0]):
            lo, hi = st.session_state["_span"]
            st.session_state["win"] = (max(lo, min(win[0], s)), min(hi, max(win[1], e)))


def _window_from_url(whole: TimeWindow) -> tuple[date, date]:
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (readable, like the CLI's --from/--to); bad values are ignored."""
    def parse(name: str, default: date) -> date:
        try:
            value = date.fromisoformat(st.query_params.get(name, ""))
        except ValueError:
            return default
        return min(max(value, whole.start), whole.end)

    start, end = parse("from", whole.start), parse("to", whole.end)
    return (start, end) if start <= end else (whole.start, whole.end)


def _window_to_url(win: TimeWindow, whole: TimeWindow) -> None:
    for name, value, default in (("from", win.start, whole.start), ("to", win.end, whole.end)):
        if value == default:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value.isoformat():
            st.query_params[name] = value.isoformat()


def _month_span(w: TimeWindow) -> str:
    """The month at the middle of a window: 'Jul 2012'."""
    return f"{w.start + (w.end - w.start) / 2:%b %Y}"


def _set_window(window: TimeWindow) -> None:
    st.session_state["win"] = (window.start, window.end)


@st.fragment
def _map_and_panel(root: Path, ds: Dataset, version: tuple, flt: EventFilter) -> None:
    selected = st.session_state.get("selected")
    by_id = ds.by_id()
    if selected not in by_id:
        selected = None
    map_col, panel_col = st.columns([5, 3], gap="medium")
    with map_col:
        m = build_map(ds.events, ds.reference, options=map_options(root, ds, version, legend_open=False),
                      article=ds.article)
        fg = folium.FeatureGroup(name="bordermap-filter", control=False)
        FilterScript(flt, selected, fly=bool(st.session_state.get("fly"))).add_to(fg)
        out = st_folium(m, key="map", height=620, use_container_width=True, feature_group_to_add=fg,
                        returned_objects=["last_active_drawing", "last_object_clicked_count"],
                        on_change=partial(_on_map_change, set(by_id)))
    st.session_state["fly"] = False
    if _take_click(out, set(by_id)):  # a value that arrived without the callback (e.g. AppTest)
        selected = st.session_state["selected"]

    with panel_col:
        if selected:
            st.html(render_panel(by_id[selected], ds.article, crossings=ds.crossing_names()))
            if not flt.matches(by_id[selected]):
                st.info("This event is outside the current time window or filters.")
        else:
            st.info("Pick an event on the map or in the table below to see its whole story: "
                    "when, where, who, the casualty claims side by side, how sure anyone is, and the sources.")

    if selected != st.query_params.get("event"):
        if selected:
            st.query_params["event"] = selected
        elif "event" in st.query_params:
            del st.query_params["event"]


def main(root: Path | None = None) -> None:
    """Draw the page. ``root`` is the folder holding app.py, data/, geo/ and static/."""
    root = Path(root) if root is not None else Path.cwd()
    brief = st.query_params.get("mode") == "brief"
    st.set_page_config(page_title="bordermap — Afghan–Tajik border", page_icon="🗺️", layout="wide",
                       initial_sidebar_state="collapsed" if brief else "expanded")
    st.html(PAGE_CSS)
    _install_static(str(root / "static" / "vendor"))

    events_path, geo_dir = _paths(root)
    version = (str(events_path), str(geo_dir), _mtime(events_path), _mtime(geo_dir))
    try:
        ds = _load(*version)
    except BordermapError as exc:
        _show_load_error(exc, events_path)
        st.stop()
        return
    events = ds.events
    if not events:
        st.warning(f"{events_path} has no events to show.")
        st.stop()

    if brief:
        briefing(root, ds, map_options(root, ds, version, legend_open=False, online_tiles=False))
        return

    whole = span(events)
    dense = dense_period(events)
    st.session_state["_span"] = (whole.start, whole.end)
    if "selected" not in st.session_state:
        st.session_state["selected"] = st.query_params.get("event")
        st.session_state["fly"] = bool(st.session_state["selected"])

    # ---- sidebar: filters (bound to the URL) --------------------------------------------
    with st.sidebar:
        st.header("Filters")
        types_present = [t for t in EVENT_TYPES if any(f["properties"]["event_type"] == t for f in events)]
        sel_types = st.multiselect("Event type", types_present, key="type", bind="query-params",
                                   placeholder="All types")
        sel_conf = st.multiselect("Confidence", list(CONFIDENCE_LEVELS), key="conf", bind="query-params",
                                  placeholder="All levels")
        sides_present = [s for s in ("TJK", "AFG", "both") if any(f["properties"].get("side") == s for f in events)]
        sel_sides = st.multiselect("Side of the border", sides_present, key="side", bind="query-params",
                                   format_func=lambda s: SIDE_LABELS.get(s, s), placeholder="Both sides")
        actors = sorted({a["name"] for f in events for a in f["properties"].get("actors", [])})
        actor = st.selectbox("Actor", actors, index=None, key="actor", bind="query-params",
                             placeholder="Any actor")
        st.link_button("Briefing mode ▶", "?mode=brief", help="Step through the storyline on a shared screen "
                       "(→/← or PageDown/PageUp)", width="stretch")
        for w in ds.warnings:
            st.warning(w)
        st.caption("Sources: the events are drawn from Thomas Ruttig, “Clashes in Eastern Tajikistan – with "
                   "Afghan Participation?”, Afghanistan Analysts Network, July 2012, and the outlets it "
                   "relays, with outside corrections. Border © OpenStreetMap contributors (ODbL).")

    # ---- timeline -------------------------------------------------------------------------
    st.markdown("### Afghan–Tajik border: the July 2012 Khorog clashes and their background")
    if "win" not in st.session_state:
        st.session_state["win"] = _window_from_url(whole)
    win = st.slider("Time window", min_value=whole.start, max_value=whole.end, key="win", format="D MMM YYYY")
    _window_to_url(TimeWindow(*win), whole)
    c1, c2, c3, c4, c5 = st.columns([1.1, 1.9, 1.3, 1.3, 3], vertical_alignment="center")
    c1.button("Whole span", on_click=_set_window, args=(whole,), width="stretch",
              help=f"{whole.start:%d %b %Y} to {whole.end:%d %b %Y}")
    c2.button(f"Dense period · {_month_span(dense)}", on_click=_set_window, args=(dense,), width="stretch",
              type="primary", help=f"The busiest month of the record: "
                                   f"{dense.start:%d %b %Y} to {dense.end:%d %b %Y}")
    c3.button("◀ Previous event", on_click=_on_step, args=(events, -1), width="stretch",
              help="Select the previous event in time")
    c4.button("Next event ▶", on_click=_on_step, args=(events, +1), width="stretch",
              help="Select the next event in time")
    count_slot = c5.empty()

    flt = EventFilter(window=TimeWindow(*win), event_types=frozenset(sel_types),
                      confidence=frozenset(sel_conf), sides=frozenset(sel_sides), actor=actor)
    shown = filter_events(events, flt)
    count_slot.caption(f"**{len(shown)} of {len(events)} events** · {flt.describe()}")
    with c5:
        export_menu(ds, flt)
    chart_slot = st.container()  # drawn after the map, so the map's delta reaches the browser first

    # ---- map and panel (a fragment: a click on the map redraws only this part) -----------
    _map_and_panel(root, ds, version, flt)
    with chart_slot:
        st.altair_chart(chart.timeline_chart(events, flt.window), width="stretch")

    # ---- events table ---------------------------------------------------------------------
    st.markdown("##### Events in view")
    table.events_table(ordered(shown), on_pick=partial(_select, fly=True))
