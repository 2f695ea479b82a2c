"""The search box and its results (the core is :mod:`bordermap.search`): places in any spelling
or script from the corridor gazetteer, events by the words of their title or summary. Picking a
place flies the map there; picking an event selects it (the map flies to it, its panel opens)."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import streamlit as st

from bordermap.dataset import Dataset
from bordermap.errors import BordermapError
from bordermap.search import EventIndex, PlaceIndex, SearchResult, load_place_index, search
from bordermap.ui.style import escape_markdown

__all__ = ["search_box", "search_results", "RESULTS"]

#: Results shown in the drawer.
RESULTS = 12
#: The zoom a picked place opens at (a province's box is fitted instead).
PLACE_ZOOM = 10

_EVENTS: dict[str, Future] = {}
_LOCK = threading.Lock()
_BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bordermap-search-index")


@st.cache_resource(show_spinner=False)
def _places(geo_dir: str) -> PlaceIndex | None:
    try:
        return load_place_index(Path(geo_dir))
    except BordermapError:
        return None  # no gazetteer beside these layers: events are still searched


def prepare_event_index(ds: Dataset) -> Future:
    """Start building the dataset's search index on a worker thread (once per dataset for the
    whole server), so the first search does not wait for it: folding a million events' texts
    takes seconds. The page calls this as soon as the dataset is loaded."""
    with _LOCK:
        if ds.key not in _EVENTS:
            _EVENTS.clear()
            _EVENTS[ds.key] = _BUILDER.submit(EventIndex, ds.table)
        return _EVENTS[ds.key]


def _events(ds: Dataset) -> EventIndex:
    """The dataset's index: ready, or waited for with a note while it is still being built."""
    future = prepare_event_index(ds)
    if not future.done():
        with st.spinner(f"Indexing {len(ds):,} events for search…"):
            return future.result()
    return future.result()


def search_box() -> str:
    """The box (bound to the URL's ``q``); returns the query."""
    return st.text_input("Search", key="q", type="search", live=True, bind="query-params", width=280,
                         placeholder="Search places (any script) or events…", label_visibility="collapsed",
                         help="A place in any spelling or script (Khorog, Хорог, خاروغ) or words from "
                              "an event's title or summary") or ""


def search_results(ds: Dataset, geo_dir: Path, query: str, *, on_event: Callable[[str], None],
                   on_place: Callable[[SearchResult], None]) -> None:
    """The results for ``query`` as buttons, in the drawer."""
    found = search(query, _places(str(geo_dir)), _events(ds), limit=RESULTS)
    st.markdown(f"**Search:** {escape_markdown(query)}")
    if not found:
        st.caption("No place or event matches. Places are searched in the corridor gazetteer; events by "
                   "the words of their title or summary.")
        return
    for i, r in enumerate(found):
        kind = "Place" if r.kind == "place" else "Event"
        label = escape_markdown(f"{kind}: {r.label} — {r.detail}")
        if r.kind == "event":
            st.button(label, key=f"hit-{i}", on_click=on_event, args=(r.id,), width="stretch",
                      help="Select this event: the map flies to it and its panel opens")
        else:
            st.button(label, key=f"hit-{i}", on_click=on_place, args=(r,), width="stretch",
                      help="Fly the map to this place")
