"""The reference layers on the map: offline basemap (relief and countries), lakes, rivers, the
border, bridges, places.

Drawn by ``reference.js`` (tooltips set with textContent; place labels kept from colliding),
from data embedded in the page (exports: gzipped, base64) or from a URL the app serves, so the
map's own script stays small.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import folium
from folium.elements import JSCSSMixin
from folium.map import Layer

from bordermap.assets import APP_PREFIX
from bordermap.mapping.payload import compact_json, gzip_b64
from bordermap.mapping.payload import Template, to_script_json
from bordermap.mapping.shapes import SHAPE_KINDS, browser_shapes
from bordermap.mapping.style import reference_style

__all__ = ["ReferenceLayer", "REFERENCE_LAYERS", "ONLINE_TILES", "add_online_tiles", "OSM_ATTRIBUTION",
           "WATER_ATTRIBUTION", "RELIEF_ATTRIBUTION", "inline_layer", "browser_layer"]

OSM_ATTRIBUTION = "Border and outlines © OpenStreetMap contributors (ODbL), via timezone-boundary-builder"
WATER_ATTRIBUTION = "Rivers and lakes: GSHHG/WDBII, Wessel & Smith (LGPL-3.0), via matplotlib basemap"
RELIEF_ATTRIBUTION = "Relief: matplotlib basemap shadedrelief.jpg (LGPL-3.0)"

#: kind -> (name in the layer control, overlay?) in drawing order. The relief is drawn with the
#: countries (one base layer: picking an online tile layer hides both).
REFERENCE_LAYERS: dict[str, tuple[str, bool]] = {
    "countries": ("Countries and relief (offline basemap)", False),
    "lakes": ("Lakes", True),
    "rivers": ("Rivers", True),
    "border": ("Afghan–Tajik border", True),
    "places": ("Places (gazetteer)", True),
    "bridges": ("Bridges across the Panj", True),
}


def browser_layer(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A reference layer as the page reads it: lines and areas as Mercator arrays
    (:mod:`bordermap.mapping.shapes`), points as GeoJSON."""
    return browser_shapes(data) if kind in SHAPE_KINDS else data


def inline_layer(data: dict[str, Any]) -> dict[str, Any]:
    """A layer carried inside a standalone page: its JSON gzipped and base64-encoded (a third
    of the size), unpacked by reference.js with ``DecompressionStream``."""
    return {"gz": gzip_b64(compact_json(data))}


class ReferenceLayer(JSCSSMixin, Layer):
    """One reference layer, from an embedded FeatureCollection or a URL.

    ``relief`` (countries only): the relief overlay, a URL or the dict of
    :func:`bordermap.geo.read_relief`, drawn under the country fills.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = Bordermap.referenceLayer({{ this._parent.get_name() }},
            {{ this.kind|tojavascript }}, {{ this.source }}, {{ this.style|tojavascript }},
            {{ this.extra }});
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, *, data: dict[str, Any] | None = None, url: str | None = None,
                 relief: dict[str, Any] | str | None = None, asset_prefix: str = APP_PREFIX):
        if kind not in REFERENCE_LAYERS:
            raise ValueError(f"unknown reference layer {kind!r}")
        if (data is None) == (url is None):
            raise ValueError("give either data or url")
        if relief is not None and kind != "countries":
            raise ValueError("only the countries layer carries the relief")
        name, overlay = REFERENCE_LAYERS[kind]
        super().__init__(name=name, overlay=overlay, control=True, show=True)
        self._name = "ReferenceLayer"
        self.kind = kind
        self.source = to_script_json(url if url is not None else inline_layer(browser_layer(kind, data)))
        # where it goes in the drawing order (reference.js draws the basemap's parts by it)
        self.extra = to_script_json({"order": list(REFERENCE_LAYERS).index(kind),
                                     **({"relief": relief} if relief is not None else {})})
        self.style = reference_style(relief is not None)
        self.default_js = [("bordermap_js", asset_prefix + "bordermap.js"),
                           ("reference_js", asset_prefix + "reference.js")]
        self.default_css = [("bordermap_css", asset_prefix + "bordermap.css")]


#: Optional online tile layers (off by default; they need a network, the map works without).
ONLINE_TILES = ("OpenStreetMap.Mapnik", "OpenTopoMap", "Esri.WorldImagery")


@lru_cache(maxsize=1)
def _online_providers() -> tuple[Any, ...]:
    """The online layers' xyzservices providers, looked up once: ``query_name`` walks the whole
    tree of ~5,800 providers, and so does folium's TileLayer for a tiles string it is given
    (a URL included); a provider object it takes as it is."""
    import xyzservices.providers as xyz

    return tuple(xyz.query_name(key) for key in ONLINE_TILES)


def add_online_tiles(m: folium.Map) -> None:
    for provider in _online_providers():
        folium.TileLayer(tiles=provider, name=f"{provider.name} (online)", overlay=False, control=True,
                         show=False).add_to(m)
