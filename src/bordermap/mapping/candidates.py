"""The review page's small map: a proposal's place candidates over the offline reference layers.

Each candidate is a numbered circle (the chosen one filled), so the reviewer sees which bank
and which province each reading of an ambiguous name puts the event in, and picks one by
clicking it (:func:`nearest_candidate` turns the click back into a candidate). Offline like
the main map: Leaflet from the app's own files, the layers from the URLs the app serves.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import folium
import markupsafe

from bordermap.assets import APP_PREFIX, map_css, map_js
from bordermap.mapping.legend import Attribution
from bordermap.mapping.reference import OSM_ATTRIBUTION, ReferenceLayer
from bordermap.mapping.framing import MAX_ZOOM, MIN_ZOOM

__all__ = ["candidate_map", "nearest_candidate", "CANDIDATE_LAYERS"]

#: The reference layers drawn under the candidates (enough to tell the banks apart).
CANDIDATE_LAYERS = ("countries", "rivers", "border", "places")
_CHOSEN, _OTHER = "#cc3311", "#0077bb"  # Paul Tol's bright red and blue, as the legend's


def _located(candidates: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [c for c in candidates if isinstance(c.get("lon"), (int, float)) and isinstance(c.get("lat"), (int, float))
            and math.isfinite(c["lon"]) and math.isfinite(c["lat"])]


def candidate_map(candidates: Sequence[Mapping[str, Any]], chosen: str | None,
                  layer_urls: Mapping[str, str] | None = None, *, asset_prefix: str = APP_PREFIX,
                  center: tuple[float, float] = (37.75, 70.9)) -> folium.Map:
    """A folium Map of ``candidates`` (``{id, name, country, lon, lat, score, kind?}``), the one
    whose id is ``chosen`` filled, fitted to them all. ``layer_urls``: reference layer name ->
    the URL the app serves it from (see :func:`bordermap.ui.publish.published`)."""
    located = _located(candidates)
    m = folium.Map(location=list(center), zoom_start=8, tiles=None, control_scale=True, maxZoom=MAX_ZOOM,
                   minZoom=MIN_ZOOM)
    m.default_js = map_js(asset_prefix)  # instance attributes: Leaflet from our files, nothing from a CDN
    m.default_css = map_css(asset_prefix)
    for kind in CANDIDATE_LAYERS:
        if layer_urls and kind in layer_urls:
            ReferenceLayer(kind, url=layer_urls[kind], asset_prefix=asset_prefix).add_to(m)
    # Above the reference layers' canvases (which would take the click), below the tooltips.
    folium.map.CustomPane("bm-candidates", z_index=640).add_to(m)
    middle = sum(c["lon"] for c in located) / len(located) if located else 0.0
    for n, c in enumerate(located, 1):
        picked = c.get("id") == chosen
        label = f"{n}. {c.get('name', '')} ({c.get('country', '')})"
        folium.CircleMarker(
            location=[c["lat"], c["lon"]], radius=11 if picked else 8, weight=3,
            color=_CHOSEN if picked else _OTHER, fill=True, fill_opacity=0.85 if picked else 0.15,
            fill_color=_CHOSEN if picked else _OTHER, pane="bm-candidates",
            # Leaflet shows a tooltip as HTML: the name from the file is escaped first. Labels
            # stand on the side away from the others, so two readings a river apart both show.
            tooltip=folium.Tooltip(str(markupsafe.escape(label + (" ✓" if picked else ""))),
                                   permanent=len(located) <= 4,
                                   direction="left" if c["lon"] < middle else "right"),
        ).add_to(m)
    if len(located) > 1:
        lats, lons = [c["lat"] for c in located], [c["lon"] for c in located]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(60, 60), max_zoom=11)
    elif located:
        m.location = [located[0]["lat"], located[0]["lon"]]
        m.options["zoom"] = 10
    Attribution(OSM_ATTRIBUTION).add_to(m)
    return m


def nearest_candidate(candidates: Sequence[Mapping[str, Any]], lat: Any, lon: Any,
                      tolerance_deg: float = 0.05) -> str | None:
    """The id of the candidate a click at (``lat``, ``lon``) is on, within ``tolerance_deg``."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    best = min(_located(candidates), key=lambda c: (c["lat"] - lat) ** 2 + (c["lon"] - lon) ** 2, default=None)
    if best is None or math.hypot(best["lat"] - lat, best["lon"] - lon) > tolerance_deg:
        return None
    return str(best.get("id"))
