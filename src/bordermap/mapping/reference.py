"""The reference layers on the map: offline basemap of countries, the border, bridges, places.

All text from the geo files is HTML-escaped before folium puts it in a tooltip.
"""

from __future__ import annotations

import html
from typing import Any

import folium
from folium.utilities import JsCode

from bordermap.mapping.style import BORDER_COLOR, COUNTRY_FILL, OTHER_COUNTRY_FILL

__all__ = ["escaped", "add_countries", "add_border", "add_bridges", "add_places", "ONLINE_TILES",
           "add_online_tiles", "OSM_ATTRIBUTION"]

OSM_ATTRIBUTION = "Border and outlines © OpenStreetMap contributors (ODbL), via timezone-boundary-builder"


def escaped(fc: dict[str, Any]) -> dict[str, Any]:
    """A copy of a FeatureCollection whose string properties are HTML-escaped (lists joined)."""
    def esc(v):
        if isinstance(v, str):
            return html.escape(v)
        if isinstance(v, list):
            return html.escape(", ".join(str(x) for x in v))
        if isinstance(v, dict):
            return html.escape(", ".join(f"{k}: {x}" for k, x in v.items()))
        return v

    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": f["geometry"],
                      "properties": {k: esc(v) for k, v in (f.get("properties") or {}).items()}}
                     for f in fc.get("features", [])],
    }


def add_countries(m: folium.Map, fc: dict[str, Any]) -> folium.GeoJson:
    def style(feature):
        iso = feature["properties"].get("iso3")
        return {"fillColor": COUNTRY_FILL.get(iso, OTHER_COUNTRY_FILL), "fillOpacity": 1.0,
                "color": "#9a9a92", "weight": 0.8}

    layer = folium.GeoJson(escaped(fc), name="Countries (offline basemap)", style_function=style,
                           overlay=False, control=True, interactive=False, smooth_factor=0.5)
    layer.add_to(m)
    return layer


def add_border(m: folium.Map, fc: dict[str, Any]) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Afghan–Tajik border", overlay=True, control=True)
    data = escaped(fc)
    folium.GeoJson(data, style_function=lambda f: {"color": "#ffffff", "weight": 6, "opacity": 0.9},
                   interactive=False, control=False).add_to(group)
    folium.GeoJson(data, style_function=lambda f: {"color": BORDER_COLOR, "weight": 2.5, "opacity": 1},
                   tooltip="Afghanistan–Tajikistan border (OSM-derived)", control=False).add_to(group)
    group.add_to(m)
    return group


def add_bridges(m: folium.Map, fc: dict[str, Any]) -> folium.GeoJson:
    fields = [k for k in ("name", "opened", "funder", "joins_tj", "joins_af", "precision") if
              fc.get("features") and k in fc["features"][0].get("properties", {})]
    aliases = {"name": "Bridge", "opened": "Opened", "funder": "Funded by", "joins_tj": "Tajik side",
               "joins_af": "Afghan side", "precision": "Position"}
    layer = folium.GeoJson(
        escaped(fc), name="Bridges across the Panj",
        marker=folium.CircleMarker(radius=6, fill=True, fill_color="#ffffff", fill_opacity=1,
                                   color="#000000", weight=3),
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=[aliases[f] for f in fields]) if fields else None,
    )
    layer.add_to(m)
    return layer


def add_places(m: folium.Map, fc: dict[str, Any]) -> folium.GeoJson:
    # Labels are bound per feature; names were HTML-escaped by escaped(), so the tooltip
    # (which Leaflet sets as HTML) shows them as text.
    label = JsCode("function (feature, layer) { layer.bindTooltip(feature.properties.name, "
                   "{permanent: true, direction: 'right', offset: [4, 0], className: 'bm-place-label'}); }")
    layer = folium.GeoJson(
        escaped(fc), name="Places (gazetteer)",
        marker=folium.CircleMarker(radius=2.5, fill=True, fill_color="#333333", fill_opacity=1,
                                   color="#ffffff", weight=1),
        on_each_feature=label,
    )
    layer.add_to(m)
    return layer


#: Optional online tile layers (off by default; they need a network, the map works without).
ONLINE_TILES = ("OpenStreetMap.Mapnik", "OpenTopoMap", "Esri.WorldImagery")


def add_online_tiles(m: folium.Map) -> None:
    import xyzservices.providers as xyz

    for key in ONLINE_TILES:
        provider = xyz.query_name(key)
        folium.TileLayer(tiles=provider.build_url(), attr=provider.html_attribution,
                         name=f"{provider.name} (online)", overlay=False, control=True, show=False,
                         max_zoom=provider.get("max_zoom", 18)).add_to(m)
