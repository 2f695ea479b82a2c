"""The Streamlit page: composition only. Everything it shows comes from the library.

State lives in the URL (time window, filters, selected event), so a pasted link opens the same
view. The map iframe is built once per dataset; the time window moves inside the map, in the
browser, and the page learns it afterwards (debounced) for the count, table and
exports. Filter and selection changes reach the map as a tiny script through st_folium's
``feature_group_to_add``.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import folium
import numpy as np
import streamlit as st
from streamlit_folium import st_folium

from bordermap.assets import APP_PREFIX, install_static
from dataclasses import replace

from bordermap.core.parallel import workers
from bordermap.dataset import Dataset
from bordermap.first_load import load_project_dataset_isolated
from bordermap.project import Project, load_project, project_for_events
from bordermap.errors import BordermapError, DataFileError, SettingError
from bordermap.export import article_line, dataset_line, geo_credit_line
from bordermap.mapping.builder import MapOptions, build_map
from bordermap.mapping.event_layer import FilterScript, filter_to_js
from bordermap.model import CONFIDENCE_LEVELS, EVENT_TYPES
from bordermap.panel import render_panel
from bordermap.playback import TimelineView, default_axis
from bordermap.timeline import EventFilter, TimeWindow, dense_period, span, step
from bordermap.ui import table
from bordermap.ui.briefing import briefing
from bordermap.ui.exports import export_menu
from bordermap.ui.links import links_section
from bordermap.ui.review import review_page
from bordermap.ui.search import PLACE_ZOOM, prepare_event_index, search_box, search_results
from bordermap.search import SearchResult
from bordermap.ui.publish import mtime, published
from bordermap.ui.revision import revision_line
from bordermap.ui.style import DRAWER_KEY, DRAWER_SELECTOR, MAP_FIRST_CSS, MAP_MIN_HEIGHT, PAGE_CSS, escape_markdown

__all__ = ["main"]


# One loaded dataset per (file, layers, mtimes) for the whole server process: every session
# shares it (it is never modified). Loaded under a lock so two first visitors load it once.
_LOADED: dict[tuple, Dataset] = {}
_LOCK = threading.Lock()


def _load(version: tuple, project: Project, slot) -> Dataset:
    """The project's events, loaded on the first visit with their progress shown in ``slot``
    (an ``st.empty`` that every run creates, so the page's elements keep their places)."""
    with _LOCK:
        if version in _LOADED:
            return _LOADED[version]
        try:
            names = ", ".join(d.path.name for d in project.datasets) or "the store"
            with slot.status(f"Opening {names}…", expanded=True):
                bar = st.progress(0.0)

                def progress(fraction: float, message: str) -> None:
                    bar.progress(min(max(fraction, 0.0), 1.0), text=message)

                store = os.environ.get("BORDERMAP_STORE")
                if store:
                    from bordermap.store.dataset import load_store_dataset

                    ds = load_store_dataset(store, layers=project.layers, progress=progress)
                else:
                    # A large file's first load runs in a child: its peak memory never stays here.
                    ds = load_project_dataset_isolated(project, progress=progress)
        finally:
            slot.empty()  # after the status block, which redraws itself when it closes
        _LOADED.clear()  # the previous version of the files, if any
        _LOADED[version] = ds
        return ds


@st.cache_resource(show_spinner=False)
def _install_static(dest: str) -> Path:
    # Once per server process, not on every rerun (it compares every asset byte for byte).
    return install_static(Path(dest))


@st.cache_resource(show_spinner=False, max_entries=8)
def _dense_of(key: str, _table) -> TimeWindow | None:
    return dense_period(_table)


def _dense_period(ds: Dataset) -> TimeWindow | None:
    """The dataset's busiest month, once per dataset (0.08 s of every session at a million
    events); a dataset without a content key is worked out each time."""
    if not ds.key or ds.key.startswith("uncached-"):
        return dense_period(ds.table)
    return _dense_of(ds.key, ds.table)


def _project(root: Path) -> Project:
    """What the app opens: ``BORDERMAP_EVENTS`` (a plain events file, with ``BORDERMAP_GEO``'s
    layers), else ``BORDERMAP_PROJECT``, else the bundled project.toml next to app.py."""
    workers()  # a BORDERMAP_THREADS it cannot use is said before anything is read
    store = os.environ.get("BORDERMAP_STORE")
    if store:  # a team's store on PostgreSQL/PostGIS (docs/store.md); the layers stay files
        from bordermap.store.dataset import load_store_project

        return load_store_project(store, os.environ.get("BORDERMAP_GEO", root / "geo"))
    events = os.environ.get("BORDERMAP_EVENTS")
    if events:
        return project_for_events(events, os.environ.get("BORDERMAP_GEO", root / "geo"))
    project = load_project(os.environ.get("BORDERMAP_PROJECT", root / "project.toml"))
    if os.environ.get("BORDERMAP_GEO"):
        project = replace(project, layers=Path(os.environ["BORDERMAP_GEO"]))
    return project


def _version(project: Project) -> tuple:
    store = os.environ.get("BORDERMAP_STORE")
    if store:
        from bordermap.store.dataset import store_state

        return ("store", store, store_state(store), str(project.layers), mtime(project.layers))
    files = [project.path] if project.path else []
    files += [d.path for d in project.datasets]
    return (str(project.path), str(project.layers), tuple((str(f), mtime(Path(f))) for f in files),
            mtime(project.layers))


def map_options(root: Path, ds: Dataset, **kw: Any) -> MapOptions:
    """Map options with the events and layers served as files (see :mod:`bordermap.ui.publish`)."""
    pub = published(ds, root / "static" / "vendor")
    project = ds.project
    if project is not None:
        kw.setdefault("center", project.center)
        kw.setdefault("zoom", project.zoom)
    return MapOptions(data_urls=pub.layers, events_source=pub.events, datasets=ds.layer_specs, **kw)


#: Seconds between tries while the team's store cannot be reached.
STORE_RETRY_SECONDS = 5


def _wait_for_store(url: str, exc: BordermapError) -> None:
    """The store is down: say so, and try again every few seconds; the page reloads itself as
    soon as it answers (nothing was written while it was away: every change is a transaction)."""
    st.error(escape_markdown(f"bordermap cannot reach the team's store: {exc}"))
    st.caption(f"Trying again every {STORE_RETRY_SECONDS} s; the map opens by itself when the database is back.")

    @st.fragment(run_every=STORE_RETRY_SECONDS)
    def retry() -> None:
        from bordermap.store.dataset import store_state

        try:
            store_state(url)
        except BordermapError:
            return
        st.rerun(scope="app")

    retry()


def _show_load_error(exc: BordermapError, events_path: Path) -> None:
    if isinstance(exc, SettingError):  # not the file's fault: a setting the app was started with
        st.error("bordermap cannot start: a setting in its environment holds a value it cannot use. "
                 "Nothing was read or changed; fix or unset it and start the app again.")
        st.code(str(exc), language=None, wrap_lines=True)
        return
    st.error(f"bordermap cannot show {events_path}: the file has problems. Nothing was changed; "
             "fix them and reload the page (or run `bordermap validate`).")
    lines = exc.problems if isinstance(exc, DataFileError) else [exc]
    st.code("\n".join(str(p) for p in lines), language=None, wrap_lines=True)


# ---- state ------------------------------------------------------------------------------
def _select(event_id: str | None, *, fly: bool) -> None:
    st.session_state["selected"] = event_id
    st.session_state["fly"] = fly


def _set_window(window: TimeWindow) -> None:
    """Python sets the window (a button, a step): the map takes it because the nonce changes."""
    st.session_state["win"] = (window.start, window.end)
    st.session_state["win_nonce"] = st.session_state.get("win_nonce", 0) + 1


#: Warnings shown in the sidebar before the rest are counted (a large import can have thousands).
SHOWN_WARNINGS = 5


def _show_warnings(warnings: list[str]) -> None:
    for w in warnings[:SHOWN_WARNINGS]:
        st.warning(escape_markdown(w))
    if len(warnings) > SHOWN_WARNINGS:
        st.caption(f"… and {len(warnings) - SHOWN_WARNINGS:,} more warnings: run `bordermap validate` on the "
                   "file to see them all.")


def _title(ds: Dataset, project: Project) -> str:
    if project.path is not None or os.environ.get("BORDERMAP_STORE"):
        return project.title
    if ds.info and not ds.article:  # a plain imported file
        return f"{ds.info['name']} events: {project.datasets[0].path.name}"
    return "Afghan–Tajik border: the July 2012 Khorog clashes and their background"


def _take_map_value(value: dict | None, ds: Dataset) -> None:
    """What the map reported (the window the user moved to, the event picked)."""
    value = (value or {}).get("last_geocoder_result") or {}
    if not value.get("bordermap"):
        return
    win = value.get("window")
    if win and value.get("nonce") == st.session_state.get("win_nonce", 0):
        try:
            start, end = date.fromisoformat(win[0]), date.fromisoformat(win[1])
        except (TypeError, ValueError):
            start = end = None
        if start and end and start <= end:
            st.session_state["win"] = (start, end)
    tl = TimelineView.from_browser(value.get("timeline"))
    if tl is not None:
        st.session_state["tl_view"] = tl
    view = value.get("view")
    if isinstance(view, list) and len(view) == 5 and all(isinstance(v, (int, float)) for v in view):
        st.session_state["map_view"] = tuple(float(v) for v in view)
    picks = value.get("picks") or 0
    if picks != st.session_state.get("_picks", 0):
        st.session_state["_picks"] = picks
        row = value.get("picked")
        if isinstance(row, int) and 0 <= row < len(ds.table):
            _select(ds.table.id_of(row), fly=False)


def _on_map_change(ds: Dataset) -> None:
    # Runs before the rerun the map's report causes, so the page is drawn once, with it.
    _take_map_value(st.session_state.get("map"), ds)


def _on_step(ds: Dataset, direction: int) -> None:
    cur = ds.table.row_of(st.session_state.get("selected"))
    row = step(ds.table, cur, direction)
    if row is None:
        return
    _select(ds.table.id_of(row), fly=True)
    # Keep the stepped-to event inside the time window.
    win = st.session_state.get("win")
    s = TimeWindow.from_days(int(ds.table.t0[row]), int(ds.table.t1[row]))
    if win and not (s.start <= win[1] and s.end >= win[0]):
        lo, hi = st.session_state["_span"]
        _set_window(TimeWindow(max(lo, min(win[0], s.start)), min(hi, max(win[1], s.end))))


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


def _update_url(changes: dict[str, str | None]) -> None:
    """Set (a string) or drop (None) permalink parameters, the sets in one message.

    Each ``st.query_params[...] =`` is its own message, so the address bar passed through
    half-updated states (a new ``from`` with the old ``to``). Drops go first, then every set in
    one ``update`` whose message carries the whole query string, so the last state the browser
    gets is the complete one. (``from_dict`` would also reset ``q``, which is bound to the search
    box and cannot be set directly.)
    """
    for name, value in changes.items():
        if value is None and name in st.query_params:
            del st.query_params[name]
    sets = {name: value for name, value in changes.items()
            if value is not None and st.query_params.get(name) != value}
    if sets:
        st.query_params.update(sets)


def _window_to_url(win: TimeWindow, whole: TimeWindow) -> dict[str, str | None]:
    """The window's permalink parameters: absent where the window reaches the record's end."""
    return {
        "from": None if win.start == whole.start else win.start.isoformat(),
        "to": None if win.end == whole.end else win.end.isoformat(),
    }


def _fly_to_place(place: SearchResult) -> None:
    """A place picked in the search results: the map flies there (a province: to its middle)."""
    if place.bbox:
        w, s_, e, n = place.bbox
        center, zoom = ((s_ + n) / 2, (w + e) / 2), 8
    else:
        center, zoom = (place.lat, place.lon), PLACE_ZOOM
    st.session_state["fly_to"] = (center, zoom)
    _select(None, fly=False)


def ds_geo_dir(ds: Dataset, root: Path) -> Path:
    """The reference layers' folder (where the corridor gazetteer is)."""
    project = ds.project
    return Path(project.layers) if project is not None and project.layers else root / "geo"


# ---- the map and the drawer (a fragment: a pick redraws only this part) --------------------
@st.fragment
def _map_and_drawer(root: Path, ds: Dataset, flt: EventFilter, whole: TimeWindow) -> None:
    selected = st.session_state.get("selected")
    row = ds.table.row_of(selected)
    if row is None:
        selected = None
    # The drawer first: its deltas reach the page before the map component's, so a pick shows its
    # story without waiting for the map frame to take its new arguments and redraw. It is always
    # there (empty and hidden when closed), so the map keeps its place in the page.
    query = st.session_state.get("q") or ""
    with st.container(key=DRAWER_KEY):
        if not selected and query.strip():
            with st.container(key="bm-drawer-body"):
                search_results(ds, ds_geo_dir(ds, root), query, on_event=partial(_select, fly=True),
                               on_place=_fly_to_place)
        elif selected:
            with st.container(key="bm-drawer-body"):
                top = st.container(horizontal=True, horizontal_alignment="right", key="bm-drawer-bar")
                top.button("✕ Close", key="drawer_close", on_click=_select, args=(None,), kwargs={"fly": False},
                           help="Close the panel")
                feature = ds.table.feature(row)
                name = feature["properties"].get("dataset")
                titles = {n: title for title, n, _ in ds.layer_specs}
                st.html(render_panel(feature, ds.article, crossings=ds.crossing_names(),
                                     dataset=ds.info_of(name), dataset_title=titles.get(name, "")))
                revision_line(selected)
                if not flt.mask(ds.table)[row]:
                    st.info("This event is outside the current time window or filters.")
                links_section(ds, selected)

    view: TimelineView = st.session_state["tl_initial"]
    m = build_map(ds.table, ds.reference,
                  options=map_options(root, ds, legend_open=False, report_picks=True, timeline=whole,
                                      keep_clear_of=DRAWER_SELECTOR,
                                      timeline_view=view, dense=st.session_state["_dense"]),
                  article=ds.article)
    pub = published(ds, root / "static" / "vendor")
    fg = folium.FeatureGroup(name="bordermap-filter", control=False)
    js = filter_to_js(flt, mask=pub.mask(flt, ds.table), nonce=st.session_state.get("win_nonce", 0))
    FilterScript(js, row, fly=bool(st.session_state.get("fly")), view=st.session_state.pop("fly_to", None)).add_to(fg)
    # The height is the map's least; the page's CSS makes it fill the window (ui/style.py).
    st_folium(m, key="map", height=MAP_MIN_HEIGHT, use_container_width=True, feature_group_to_add=fg,
              returned_objects=["last_geocoder_result"], on_change=partial(_on_map_change, ds))
    st.session_state["fly"] = False
    # The axis zoomed or playback set in the map, and the picked event: the permalink carries them.
    _update_url({**_timeline_to_url(), "event": selected or None})
    if TimeWindow(*st.session_state["win"]) != flt.window:
        # The user moved the window in the map: the count, table and exports outside this
        # fragment follow (a pick alone redraws only the map and the drawer).
        st.rerun(scope="app")


def _present(table_codes: np.ndarray, labels: list[str]) -> list[str]:
    present = set(np.unique(table_codes).tolist())
    return [label for i, label in enumerate(labels) if i in present]


def _filters(project: Project, tbl) -> dict[str, Any]:
    """The filter widgets (bound to the URL), in the top bar's drawer."""
    out: dict[str, Any] = {}
    out["types"] = st.multiselect("Event type", _present(tbl.type_code, list(EVENT_TYPES)), key="type",
                                  bind="query-params", placeholder="All types")
    out["conf"] = st.multiselect("Confidence", list(CONFIDENCE_LEVELS), key="conf", bind="query-params",
                                 placeholder="All levels")
    sides = [side for side in (*project.sides, "both") if side in tbl.sides_present]
    out["sides"] = st.multiselect("Side of the border", sides, key="side", bind="query-params",
                                  format_func=project.side_label, placeholder="Both sides")
    out["sets"] = []
    if len(project.datasets) > 1:
        titles = {d.name: d.title for d in project.datasets}
        out["sets"] = st.multiselect("Dataset", [d.name for d in project.datasets], key="dataset",
                                     bind="query-params", format_func=lambda n: titles.get(n, n),
                                     placeholder="All datasets")
    out["actor"] = st.selectbox("Actor", tbl.actors(), index=None, key="actor", bind="query-params",
                                placeholder="Any actor")
    return out


def _active_filters() -> int:
    state = st.session_state
    return sum(bool(state.get(k)) for k in ("type", "conf", "side", "dataset", "actor"))


def _timeline_to_url() -> dict[str, str | None]:
    view: TimelineView = st.session_state.get("tl_view") or st.session_state["tl_initial"]
    return dict(view.to_query())


def main(root: Path | None = None) -> None:
    """Draw the page. ``root`` is the folder holding app.py, data/, geo/ and static/."""
    root = Path(root) if root is not None else Path.cwd()
    mode = st.query_params.get("mode")
    brief = mode == "brief"
    try:
        project: Project | None = _project(root)
        failed: BordermapError | None = None
    except BordermapError as exc:
        project, failed = None, exc
    st.set_page_config(page_title=f"bordermap — {project.title}" if project and project.path else "bordermap",
                       page_icon="🗺️", layout="wide", initial_sidebar_state="collapsed")
    st.html(PAGE_CSS)
    _install_static(str(root / "static" / "vendor"))

    loading = st.empty()
    try:
        if failed is not None:
            raise failed
        ds = _load(_version(project), project, loading)
    except BordermapError as exc:
        where = (os.environ.get("BORDERMAP_EVENTS") or os.environ.get("BORDERMAP_PROJECT") or root / "project.toml")
        if os.environ.get("BORDERMAP_STORE"):
            from bordermap.store.connection import StoreUnavailable, store_name

            where = store_name(os.environ["BORDERMAP_STORE"])  # never the password
            if isinstance(exc, StoreUnavailable):
                _wait_for_store(os.environ["BORDERMAP_STORE"], exc)
                st.stop()
                return
        _show_load_error(exc, Path(where))
        st.stop()
        return
    if not len(ds):
        st.warning(escape_markdown(f"{', '.join(str(d.path) for d in project.datasets)} has no events to show."))
        st.stop()

    if brief:
        briefing(root, ds, map_options(root, ds, legend_open=False, online_tiles=False))
        return
    if mode == "review":
        if os.environ.get("BORDERMAP_STORE"):
            st.error("The review page works on a project's files; on the team's store, accept proposals with "
                     "`bordermap accept` and `bordermap db load`.")
            return
        review_page(root, ds, project, ds_geo_dir(ds, root))
        return
    st.html(MAP_FIRST_CSS)
    prepare_event_index(ds)  # on a worker thread, while the map is drawn

    tbl = ds.table
    whole = span(tbl)
    st.session_state["_span"] = (whole.start, whole.end)
    st.session_state["_dense"] = _dense_period(ds)
    if "selected" not in st.session_state:
        st.session_state["selected"] = st.query_params.get("event")
        st.session_state["fly"] = bool(st.session_state["selected"])
    if "win" not in st.session_state:
        st.session_state["win"] = _window_from_url(whole)
        st.session_state["win_nonce"] = 0
    if "tl_initial" not in st.session_state:
        # The timeline's zoom and playback from the permalink, once: the map is built with them and
        # then keeps its own (it reports them back for the URL).
        view = TimelineView.from_query(st.query_params.to_dict(), whole)
        if view.axis is None:
            view = replace(view, axis=default_axis(TimeWindow(*st.session_state["win"]), whole))
        st.session_state["tl_initial"] = view
    # What the map reported (the callback has usually taken it already; this also covers a
    # value that arrived without it). Idempotent: picks are counted, windows compared.
    _take_map_value(st.session_state.get("map"), ds)
    win = TimeWindow(*st.session_state["win"])
    _update_url({**_window_to_url(win, whole), **_timeline_to_url()})

    # ---- the top bar: title and count, filters, stepping, exports, briefing, about ---------
    bar = st.container(horizontal=True, vertical_alignment="center", key="bm-bar", gap="small")
    with bar:
        head = st.container(key="bm-head", gap=None)
        search_box()
    with bar.popover(f"Filters · {_active_filters()}" if _active_filters() else "Filters",
                     help="Event type, confidence, side of the border, dataset, actor"):
        chosen = _filters(project, tbl)
    flt = EventFilter(window=win, event_types=frozenset(chosen["types"]), confidence=frozenset(chosen["conf"]),
                      sides=frozenset(chosen["sides"]), actor=chosen["actor"], datasets=frozenset(chosen["sets"]))
    shown = flt.rows(tbl)
    head.markdown(f"**{escape_markdown(_title(ds, project))}**")
    head.caption(f"**{len(shown):,} of {len(tbl):,} events** · {flt.describe()}")
    bar.button("◀ Previous event", on_click=_on_step, args=(ds, -1), help="Select the previous event in time")
    bar.button("Next event ▶", on_click=_on_step, args=(ds, +1), help="Select the next event in time")
    with bar:
        view = st.session_state.get("map_view")  # (west, south, east, north, zoom), as the map reported
        export_menu(ds, flt, view=view[:4] if view else None)
    bar.link_button("Review", "?mode=review", help="Review the events proposed from new reports "
                    "(bordermap ingest): accept, edit or reject each")
    bar.link_button("Briefing ▶", "?mode=brief", help="Step through the storyline on a shared screen "
                    "(→/← or PageDown/PageUp)")
    about = f"About · ⚠ {len(ds.warnings):,}" if ds.warnings else "About"
    with bar.popover(about, help="Where the events and the layers come from; warnings about the data"):
        credits = [project.credit, article_line(ds.article)]
        credits += [dataset_line(ds.info_of(d.name)) or d.credit for d in project.datasets]
        credits.append(geo_credit_line(ds))
        st.caption(escape_markdown(". ".join(c.rstrip(".") for c in credits if c) + "."))
        _show_warnings(ds.warnings)

    _map_and_drawer(root, ds, flt, whole)

    # ---- events table (the window, page by page), folded under the map ---------------------
    with st.expander(f"Events in view · {len(shown):,} of {len(tbl):,}", key="bm-table"):
        table.events_table(tbl, shown, on_pick=partial(_select, fly=True))
