"""Download buttons: exactly what is on screen, through the same functions as `bordermap export`."""

from __future__ import annotations

from functools import partial

import streamlit as st

from bordermap.dataset import Dataset
from bordermap.export import FORMATS, export_bytes, suggested_filename
from bordermap.timeline import EventFilter

__all__ = ["export_menu"]

_LABELS = {
    "html": ("Map (HTML, offline)", "One self-contained file with its own time slider; opens with no network."),
    "png": ("Image (PNG 1600×1000)", "For slides and documents; takes a few seconds to draw."),
    "geojson": ("Events (GeoJSON)", "The events in view, in bordermap's model."),
    "csv": ("Events (ACLED CSV)", "ACLED's 31-column layout, for ACLED workflows."),
    "kml": ("Events (KML)", "For Google Earth, with each event's details."),
}


def export_menu(ds: Dataset, flt: EventFilter) -> None:
    with st.popover("⤓ Export this view", help="The current time window and filters, as a file"):
        st.caption(f"Exports {flt.describe()}.")
        for fmt, (label, help_text) in _LABELS.items():
            st.download_button(label, data=partial(export_bytes, fmt, ds, flt), file_name=suggested_filename(fmt, flt),
                               mime=FORMATS[fmt].mime, help=help_text, on_click="ignore", key=f"export-{fmt}",
                               width="stretch")
