"""The basemap's lines and areas as the browser draws them: every vertex once, in Web Mercator.

``reference.js`` draws countries, lakes, rivers and the border on one canvas from flat arrays of
Mercator coordinates. Projecting ~32,000 vertices and parsing them as nested GeoJSON arrays of
decimals was a tenth of a standalone page's first draw; here Python projects them once, quantises
them to 2**-24 of the world (a quarter of a pixel at the map's deepest zoom, 14) and
delta-encodes them, so the page parses short integers and adds them up.

Layout (JSON)::

    {"shapes": 1, "q": 16777216, "props": [feature properties, ...],
     "rings": [rings of feature 0, rings of feature 1, ...],
     "sizes": [vertices of ring 0, vertices of ring 1, ...],
     "xy": [x0, y0, dx1, dy1, ...]}   # x, y in units of 1/q of the world; each after the first
                                       # is the difference from the vertex before (across rings)

Points (places, bridges) stay GeoJSON: they are few and carry their own tooltips.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SHAPE_KINDS", "QUANT", "browser_shapes", "mercator", "decode_shapes"]

#: The reference layers drawn from arrays (reference.js ``DRAW``).
SHAPE_KINDS = ("countries", "lakes", "rivers", "border")
#: Steps across the world's width (and height) in Web Mercator.
QUANT = 1 << 24
#: Where Web Mercator is clamped, as in bordermap.js ``mercatorY``.
_MAX_LAT = 85.05


def mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees) -> Web Mercator x, y in [0, 1] (y grows south)."""
    s = np.sin(np.radians(np.clip(lat, -_MAX_LAT, _MAX_LAT)))
    return (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0, 0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)


def _rings(geom: dict[str, Any] | None) -> list[list[list[float]]]:
    if not geom:
        return []
    t, c = geom.get("type"), geom.get("coordinates")
    if t == "LineString":
        return [c]
    if t in ("MultiLineString", "Polygon"):
        return list(c)
    if t == "MultiPolygon":
        return [ring for poly in c for ring in poly]
    if t == "GeometryCollection":
        return [ring for g in geom.get("geometries", []) for ring in _rings(g)]
    return []


def browser_shapes(fc: dict[str, Any]) -> dict[str, Any]:
    """A FeatureCollection of lines or areas -> the layout above (features with no vertices
    are left out)."""
    props, rings, sizes, coords = [], [], [], []
    for f in fc.get("features", []):
        parts = [r for r in _rings(f.get("geometry")) if len(r) >= 2]
        if not parts:
            continue
        props.append(f.get("properties") or {})
        rings.append(len(parts))
        for r in parts:
            sizes.append(len(r))
            coords.extend(r)
    if coords:
        a = np.asarray([p[:2] for p in coords], dtype=np.float64)
        x, y = mercator(a[:, 0], a[:, 1])
        q = np.empty(len(a) * 2, dtype=np.int64)
        q[0::2] = np.rint(x * QUANT)
        q[1::2] = np.rint(y * QUANT)
        q[2:] = q[2:] - q[:-2]  # each vertex from the one before
        xy = q.tolist()
    else:
        xy = []
    return {"shapes": 1, "q": QUANT, "props": props, "rings": rings, "sizes": sizes, "xy": xy}


def decode_shapes(data: dict[str, Any]) -> list[tuple[dict[str, Any], list[np.ndarray]]]:
    """:func:`browser_shapes` back to (properties, rings of Mercator [x, y] rows) per feature, as
    reference.js reads it (the tests check the two agree)."""
    q = np.cumsum(np.asarray(data["xy"], dtype=np.int64).reshape(-1, 2), axis=0) / data["q"]
    out, v, s = [], 0, 0
    for p, n in zip(data["props"], data["rings"]):
        parts = []
        for size in data["sizes"][s:s + n]:
            parts.append(q[v:v + size])
            v += size
        s += n
        out.append((p, parts))
    return out
