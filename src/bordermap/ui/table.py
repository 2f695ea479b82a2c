"""The events table, kept in step with the map: same filter, same selection."""

from __future__ import annotations

from typing import Any, Sequence

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


def events_table(events: Sequence[dict[str, Any]], selected: str | None) -> str | None:
    """Show the table; return the id of the row the user picked (None if none)."""
    df = _rows(events)
    state = st.dataframe(df, key="table", on_select="rerun", selection_mode="single-row", hide_index=True,
                         column_order=[c for c in df.columns if c != "id"], height=300,
                         column_config={"Event": st.column_config.TextColumn(width="large")})
    rows = state.selection.rows if state is not None else []
    if rows:
        return str(df.iloc[rows[0]]["id"])
    return None
