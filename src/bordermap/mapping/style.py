"""How events look: one place for colours and precision rings, shared by map, legend and exports."""

from __future__ import annotations

import numpy as np

from bordermap.model import EVENT_TYPES

__all__ = ["TYPE_COLORS", "RING_KM", "CONFIDENCE_LEGEND", "CONFIDENCE_STYLE", "COUNTRY_FILL", "OTHER_COUNTRY_FILL",
           "BORDER_COLOR", "COUNTRY_FILL_OVER_RELIEF", "WATER_COLOR", "LAKE_FILL", "RIVER_STYLE",
           "reference_style", "DENSITY_RAMP", "POINT_RADIUS", "SELECTED_RADIUS", "style_code", "event_styles",
           "SHAPES", "shape_codes"]

#: Marker outlines a project's datasets can have (project.toml ``shape``), in code order.
SHAPES: tuple[str, ...] = ("circle", "square", "diamond", "triangle")

#: Okabe–Ito colours (safe for the common colour-vision deficiencies), one per ACLED event type.
TYPE_COLORS: dict[str, str] = {
    "Battles": "#D55E00",
    "Violence against civilians": "#CC79A7",
    "Explosions/Remote violence": "#E69F00",
    "Protests": "#009E73",
    "Riots": "#F0E442",
    "Strategic developments": "#0072B2",
}
assert set(TYPE_COLORS) == set(EVENT_TYPES)

#: Radius of the dashed uncertainty ring drawn around a point, by ACLED geo_precision.
#: 2 ≈ ACLED/UCDP "near a town" (UCDP where_prec 2: within ~25 km), 3 = a region.
RING_KM: dict[int, float] = {1: 0.0, 2: 15.0, 3: 40.0}

#: (label, stroke colour, dash pattern) shown in the legend; mirrors confStyle() in bordermap.js.
CONFIDENCE_LEGEND: tuple[tuple[str, str, str], ...] = (
    ("confirmed", "#111", ""),
    ("reported", "#333", ""),
    ("disputed", "#b00020", "4 3"),
    ("unconfirmed", "#444", "1 4"),
)

COUNTRY_FILL: dict[str, str] = {"TJK": "#f4efe1", "AFG": "#efe6d6"}
OTHER_COUNTRY_FILL = "#e6e6e3"
BORDER_COLOR = "#8c1c13"
#: How opaque the country fills are over the shaded relief (1 without relief): enough to tell
#: the countries apart, little enough that the mountains and valleys read through.
COUNTRY_FILL_OVER_RELIEF = 0.55

#: Water: lakes and rivers (geo/rivers.geojson ``class``: the border river, a named river, the
#: rest), widths in CSS pixels. The border river is wider than the border's casing, so it shows
#: as a blue band either side of the border line drawn on top of it.
WATER_COLOR = "#3a7fc1"
LAKE_FILL = "#9cc3e6"
RIVER_STYLE: dict[str, dict[str, float | str]] = {
    "border": {"color": "#5d9ad6", "weight": 5.5, "opacity": 0.9},
    "named": {"color": WATER_COLOR, "weight": 2.2, "opacity": 0.95},
    "other": {"color": "#6f9fcf", "weight": 1.1, "opacity": 0.8},
}

def reference_style(relief: bool) -> dict[str, object]:
    """Everything the browser draws the reference layers with (reference.js reads it)."""
    return {"countryFill": COUNTRY_FILL, "otherFill": OTHER_COUNTRY_FILL, "border": BORDER_COLOR,
            "fillOpacity": COUNTRY_FILL_OVER_RELIEF if relief else 1.0,
            "water": WATER_COLOR, "lakeFill": LAKE_FILL, "rivers": RIVER_STYLE}


#: How confidence shows on a marker's outline (stroke colour, width, dash, opacity, fill opacity);
#: the legend's CONFIDENCE_LEGEND above says the same in words.
CONFIDENCE_STYLE: dict[str, dict[str, object]] = {
    "confirmed": {"color": "#111", "weight": 2.5, "dash": [], "opacity": 1.0, "fillOpacity": 0.9},
    "reported": {"color": "#333", "weight": 1.5, "dash": [], "opacity": 0.95, "fillOpacity": 0.85},
    "disputed": {"color": "#b00020", "weight": 2.5, "dash": [4, 3], "opacity": 1.0, "fillOpacity": 0.8},
    "unconfirmed": {"color": "#444", "weight": 2.0, "dash": [1, 4], "opacity": 0.8, "fillOpacity": 0.4},
}
assert tuple(CONFIDENCE_STYLE) == tuple(c for c, _, _ in CONFIDENCE_LEGEND)

#: Grid cells of the aggregated view (too many events in view to draw one by one), from few to
#: many events: a sequential ramp (cividis-like: readable with every colour-vision deficiency).
DENSITY_RAMP: tuple[str, ...] = ("#fde725", "#c8d93a", "#7ac65b", "#35a17f", "#2a788e", "#3b518b", "#44276f")

#: Marker radius in CSS pixels (selected: larger).
POINT_RADIUS = 8
SELECTED_RADIUS = 12


_PER_SHAPE = len(EVENT_TYPES) * 8


def style_code(type_code, confidence_code, hollow, shape=0):
    """The style of each event as one small integer (numpy arrays in, uint8 array out):
    shape × type × confidence × hollow (a date known only to the month or year)."""
    return (np.asarray(shape, dtype=np.int64) * _PER_SHAPE + np.asarray(type_code, dtype=np.int64) * 8
            + np.asarray(confidence_code, dtype=np.int64) * 2 + np.asarray(hollow, dtype=np.int64)).astype(np.uint8)


def shape_codes(datasets, shapes) -> np.ndarray | int:
    """Each row's marker shape code from its dataset name and the project's ``name -> shape``."""
    if not shapes:
        return 0
    lookup = {name: SHAPES.index(shape) for name, shape in shapes.items() if shape in SHAPES}
    return np.array([lookup.get(d, 0) for d in datasets], dtype=np.int64)


def event_styles() -> list[dict[str, object] | None]:
    """The drawing style of every style code (index = :func:`style_code`): what the browser draws
    a point, a movement line or an area with. Hollow markers (imprecise dates) take the type's
    colour as outline and a white fill."""
    styles: list[dict[str, object] | None] = [None] * (len(SHAPES) * _PER_SHAPE)
    assert len(styles) < 255  # 255 is NO_CODE
    for (k, shape), (t, ty) in ((ks, ts) for ks in enumerate(SHAPES) for ts in enumerate(EVENT_TYPES)):
        colour = TYPE_COLORS[ty]
        for c, (conf, cs) in enumerate(CONFIDENCE_STYLE.items()):
            for hollow in (0, 1):
                styles[k * _PER_SHAPE + t * 8 + c * 2 + hollow] = {
                    "shape": shape,
                    "type": ty,
                    "confidence": conf,
                    "fill": "#ffffff" if hollow else colour,
                    "fillOpacity": 0.85 if hollow else cs["fillOpacity"],
                    "stroke": colour if hollow else cs["color"],
                    "weight": cs["weight"] + (1.5 if hollow else 0),
                    "dash": cs["dash"],
                    "opacity": cs["opacity"],
                    "colour": colour,
                    # a movement line: the type's colour, the confidence's dash (dots spaced out)
                    "lineDash": [2, 6] if cs["dash"] == [1, 4] else cs["dash"],
                    # an area: dashed outline, a light fill (lighter when less sure)
                    "areaFillOpacity": 0.18 if cs["fillOpacity"] > 0.5 else 0.1,
                }
    return styles
