"""Download buttons: exactly what is on screen, through the same functions as `bordermap export`."""

from __future__ import annotations

from functools import partial
from typing import Any, Mapping, Sequence

import streamlit as st

from bordermap.dataset import Dataset
from bordermap.export import FORMATS, export_bytes, suggested_filename
from bordermap.mapping.framing import Frame, FrameError, as_frame
from bordermap.timeline import EventFilter

__all__ = ["export_menu", "FRAME_CHOICES"]

_LABELS = {
    "html": ("Map (HTML, offline)", "One self-contained file with its own time slider; opens with no network."),
    "png": ("Image (PNG 1600×1000)", "For slides and documents; takes a few seconds to draw."),
    "geojson": ("Events (GeoJSON)", "The events in view, in bordermap's model."),
    "csv": ("Events (ACLED CSV)", "ACLED's 31-column layout, for ACLED workflows."),
    "kml": ("Events (KML)", "For Google Earth, with each event's details."),
}
#: Where the HTML and PNG maps open, when the page knows the map's current view.
FRAME_CHOICES = ("selected events", "current map view")
_MAPS = ("html", "png")


def export_menu(ds: Dataset, flt: EventFilter,
                view: Frame | Sequence[float] | Mapping[str, Any] | None = None) -> None:
    """The *Export this view* menu.

    Parameters
    ----------
    ds, flt
        The data and the filter on screen; every format exports what ``flt`` selects.
    view
        The map's current view as the browser reports it, or ``None`` when the page does not
        know it: a ``(west, south, east, north)`` tuple in degrees (Leaflet's
        ``map.getBounds()``: ``getWest(), getSouth(), getEast(), getNorth()``), or that
        ``LatLngBounds`` as ``st_folium`` returns it (``{"_southWest": {"lat": .., "lng": ..},
        "_northEast": {..}}``), clipped to ±180°/±90°; a ``(lat, lon, zoom)`` tuple; or a
        :class:`~bordermap.mapping.framing.Bounds` /
        :class:`~bordermap.mapping.framing.View`. When given, the menu offers *Frame: selected
        events / current map view* for the HTML and PNG maps (default: the selected events);
        a view that is not a box or view on Earth is ignored, with a note.
    """
    with st.popover("⤓ Export this view", help="The current time window and filters, as a file"):
        st.caption(f"Exports {flt.describe()}.")
        frame = None
        if view is not None:
            try:
                current = as_frame(view)
            except FrameError:
                st.caption("Maps open on the selected events (the map reported a view that is not a box on Earth).")
            else:
                choice = st.radio("Frame", FRAME_CHOICES, horizontal=True, key="export-frame",
                                  help="Where the HTML and PNG maps open: around the selected events, "
                                       "or on what the map shows now.")
                frame = current if choice == FRAME_CHOICES[1] else None
        for fmt, (label, help_text) in _LABELS.items():
            extra = {"view": frame} if fmt in _MAPS and frame is not None else {}
            st.download_button(label, data=partial(export_bytes, fmt, ds, flt, **extra),
                               file_name=suggested_filename(fmt, flt), mime=FORMATS[fmt].mime, help=help_text,
                               on_click="ignore", key=f"export-{fmt}", width="stretch")
