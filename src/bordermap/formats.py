"""The export formats: each one's file suffix and MIME type (what ``bordermap export`` offers and
the app's download buttons label). Kept apart from :mod:`bordermap.export`, which draws the maps,
so that naming a format never imports folium."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ExportFormat", "FORMATS"]


@dataclass(frozen=True)
class ExportFormat:
    suffix: str
    mime: str
    binary: bool = False


FORMATS: dict[str, ExportFormat] = {
    "html": ExportFormat(".html", "text/html"),
    "png": ExportFormat(".png", "image/png", binary=True),
    "geojson": ExportFormat(".geojson", "application/geo+json"),
    "csv": ExportFormat(".csv", "text/csv"),
    "kml": ExportFormat(".kml", "application/vnd.google-earth.kml+xml"),
}
