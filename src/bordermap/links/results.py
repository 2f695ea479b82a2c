"""Links as a table, ranked, and in words at the edge.

:class:`Links` holds one row per link in an Arrow table (:data:`LINK_TABLE_SCHEMA`): the two
events' rows and ids, the score and each measure behind it, the ranks, the status and an
analyst's decision. A :class:`Link` (with its reasons in words, both events' dates, places and
fatality figures) is made only when links are iterated, a batch at a time, for the panel or the
CSV; a million links stay a million rows of numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.core.table import EventTable
from bordermap.links.rules import TYPE_CLASSES, LinkRules, type_classes
from bordermap.model import DATE_PRECISIONS, date_label, fatality_label

__all__ = ["Link", "Links", "LINK_TABLE_SCHEMA", "link_table", "rank_order", "STATUSES"]

#: What a link's ``status`` can be: proposed by the rules, or confirmed by an analyst.
STATUSES = ("proposed", "confirmed")

LINK_TABLE_SCHEMA = pa.schema([
    pa.field("a_row", pa.int64()), pa.field("b_row", pa.int64()),  # -1: the event is no longer there
    pa.field("a_id", pa.string()), pa.field("b_id", pa.string()),
    pa.field("score", pa.float64()),
    pa.field("rank_a", pa.int32()), pa.field("rank_b", pa.int32()), pa.field("best", pa.bool_()),
    pa.field("status", pa.string()), pa.field("proposed", pa.bool_()),
    pa.field("gap_days", pa.int32()), pa.field("tolerance_days", pa.int32()),
    pa.field("date_precision", pa.int8()),  # the less precise date's, as a code of DATE_PRECISIONS
    pa.field("distance_km", pa.float64()), pa.field("radius_km", pa.float64()),
    pa.field("geo_precision", pa.int8()),  # the less precise one's
    pa.field("type_weight", pa.float64()),
    pa.field("actor_score", pa.float64()),  # NaN: a side names no actor
    pa.field("fatality_score", pa.float64()),  # NaN: a side gives no complete toll
    pa.field("shared_actor", pa.string()),  # the rarest word the two events' actors share
    pa.field("decided_by", pa.string()), pa.field("decided_at", pa.string()), pa.field("note", pa.string()),
])


def link_table(columns: Mapping[str, Any]) -> pa.Table:
    """A links table from numpy arrays or Arrow arrays by column name (missing ones null)."""
    n = len(columns["a_row"])
    out = []
    for f in LINK_TABLE_SCHEMA:
        v = columns.get(f.name)
        if v is None:
            out.append(pa.nulls(n, f.type))
        elif isinstance(v, (pa.Array, pa.ChunkedArray)):
            out.append(v if v.type.equals(f.type) else v.cast(f.type))
        elif np.asarray(v).dtype == object:
            out.append(pa.array(np.asarray(v).tolist(), f.type))
        else:
            out.append(pa.array(np.asarray(v)).cast(f.type))
    return pa.table(out, schema=LINK_TABLE_SCHEMA)


@dataclass(frozen=True)
class Link:
    """One link, as the panel and the CSV show it."""

    a_dataset: str
    a_id: str
    b_dataset: str
    b_id: str
    score: float
    reasons: str
    rank_a: int
    rank_b: int
    best: bool
    status: str
    proposed: bool  # whether the rules propose it (a confirmed link may be beyond them)
    distance_km: float
    gap_days: int
    a_dates: str = ""  # ISO 8601: 2012-07-24, or an interval 2012-07-21/2012-07-27
    b_dates: str = ""
    a_place: str = ""  # 'Khorugh (37.4904, 71.5534)'
    b_place: str = ""
    a_fatalities: str = ""  # bordermap.model.fatality_label
    b_fatalities: str = ""
    decided_by: str = ""
    decided_at: str = ""
    note: str = ""


@dataclass(frozen=True, eq=False)
class Links:
    """Links between the events of ``a`` and those of ``b``, a row of :attr:`table` each.

    As :func:`~bordermap.links.candidate_links` and :meth:`ranked` give them, the rows are in
    ``a``'s story order, each event's links best first.
    """

    table: pa.Table
    a: EventTable
    b: EventTable
    a_name: str
    b_name: str
    rules: LinkRules = field(default_factory=LinkRules)

    def __len__(self) -> int:
        return self.table.num_rows

    def column(self, name: str) -> np.ndarray:
        return self.table[name].to_numpy(zero_copy_only=False)

    # ---- subsets ---------------------------------------------------------------------------------
    def filter(self, mask: np.ndarray | Sequence[bool]) -> "Links":
        """The links where ``mask`` holds, ranks as they were."""
        return replace(self, table=self.table.filter(pa.array(np.asarray(mask, dtype=bool))))

    def top(self) -> "Links":
        """The links that rank first for at least one of their two events."""
        return self.filter((self.column("rank_a") == 1) | (self.column("rank_b") == 1))

    def best_only(self) -> "Links":
        """Mutual best matches only."""
        return self.filter(self.column("best"))

    def of_event(self, event_id: str) -> "Links":
        """One event's links (it may be in ``a`` or ``b``), best first."""
        in_a = _equals(self.table["a_id"], event_id)
        sub = self.filter(in_a | _equals(self.table["b_id"], event_id))
        rank = np.where(_equals(sub.table["a_id"], event_id), sub.column("rank_a"), sub.column("rank_b"))
        return replace(sub, table=sub.table.take(pa.array(np.argsort(rank, kind="stable"))))

    def id_pairs(self) -> list[tuple[str, str]]:
        """(a_id, b_id) of every link."""
        return list(zip(self.table["a_id"].to_pylist(), self.table["b_id"].to_pylist()))

    def with_rows(self, table: pa.Table) -> "Links":
        """These links and the rows of ``table`` (a links table), ranked again."""
        return replace(self, table=pa.concat_tables([self.table, table])).ranked()

    # ---- ranking ---------------------------------------------------------------------------------
    def ranked(self) -> "Links":
        """Ranks recomputed: among each event's links, confirmed ones first, then by score (ties:
        the nearer, then the closer in time, then story order); ``best`` where a link ranks first
        for both its events. Rows sorted by ``a``'s row, then rank."""
        t = self.table
        if not t.num_rows:
            return self
        rank_a, rank_b, best, order = rank_order(
            self.column("a_row"), self.column("b_row"), self.column("score").astype(float),
            self.column("distance_km").astype(float), self.column("gap_days").astype(float),
            _equals(t["status"], "confirmed"))
        for name, values in (("rank_a", pa.array(rank_a, pa.int32())), ("rank_b", pa.array(rank_b, pa.int32())),
                             ("best", pa.array(best))):
            t = t.set_column(t.schema.get_field_index(name), name, values)
        if not np.array_equal(order, np.arange(len(order))):
            t = t.take(pa.array(order))
        return replace(self, table=t)

    # ---- the edge: Link objects with words -------------------------------------------------------
    def __iter__(self) -> Iterator[Link]:
        for start in range(0, len(self), 4096):
            yield from self._links(start, min(start + 4096, len(self)))

    def __getitem__(self, i: int) -> Link:
        i = range(len(self))[i]
        return self._links(i, i + 1)[0]

    def _links(self, start: int, stop: int) -> list[Link]:
        rows = self.table.slice(start, stop - start).to_pylist()
        a_text = _event_words(self.a, [r["a_row"] for r in rows])
        b_text = _event_words(self.b, [r["b_row"] for r in rows])
        out = []
        for r in rows:
            ta, tb = a_text.get(r["a_row"]), b_text.get(r["b_row"])
            out.append(Link(
                a_dataset=self.a_name, a_id=r["a_id"], b_dataset=self.b_name, b_id=r["b_id"],
                score=_number(r["score"]), reasons=self._reasons(r, ta, tb), rank_a=r["rank_a"],
                rank_b=r["rank_b"], best=bool(r["best"]), status=r["status"], proposed=bool(r["proposed"]),
                distance_km=_number(r["distance_km"]), gap_days=-1 if r["gap_days"] is None else r["gap_days"],
                a_dates=ta.dates if ta else "", b_dates=tb.dates if tb else "",
                a_place=ta.place if ta else "", b_place=tb.place if tb else "",
                a_fatalities=ta.fatalities if ta else "", b_fatalities=tb.fatalities if tb else "",
                decided_by=r["decided_by"] or "", decided_at=r["decided_at"] or "", note=r["note"] or ""))
        return out

    def _reasons(self, r: dict[str, Any], ta: "_EventWords | None", tb: "_EventWords | None") -> str:
        """The evidence in words: 'dates overlap (24 Jul 2012 / 21 Jul 2012 – 27 Jul 2012); 3.2 km
        apart, within 25 km for precision 2; both Battles; actors in common: taliban; fatalities
        12 / 16–20'."""
        if ta is None or tb is None:
            gone = [f"{r['a_id']} is no longer in {self.a_name}"] if ta is None else []
            return "; ".join(gone + ([f"{r['b_id']} is no longer in {self.b_name}"] if tb is None else []))
        gap, tol = r["gap_days"], r["tolerance_days"]
        dates = f"({ta.when} / {tb.when})"
        if gap == 0:
            parts = [f"dates overlap {dates}"]
        else:
            parts = [f"{gap} day{'s' if gap != 1 else ''} apart {dates}, {'within' if gap <= tol else 'beyond'} "
                     f"the {tol}-day tolerance for {DATE_PRECISIONS[r['date_precision']]} dates"]
        km, radius = r["distance_km"], r["radius_km"]
        parts.append(f"{km:.1f} km apart, {'within' if km <= radius else 'beyond'} {radius:g} km for "
                     f"precision {r['geo_precision']}")
        if ta.type_class == tb.type_class:
            parts.append(f"both {ta.type_class}")
        else:
            verdict = f"compatible, {r['type_weight']:.1f}" if r["type_weight"] > 0 else "not compatible"
            parts.append(f"{ta.type_class} / {tb.type_class} ({verdict})")
        if r["shared_actor"]:
            parts.append(f"actors in common: {r['shared_actor']}")
        elif not math.isnan(_number(r["actor_score"])):
            parts.append("no actor in common")
        if ta.fatalities and tb.fatalities:
            parts.append(f"fatalities {ta.fatalities} / {tb.fatalities}")
        return "; ".join(parts)


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _equals(column: pa.ChunkedArray | pa.Array, value: str) -> np.ndarray:
    return pc.fill_null(pc.equal(column, value), False).to_numpy(zero_copy_only=False).astype(bool)


def rank_order(arow: np.ndarray, brow: np.ndarray, score: np.ndarray, km: np.ndarray, gap: np.ndarray,
               confirmed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per link (rows of a and b, -1 for an event no longer there), its rank among its a event's
    links and among its b event's (confirmed first, then by score; ties: the nearer, the closer
    in time, story order), whether it is a mutual best, and the order that sorts links by a's
    row, then rank. NaN scores rank last."""
    n = len(arow)
    # one order of merit for all links; each event's links keep it (stable sorts by event)
    primary = np.nan_to_num(score, nan=-1.0) + 2 * confirmed  # scores are 0..1: confirmed ones first
    pair = arow * (int(brow.max(initial=0)) + 2) + brow
    merit = np.lexsort((pair, np.nan_to_num(gap, nan=np.inf), np.nan_to_num(km, nan=np.inf), -primary))
    orphan = (arow < 0) | (brow < 0)
    alone = -1 - np.arange(n)  # a link to an event no longer there ranks alone
    rank_a = _ranks(np.where(orphan, alone, arow), merit)
    rank_b = _ranks(np.where(orphan, alone, brow), merit)
    return rank_a, rank_b, (rank_a == 1) & (rank_b == 1) & ~orphan, np.lexsort((rank_a, arow))


def _ranks(group: np.ndarray, merit: np.ndarray) -> np.ndarray:
    """Per link, its place (1 = best) among its group's links in the order ``merit``."""
    order = merit[np.argsort(group[merit], kind="stable")]
    g = group[order]
    starts = np.r_[True, g[1:] != g[:-1]]
    idx = np.arange(len(g))
    rank = np.empty(len(g), dtype=np.int64)
    rank[order] = idx - np.maximum.accumulate(np.where(starts, idx, 0)) + 1
    return rank


@dataclass(frozen=True)
class _EventWords:
    when: str  # as the panel says it: bordermap.model.date_label
    dates: str  # ISO 8601
    place: str
    fatalities: str
    type_class: str


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _event_words(table: EventTable, rows: Iterable[int | None]) -> dict[int, _EventWords]:
    """The words for the given rows' events, each made once."""
    wanted = np.array(sorted({r for r in rows if r is not None and r >= 0}), dtype=np.int64)
    if not len(wanted):
        return {}
    sub = table.table.select(["location", "fatalities", "date_precision"]).take(pa.array(wanted))
    t0, t1, lonlat = table.t0[wanted], table.t1[wanted], table.lonlat[wanted]
    classes = np.asarray(TYPE_CLASSES + ("unknown type",))[type_classes(table.take(wanted))]
    out = {}
    for i, (row, where, claims, precision) in enumerate(zip(
            wanted.tolist(), sub["location"].to_pylist(), sub["fatalities"].to_pylist(),
            sub["date_precision"].to_pylist())):
        d0, d1 = date.fromordinal(_EPOCH_ORDINAL + int(t0[i])), date.fromordinal(_EPOCH_ORDINAL + int(t1[i]))
        lon, lat = lonlat[i]
        out[row] = _EventWords(
            when=date_label(d0, d1, precision or "day"),
            dates=d0.isoformat() if d0 == d1 else f"{d0.isoformat()}/{d1.isoformat()}",
            place=f"{where} ({lat:.4f}, {lon:.4f})" if np.isfinite(lon) else str(where),
            fatalities=fatality_label(claims or []), type_class=str(classes[i]))
    return out
