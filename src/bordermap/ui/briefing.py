"""Briefing mode (``?mode=brief``): step through a storyline on a shared screen.

Large, high-contrast type, no Streamlit chrome, the map nearly full-screen. Next/Previous with
buttons, →/← and PageDown/PageUp (what presentation clickers send); the step is in the URL.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

from bordermap.caption import render_caption
from bordermap.dataset import Dataset
from bordermap.errors import BordermapError
from bordermap.mapping.builder import MapOptions, build_map
from bordermap.mapping.event_layer import FilterScript, filter_to_js
from bordermap.presentation import export_presentation
from bordermap.storyline import Storyline, load_storyline
from bordermap.ui.style import BRIEF_CSS, BRIEF_KEYS_JS

__all__ = ["briefing"]


@st.cache_resource(show_spinner=False)
def _story(path: str, mtime: float, dataset_key: str, _ids) -> Storyline:
    # Keyed by the dataset's content key, not by its ids (hashing a million ids per rerun).
    return load_storyline(path, list(_ids))


def _go(story: Storyline, delta: int) -> None:
    st.session_state["brief_step"] = story.clamp(st.session_state.get("brief_step", 0) + delta)


def _storyline_path(root: Path, ds: Dataset) -> Path:
    """The storyline ``?story=NAME`` names among the project's (its first by default); without
    a project, a file of that name in data/storylines/."""
    project = ds.project
    stories = dict(project.storylines) if project is not None else {}
    name = st.query_params.get("story")
    if stories:
        return stories.get(name or "", next(iter(stories.values())))
    name = name or "khorog-2012"
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_") or "khorog-2012"
    return root / "data" / "storylines" / f"{safe}.json"


def briefing(root: Path, ds: Dataset, options: MapOptions) -> None:
    st.html(BRIEF_CSS)
    path = _storyline_path(root, ds)
    try:
        story = _story(str(path), path.stat().st_mtime if path.exists() else 0.0,
                       ds.key, ds.table.ids)
    except BordermapError as exc:
        st.error(f"The storyline {path} cannot be shown: it has problems. Nothing was changed.")
        st.code(str(exc), language=None, wrap_lines=True)
        st.stop()
        return

    if "brief_step" not in st.session_state:
        try:
            st.session_state["brief_step"] = story.clamp(int(st.query_params.get("step", "1")) - 1)
        except ValueError:
            st.session_state["brief_step"] = 0
    index = story.clamp(st.session_state["brief_step"])
    step = story.steps[index]
    event = ds.feature(step.event) if step.event else None

    map_col, card_col = st.columns([2.15, 1], gap="small")
    with map_col:
        m = build_map(ds.table, ds.reference, options=options, article=ds.article)
        fg = folium.FeatureGroup(name="bordermap-brief", control=False)
        FilterScript(filter_to_js(None), ds.table.row_of(step.event), fly=True, dim=True, max_zoom=step.zoom or 9,
                     view=(step.center, step.zoom or 7) if step.center else None, nonce=index).add_to(fg)
        st_folium(m, key="brief_map", height=650, use_container_width=True, feature_group_to_add=fg,
                  returned_objects=[])
    with card_col:
        st.html(render_caption(story, index, event))
        prev_col, next_col = st.columns(2)
        prev_col.button("◀ Previous", key="brief_prev", on_click=partial(_go, story, -1), width="stretch",
                        disabled=index == 0)
        next_col.button("Next ▶", key="brief_next", on_click=partial(_go, story, +1), width="stretch",
                        type="primary", disabled=index == len(story.steps) - 1)
    st.download_button("⤓ This briefing as one offline HTML file", key="brief_download", type="tertiary",
                       data=partial(export_presentation, ds, story), file_name=f"{path.stem}-briefing.html",
                       mime="text/html", on_click="ignore")
    if st.query_params.get("step") != str(index + 1):
        st.query_params["step"] = str(index + 1)
    st.html(BRIEF_KEYS_JS, unsafe_allow_javascript=True)
