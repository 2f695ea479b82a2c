"""How events look: one place for colours, marker shapes and precision rings, shared by map, legend
and exports. The browser draws markers from the geometry here (``MARKER_GEOMETRY``), the legend
draws the same geometry as SVG: one source of truth."""

from __future__ import annotations

import math

import numpy as np

from bordermap.model import EVENT_TYPES

__all__ = ["TYPE_COLORS", "TYPE_SHAPES", "MARKER_GEOMETRY", "MARKS", "MARK_GEOMETRY", "SHAPE_TO_MARK",
           "RING_KM", "CONFIDENCE_LEGEND", "CONFIDENCE_STYLE", "COUNTRY_FILL", "OTHER_COUNTRY_FILL", "BORDER_COLOR",
           "COUNTRY_FILL_OVER_RELIEF", "WATER_COLOR", "LAKE_FILL", "RIVER_STYLE", "reference_style",
           "DENSITY_RAMP", "POINT_RADIUS", "SELECTED_RADIUS", "style_code", "event_styles", "mark_codes",
           "dataset_marks", "marker_svg"]

#: Paul Tol's "bright" qualitative scheme (https://personal.sron.nl/~pault/), its six colours, one per
#: ACLED event type; its grey, which Tol keeps for missing data, is not a type's (and a hollow grey
#: marker all but vanishes on the land). tests/test_style.py measures every pair under normal vision
#: and simulated colour-vision deficiencies, and each against the basemap. The one near pair is under
#: tritanomaly (blue / green: Strategic developments / Riots), which their shapes tell apart.
TYPE_COLORS: dict[str, str] = {
    "Battles": "#EE6677",
    "Violence against civilians": "#AA3377",
    "Explosions/Remote violence": "#CCBB44",
    "Protests": "#66CCEE",
    "Riots": "#228833",
    "Strategic developments": "#4477AA",
}
assert set(TYPE_COLORS) == set(EVENT_TYPES)

#: A marker shape per event type, so that the type reads without colour.
TYPE_SHAPES: dict[str, str] = {
    "Battles": "triangle",
    "Violence against civilians": "cross",
    "Explosions/Remote violence": "star",
    "Protests": "circle",
    "Riots": "diamond",
    "Strategic developments": "square",
}
assert set(TYPE_SHAPES) == set(EVENT_TYPES)


def _star(points: int, outer: float, inner: float) -> list[list[float]]:
    return [[round(r * math.sin(math.pi * k / points), 4), round(-r * math.cos(math.pi * k / points), 4)]
            for k, r in ((k, outer if k % 2 == 0 else inner) for k in range(2 * points))]


def _plus(arm: float, half: float) -> list[list[float]]:
    a, h = arm, half
    return [[-h, -a], [h, -a], [h, -h], [a, -h], [a, h], [h, h], [h, a], [-h, a], [-h, h], [-a, h], [-a, -h],
            [-h, -h]]


#: Each marker shape in units of the marker radius, y down (canvas and SVG): ``{"circle": r}`` or
#: ``{"polygon": [[x, y], ...]}``. Sizes are chosen for about the same ink as the unit circle, so no
#: type looks heavier than another; ``extent`` is how far a shape reaches (the sprite's size).
MARKER_GEOMETRY: dict[str, dict[str, object]] = {
    "circle": {"circle": 1.0},
    "square": {"polygon": [[-0.88, -0.88], [0.88, -0.88], [0.88, 0.88], [-0.88, 0.88]]},
    "triangle": {"polygon": [[0.0, -1.4], [1.2, 0.7], [-1.2, 0.7]]},  # its incentre at 0: the mark's place
    "diamond": {"polygon": [[0.0, -1.2], [1.2, 0.0], [0.0, 1.2], [-1.2, 0.0]]},
    "star": {"polygon": _star(5, 1.4, 0.66)},
    "cross": {"polygon": _plus(1.1, 0.45)},
}
for _g in MARKER_GEOMETRY.values():
    _g["extent"] = _g.get("circle") or max(max(abs(x), abs(y)) for x, y in _g["polygon"])  # type: ignore[union-attr]
assert set(TYPE_SHAPES.values()) <= set(MARKER_GEOMETRY) and len(set(TYPE_SHAPES.values())) == len(TYPE_SHAPES)

#: A small mark at the centre of a marker that tells a project's datasets apart (project.toml
#: ``mark``), in code order. Dark with a white edge (the ring: white with a dark edge), so it reads on
#: every fill and on hollow markers; the ring and the dot differ in polarity as much as in form.
MARKS: tuple[str, ...] = ("none", "dot", "bar", "ring")
MARK_GEOMETRY: dict[str, dict[str, object]] = {
    "none": {},
    "dot": {"circle": 0.28, "fill": True},
    "bar": {"polygon": [[-0.32, -0.1], [0.32, -0.1], [0.32, 0.1], [-0.32, 0.1]], "fill": True},
    "ring": {"circle": 0.27, "fill": False},
}
MARK_COLOR, MARK_EDGE = "#111111", "#ffffff"

#: The deprecated project.toml ``shape`` (marker outline per dataset, before the outline showed the
#: event type), read as the mark that now tells datasets apart: distinct shapes stay distinct.
SHAPE_TO_MARK: dict[str, str] = {"circle": "none", "square": "dot", "diamond": "ring", "triangle": "bar"}

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

#: The timeline under the map: its bars inside the window (also its brush, focus rings and
#: active buttons: timeline.css reads it as ``--bm-tl-inside``), and the bars outside it (a grey
#: that reads on white). A blue of no event type, so a bar is never read as a category.
TIMELINE_COLOURS: dict[str, str] = {"inside": "#0072B2", "outside": "#b9c3cc"}

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


_PER_MARK = len(EVENT_TYPES) * 8


def style_code(type_code, confidence_code, hollow, mark=0):
    """The style of each event as one small integer (numpy arrays in, uint8 array out):
    dataset mark × type × confidence × hollow (a date known only to the month or year)."""
    return (np.asarray(mark, dtype=np.int64) * _PER_MARK + np.asarray(type_code, dtype=np.int64) * 8
            + np.asarray(confidence_code, dtype=np.int64) * 2 + np.asarray(hollow, dtype=np.int64)).astype(np.uint8)


def dataset_marks(names, explicit) -> dict[str, str]:
    """Each dataset's mark: its own (``explicit[name]``, a project's ``mark``) or else the first mark
    no other dataset has, in project order, so datasets are told apart without configuration."""
    taken = {m for m in explicit.values() if m}
    free = [m for m in MARKS if m not in taken]
    out = {}
    for name in names:
        if explicit.get(name):
            out[name] = explicit[name]
        else:
            out[name] = free.pop(0) if free else MARKS[0]
    return out


def mark_codes(datasets, marks) -> np.ndarray | int:
    """Each row's mark code from its dataset name and the project's ``name -> mark``."""
    if not marks:
        return 0
    lookup = {name: MARKS.index(mark) for name, mark in marks.items() if mark in MARKS}
    return np.array([lookup.get(d, 0) for d in datasets], dtype=np.int64)


def event_styles() -> list[dict[str, object] | None]:
    """The drawing style of every style code (index = :func:`style_code`): what the browser draws
    a point, a movement line or an area with. Hollow markers (imprecise dates) take the type's
    colour as outline and a white fill."""
    styles: list[dict[str, object] | None] = [None] * (len(MARKS) * _PER_MARK)
    assert len(styles) < 255  # 255 is NO_CODE
    for (k, mark), (t, ty) in ((ks, ts) for ks in enumerate(MARKS) for ts in enumerate(EVENT_TYPES)):
        colour = TYPE_COLORS[ty]
        for c, (conf, cs) in enumerate(CONFIDENCE_STYLE.items()):
            for hollow in (0, 1):
                styles[k * _PER_MARK + t * 8 + c * 2 + hollow] = {
                    "shape": TYPE_SHAPES[ty],
                    "mark": mark,
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


def _svg_geometry(geom: dict[str, object], cx: float, cy: float, r: float) -> str:
    if "circle" in geom:
        return f'<circle cx="{cx:g}" cy="{cy:g}" r="{round(float(geom["circle"]) * r, 2):g}"'  # type: ignore[arg-type]
    pts = " ".join(f"{round(cx + x * r, 2):g},{round(cy + y * r, 2):g}" for x, y in geom["polygon"])  # type: ignore[union-attr]
    return f'<polygon points="{pts}"'


def marker_svg(shape: str = "circle", *, fill: str = "#bbb", stroke: str = "#333", width: float = 1.5,
               dash: str = "", fill_opacity: float = 1.0, mark: str = "none", r: float = 5.0,
               same_box: bool = True) -> str:
    """A marker as a small inline SVG (the legend's swatches), drawn from :data:`MARKER_GEOMETRY`
    like the map's sprites; in the same box for every shape (so the legend's text aligns) unless
    not ``same_box``. Arguments are our own constants, never data."""
    boxed = MARKER_GEOMETRY.values() if same_box else [MARKER_GEOMETRY[shape]]
    ext = max(float(g["extent"]) for g in boxed)  # type: ignore[arg-type]
    size = math.ceil(2 * (ext * r + width))
    c = size / 2
    body = (_svg_geometry(MARKER_GEOMETRY[shape], c, c, r)
            + f' fill="{fill}" fill-opacity="{fill_opacity:g}" stroke="{stroke}" stroke-width="{width:g}"'
            + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    m = MARK_GEOMETRY[mark]
    if m:
        paint = (f'fill="{MARK_COLOR}" stroke="{MARK_EDGE}" stroke-width="1"' if m["fill"]
                 else f'fill="{MARK_EDGE}" stroke="{MARK_COLOR}" stroke-width="1.5"')
        body += _svg_geometry(m, c, c, r) + f" {paint}/>"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
            f'aria-hidden="true">{body}</svg>')
