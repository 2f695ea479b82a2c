"""The events table, kept in step with the map: same filter, same selection, a page at a time."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import streamlit as st

from bordermap.core.table import EventTable
from bordermap.mapping.text import text_columns

__all__ = ["events_table", "PAGE_ROWS", "rows_frame"]

#: Rows per page: a million events in view are never sent to the browser at once.
PAGE_ROWS = 500


def rows_frame(table: EventTable, rows: np.ndarray) -> pd.DataFrame:
    """The table's columns for ``rows``: the same labels as the map's tooltips."""
    part = table.take(rows)
    text = text_columns(part)
    sides = part.table["side"].to_pylist()
    return pd.DataFrame({
        "id": text["id"].to_pylist(),
        "When": text["date"].to_pylist(),
        "Event": text["title"].to_pylist(),
        "Type": part.table["event_type"].to_pylist(),
        "Where": part.table["location"].to_pylist(),
        "Side": [s or "" for s in sides],
        "Killed (claims)": text["killed"].to_pylist(),
        "Confidence": part.table["confidence"].to_pylist(),
    })


def events_table(table: EventTable, rows: np.ndarray, on_pick: Callable[[str], None]) -> None:
    """Show ``rows`` of the table a page at a time; ``on_pick(event_id)`` runs (before the rerun)
    when the user picks a row."""
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = 1
    if pages > 1:
        page = st.number_input(f"Page (of {pages:,}, {PAGE_ROWS} events each)", min_value=1, max_value=pages,
                               value=1, step=1, key="table_page")
    part = rows[(page - 1) * PAGE_ROWS: page * PAGE_ROWS]
    df = rows_frame(table, part)
    ids = list(df["id"])

    def picked() -> None:
        sel = st.session_state["table"].selection.rows
        if sel and sel[0] < len(ids):
            on_pick(ids[sel[0]])

    st.dataframe(df, key="table", on_select=picked, selection_mode="single-row", hide_index=True,
                 column_order=[c for c in df.columns if c != "id"], height=300,
                 column_config={"Event": st.column_config.TextColumn(width="large")})
