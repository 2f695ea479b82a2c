"""The small events-over-time chart under the timeline (Altair, shipped with Streamlit)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from bordermap.core.table import EventTable
from bordermap.mapping.style import TYPE_COLORS
from bordermap.model import EVENT_TYPES
from bordermap.timeline import TimeWindow, month_counts

__all__ = ["timeline_chart"]


def timeline_chart(table: EventTable, window: TimeWindow | None) -> alt.LayerChart:
    """Events per month, stacked by type, with the current window shaded.

    Counted in numpy (:func:`bordermap.timeline.month_counts`), not in Vega: the chart carries
    one row per (month, type), not one per event.
    """
    months, types, counts = month_counts(table)
    names = list(EVENT_TYPES)
    df = pd.DataFrame({"start": pd.to_datetime(months.astype("datetime64[D]")),
                       "type": [names[t] for t in types], "events": counts})
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
