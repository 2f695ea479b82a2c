"""The reference layers on the map: offline basemap of countries, the border, bridges, places.

Drawn by ``bordermap.js`` (tooltips set with textContent), from data embedded in the page
(exports) or from a URL the app serves, so the map's own script stays small.
"""

from __future__ import annotations

from typing import Any

import folium
from folium.elements import JSCSSMixin
from folium.map import Layer

from bordermap.assets import APP_PREFIX
from bordermap.mapping.payload import Template, to_script_json
from bordermap.mapping.style import BORDER_COLOR, COUNTRY_FILL, OTHER_COUNTRY_FILL

__all__ = ["ReferenceLayer", "REFERENCE_LAYERS", "ONLINE_TILES", "add_online_tiles", "OSM_ATTRIBUTION"]

OSM_ATTRIBUTION = "Border and outlines © OpenStreetMap contributors (ODbL), via timezone-boundary-builder"

#: kind -> (name in the layer control, overlay?) in drawing order.
REFERENCE_LAYERS: dict[str, tuple[str, bool]] = {
    "countries": ("Countries (offline basemap)", False),
    "border": ("Afghan–Tajik border", True),
    "places": ("Places (gazetteer)", True),
    "bridges": ("Bridges across the Panj", True),
}


class ReferenceLayer(JSCSSMixin, Layer):
    """One reference layer, from an embedded FeatureCollection or a URL."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = Bordermap.referenceLayer({{ this._parent.get_name() }},
            {{ this.kind|tojavascript }}, {{ this.source }}, {{ this.colours|tojavascript }});
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, *, data: dict[str, Any] | None = None, url: str | None = None,
                 asset_prefix: str = APP_PREFIX):
        if kind not in REFERENCE_LAYERS:
            raise ValueError(f"unknown reference layer {kind!r}")
        if (data is None) == (url is None):
            raise ValueError("give either data or url")
        name, overlay = REFERENCE_LAYERS[kind]
        super().__init__(name=name, overlay=overlay, control=True, show=True)
        self._name = "ReferenceLayer"
        self.kind = kind
        self.source = to_script_json(url if url is not None else data)
        self.colours = {"countryFill": COUNTRY_FILL, "otherFill": OTHER_COUNTRY_FILL, "border": BORDER_COLOR}
        self.default_js = [("bordermap_js", asset_prefix + "bordermap.js")]
        self.default_css = [("bordermap_css", asset_prefix + "bordermap.css")]


#: Optional online tile layers (off by default; they need a network, the map works without).
ONLINE_TILES = ("OpenStreetMap.Mapnik", "OpenTopoMap", "Esri.WorldImagery")


def add_online_tiles(m: folium.Map) -> None:
    import xyzservices.providers as xyz

    for key in ONLINE_TILES:
        provider = xyz.query_name(key)
        folium.TileLayer(tiles=provider.build_url(), attr=provider.html_attribution,
                         name=f"{provider.name} (online)", overlay=False, control=True, show=False,
                         max_zoom=provider.get("max_zoom", 18)).add_to(m)
