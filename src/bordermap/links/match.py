"""Finding the candidate links between two datasets, and the evidence for any pair.

A pair is a candidate when its dates meet, its places are near and its types are compatible
(:mod:`bordermap.links.rules`). Finding them never loops over pairs: points go into a grid on the
unit sphere, one per geo precision level, with cells twice the level's radius, so all of a point's
neighbours are in 8 cells; the other dataset's events are sorted by (cell, first day) and every
event finds those whose dates may meet by two binary searches per cell and per class of interval
length. Distances are great-circle distances on the mean Earth sphere (within 0.5 % of WGS84's
geodesic at these latitudes; that is far below the radii).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product
from typing import Iterator, Sequence

import numpy as np
import pyarrow as pa

from bordermap.core.columns import NO_CODE
from bordermap.core.table import EventTable
from bordermap.links.actors import ActorWords, expand
from bordermap.links.results import LINK_TABLE_SCHEMA, Links, link_table, rank_order
from bordermap.links.rules import GEO_SHARPNESS, LinkRules, type_classes
from bordermap.model import DATE_PRECISIONS

__all__ = ["candidate_links", "pair_links", "missing_links", "EARTH_RADIUS_KM"]

EARTH_RADIUS_KM = 6371.0088  # the IUGG mean radius

#: Interval lengths (days) that split the searched events: an event's search reaches back by the
#: longest interval of the class, so a year-long record does not widen the search for day records.
_LENGTH_CLASSES = (7, 31, 366)
#: Pairs handled at a time (bounds the memory of one step).
_PAIR_CHUNK = 1 << 18


@dataclass(eq=False)
class _Side:
    """One dataset's columns as the rules read them."""

    table: EventTable
    t0: np.ndarray
    t1: np.ndarray
    date_code: np.ndarray  # 0 day .. 3 year (DATE_PRECISIONS)
    precision: np.ndarray  # geo precision 1..3
    xyz: np.ndarray  # unit vectors, (n, 3); NaN without a geometry
    type_class: np.ndarray

    @classmethod
    def of(cls, table: EventTable) -> "_Side":
        lon, lat = np.radians(table.lonlat[:, 0]), np.radians(table.lonlat[:, 1])
        xyz = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
        date_code = table.date_precision_code.astype(np.int64)
        date_code[date_code == NO_CODE] = len(DATE_PRECISIONS) - 1
        precision = np.clip(table.geo_precision.astype(np.int64), 1, 3)
        return cls(table, table.t0.astype(np.int64), table.t1.astype(np.int64), date_code, precision, xyz,
                   type_classes(table))


def _chord(km: float) -> float:
    """The straight distance through the unit sphere between two points ``km`` apart on it."""
    return 2 * math.sin(km / (2 * EARTH_RADIUS_KM))


def _gap_days(a: _Side, b: _Side, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Days between the two intervals (0 when they overlap)."""
    return np.maximum(np.maximum(a.t0[ia] - b.t1[ib], b.t0[ib] - a.t1[ia]), 0)


def _join(a: _Side, arows: np.ndarray, b: _Side, brows: np.ndarray, radius_km: float,
          rules: LinkRules) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The pairs (row of a, row of b) among the given rows whose dates meet, whose points are at
    most ``radius_km`` apart and whose types are compatible, a chunk at a time."""
    if not len(arows) or not len(brows):
        return
    tol_of, compat = rules.tolerance_by_code, rules.compatibility_matrix
    reach = _chord(radius_km)
    cell = 2 * reach  # a ball of the radius meets at most 2 cells along each axis
    k0 = int(math.ceil(1 / cell)) + 2
    width = 2 * k0 + 1

    def key(ijk: np.ndarray) -> np.ndarray:
        return ((ijk[:, 0] + k0) * width + ijk[:, 1] + k0) * width + ijk[:, 2] + k0

    cells, cell_of = np.unique(key(np.floor(b.xyz[brows] / cell).astype(np.int64)), return_inverse=True)
    bt0, bspan = b.t0[brows], b.t1[brows] - b.t0[brows]
    tmin, days = int(bt0.min()), int(bt0.max() - bt0.min()) + 1
    tol = np.maximum(tol_of[a.date_code[arows]], int(tol_of[b.date_code[brows]].max()))
    scaled = a.xyz[arows] / cell
    base = np.floor(scaled).astype(np.int64)
    step = np.where(scaled - base < 0.5, -1, 1)  # the neighbour cell on the nearer side
    neighbours = []
    for corner in product((0, 1), repeat=3):
        k = key(base + step * np.asarray(corner))
        at = np.minimum(np.searchsorted(cells, k), len(cells) - 1)
        neighbours.append(np.where(cells[at] == k, at, -1))
    bounds = (-1, *_LENGTH_CLASSES, np.inf)
    for shortest, longest in zip(bounds[:-1], bounds[1:]):
        in_class = (bspan > shortest) & (bspan <= longest)
        if not in_class.any():
            continue
        rows = brows[in_class]
        composite = cell_of[in_class] * days + (bt0[in_class] - tmin)
        order = np.argsort(composite, kind="stable")
        composite, rows = composite[order], rows[order]
        first_day = np.clip(a.t0[arows] - tol - int(bspan[in_class].max()) - tmin, 0, None)
        last_day = np.minimum(a.t1[arows] + tol - tmin, days - 1)
        for found in neighbours:
            lo = np.searchsorted(composite, found * days + first_day, "left")
            hi = np.searchsorted(composite, found * days + last_day, "right")
            count = np.where((found >= 0) & (last_day >= first_day), hi - lo, 0)
            for start, stop in _chunks(count):
                item, pos = expand(lo[start:stop], count[start:stop])
                ia, ib = arows[start + item], rows[pos]
                keep = ((_gap_days(a, b, ia, ib) <= np.maximum(tol_of[a.date_code[ia]], tol_of[b.date_code[ib]]))
                        & (np.linalg.norm(a.xyz[ia] - b.xyz[ib], axis=1) <= reach)
                        & (compat[a.type_class[ia], b.type_class[ib]] > 0))
                if keep.any():
                    yield ia[keep], ib[keep]


def _chunks(count: np.ndarray) -> Iterator[tuple[int, int]]:
    """Ranges of items whose counts add up to about _PAIR_CHUNK."""
    ends = np.cumsum(count)
    start = 0
    while start < len(count) and ends[-1] > (ends[start - 1] if start else 0):
        done = ends[start - 1] if start else 0
        stop = max(int(np.searchsorted(ends, done + _PAIR_CHUNK, "right")), start + 1)
        yield start, stop
        start = stop


def _fatality_agreement(a: EventTable, b: EventTable, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """1 when the two fatality ranges overlap, else (nearer end + 1) / (farther end + 1): 12 and
    16-20 agree 0.76; NaN when a side gives no complete toll."""
    alo, ahi = a.fatalities_low[ia], a.fatalities_high[ia]
    blo, bhi = b.fatalities_low[ib], b.fatalities_high[ib]
    with np.errstate(invalid="ignore"):
        overlap = np.maximum(alo, blo) <= np.minimum(ahi, bhi)
        near = np.where(ahi < blo, (ahi + 1) / (blo + 1), (bhi + 1) / (alo + 1))
        return np.where(np.isnan(alo) | np.isnan(blo), np.nan, np.where(overlap, 1.0, near))


def _evidence(a: _Side, b: _Side, actors: ActorWords, ia: np.ndarray, ib: np.ndarray,
              rules: LinkRules) -> dict[str, np.ndarray]:
    """Every measure and the score of each pair, whether or not the rules propose it."""
    gap = _gap_days(a, b, ia, ib)
    date_code = np.maximum(a.date_code[ia], b.date_code[ib])
    tol = rules.tolerance_by_code[date_code]
    span = np.maximum(a.t1[ia] - a.t0[ia], b.t1[ib] - b.t0[ib]) + 1
    # near in time, and sharp: a day says more than a day inside a month
    time = np.clip(1 - gap / (tol + 1), 0, 1) / (1 + 0.25 * np.log2(span))
    precision = np.maximum(a.precision[ia], b.precision[ib])
    radius = rules.radius_by_precision[precision]
    chord = np.linalg.norm(a.xyz[ia] - b.xyz[ib], axis=1)
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2, 1.0))
    sharp = np.array([0.0] + [GEO_SHARPNESS[p] for p in (1, 2, 3)])[precision]
    place = np.clip(1 - km / radius, 0, 1) * sharp
    type_weight = rules.compatibility_matrix[a.type_class[ia], b.type_class[ib]]
    actor, rarest = actors.overlap(ia, ib)
    fatal = _fatality_agreement(a.table, b.table, ia, ib)
    w = rules.weights
    score = (w["time"] * time + w["place"] * place + w["type"] * type_weight
             + w["actors"] * np.where(np.isnan(actor), 0.5, actor)
             + w["fatalities"] * np.where(np.isnan(fatal), 0.5, fatal))
    return {"a_row": ia, "b_row": ib, "score": np.round(score, 6),
            "proposed": (gap <= tol) & (km <= radius) & (type_weight > 0),
            "gap_days": gap, "tolerance_days": tol, "date_precision": date_code, "distance_km": km,
            "radius_km": radius, "geo_precision": precision, "type_weight": type_weight, "actor_score": actor,
            "fatality_score": fatal, "shared_actor": rarest}


def _all_evidence(a: _Side, b: _Side, actors: ActorWords, ia: np.ndarray, ib: np.ndarray,
                  rules: LinkRules) -> dict[str, np.ndarray]:
    """:func:`_evidence` a chunk of pairs at a time (bounds the memory of the word matching)."""
    parts = [_evidence(a, b, actors, ia[s:s + _PAIR_CHUNK], ib[s:s + _PAIR_CHUNK], rules)
             for s in range(0, len(ia), _PAIR_CHUNK)] or [_evidence(a, b, actors, ia, ib, rules)]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _table_of(a: _Side, b: _Side, actors: ActorWords, ev: dict[str, np.ndarray], ranks=None) -> pa.Table:
    """The links table of the pairs in ``ev`` (ranks all 1 unless given as rank_a, rank_b, best)."""
    n = len(ev["a_row"])
    rank_a, rank_b, best = ranks or (np.ones(n), np.ones(n), np.zeros(n, bool))
    rarest = ev["shared_actor"]
    words = np.array(actors.words + [None], dtype=object)
    return link_table({
        **ev, "a_id": a.table.table["id"].take(pa.array(ev["a_row"])),
        "b_id": b.table.table["id"].take(pa.array(ev["b_row"])),
        "rank_a": rank_a, "rank_b": rank_b, "best": best, "status": pa.repeat(pa.scalar("proposed"), n),
        "shared_actor": words[np.where(rarest >= 0, rarest, len(actors.words))],
    })


def candidate_links(a: EventTable, b: EventTable, *, a_name: str, b_name: str,
                    rules: LinkRules | None = None) -> Links:
    """Every pair of an event of ``a`` and one of ``b`` that the rules propose as one event,
    scored and ranked.

    Parameters
    ----------
    a, b
        The two datasets' events (one dataset of a combined table: ``table.take(rows)``).
    a_name, b_name
        The datasets' names as the links show them ('ACLED', 'UCDP GED', 'the article').
    rules
        The numbers of the rules (:class:`~bordermap.links.rules.LinkRules` by default).

    Returns
    -------
    Links
        In ``a``'s story order, each event's candidates best first. Every candidate of an event
        is kept; events without a geometry are never linked.
    """
    rules = rules or LinkRules()
    sa, sb = _Side.of(a), _Side.of(b)
    rows_a = np.flatnonzero(np.isfinite(sa.xyz).all(axis=1))
    rows_b = np.flatnonzero(np.isfinite(sb.xyz).all(axis=1))
    level_a, level_b = sa.precision[rows_a], sb.precision[rows_b]
    found_a, found_b = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for level in (1, 2, 3):  # the pairs whose less precise side is at this level, each found once
        for arows, brows in ((rows_a[level_a == level], rows_b[level_b <= level]),
                             (rows_a[level_a < level], rows_b[level_b == level])):
            for ia, ib in _join(sa, arows, sb, brows, rules.radius_km[level], rules):
                found_a.append(ia)
                found_b.append(ib)
    ia, ib = np.concatenate(found_a), np.concatenate(found_b)
    actors = ActorWords.of(a, b)
    ev = _all_evidence(sa, sb, actors, ia, ib, rules)
    # ranked here, on numbers, so that the table is built once in its final order
    rank_a, rank_b, best, order = rank_order(ia, ib, ev["score"], ev["distance_km"], ev["gap_days"].astype(float),
                                             np.zeros(len(ia), bool))
    ev = {k: v[order] for k, v in ev.items()}
    table = _table_of(sa, sb, actors, ev, (rank_a[order], rank_b[order], best[order]))
    return Links(table, a, b, a_name, b_name, rules)


def pair_links(links: Links, a_rows: Sequence[int], b_rows: Sequence[int]) -> pa.Table:
    """Links-table rows for the given pairs of rows of ``links.a`` and ``links.b``, measured as
    the rules measure them (``proposed`` says whether the rules would propose the pair): for a
    link an analyst confirmed that the rules do not, or no longer, propose."""
    ia, ib = np.asarray(a_rows, dtype=np.int64), np.asarray(b_rows, dtype=np.int64)
    if not len(ia):
        return LINK_TABLE_SCHEMA.empty_table()
    sa, sb, actors = _Side.of(links.a), _Side.of(links.b), ActorWords.of(links.a, links.b)
    return _table_of(sa, sb, actors, _all_evidence(sa, sb, actors, ia, ib, links.rules))


def missing_links(a_ids: Sequence[str], b_ids: Sequence[str], a_rows: Sequence[int],
                  b_rows: Sequence[int]) -> pa.Table:
    """Links-table rows for links to events that are no longer in their dataset (row -1)."""
    n = len(a_ids)
    return link_table({"a_row": np.asarray(a_rows, np.int64), "b_row": np.asarray(b_rows, np.int64),
                       "a_id": pa.array(list(a_ids), pa.string()), "b_id": pa.array(list(b_ids), pa.string()),
                       "rank_a": np.ones(n), "rank_b": np.ones(n), "best": np.zeros(n, bool),
                       "status": pa.repeat(pa.scalar("proposed"), n), "proposed": np.zeros(n, bool)})
