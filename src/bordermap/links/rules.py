"""The numbers the linking rules use, in one place, and the type classes they compare.

Two records are a candidate link when their dates meet within :data:`DATE_TOLERANCE_DAYS`,
their places are within :data:`RADIUS_KM` and their types are compatible
(:data:`TYPE_COMPATIBILITY`); the score adds up :data:`WEIGHTS`. ``docs/links.md`` explains
each number (a test keeps that page and these tables in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pyarrow.compute as pc

from bordermap.core.columns import NO_CODE
from bordermap.core.table import EventTable
from bordermap.model import DATE_PRECISIONS, EVENT_TYPES

__all__ = ["DATE_TOLERANCE_DAYS", "RADIUS_KM", "GEO_SHARPNESS", "TYPE_CLASSES", "TYPE_COMPATIBILITY", "WEIGHTS",
           "LinkRules", "type_classes"]

#: Days two dates may be apart and still be one event, by the less precise of the two dates
#: (a day event: the next day, as ACLED and UCDP often code one fight a day apart).
DATE_TOLERANCE_DAYS: Mapping[str, int] = MappingProxyType({"day": 1, "week": 2, "month": 3, "year": 7})
#: Kilometres two anchor points may be apart, by the less precise of the two geo precisions:
#: 1 a town (its own point: an event in the next town is another place); 2 near a town, within
#: ~25 km of it (UCDP's where_prec 2 says 25 km); 3 a region only (a province's centre or capital
#: stands for anywhere in it, and provinces here are 100-300 km across).
RADIUS_KM: Mapping[int, float] = MappingProxyType({1: 10.0, 2: 25.0, 3: 150.0})
#: How much a near place says, by the less precise geo precision: two town points close together
#: say more than two region centres.
GEO_SHARPNESS: Mapping[int, float] = MappingProxyType({1: 1.0, 2: 0.85, 3: 0.6})
#: The kinds of event types compared: the model's (ACLED's) six, then UCDP's three types of
#: violence (read from the UCDP record kept in ``original``).
TYPE_CLASSES: tuple[str, ...] = (*EVENT_TYPES, "state-based conflict (UCDP)", "non-state conflict (UCDP)",
                                 "one-sided violence (UCDP)")
#: How compatible two different type classes are (0..1, either way round). A class with itself
#: is 1; any pair not listed is 0: never linked.
TYPE_COMPATIBILITY: Mapping[tuple[str, str], float] = MappingProxyType({
    ("state-based conflict (UCDP)", "Battles"): 1.0,
    ("state-based conflict (UCDP)", "Explosions/Remote violence"): 0.8,  # shelling, air strikes between sides
    ("non-state conflict (UCDP)", "Battles"): 1.0,
    ("non-state conflict (UCDP)", "Explosions/Remote violence"): 0.6,
    ("non-state conflict (UCDP)", "Riots"): 0.5,  # communal clashes ACLED codes as mob violence
    ("one-sided violence (UCDP)", "Violence against civilians"): 1.0,
    ("one-sided violence (UCDP)", "Explosions/Remote violence"): 0.6,  # a bomb aimed at civilians
    ("Battles", "Explosions/Remote violence"): 0.6,  # one source's clash is another's shelling
    ("Protests", "Riots"): 0.6,  # a demonstration that turned violent
})
#: The parts of the score (they add up to 1). Actors or figures unknown on a side count half.
WEIGHTS: Mapping[str, float] = MappingProxyType({"time": 0.30, "place": 0.30, "type": 0.15, "actors": 0.15,
                                                 "fatalities": 0.10})


@dataclass(frozen=True, eq=False)
class LinkRules:
    """The numbers of the rules: the module's tables unless given."""

    date_tolerance_days: Mapping[str, int] = field(default_factory=lambda: DATE_TOLERANCE_DAYS)
    radius_km: Mapping[int, float] = field(default_factory=lambda: RADIUS_KM)
    type_compatibility: Mapping[tuple[str, str], float] = field(default_factory=lambda: TYPE_COMPATIBILITY)
    weights: Mapping[str, float] = field(default_factory=lambda: WEIGHTS)

    def __post_init__(self) -> None:
        unknown = {k for pair in self.type_compatibility for k in pair} - set(TYPE_CLASSES)
        if unknown:
            raise ValueError(f"type_compatibility: unknown type class(es) {sorted(unknown)}; "
                             f"expected among {list(TYPE_CLASSES)}")
        if set(self.radius_km) != {1, 2, 3} or min(self.radius_km.values()) < 0.01:
            raise ValueError("radius_km: expected a radius of at least 0.01 km for each of the precisions "
                             f"1, 2, 3; found {dict(self.radius_km)}")
        if set(self.date_tolerance_days) != set(DATE_PRECISIONS) or min(self.date_tolerance_days.values()) < 0:
            raise ValueError(f"date_tolerance_days: expected whole days >= 0 for each of {list(DATE_PRECISIONS)}; "
                             f"found {dict(self.date_tolerance_days)}")
        if set(self.weights) != set(WEIGHTS) or abs(sum(self.weights.values()) - 1) > 1e-9:
            raise ValueError(f"weights: expected {sorted(WEIGHTS)} adding up to 1; found {dict(self.weights)}")

    @cached_property
    def compatibility_matrix(self) -> np.ndarray:
        """Weights by (type class, type class); the last row and column are an unknown type."""
        k = len(TYPE_CLASSES)
        m = np.zeros((k + 1, k + 1))
        m[np.arange(k), np.arange(k)] = 1.0
        for (x, y), w in self.type_compatibility.items():
            i, j = TYPE_CLASSES.index(x), TYPE_CLASSES.index(y)
            m[i, j] = m[j, i] = w
        return m

    @cached_property
    def tolerance_by_code(self) -> np.ndarray:
        """Tolerance days by date precision code (the order of DATE_PRECISIONS)."""
        return np.array([self.date_tolerance_days[p] for p in DATE_PRECISIONS], dtype=np.int64)

    @cached_property
    def radius_by_precision(self) -> np.ndarray:
        return np.array([0.0] + [self.radius_km[p] for p in (1, 2, 3)])


def type_classes(table: EventTable) -> np.ndarray:
    """Per row, its index in :data:`TYPE_CLASSES` (``len(TYPE_CLASSES)`` when unknown): UCDP's
    type of violence where the row's record has one, else the event type."""
    k = len(TYPE_CLASSES)
    model = table.type_code.astype(np.int64)
    out = np.where(model == NO_CODE, k, model)
    if len(table):
        tov = pc.map_lookup(table.table["original"].combine_chunks(), "type_of_violence", "first")
        tov = np.asarray(pc.fill_null(tov, "").to_numpy(zero_copy_only=False), dtype=object)
        for code in (1, 2, 3):
            out[tov == str(code)] = len(EVENT_TYPES) + code - 1
    return out
