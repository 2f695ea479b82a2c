"""Score proposed events against events coded by hand (issue 12's evaluation of ``bordermap ingest``).

A labelled report (``tests/data/ingest_eval/reports/*.json``) holds a short excerpt and the *gold*
events an analyst codes from it. A proposer (``bordermap.ingest.ingest_report``) turns the excerpt
into a FeatureCollection of proposed events. For each report the proposals are paired one to one
with the gold events (:func:`match_events`), then every field is counted:

* a field's true positives are the matched pairs where the proposal has it right;
* its precision divides them by all proposals, its recall by all gold events (a proposal with no
  gold partner and a gold event with no proposal both count against the field);
* fatality claims are counted one claim at a time: a proposed claim is right when a gold claim of
  the paired event has the same figure and its claimant names the same source (any of the gold
  claim's ``claimant_keys`` occurs as a word in the proposal's ``source``).

Fields (:data:`FIELDS`): ``place_10km`` (the point within :data:`PLACE_KM` of the gold point),
``bank`` (the country, i.e. the bank of the Panj), ``date_day`` (start and end dates exact),
``date_overlap`` (the intervals share a day), ``date_precision``, ``event_type``,
``sub_event_type``, ``claims`` (figure and claimant), ``claim_figures`` (figure only),
``event`` (a whole event right: place, bank, exact dates, type, and its claims exactly the gold
ones) and ``event_core`` (place, bank, overlapping dates and type right, claims aside).

Pure functions apart from :func:`load_eval_set`; the harness is ``benchmarks/bench_ingest_eval.py``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

__all__ = [
    "FIELDS", "PLACE_KM", "PAIR_KM", "Counts", "EventView", "ReportScore",
    "load_eval_set", "proposal_views", "gold_views", "haversine_km", "claimant_matches",
    "count_claim_matches", "field_hits", "match_events", "score_report", "total_counts",
    "figures", "evaluate",
]

PLACE_KM = 10.0
"""A proposed place is right when its point lies within this distance of the gold point."""

PAIR_KM = 50.0
"""A proposal and a gold event whose dates do not overlap may still pair if this close."""

FIELDS = ("place_10km", "bank", "date_day", "date_overlap", "date_precision", "event_type",
          "sub_event_type", "claims", "claim_figures", "event", "event_core")


@dataclass(frozen=True)
class Claim:
    """One fatality claim reduced to what is scored: who says so, and the figure."""

    source: str
    figure: int | None
    claimant_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventView:
    """The scored fields of one event, proposed or gold."""

    lon: float | None
    lat: float | None
    country: str | None
    date_start: date | None
    date_end: date | None
    date_precision: str | None
    event_type: str | None
    sub_event_type: str | None
    claims: tuple[Claim, ...]


@dataclass
class Counts:
    """True positives of one field with the number of proposals and gold items they are out of."""

    tp: int = 0
    proposed: int = 0
    gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.proposed + other.proposed, self.gold + other.gold)

    @property
    def precision(self) -> float:
        return self.tp / self.proposed if self.proposed else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.proposed else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ReportScore:
    """One report's counts per field, and which proposal was paired with which gold event."""

    report_id: str
    counts: dict[str, Counts]
    pairs: list[tuple[int, int]] = field(default_factory=list)
    proposed: int = 0
    gold: int = 0


# --- reading -------------------------------------------------------------------------------------

def load_eval_set(folder: str | Path) -> list[dict[str, Any]]:
    """The labelled reports of ``folder`` (one ``*.json`` each), sorted by file name."""
    return [json.loads(p.read_text("utf-8")) for p in sorted(Path(folder).glob("*.json"))]


def _iso(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _proposed_claim(c: Mapping[str, Any]) -> Claim:
    # The figure a claim stands for: its total, else its floor, else its ceiling.
    for key in ("total", "low", "high"):
        n = _number(c.get(key))
        if n is not None:
            return Claim(str(c.get("source") or ""), n)
    return Claim(str(c.get("source") or ""), None)


def _point(geometry: Any) -> tuple[float | None, float | None]:
    if isinstance(geometry, Mapping) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if isinstance(coords, Sequence) and len(coords) >= 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in coords[:2]):
            return float(coords[0]), float(coords[1])
    return None, None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def proposal_views(fc: Any) -> list[EventView]:
    """The proposals of a FeatureCollection as :class:`EventView` (a feature it cannot read is an
    empty view: it still counts as a proposal, right in nothing)."""
    features = fc.get("features") if isinstance(fc, Mapping) else None
    views = []
    for f in features if isinstance(features, list) else []:
        props = f.get("properties") if isinstance(f, Mapping) else None
        props = props if isinstance(props, Mapping) else {}
        lon, lat = _point(f.get("geometry") if isinstance(f, Mapping) else None)
        claims = props.get("fatalities")
        views.append(EventView(
            lon, lat, _str(props.get("country")), _iso(props.get("date_start")), _iso(props.get("date_end")),
            _str(props.get("date_precision")), _str(props.get("event_type")), _str(props.get("sub_event_type")),
            tuple(_proposed_claim(c) for c in (claims if isinstance(claims, list) else []) if isinstance(c, Mapping))))
    return views


def gold_views(report: Mapping[str, Any]) -> list[EventView]:
    """The gold events of one labelled report as :class:`EventView`."""
    return [EventView(
        g["lon"], g["lat"], g["country"], _iso(g["date_start"]), _iso(g["date_end"]), g["date_precision"],
        g["event_type"], g["sub_event_type"],
        tuple(Claim(c["source"], c["figure"], tuple(c["claimant_keys"])) for c in g["fatalities"]))
        for g in report["gold"]]


# --- comparing -----------------------------------------------------------------------------------

def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6,371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return " ".join(re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", "".join(
        ch for ch in text if not unicodedata.combining(ch)).lower()))


def claimant_matches(source: str, keys: Iterable[str]) -> bool:
    """Whether a proposed claim's ``source`` names the gold claimant: one of ``keys`` (words or
    phrases, any case or accents) occurs in it as whole words, its last word perhaps with a plural
    or possessive ``s`` ("official" names "Tajik officials")."""
    folded = f" {_fold(source)} ".replace("'s ", " ")
    return any(f" {k} " in folded or f" {k}s " in folded for k in map(_fold, keys) if k)


def _distance(p: EventView, g: EventView) -> float | None:
    if None in (p.lon, p.lat, g.lon, g.lat):
        return None
    return haversine_km(p.lon, p.lat, g.lon, g.lat)  # type: ignore[arg-type]


def _overlap(p: EventView, g: EventView) -> bool:
    if None in (p.date_start, p.date_end, g.date_start, g.date_end):
        return False
    return p.date_start <= g.date_end and g.date_start <= p.date_end  # type: ignore[operator]


def count_claim_matches(proposed: Sequence[Claim], gold: Sequence[Claim], *, claimant: bool = True) -> int:
    """How many proposed claims pair one to one with gold claims of the same figure (and, with
    ``claimant``, a source naming the gold claimant). Gold claims are taken in order, each by the
    first proposed claim that fits and is still free."""
    free = list(range(len(proposed)))
    hits = 0
    for g in gold:
        for k in free:
            p = proposed[k]
            if p.figure is not None and p.figure == g.figure and (
                    not claimant or claimant_matches(p.source, g.claimant_keys)):
                free.remove(k)
                hits += 1
                break
    return hits


def field_hits(p: EventView, g: EventView) -> dict[str, bool]:
    """Which single-valued fields of proposal ``p`` are right against gold event ``g``."""
    d = _distance(p, g)
    hits = {
        "place_10km": d is not None and d <= PLACE_KM,
        "bank": p.country is not None and p.country == g.country,
        "date_day": p.date_start is not None and (p.date_start, p.date_end) == (g.date_start, g.date_end),
        "date_overlap": _overlap(p, g),
        "date_precision": p.date_precision is not None and p.date_precision == g.date_precision,
        "event_type": p.event_type is not None and p.event_type == g.event_type,
        "sub_event_type": p.event_type == g.event_type and p.sub_event_type is not None
        and p.sub_event_type == g.sub_event_type,
    }
    exact_claims = (len(p.claims) == len(g.claims) == count_claim_matches(p.claims, g.claims))
    hits["event"] = all(hits[k] for k in ("place_10km", "bank", "date_day", "event_type")) and exact_claims
    hits["event_core"] = all(hits[k] for k in ("place_10km", "bank", "date_overlap", "event_type"))
    return hits


def _pair_score(p: EventView, g: EventView) -> float | None:
    d = _distance(p, g)
    overlap = _overlap(p, g)
    if not overlap and (d is None or d > PAIR_KM):
        return None
    hits = field_hits(p, g)
    # Place first (a multi-event report has many events on one day), then bank, date, type,
    # claims; the distance breaks ties between two places both within reach.
    score = 4.0 * hits["place_10km"] + 2.0 * hits["bank"] + 2.0 * overlap + 1.0 * hits["date_day"]
    score += 1.0 * hits["event_type"] + 0.5 * hits["sub_event_type"] + count_claim_matches(p.claims, g.claims)
    return score - (min(d, PAIR_KM) / (10 * PAIR_KM) if d is not None else 0.1)


def match_events(proposed: Sequence[EventView], gold: Sequence[EventView]) -> list[tuple[int, int]]:
    """Pair proposals with gold events one to one, greedily by :func:`_pair_score` (highest first;
    ties by index). A pair is possible only when the dates overlap or the places are within
    :data:`PAIR_KM`. Returns (proposal index, gold index) pairs sorted by gold index."""
    scored = sorted(((-s, i, j) for i, p in enumerate(proposed) for j, g in enumerate(gold)
                     if (s := _pair_score(p, g)) is not None))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in scored:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs, key=lambda ij: ij[1])


def score_report(report_id: str, proposed: Sequence[EventView], gold: Sequence[EventView]) -> ReportScore:
    """Counts per field for one report (see the module docstring for what each counts)."""
    pairs = match_events(proposed, gold)
    counts = {f: Counts(0, len(proposed), len(gold)) for f in FIELDS}
    n_claims_p = sum(len(p.claims) for p in proposed)
    n_claims_g = sum(len(g.claims) for g in gold)
    counts["claims"] = Counts(0, n_claims_p, n_claims_g)
    counts["claim_figures"] = Counts(0, n_claims_p, n_claims_g)
    for i, j in pairs:
        p, g = proposed[i], gold[j]
        for name, hit in field_hits(p, g).items():
            counts[name].tp += hit
        counts["claims"].tp += count_claim_matches(p.claims, g.claims)
        counts["claim_figures"].tp += count_claim_matches(p.claims, g.claims, claimant=False)
    return ReportScore(report_id, counts, pairs, len(proposed), len(gold))


def total_counts(scores: Iterable[ReportScore]) -> dict[str, Counts]:
    """Counts per field summed over reports (micro-averaged)."""
    total = {f: Counts() for f in FIELDS}
    for s in scores:
        for f in FIELDS:
            total[f] = total[f] + s.counts[f]
    return total


def figures(counts: Mapping[str, Counts]) -> dict[str, dict[str, float | int]]:
    """Precision, recall and F1 (rounded to 3 places) with the counts behind them, per field."""
    return {f: {"precision": round(c.precision, 3), "recall": round(c.recall, 3), "f1": round(c.f1, 3),
                "tp": c.tp, "proposed": c.proposed, "gold": c.gold} for f, c in counts.items()}


def evaluate(reports: Iterable[Mapping[str, Any]], propose: Callable[[Mapping[str, Any]], Any]) -> list[ReportScore]:
    """Run ``propose`` (report → FeatureCollection of proposals) on every report and score it."""
    return [score_report(r["id"], proposal_views(propose(r)), gold_views(r)) for r in reports]
