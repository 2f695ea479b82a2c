"""mapping/style.py: colours everyone can tell apart, a shape per event type, a mark per dataset."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from colorspacious import cspace_convert
from shapely import affinity
from shapely.geometry import Point, Polygon

from bordermap.mapping.style import (BORDER_COLOR, CONFIDENCE_STYLE, COUNTRY_FILL, MARK_GEOMETRY, MARKER_GEOMETRY,
                                     MARKS, OTHER_COUNTRY_FILL, POINT_RADIUS, SELECTED_RADIUS, TYPE_COLORS, TYPE_SHAPES,
                                     dataset_marks, event_styles, marker_svg, style_code)
from bordermap.model import EVENT_TYPES

#: Minimum colour difference (ΔE in CAM02-UCS) between two event types' colours. ~1 is just
#: noticeable between large patches side by side; a marker is 16 px, seen apart from the others,
#: so far more is asked: 15 under normal vision and the red-green deficiencies (about 6% of men
#: have one); 7 under tritanomaly (about 1 in 10,000; no six-colour scheme of Tol's or Okabe–Ito's
#: keeps all pairs far apart there with none near the land, and every type has its own shape).
PAIR_DE = {None: 15.0, "deuteranomaly": 15.0, "protanomaly": 15.0, "tritanomaly": 7.0}
#: Minimum ΔE between a type's colour and what is under or beside a marker (the land fills and
#: the border line) under every vision above; and (HOLLOW_DE) the white inside a hollow marker,
#: whose outline is the type's colour.
BASEMAP_DE = 12.0
HOLLOW_DE = 20.0
VISIONS = tuple(PAIR_DE)
BASEMAP = {**{f"land {k}": v for k, v in COUNTRY_FILL.items()}, "other land": OTHER_COUNTRY_FILL, "border": BORDER_COLOR}

#: The palette before this one (Okabe–Ito in another choice and order): the checks must reject it.
PREVIOUS_PALETTE = {"Battles": "#D55E00", "Violence against civilians": "#CC79A7",
                    "Explosions/Remote violence": "#E69F00", "Protests": "#009E73", "Riots": "#F0E442",
                    "Strategic developments": "#0072B2"}


def _seen(hex_colour: str, vision: str | None) -> np.ndarray:
    """The colour in CAM02-UCS as seen with ``vision`` (a deficiency at severity 100, or normal)."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    if vision is not None:
        rgb = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def _too_close(palette: dict[str, str]) -> list[str]:
    """Every pair of types, and every type and basemap colour, nearer than the thresholds."""
    out = []
    for vision in VISIONS:
        seen = {name: _seen(c, vision) for name, c in palette.items()}
        for a, b in itertools.combinations(seen, 2):
            de = float(np.linalg.norm(seen[a] - seen[b]))
            if de < PAIR_DE[vision]:
                out.append(f"{vision or 'normal'}: {a} / {b} ΔE {de:.1f} < {PAIR_DE[vision]}")
        for (a, ca), (b, cb) in itertools.product(seen.items(), {**BASEMAP, "white": "#ffffff"}.items()):
            de, least = float(np.linalg.norm(ca - _seen(cb, vision))), HOLLOW_DE if b == "white" else BASEMAP_DE
            if de < least:
                out.append(f"{vision or 'normal'}: {a} / {b} ΔE {de:.1f} < {least}")
    return out


def test_type_colours_are_apart_under_every_vision_and_from_the_basemap():
    assert set(TYPE_COLORS) == set(EVENT_TYPES)
    assert _too_close(TYPE_COLORS) == []


def test_the_check_rejects_the_previous_palette():
    problems = _too_close(PREVIOUS_PALETTE)
    assert any(p.startswith("deuteranomaly: Violence against civilians / Protests") for p in problems), problems
    assert any(p.startswith("protanomaly: Violence against civilians / Strategic developments") for p in problems)
    assert any(p.startswith("tritanomaly: Riots / land AFG") for p in problems)  # yellow on the sand of the land
    assert not any(p.startswith("normal") for p in problems)  # it was fine for normal vision
    # and a grey type would vanish inside a hollow marker
    assert any("/ white" in p for p in _too_close({**TYPE_COLORS, "Strategic developments": "#CCCCCC"}))


def test_the_check_rejects_a_colour_near_the_border_line():
    assert any("/ border" in p for p in _too_close({**TYPE_COLORS, "Battles": "#962a1c"}))


def test_every_type_has_its_own_shape_drawn_from_the_shipped_geometry():
    assert set(TYPE_SHAPES) == set(EVENT_TYPES)
    assert len(set(TYPE_SHAPES.values())) == len(EVENT_TYPES)
    outlines = {shape: _geometry(MARKER_GEOMETRY[shape], 1.0) for shape in set(TYPE_SHAPES.values())}
    for a, b in itertools.combinations(outlines, 2):  # not the same figure under another name
        assert outlines[a].symmetric_difference(outlines[b]).area > 0.3, (a, b)
    for shape, outline in outlines.items():
        assert outline.is_valid, shape
        assert 0.75 * math.pi <= outline.area <= 1.05 * math.pi, (shape, outline.area)  # about the same ink
        x0, y0, x1, y1 = outline.bounds  # the sprite's box is the shipped extent
        assert max(-x0, -y0, x1, y1) == pytest.approx(MARKER_GEOMETRY[shape]["extent"], abs=1e-3), shape
    styles = event_styles()
    for t, event_type in enumerate(EVENT_TYPES):
        for conf in range(len(CONFIDENCE_STYLE)):
            for hollow in (0, 1):
                s = styles[int(style_code(t, conf, hollow))]
                assert (s["type"], s["shape"]) == (event_type, TYPE_SHAPES[event_type])
                # the conventions on every shape: hollow = white fill, type-coloured outline
                assert (s["fill"], s["stroke"]) == (("#ffffff", TYPE_COLORS[event_type]) if hollow
                                                    else (TYPE_COLORS[event_type], CONFIDENCE_STYLE[s["confidence"]]["color"]))


@pytest.mark.parametrize("radius", [POINT_RADIUS, SELECTED_RADIUS])
def test_every_dataset_mark_sits_inside_every_shape_clear_of_its_outline(radius):
    """A dataset's mark never touches a marker's outline, on the thickest one (a hollow marker's)."""
    half_stroke = (max(c["weight"] for c in CONFIDENCE_STYLE.values()) + 1.5) / 2
    for shape, mark in itertools.product(set(TYPE_SHAPES.values()), MARKS):
        geom = MARK_GEOMETRY[mark]
        if not geom:
            continue
        inside = _geometry(MARKER_GEOMETRY[shape], radius).buffer(-half_stroke)
        assert inside.contains(_geometry(geom, radius).buffer(0.5 if geom["fill"] else 0.75)), (shape, mark)


def test_marks_are_distinct_and_found_for_every_dataset():
    drawn = [m for m in MARKS if MARK_GEOMETRY[m]]
    assert len(drawn) == len(MARKS) - 1 and MARKS[0] == "none"
    assert len({repr(MARK_GEOMETRY[m]) for m in drawn}) == len(drawn)
    assert dataset_marks(["a", "b", "c"], {}) == {"a": "none", "b": "dot", "c": "bar"}
    assert dataset_marks(["a", "b", "c"], {"a": "dot", "c": "none"}) == {"a": "dot", "b": "bar", "c": "none"}
    assert {s["mark"] for s in event_styles() if s} == set(MARKS)
    assert len(event_styles()) < 255  # a uint8 code, 255 meaning none


def test_the_legend_swatch_draws_the_same_geometry():
    svg = marker_svg("triangle", fill="#EE6677", r=10, width=1, mark="dot")
    points = svg.split('points="')[1].split('"')[0].split()
    size = float(svg.split('width="')[1].split('"')[0])
    expected = [v for x, y in MARKER_GEOMETRY["triangle"]["polygon"] for v in (size / 2 + x * 10, size / 2 + y * 10)]
    assert [float(v) for p in points for v in p.split(",")] == pytest.approx(expected)
    assert f'r="{MARK_GEOMETRY["dot"]["circle"] * 10:g}"' in svg
    # every shape in the same box, so the legend's text lines up
    assert len({marker_svg(s).split('width="')[1].split('"')[0] for s in MARKER_GEOMETRY}) == 1


def _geometry(geom: dict, radius: float):
    if "circle" in geom:
        return Point(0, 0).buffer(geom["circle"] * radius, 256)
    return affinity.scale(Polygon(geom["polygon"]), radius, radius, origin=(0, 0))


def test_the_served_files_follow_the_style_table():
    """A new colour or shape renames the app's served payload (so no browser keeps the old one)."""
    from bordermap.dataset import load_dataset
    from bordermap.mapping.payload import STYLE_DIGEST, decode_events, encode_events

    root = Path(__file__).resolve().parents[1]
    header, _ = decode_events(encode_events(load_dataset(root / "data" / "events.geojson", root / "geo").table))
    drawing = {k: header[k] for k in ("styles", "geometry", "ringKm", "radius", "density")}
    assert hashlib.sha256(json.dumps(drawing, sort_keys=True).encode()).hexdigest()[:10] == STYLE_DIGEST
    assert {TYPE_COLORS[s["type"]] for s in header["styles"] if s} == set(TYPE_COLORS.values())
