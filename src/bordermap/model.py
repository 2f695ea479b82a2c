"""The event model: schema, taxonomy, precision codes and the fields derived on load.

Events stay GeoJSON Feature dicts end to end (they are what users write, what the map draws and
what the exports carry); this module says what their fields mean and computes the derived ones.
Field-by-field documentation: ``docs/data-model.md`` (checked against the schema by a test).
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, TypedDict

__all__ = [
    "EVENT_TYPES",
    "DISORDER_TYPES",
    "CONFIDENCE_LEVELS",
    "DATE_PRECISIONS",
    "GEO_PRECISIONS",
    "DERIVED_FIELDS",
    "ACLED_TIME_PRECISION",
    "UCDP_DATE_PREC",
    "FatalityClaim",
    "Source",
    "Actor",
    "load_schema",
    "fatality_range",
    "is_partial",
    "claim_floor",
    "largest_partial",
    "partial_floor",
    "fatality_label",
    "claim_figure",
    "claim_parts",
    "parse_date",
    "derive_properties",
    "date_label",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: ACLED's taxonomy (codebook Table 2): event type -> its sub-event types, in hierarchy order.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Government regains territory", "Non-state actor overtakes territory", "Armed clash"),
    "Protests": ("Excessive force against protesters", "Protest with intervention", "Peaceful protest"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

#: ACLED disorder_type per (event_type, sub_event_type); sub-type overrides where ACLED splits a type.
DISORDER_TYPES: dict[str, str] = {
    "Battles": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Strategic developments": "Strategic developments",
    "Excessive force against protesters": "Political violence; Demonstrations",
    "Mob violence": "Political violence",
}

CONFIDENCE_LEVELS: tuple[str, ...] = ("confirmed", "reported", "disputed", "unconfirmed")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
GEO_PRECISIONS: dict[int, str] = {
    1: "town: the source names a town with known coordinates",
    2: "near a town, or a small part of a region, coded to a representative town",
    3: "a larger region only: coded to a natural location or the regional capital",
}

#: Our date precision -> ACLED ``time_precision`` (1 day, 2 week, 3 month). ACLED has no year
#: precision; year-precision events are exported with 3 and flagged in ``tags``.
ACLED_TIME_PRECISION: dict[str, int] = {"day": 1, "week": 2, "month": 3, "year": 3}
#: Our date precision -> UCDP GED ``date_prec`` (1 day, 3 week, 4 month, 5 year).
UCDP_DATE_PREC: dict[str, int] = {"day": 1, "week": 3, "month": 4, "year": 5}

#: Properties computed when events are loaded; never typed by hand (the schema rejects them).
DERIVED_FIELDS: tuple[str, ...] = (
    "fatalities_low",
    "fatalities_high",
    "side",
    "distance_to_border_km",
    "nearest_crossing",
    "nearest_crossing_km",
    "dataset",
)


class FatalityClaim(TypedDict, total=False):
    source: str
    total: int
    low: int
    high: int
    scope: str
    counts: str
    approximate: bool
    breakdown: dict[str, int]
    date: str
    note: str


class Source(TypedDict, total=False):
    name: str
    kind: str
    url: str
    date: str
    relayed_by: str
    note: str


class Actor(TypedDict, total=False):
    name: str
    role: str
    inter: str
    aliases: list[str]
    note: str


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The JSON Schema of an events file, shipped inside the package."""
    text = resources.files("bordermap").joinpath("schemas/events.schema.json").read_text("utf-8")
    return json.loads(text)


def parse_date(value: str) -> date:
    """Parse ``YYYY-MM-DD``; raises ``ValueError`` for impossible dates such as 2012-02-30."""
    return date.fromisoformat(value)


def is_partial(claim: FatalityClaim) -> bool:
    """Whether a claim counts only one group (``scope: partial``) rather than the whole toll."""
    return claim.get("scope") == "partial"


def _bounded(claim: FatalityClaim) -> bool:
    """A best estimate with its range: ``total`` together with ``low`` and ``high`` (UCDP's
    best/low/high). (An absent field and a null one, as a claim read from a table has, mean
    the same.)"""
    return all(claim.get(k) is not None for k in ("total", "low", "high"))


def fatality_range(claims: Iterable[FatalityClaim]) -> tuple[int | None, int | None]:
    """Lowest and highest reported fatalities across the complete tolls, never an average.

    Only claims of the whole toll count (``scope`` absent or ``total``): a partial count (troops
    only, civilians only) is not a toll, so it never feeds the range. The low end follows
    ACLED's rule (keep the most conservative figure): the smallest ``total`` or ``low`` of any
    claim, and for a best estimate with bounds (``total``, ``low`` and ``high``) its ``low``.
    The high end is the largest ``total``, ``high`` or, failing those, ``low``; for a bounded
    best estimate its ``high``. Claims stay side by side in ``fatalities``; this range only
    summarises them for sorting, filtering and the ACLED ``fatalities`` column. ``(None,
    None)`` when no complete toll gives a number.
    """
    lows: list[int] = []
    highs: list[int] = []
    for c in claims:
        if is_partial(c):
            continue
        if _bounded(c):
            lows.append(c["low"])
            highs.append(c["high"])
            continue
        if c.get("total") is not None:
            lows.append(c["total"])
            highs.append(c["total"])
            continue
        if c.get("low") is not None:
            lows.append(c["low"])
        if c.get("high") is not None:
            highs.append(c["high"])
        elif c.get("low") is not None:
            highs.append(c["low"])
    return (min(lows) if lows else None, max(highs) if highs else None)


def claim_floor(claim: FatalityClaim) -> int | None:
    """A claim's conservative figure: its ``low`` when it gives one, else its ``total``."""
    return claim["low"] if claim.get("low") is not None else claim.get("total")


def largest_partial(claims: Iterable[FatalityClaim]) -> FatalityClaim | None:
    """The partial count with the largest conservative figure (None without one that gives a number)."""
    partials = [c for c in claims if is_partial(c) and claim_floor(c) is not None]
    return max(partials, key=claim_floor) if partials else None


def partial_floor(claims: Iterable[FatalityClaim]) -> int | None:
    """The most the partial counts prove: at least this many died. The largest of their
    conservative figures (:func:`claim_floor`); the counts are not added up, as two of them may
    count the same dead (troops only, Afghans only). None without a partial count that gives a
    number."""
    top = largest_partial(claims)
    return None if top is None else claim_floor(top)


def _claim_number(claim: FatalityClaim) -> str:
    about = "about " if claim.get("approximate") else ""
    if claim.get("total") is not None:
        return f"{about}{claim['total']}"
    if claim.get("high") is not None:
        return f"{about}{claim['low']}–{claim['high']}"
    return f"at least {claim.get('low')}"


def claim_figure(claim: FatalityClaim, *more: str) -> str:
    """A claim's number as the source gave it, with what qualifies it: '42', 'about 70',
    '10–20', 'at least 8', '16 (low 16, high 20)', '8 (partial: Afghans only)'. ``more``
    adds further qualifiers inside the same brackets (empty ones are left out), as
    :func:`~bordermap.mapping.payload.claim_line` does with the breakdown."""
    qualifiers = []
    if _bounded(claim):
        qualifiers.append(f"low {claim['low']}, high {claim['high']}")
    if is_partial(claim):
        qualifiers.append(f"partial: {claim.get('counts')}")
    qualifiers.extend(m for m in more if m)
    number = _claim_number(claim)
    return f"{number} ({'; '.join(qualifiers)})" if qualifiers else number


def fatality_label(claims: Iterable[FatalityClaim]) -> str:
    """How many were killed, in a few words, as the tooltips, the events table and the panel say
    it: the range of the complete tolls ('42', '42–200'); with none, what the partial counts
    prove ('at least 8, partial count'); '' when no claim gives a number."""
    claims = list(claims)
    lo, hi = fatality_range(claims)
    if lo is not None:
        return str(lo) if lo == hi else f"{lo}–{hi}"
    floor = partial_floor(claims)
    return "" if floor is None else f"at least {floor}, partial count"


def claim_parts(claim: FatalityClaim, sep: str = " ") -> str:
    """The breakdown by party: 'security forces 12, rebels 30' (a dict, or the (party, number)
    pairs a table holds)."""
    bd = claim.get("breakdown") or {}
    pairs = bd.items() if isinstance(bd, dict) else bd
    return ", ".join(f"{k.replace('_', ' ')}{sep}{v}" for k, v in pairs)


def derive_properties(props: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of an event's properties with the non-geographic derived fields added."""
    out = dict(props)
    out["fatalities_low"], out["fatalities_high"] = fatality_range(props.get("fatalities", []))
    return out


def date_label(start: date, end: date, precision: str) -> str:
    """How an event's date reads everywhere (panel, tooltip, popup, table): '24 Jul 2012',
    '24 Jul 2012 – 25 Jul 2012', 'Jul 2010 (month only)', '1992–1997 (years only)'."""
    a, b = start, end
    if precision == "year":
        return f"{a.year} (year only)" if a.year == b.year else f"{a.year}–{b.year} (years only)"
    if precision == "month":
        ma, mb = f"{_MONTHS[a.month - 1]} {a.year}", f"{_MONTHS[b.month - 1]} {b.year}"
        return (ma if ma == mb else f"{ma} – {mb}") + " (month only)"
    da = f"{a.day} {_MONTHS[a.month - 1]} {a.year}"
    text = da if a == b else f"{da} – {b.day} {_MONTHS[b.month - 1]} {b.year}"
    return text + (" (week)" if precision == "week" else "")
