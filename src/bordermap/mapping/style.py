"""How events look: one place for colours and precision rings, shared by map, legend and exports."""

from __future__ import annotations

from bordermap.model import EVENT_TYPES

__all__ = ["TYPE_COLORS", "RING_KM", "CONFIDENCE_LEGEND", "COUNTRY_FILL", "OTHER_COUNTRY_FILL", "BORDER_COLOR"]

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
