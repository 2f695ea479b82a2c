"""The panel's "same event in other datasets" section: the selected event's candidate links side by
side, and the analyst's decision on each (saved to the project's links file)."""

from __future__ import annotations

import getpass
import os

import streamlit as st

from bordermap.dataset import Dataset
from bordermap.errors import BordermapError
from bordermap.links import decide, side_by_side
from bordermap.links.project import ProjectLinks, project_links, save_decision
from bordermap.ui.publish import mtime
from bordermap.ui.style import escape_markdown

__all__ = ["links_section", "current_links", "analyst_name"]

#: Links shown for one event (the best first); the rest are counted.
SHOWN = 4


@st.cache_resource(show_spinner="Linking the datasets…", max_entries=4)
def _links(key: str, decisions_mtime: float, _ds: Dataset) -> ProjectLinks:
    # Keyed by the dataset's content key and the decisions file's time, not by the tables.
    return project_links(_ds)


def current_links(ds: Dataset) -> ProjectLinks:
    project = ds.project
    return _links(ds.key, mtime(project.links if project else None), ds)


def analyst_name() -> str:
    """Who a decision is recorded as: ``BORDERMAP_USER``, else the account running the app."""
    try:
        return os.environ.get("BORDERMAP_USER") or getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "analyst"


def _decide(ds: Dataset, link, status: str) -> None:
    try:
        save_decision(ds.project.links, decide(link, status, analyst_name()))
    except (BordermapError, OSError) as exc:
        st.session_state["links_error"] = str(exc)


def _open(event_id: str) -> None:
    st.session_state["selected"] = event_id
    st.session_state["fly"] = True


def links_section(ds: Dataset, event_id: str) -> None:
    """Under the panel: this event as the other datasets record it, if they may."""
    project = ds.project
    if project is None or len(project.datasets) < 2:
        return
    found = current_links(ds)
    groups = found.of_event(event_id)
    if "links_error" in st.session_state:
        st.error(escape_markdown(st.session_state.pop("links_error")))
    for p in found.problems:
        st.warning(escape_markdown(str(p)))
    if not groups:
        st.caption("No other dataset records an event that could be this one.")
        return
    st.markdown("**The same event in other datasets?**")
    can_save = project.links is not None
    for links in groups:
        for i, link in enumerate(list(links)[:SHOWN]):
            other = link.b_id if link.a_id == event_id else link.a_id
            rows = {name: ds.table.row_of(i_) for name, i_ in ((link.a_dataset, link.a_id), (link.b_dataset, link.b_id))}
            features = {name: ds.table.feature(r) for name, r in rows.items() if r is not None}
            with st.container(border=True):
                for line in side_by_side(features):
                    st.markdown(escape_markdown(line))
                status = {"confirmed": "confirmed the same event", "rejected": "rejected",
                          "proposed": "proposed"}.get(link.status, link.status)
                who = f" by {link.decided_by}" if link.decided_by else ""
                st.caption(escape_markdown(f"Link {status}{who} · score {link.score:.2f} · {link.reasons}"))
                c1, c2, c3 = st.columns(3)
                key = f"{link.a_id}|{link.b_id}"
                c1.button("Same event", key=f"confirm-{key}", disabled=not can_save or link.status == "confirmed",
                          on_click=_decide, args=(ds, link, "confirmed"), width="stretch",
                          help="Confirm: both records describe this event (saved in the project's links file)")
                c2.button("Different", key=f"reject-{key}", disabled=not can_save, on_click=_decide,
                          args=(ds, link, "rejected"), width="stretch", help="Reject: never propose this pair again")
                c3.button("Open", key=f"open-{key}", on_click=_open, args=(other,), width="stretch",
                          help="Show the other record's panel")
        more = len(links) - SHOWN
        if more > 0:
            st.caption(f"… and {more} more candidate(s) between {links.a_name} and {links.b_name}.")
    if not can_save:
        st.caption("Add `links = \"data/links.json\"` to project.toml to save decisions.")
