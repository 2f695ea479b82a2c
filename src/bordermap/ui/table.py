"""The events table, kept in step with the map: same filter, same selection."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import pandas as pd
import streamlit as st

from bordermap.panel import date_label

__all__ = ["events_table"]


def _rows(events: Sequence[dict[str, Any]]) -> pd.DataFrame:
    def killed(p):
        lo, hi = p.get("fatalities_low"), p.get("fatalities_high")
        return "" if lo is None else (str(lo) if lo == hi else f"{lo}–{hi}")

    return pd.DataFrame({
        "id": [f["properties"]["id"] for f in events],
        "When": [date_label(f["properties"]) for f in events],
        "Event": [f["properties"]["title"] for f in events],
        "Type": [f["properties"]["event_type"] for f in events],
        "Where": [f["properties"]["location"] for f in events],
        "Side": [f["properties"].get("side") or "" for f in events],
        "Killed (claims)": [killed(f["properties"]) for f in events],
        "Confidence": [f["properties"]["confidence"] for f in events],
    })


def events_table(events: Sequence[dict[str, Any]], on_pick: Callable[[str], None]) -> None:
    """Show the table; ``on_pick(event_id)`` runs (before the rerun) when the user picks a row."""
    df = _rows(events)
    ids = list(df["id"])

    def picked() -> None:
        rows = st.session_state["table"].selection.rows
        if rows and rows[0] < len(ids):
            on_pick(ids[rows[0]])

    st.dataframe(df, key="table", on_select=picked, selection_mode="single-row", hide_index=True,
                 column_order=[c for c in df.columns if c != "id"], height=300,
                 column_config={"Event": st.column_config.TextColumn(width="large")})
