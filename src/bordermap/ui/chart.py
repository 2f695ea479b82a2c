"""The small events-over-time chart under the timeline (Altair, shipped with Streamlit)."""

from __future__ import annotations

from typing import Any, Sequence

import altair as alt
import pandas as pd

from bordermap.mapping.style import TYPE_COLORS
from bordermap.timeline import TimeWindow

__all__ = ["timeline_chart"]


def timeline_chart(events: Sequence[dict[str, Any]], window: TimeWindow | None) -> alt.LayerChart:
    """Events per month, stacked by type, with the current window shaded.

    Counted here, not in Vega: the chart carries one row per (month, type), not one per event.
    """
    df = pd.DataFrame({
        "start": pd.to_datetime([f["properties"]["date_start"][:7] + "-01" for f in events]),
        "type": [f["properties"]["event_type"] for f in events],
    }).groupby(["start", "type"]).size().reset_index(name="events")
    color = alt.Color("type:N", scale=alt.Scale(domain=list(TYPE_COLORS), range=list(TYPE_COLORS.values())),
                      legend=None)
    bars = alt.Chart(df).mark_bar(size=4).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True, tickCount=8)),
        y=alt.Y("sum(events):Q", title="events", axis=alt.Axis(tickMinStep=1)),
        color=color,
        tooltip=[alt.Tooltip("start:T", title="month", format="%b %Y"), "type:N", "events:Q"],
    )
    layers = []
    if window is not None:
        shade = pd.DataFrame({"a": [pd.Timestamp(window.start)], "b": [pd.Timestamp(window.end)]})
        layers.append(alt.Chart(shade).mark_rect(opacity=0.18, color="#0072B2").encode(x="a:T", x2="b:T"))
    return alt.layer(*layers, bars).properties(height=90).configure_view(strokeWidth=0)
