"""The panel's line about an event's current store revision (the app on a team's store only)."""

from __future__ import annotations

import os

import streamlit as st

from bordermap.errors import BordermapError
from bordermap.textsafe import ID_LIMIT, terminal_safe
from bordermap.ui.style import escape_markdown

__all__ = ["revision_line"]


def revision_line(event_id: str) -> None:
    """"revision N, last changed by X at T" for the event, read now from the store; one plain
    sentence instead when it cannot be read. Nothing when the app runs on files."""
    url = os.environ.get("BORDERMAP_STORE")  # store.connection.STORE_ENV, not imported on files
    if not url:
        return
    from bordermap.store.current import current_revision

    try:
        current = current_revision(url, event_id)
    except BordermapError as exc:  # StoreUnavailable / StoreError: their text names no password
        st.caption(escape_markdown(f"Store revision not available: {str(exc).splitlines()[0]}"))
        return
    if current is None:
        st.caption(escape_markdown(f"Event '{terminal_safe(event_id, ID_LIMIT)}' is no longer in the store "
                                   "(deleted since the map was opened)."))
        return
    st.caption(escape_markdown(current.describe()), help=(
        "The event's revision in the team's store now: an edit is saved against it, and refused if "
        "someone saved a newer one."))
