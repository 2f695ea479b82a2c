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
    points = shapely.points([f["geometry"]["coordinates"][:2] for f in features]) if features else []
    counts = np.zeros(len(features), dtype=np.int64)
    if events is not None and len(events) and len(features):
        # the tree over the few places, queried with every event vertex (fast at 1M events)
        vertices = shapely.points(shapely.get_coordinates(events.geometries()))
        _, hit = shapely.STRtree(points).query(vertices, predicate="dwithin", distance=EVENT_NEAR_DEG)
        counts = np.bincount(hit, minlength=len(features))
    ranks = [0 if kind == "capital" else 1 if n else 2 if kind in _SETTLEMENTS else 3
             for kind, n in zip(kinds, counts)]
    return ranks, counts.tolist()


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
