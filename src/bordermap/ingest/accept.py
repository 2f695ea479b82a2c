"""Accepting proposals: they join an events file with their provenance, never half-way.

:func:`accept_proposals` is pure: it takes the proposals and the events (dicts) and returns both
as they are to be written, or refuses with every reason at once. An accepted event loses its
``proposal`` (evidence and candidates stay in the proposals file's history, not in the dataset)
and keeps a trimmed ``provenance``: the report (source, URL, date, hash), the proposer's
version, the reviewer and the time. Before anything is written the new events file is
validated; a proposal that duplicates an event already there (the same place, within the
larger of the two precisions' radii, and dates that overlap) is refused unless ``force``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, timezone

import geopandas as gpd
from shapely.geometry import shape

from bordermap.errors import BordermapError
from bordermap.geo import PROJECTED_CRS
from bordermap.links.rules import RADIUS_KM
from bordermap.validate import validate_collection

__all__ = ["AcceptRefusal", "AcceptResult", "accept_proposals", "duplicates_of"]


class AcceptRefusal(BordermapError):
    """Nothing was accepted; ``reasons`` has one sentence per problem."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class AcceptResult:
    """The events and the proposals as they are to be written, what was accepted, and the
    duplicates let through by ``force`` (proposal id, existing id)."""

    events: dict
    proposals: dict
    accepted: list[str]
    duplicates: list[tuple[str, str]]


def _interval(props: dict) -> tuple[date, date] | None:
    try:
        return date.fromisoformat(props["date_start"]), date.fromisoformat(props["date_end"])
    except (KeyError, TypeError, ValueError):
        return None


def _geometry(feature: dict):
    try:
        return shape(feature["geometry"])
    except Exception:  # a malformed geometry cannot be a duplicate; the validator words it
        return None


def duplicates_of(proposal: dict, events: list[dict]) -> list[tuple[str, float]]:
    """Events of ``events`` that may be the same as ``proposal``: dates overlapping and places
    within the radius of the less precise of the two (:data:`bordermap.links.rules.RADIUS_KM`:
    10 km for a town, 25 km near one, 150 km a province), or sharing a gazetteer place id on
    the same days. Returns (event id, distance in km)."""
    props = proposal["properties"]
    span = _interval(props)
    here = _geometry(proposal)
    if span is None or here is None:
        return []
    candidates = []
    for feature in events:
        other = feature.get("properties") or {}
        their = _interval(other)
        if their is None or their[0] > span[1] or span[0] > their[1]:
            continue
        geom = _geometry(feature)
        if geom is None:
            continue
        candidates.append((other, geom))
    if not candidates:
        return []
    projected = gpd.GeoSeries([here] + [g for _, g in candidates], crs=4326).to_crs(PROJECTED_CRS)
    found = []
    for (other, _), geom in zip(candidates, projected.iloc[1:]):
        km = projected.iloc[0].distance(geom) / 1000
        radius = RADIUS_KM.get(max(int(props.get("geo_precision", 1)), int(other.get("geo_precision", 1) or 1)), 10.0)
        same_place = bool(set(props.get("place_ids") or ()) & set(other.get("place_ids") or ()))
        if km <= radius or same_place:
            found.append((str(other.get("id")), round(km, 1)))
    return found


def accept_proposals(proposals: dict, ids: list[str], events: dict, *, reviewer: str | None = None,
                     now: datetime | None = None, force: bool = False, file: str = "events") -> AcceptResult:
    """Move the proposals ``ids`` into ``events``.

    Parameters
    ----------
    proposals, events : dict
        The two FeatureCollections as read (neither is changed).
    ids : list of str
        Proposal ids to accept (each once).
    reviewer : str, optional
        Who accepted them (kept in ``provenance``).
    now : datetime, optional
        The time of acceptance (default: now, UTC).
    force : bool
        Accept even proposals that duplicate an existing event (they are still listed).

    Raises
    ------
    AcceptRefusal
        An id is unknown or not a proposal, already in the events file, a duplicate (without
        ``force``), or the events file would not be valid.
    """
    now = now or datetime.now(timezone.utc)
    by_id = {str((f.get("properties") or {}).get("id")): f for f in proposals.get("features", []) if isinstance(f, dict)}
    existing = [f for f in events.get("features", []) if isinstance(f, dict)]
    existing_ids = {str((f.get("properties") or {}).get("id")) for f in existing}
    reasons: list[str] = []
    chosen: list[dict] = []
    duplicates: list[tuple[str, str]] = []
    for pid in dict.fromkeys(ids):
        feature = by_id.get(pid)
        if feature is None:
            reasons.append(f"no proposal has the id {pid!r}")
            continue
        proposal = (feature.get("properties") or {}).get("proposal")
        if not isinstance(proposal, dict) or proposal.get("status") != "proposed":
            reasons.append(f"{pid!r} is not a pending proposal")
            continue
        if pid in existing_ids:
            reasons.append(f"{pid!r} is already an event in {file}")
            continue
        for other, km in duplicates_of(feature, existing):
            duplicates.append((pid, other))
            if not force:
                reasons.append(f"{pid!r} may duplicate the event {other!r} ({km} km away, overlapping dates); "
                               "check it, then use --force to accept it anyway")
        chosen.append(feature)
    if reasons:
        raise AcceptRefusal(reasons)
    accepted = [_accepted(f, reviewer, now) for f in chosen]
    new_events = dict(events)
    new_events["features"] = existing + accepted
    problems = [p for p in validate_collection(new_events, file) if p.severity == "error"]
    if problems:
        raise AcceptRefusal([str(p) for p in problems])
    taken = {f["properties"]["id"] for f in accepted}
    remaining = dict(proposals)
    remaining["features"] = [f for f in proposals.get("features", [])
                             if str((f.get("properties") or {}).get("id")) not in taken]
    return AcceptResult(new_events, remaining, [f["properties"]["id"] for f in accepted], duplicates)


def _accepted(feature: dict, reviewer: str | None, now: datetime) -> dict:
    out = copy.deepcopy(feature)
    props = out["properties"]
    proposal = props.pop("proposal")
    props["tags"] = [t for t in props.get("tags", []) if t != "proposed"] or ["ingested"]
    if "ingested" not in props["tags"]:
        props["tags"].append("ingested")
    report = {k: v for k, v in (proposal.get("report") or {}).items() if v is not None}
    provenance = {"report": report, "proposer": proposal.get("proposer", ""),
                  "accepted_at": now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if reviewer:
        provenance["reviewer"] = reviewer
    if proposal.get("edited"):  # what the reviewer changed from the proposer's reading
        provenance["edited"] = list(proposal["edited"])
    props["provenance"] = provenance
    # An events file's article_refs point into its own article, not into the ingested report.
    props["article_refs"] = []
    return out
