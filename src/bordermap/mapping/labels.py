"""Which place labels win when they collide: a rank per place, computed here, used by reference.js.

The browser places labels in order (capitals, then places where events happened, then towns
and cities, then the rest; within a rank, the place with more events first), trying right,
left, above and below each point before it hides one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from bordermap.core.table import EventTable

__all__ = ["LABEL_RANKS", "EVENT_NEAR_DEG", "place_label_ranks", "ranked_places"]

#: Rank (lower wins) -> what earns it.
LABEL_RANKS: dict[int, str] = {0: "capital", 1: "place with events", 2: "town or city", 3: "other place"}
_SETTLEMENTS = {"town", "city"}

#: An event "is at" a place when one of its vertices lies this close (≈ 2 km; degrees, the
#: GeoJSON unit; places and events are both in EPSG:4326).
EVENT_NEAR_DEG = 0.02


def place_label_ranks(places: dict[str, Any], events: EventTable | None) -> tuple[list[int], list[int]]:
    """The rank of each feature of ``places`` (a FeatureCollection) and how many event vertices
    lie at it, in feature order."""
    features = places.get("features") or []
    kinds = [(f.get("properties") or {}).get("kind") for f in features]
    counts = np.zeros(len(features), dtype=np.int64)
    if events is not None and len(events) and len(features):
        places_xy = np.array([f["geometry"]["coordinates"][:2] for f in features], dtype=float)
        counts = _vertices_near(places_xy, _event_vertices(events), EVENT_NEAR_DEG)
    ranks = [0 if kind == "capital" else 1 if n else 2 if kind in _SETTLEMENTS else 3
             for kind, n in zip(kinds, counts)]
    return ranks, counts.tolist()


def _event_vertices(events: EventTable) -> np.ndarray:
    """Every vertex of every event, (n, 2): a point's position from the table's anchors (no WKB
    decoded), the vertices of lines and areas from their geometries."""
    kind = events.geometry_kind
    rest = np.flatnonzero(kind != 0)
    points = events.lonlat[kind == 0]
    if not len(rest):
        return points
    return np.concatenate([points, shapely.get_coordinates(events.geometries(rest))])


def _vertices_near(places: np.ndarray, vertices: np.ndarray, distance: float) -> np.ndarray:
    """How many ``vertices`` lie within ``distance`` (planar, in degrees, as shapely's
    ``dwithin``) of each place: the vertices sorted by longitude once, each place looks only at
    its own strip (a few places, a million vertices: a sort and a few slices)."""
    order = np.argsort(vertices[:, 0], kind="stable")
    xs, ys = vertices[order, 0], vertices[order, 1]
    lo = np.searchsorted(xs, places[:, 0] - distance, side="left")
    hi = np.searchsorted(xs, places[:, 0] + distance, side="right")
    counts = np.zeros(len(places), dtype=np.int64)
    for k, (a, b) in enumerate(zip(lo.tolist(), hi.tolist())):
        if b > a:
            counts[k] = np.count_nonzero(np.hypot(xs[a:b] - places[k, 0], ys[a:b] - places[k, 1]) <= distance)
    return counts


def ranked_places(places: dict[str, Any] | None, events: EventTable | None) -> dict[str, Any] | None:
    """A copy of ``places`` whose features carry ``label_rank`` and ``label_order`` (the order
    the browser places labels in: rank, then more events first, then name); the input is not
    changed."""
    if not places:
        return places
    ranks, counts = place_label_ranks(places, events)
    features = places.get("features") or []
    names = [str((f.get("properties") or {}).get("name", "")) for f in features]
    order = sorted(range(len(features)), key=lambda i: (ranks[i], -counts[i], names[i]))
    position = {i: k for k, i in enumerate(order)}
    features = [{**f, "properties": {**(f.get("properties") or {}), "label_rank": ranks[i],
                                      "label_order": position[i]}}
                for i, f in enumerate(features)]
    return {**places, "features": features}
