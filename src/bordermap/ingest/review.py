"""Reviewing proposals: what the review page does, without Streamlit.

A proposals file (``bordermap ingest``) holds the proposed events of one report, each field
with its evidence, and the report's text (``report_text``) that the evidence offsets index.
The operations here are pure — they take the collection as read and return a new one, never
changing their input — and check their result with the project's validator, so a reviewer's
edit that would make the file invalid is refused with one sentence per problem:

- :func:`edit_proposal` changes fields of one proposal: the place (one of its candidates:
  geometry, location, country, precision follow), the dates, the type and sub-type (ACLED's
  vocabularies), the claims (figures per claimant), the confidence, title and summary.
- :func:`reject_proposal` marks one rejected with a reason, who and when; it stays in the file
  so the decision is not lost (:func:`reopen_proposal` undoes it).
- :func:`accept_reviewed` moves one into an events collection through
  :func:`bordermap.ingest.accept.accept_proposals` (provenance, duplicates, validation).

:func:`report_view` and :func:`evidence_marks` say what the page shows of the report, and
:func:`render_report` writes it as escaped HTML with each field's evidence in ``<mark>``.
The file side — :func:`read_proposals`, :func:`write_proposals`, :func:`accept_into` — reads
and writes atomically (:mod:`bordermap.io.files`).
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jinja2
import markupsafe

from bordermap.errors import BordermapError, UnreadableFileError
from bordermap.ingest.accept import AcceptResult, accept_proposals, duplicates_of
from bordermap.ingest.claims import claimant_kind
from bordermap.ingest.propose import proposal_text
from bordermap.ingest.provenance import CONTROL_CHARACTERS, clean_name, clean_url, read_events_target
from bordermap.ingest.report import MAX_REPORT_CHARS
from bordermap.io.files import read_json, write_json_atomic
from bordermap.model import CONFIDENCE_LEVELS, DATE_PRECISIONS, EVENT_TYPES
from bordermap.textsafe import terminal_safe
from bordermap.validate import validate_collection

__all__ = ["EDITABLE", "FIELD_LABELS", "MAX_PROPOSALS", "MAX_PROPOSALS_BYTES", "MAX_REASON", "EvidenceMark", "ReportView",
           "ReviewError", "accept_into", "accept_reviewed", "duplicate_warnings", "edit_proposal",
           "evidence_marks", "pending", "proposal_of", "read_proposals", "reject_proposal", "render_report",
           "reopen_proposal", "report_view", "write_proposals", "proposals_files", "ingest_into"]

#: The fields a reviewer may change, in the page's order ("place" is a candidate's id).
EDITABLE: tuple[str, ...] = ("place", "location", "geo_precision", "date_start", "date_end", "date_precision",
                             "event_type", "sub_event_type", "fatalities", "confidence", "title", "summary")
#: A proposals file larger than this is not opened on the page (a report is at most 5 MB).
MAX_PROPOSALS_BYTES = 32 * 1024 * 1024
#: Proposals the page lists from one file.
MAX_PROPOSALS = 2000
#: Characters of a rejection's reason.
MAX_REASON = 500

#: How the report's legend names each field's highlight.
FIELD_LABELS: dict[str, str] = {"location": "place", "unresolved": "place not in the gazetteer", "date": "date",
                                "event_type": "type", "fatalities": "deaths", "injuries": "injuries",
                                "actors": "actors"}

_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ReviewError(BordermapError):
    """A review operation was refused and nothing changed; ``problems`` has one sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = [terminal_safe(p, 600) for p in problems]
        super().__init__("; ".join(self.problems))


# ---- the collection ------------------------------------------------------------------------
def _now(now: datetime | None) -> str:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _features(collection: Mapping[str, Any]) -> list[dict]:
    features = collection.get("features")
    return [f for f in features if isinstance(f, dict)] if isinstance(features, list) else []


def _props(feature: Mapping[str, Any]) -> dict:
    props = feature.get("properties")
    return props if isinstance(props, dict) else {}


def proposal_of(feature: Mapping[str, Any]) -> dict:
    """A feature's ``proposal`` block ({} when it has none)."""
    proposal = _props(feature).get("proposal")
    return proposal if isinstance(proposal, dict) else {}


def pending(collection: Mapping[str, Any]) -> list[dict]:
    """The features still to be decided (status ``proposed``), in file order."""
    return [f for f in _features(collection) if proposal_of(f).get("status") == "proposed"]


def _find(collection: Mapping[str, Any], pid: str) -> int:
    features = collection.get("features")
    for i, f in enumerate(features if isinstance(features, list) else []):
        if isinstance(f, dict) and _props(f).get("id") == pid and proposal_of(f):
            return i
    raise ReviewError([f"no proposal has the id {pid!r}"])


def _replaced(collection: Mapping[str, Any], index: int, feature: dict, file: str) -> dict:
    """``collection`` with its ``index``-th feature replaced, if the result validates."""
    out = dict(collection)
    features = list(collection["features"])
    out["features"] = features[:index] + [feature] + features[index + 1:]
    # The problems of this feature and of the file as a whole; another proposal's old fault
    # does not stop this one's review.
    problems = [str(p) for p in validate_collection(out, file)
                if p.severity == "error" and p.feature_index in (index, None)]
    if problems:
        raise ReviewError(problems)
    return out


# ---- edits ---------------------------------------------------------------------------------
def _day(name: str, value: Any, problems: list[str]) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not _ISO_DAY.fullmatch(text):
        problems.append(f"{name} must be a date written YYYY-MM-DD, got {terminal_safe(value, 40)!r}")
        return None
    try:
        date.fromisoformat(text)
    except ValueError:
        problems.append(f"{name} {text!r} is not a calendar date")
        return None
    return text


def _text(name: str, value: Any, limit: int, problems: list[str]) -> str | None:
    if not isinstance(value, str) or not " ".join(value.split()):
        problems.append(f"{name} must be some text, got {terminal_safe(value, 40)!r}")
        return None
    cleaned = " ".join(CONTROL_CHARACTERS.sub(" ", value).split())
    if len(cleaned) > limit:
        problems.append(f"{name} has {len(cleaned):,} characters; at most {limit:,}")
        return None
    return cleaned


def _claims(value: Any, problems: list[str]) -> list[dict] | None:
    """Claims as the page's table gives them: ``{source, total?, low?, high?, approximate?}``;
    rows with no claimant and no figure are dropped."""
    if not isinstance(value, list):
        problems.append("fatalities must be a list of claims")
        return None
    out = []
    for n, row in enumerate(value, 1):
        wrong = len(problems)
        if not isinstance(row, Mapping):
            problems.append(f"claim {n} must be a claimant with figures")
            continue
        figures: dict[str, Any] = {}
        for key in ("total", "low", "high"):
            v = row.get(key)
            if v is None or (isinstance(v, float) and v != v) or v == "":
                continue
            try:
                number = int(v)
            except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
                number = None
            if number is None or (number != v and not (isinstance(v, str) and v.strip().isdigit())):
                problems.append(f"claim {n}: {key} must be a whole number of deaths, got {terminal_safe(v, 40)!r}")
                continue
            figures[key] = number
        source = row.get("source")
        if (source is None or str(source).strip() == "") and not figures:
            continue
        name = _text(f"claim {n}: the claimant", source, 120, problems)
        if name is None or len(problems) > wrong:
            continue
        if not figures and len(problems) == wrong:
            problems.append(f"claim {n} ({name}) gives no figure: a total, or a low and a high")
            continue
        claim = {"source": name, **figures}
        if row.get("approximate"):
            claim["approximate"] = True
        if isinstance(row.get("note"), str) and row["note"].strip():
            claim["note"] = " ".join(row["note"].split())[:300]
        out.append(claim)
    if len({c["source"] for c in out}) < len(out):
        problems.append("each claimant gives one claim; write a second figure of one claimant in its note")
    return out


def _precision_for(kind: str | None, current: int) -> int:
    """The place's precision once a candidate is chosen, as ACLED codes it: a province 3, a
    district or valley 2, a town keeps a "near" (2), else 1."""
    if kind in ("province", "region", "admin1"):
        return 3
    if kind in ("district", "valley", "admin2"):
        return 2
    return 2 if current == 2 else 1


def edit_proposal(collection: Mapping[str, Any], pid: str, changes: Mapping[str, Any], *,
                  reviewer: str | None = None, now: datetime | None = None, file: str = "proposals") -> dict:
    """A new collection with the proposal ``pid`` changed as ``changes`` says.

    Parameters
    ----------
    collection : dict
        The proposals FeatureCollection as read (not changed).
    pid : str
        The proposal's id.
    changes : mapping
        Field -> new value, among :data:`EDITABLE`. ``place`` is one of the proposal's
        ``place_candidates`` ids: the point, ``location``, ``country``, ``admin1``,
        ``place_ids`` and ``geo_precision`` follow it (a ``location`` or ``geo_precision``
        given beside it wins). ``fatalities`` is a list of ``{source, total?, low?, high?,
        approximate?}``: a new claimant joins the sources, relayed by the report. Values equal
        to the current ones are not edits.
    reviewer : str, optional
        Who edits (kept in the proposal as ``reviewer``, the changed fields in ``edited``).

    Raises
    ------
    ReviewError
        Every problem at once: an unknown id or field, a place that is not a candidate, a date
        that is not one or is after the report's date, a type not in ACLED's vocabulary, a
        claim without a claimant or figure, or a result the validator refuses.
    """
    index = _find(collection, pid)
    feature = copy.deepcopy(collection["features"][index])
    props = feature["properties"]
    proposal = props["proposal"]
    if proposal.get("status") != "proposed":
        raise ReviewError([f"{pid!r} is {proposal.get('status')}, not pending; reopen it to edit it"])
    problems: list[str] = []
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        problems.append(f"cannot edit {', '.join(map(repr, unknown))}; the fields a reviewer edits are "
                        + ", ".join(EDITABLE))
    before = copy.deepcopy(props)
    auto_text = (props.get("title"), props.get("summary")) == _auto_text(before)
    new: dict[str, Any] = {}

    if "place" in changes and changes["place"] != (props.get("place_ids") or [None])[0]:
        candidates = {c.get("id"): c for c in proposal.get("place_candidates", []) if isinstance(c, dict)}
        chosen = candidates.get(changes["place"]) if isinstance(changes["place"], str) else None
        if chosen is None or not isinstance(chosen.get("lon"), (int, float)) or not isinstance(chosen.get("lat"), (int, float)):
            names = ", ".join(f"{c.get('id')} ({c.get('name')})" for c in candidates.values()) or "none"
            problems.append(f"the place {terminal_safe(changes['place'], 80)!r} is not one of this proposal's "
                            f"candidates with a position; they are: {names}")
        else:
            feature["geometry"] = {"type": "Point", "coordinates": [float(chosen["lon"]), float(chosen["lat"])]}
            new.update(location=chosen["name"], country=chosen["country"], place_ids=[chosen["id"]],
                       geo_precision=_precision_for(chosen.get("kind"), int(props.get("geo_precision", 1))))
            if chosen.get("admin1"):
                new["admin1"] = chosen["admin1"]
            else:
                props.pop("admin1", None)
            note = f"chosen by the reviewer among {len(candidates)} candidate(s): {chosen['name']} ({chosen['country']})"
            new["location_note"] = note
    if "location" in changes:
        value = _text("location", changes["location"], 200, problems)
        if value is not None and value != props.get("location"):
            new["location"] = value
    if "geo_precision" in changes:
        raw = changes["geo_precision"]
        try:  # 2.0 is 2; 2.7, inf and booleans are not a precision
            value = None if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()) else int(raw)
        except (TypeError, ValueError, OverflowError):
            value = None
        if value not in (1, 2, 3):
            problems.append(f"geo_precision must be 1 (a town), 2 (near a town, a district) or 3 (a province), "
                            f"got {terminal_safe(changes['geo_precision'], 20)!r}")
        elif value != props.get("geo_precision") or "place" in new:
            new["geo_precision"] = value

    wrong = len(problems)
    days = {k: _day(k, changes[k], problems) for k in ("date_start", "date_end") if k in changes}
    dates_read = len(problems) == wrong
    if "date_precision" in changes and changes["date_precision"] not in DATE_PRECISIONS:
        problems.append(f"date_precision must be one of {', '.join(DATE_PRECISIONS)}, "
                        f"got {terminal_safe(changes['date_precision'], 20)!r}")
    else:
        days["date_precision"] = changes.get("date_precision")
    days = {k: v for k, v in days.items() if v is not None and v != props.get(k)}
    if days:
        d0 = days.get("date_start", props.get("date_start"))
        d1 = days.get("date_end", props.get("date_end"))
        if dates_read and d0 and d1 and d0 > d1:
            problems.append(f"date_end {d1} is before date_start {d0}")
        report_day = (proposal.get("report") or {}).get("date")
        for name in ("date_start", "date_end"):
            if isinstance(report_day, str) and name in days and days[name] > report_day:
                problems.append(f"{name} {days[name]} is after the report's date {report_day}: a report tells of "
                                "what happened before it")
                break
        new.update(days)
        was = f"{before.get('date_start')}..{before.get('date_end')} ({before.get('date_precision')})"
        new["date_note"] = f"set by the reviewer (the proposer read {was}: {before.get('date_note', '')})"[:500]

    event_type = changes.get("event_type", props.get("event_type"))
    sub_type = changes.get("sub_event_type", props.get("sub_event_type"))
    if "event_type" in changes or "sub_event_type" in changes:
        if not isinstance(event_type, str) or event_type not in EVENT_TYPES:
            problems.append(f"event_type must be one of ACLED's: {', '.join(EVENT_TYPES)}; "
                            f"got {terminal_safe(event_type, 60)!r}")
        elif not isinstance(sub_type, str) or sub_type not in EVENT_TYPES[event_type]:
            problems.append(f"sub_event_type {terminal_safe(sub_type, 60)!r} is not one of {event_type}'s: "
                            + ", ".join(EVENT_TYPES[event_type]))
        elif (event_type, sub_type) != (props.get("event_type"), props.get("sub_event_type")):
            new.update(event_type=event_type, sub_event_type=sub_type)

    if "fatalities" in changes:
        claims = _claims(changes["fatalities"], problems)
        if claims is not None and claims != props.get("fatalities"):
            new["fatalities"] = claims
            report_source = (proposal.get("report") or {}).get("source") or "the report"
            sources = list(props.get("sources") or [])
            for c in claims:
                if not any(isinstance(s, dict) and s.get("name") == c["source"] for s in sources):
                    sources.append({"name": c["source"], "kind": claimant_kind(c["source"]), "relayed_by": report_source})
            new["sources"] = sources
    if "confidence" in changes:
        if changes["confidence"] not in CONFIDENCE_LEVELS:
            problems.append(f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}, "
                            f"got {terminal_safe(changes['confidence'], 20)!r}")
        elif changes["confidence"] != props.get("confidence"):
            new["confidence"] = changes["confidence"]
            new["confidence_note"] = f"set by the reviewer (the proposer said {before.get('confidence')}: " \
                                     f"{before.get('confidence_note', '')})"[:500]
    for name, limit in (("title", 160), ("summary", 2000)):
        if name in changes:
            value = _text(name, changes[name], limit, problems)
            if value is not None and value != props.get(name):
                new[name] = value
    if problems:
        raise ReviewError(problems)

    props.update(new)
    edited = [k for k in EDITABLE if k != "place" and props.get(k) != before.get(k)]
    if feature.get("geometry") != collection["features"][index].get("geometry"):
        edited.insert(0, "place")
    if not edited:
        return dict(collection)
    if auto_text:  # the proposer's wording follows the fields, unless the reviewer wrote their own
        title, summary = _auto_text(props)
        if "title" not in new:
            props["title"] = title
        if "summary" not in new:
            props["summary"] = summary
    proposal["edited"] = sorted(set(proposal.get("edited", [])) | set(edited), key=EDITABLE.index)
    if reviewer:
        proposal["reviewer"] = reviewer
    proposal["reviewed_at"] = _now(now)
    return _replaced(collection, index, feature, file)


def _auto_text(props: Mapping[str, Any]) -> tuple[str, str] | None:
    """The title and summary the proposer would write for these fields (None if it cannot)."""
    proposal = props.get("proposal") if isinstance(props.get("proposal"), dict) else {}
    source = (proposal.get("report") or {}).get("source") or "the report"
    try:
        return proposal_text(dict(props), source, proposal.get("injuries") or [])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _reason(reason: Any) -> str:
    problems: list[str] = []
    value = _text("the reason", reason, MAX_REASON, problems) if isinstance(reason, str) and reason.strip() else None
    if value is None and not problems:
        problems.append("say why the proposal is rejected: a reason is required")
    if problems:
        raise ReviewError(problems)
    return value


def reject_proposal(collection: Mapping[str, Any], pid: str, reason: str, *, reviewer: str | None = None,
                    now: datetime | None = None, file: str = "proposals") -> dict:
    """A new collection with ``pid`` rejected: status ``rejected``, the ``reason`` (required,
    at most :data:`MAX_REASON` characters), ``reviewer`` and ``reviewed_at``. The proposal
    stays in the file, so the decision is kept with its evidence."""
    index = _find(collection, pid)
    text = _reason(reason)
    feature = copy.deepcopy(collection["features"][index])
    proposal = feature["properties"]["proposal"]
    if proposal.get("status") != "proposed":
        raise ReviewError([f"{pid!r} is {proposal.get('status')} already"])
    proposal.update(status="rejected", reason=text, reviewed_at=_now(now))
    if reviewer:
        proposal["reviewer"] = reviewer
    return _replaced(collection, index, feature, file)


def reopen_proposal(collection: Mapping[str, Any], pid: str, *, reviewer: str | None = None,
                    now: datetime | None = None, file: str = "proposals") -> dict:
    """Undo a rejection: ``pid`` is pending again (the reason is dropped)."""
    index = _find(collection, pid)
    feature = copy.deepcopy(collection["features"][index])
    proposal = feature["properties"]["proposal"]
    if proposal.get("status") != "rejected":
        raise ReviewError([f"{pid!r} is not rejected"])
    proposal["status"] = "proposed"
    proposal.pop("reason", None)
    proposal["reviewed_at"] = _now(now)
    if reviewer:
        proposal["reviewer"] = reviewer
    return _replaced(collection, index, feature, file)


def duplicate_warnings(collection: Mapping[str, Any], pid: str, events: list[dict]) -> list[str]:
    """One sentence per event of ``events`` that ``pid`` may duplicate (the rule of
    :func:`bordermap.ingest.accept.duplicates_of`: overlapping dates, places within precision)."""
    feature = collection["features"][_find(collection, pid)]
    titles = {str(_props(e).get("id")): _props(e).get("title", "") for e in events}
    return [f"{pid} may be the event {other} ({terminal_safe(titles.get(other, ''), 120)}), {km} km away "
            "on overlapping dates" for other, km in duplicates_of(feature, events)]


def accept_reviewed(collection: Mapping[str, Any], pid: str, events: Mapping[str, Any], *,
                    reviewer: str | None = None, now: datetime | None = None, force: bool = False,
                    file: str = "events") -> AcceptResult:
    """Accept ``pid`` into ``events`` (see :func:`bordermap.ingest.accept.accept_proposals`);
    raises :class:`ReviewError` with its reasons when it is refused."""
    from bordermap.ingest.accept import AcceptRefusal

    try:
        return accept_proposals(dict(collection), [pid], dict(events), reviewer=reviewer, now=now, force=force,
                                file=file)
    except AcceptRefusal as exc:
        raise ReviewError([r.replace("use --force to accept it anyway", "accept it anyway if it is another event")
                           for r in exc.reasons]) from None


# ---- the report's text and its evidence ------------------------------------------------------
@dataclass(frozen=True)
class ReportView:
    """What the page shows of the report: ``segments`` of (offset, text) — the whole text as
    one segment, or only the evidence sentences when the text is not in the file or does not
    match the proposals' hash — and a sentence saying why when it is not the whole text."""

    segments: tuple[tuple[int, str], ...]
    complete: bool
    note: str = ""


def _sentences(collection: Mapping[str, Any]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for f in _features(collection):
        for items in (proposal_of(f).get("evidence") or {}).values():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("start"), int) and isinstance(item.get("text"), str):
                    seen.setdefault(item["start"], item["text"][:5000])
    return sorted(seen.items())[:MAX_PROPOSALS]


def report_view(collection: Mapping[str, Any]) -> ReportView:
    """The report as the review page shows it (see :class:`ReportView`)."""
    text = collection.get("report_text")
    hashes = {(proposal_of(f).get("report") or {}).get("sha256") for f in _features(collection)} - {None}
    if isinstance(text, str) and text:
        if len(text) > MAX_REPORT_CHARS:
            why = f"the report's text has {len(text):,} characters, more than a report may have ({MAX_REPORT_CHARS:,})"
        elif hashes and hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() not in hashes:
            why = "the report's text in the file is not the text the proposals were read from (its SHA-256 differs)"
        else:
            return ReportView(((0, text),), True)
    else:
        why = "the file does not keep the report's text (ingested with --without-text, or by an older bordermap)"
    return ReportView(tuple(_sentences(collection)), False, why + "; only the evidence sentences are shown")


@dataclass(frozen=True)
class EvidenceMark:
    """One highlighted stretch of the report: ``field`` (date, location ...), ``strong`` for
    the words that gave it (``match``), else the sentence; ``confidence`` 0..1."""

    start: int
    end: int
    field: str
    confidence: float
    strong: bool


def evidence_marks(feature: Mapping[str, Any], view: ReportView) -> list[EvidenceMark]:
    """The marks one proposal's evidence makes on ``view``: each item whose sentence is where
    it says (``text == report[start:end]``), its ``match`` found inside it; others are left out."""
    marks: list[EvidenceMark] = []
    for name, items in (proposal_of(feature).get("evidence") or {}).items():
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            start, end, sentence = item.get("start"), item.get("end"), item.get("text")
            if not (isinstance(start, int) and isinstance(end, int) and isinstance(sentence, str) and 0 <= start < end):
                continue
            host = next(((o, t) for o, t in view.segments if o <= start and end <= o + len(t)), None)
            if host is None or host[1][start - host[0]:end - host[0]] != sentence:
                continue
            confidence = item.get("confidence") if isinstance(item.get("confidence"), (int, float)) else 0.0
            match = item.get("match")
            at = sentence.find(match) if isinstance(match, str) and match else -1
            if name == "incident" or at < 0:
                marks.append(EvidenceMark(start, end, _css(name), float(confidence), False))
            else:
                marks.append(EvidenceMark(start + at, start + at + len(match), _css(name), float(confidence), True))
    for place in proposal_of(feature).get("unresolved_places") or []:
        if not isinstance(place, dict):
            continue
        start, end, name = place.get("start"), place.get("end"), place.get("name")
        host = next(((o, t) for o, t in view.segments
                     if isinstance(start, int) and isinstance(end, int) and o <= start < end <= o + len(t)), None)
        if host is not None and host[1][start - host[0]:end - host[0]] == name:
            marks.append(EvidenceMark(start, end, "unresolved", 0.0, True))
    return sorted(marks, key=lambda m: (m.start, -m.end))


def _css(name: Any) -> str:
    """An evidence field's name as a CSS class suffix (the file may name fields anything)."""
    return re.sub(r"[^a-z0-9_]", "", str(name).lower())[:30] or "other"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("bordermap", "templates"), autoescape=True)


def _pieces(offset: int, text: str, marks: list[EvidenceMark]) -> list[dict]:
    """``text`` cut at every mark's ends: pieces with the fields that cover them."""
    cuts = {0, len(text)}
    for m in marks:
        for x in (m.start - offset, m.end - offset):
            if 0 < x < len(text):
                cuts.add(x)
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        covering = [m for m in marks if m.start - offset <= a and b <= m.end - offset]
        strong = sorted({m.field for m in covering if m.strong})
        out.append({"text": text[a:b], "fields": strong, "sentence": bool(covering),
                    "title": "; ".join(f"{m.field} {m.confidence:.2f}" for m in covering if m.strong)})
    return out


def _visible(text: str) -> markupsafe.Markup:
    """Escaped text whose bidi controls show as their code (they cannot reorder the page)."""
    parts = []
    last = 0
    for m in _BIDI_CONTROLS.finditer(text):
        parts.append(markupsafe.escape(text[last:m.start()]))
        parts.append(markupsafe.Markup('<span class="bm-ctl">%s</span>') % f"U+{ord(m.group()):04X}")
        last = m.end()
    parts.append(markupsafe.escape(CONTROL_CHARACTERS.sub("\ufffd", text[last:])))
    return markupsafe.Markup("").join(parts)


def render_report(view: ReportView, marks: list[EvidenceMark], focus: str | None = None) -> str:
    """The report as HTML: one ``<p dir="auto">`` a line (each its own bidi paragraph), the
    proposal's sentences shaded and the words of each field in ``<mark class="bm-ev-FIELD">``
    (``focus``: that field's marks stand out). Every character of the text is escaped."""
    paragraphs = []
    for offset, text in view.segments:
        here = [m for m in marks if m.end > offset and m.start < offset + len(text)]
        lines, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                pieces = _pieces(offset + pos, line, [m for m in here if m.end > offset + pos and
                                                      m.start < offset + pos + len(line)])
                lines.append([dict(p, html=_visible(p["text"])) for p in pieces])
            pos += len(line) + 1
        paragraphs.append({"offset": offset, "lines": lines})
    present = {m.field for m in marks if m.strong}
    legend = [(f, label) for f, label in FIELD_LABELS.items() if f in present]
    return _env().get_template("review_report.html").render(paragraphs=paragraphs, complete=view.complete,
                                                            note=view.note, focus=focus or "", legend=legend)


# ---- files ---------------------------------------------------------------------------------
def read_proposals(path: str | Path) -> dict:
    """Read a proposals file for review.

    Raises
    ------
    UnreadableFileError
        Missing, unreadable, not JSON, larger than :data:`MAX_PROPOSALS_BYTES`, not a
        FeatureCollection, with no proposal or more than :data:`MAX_PROPOSALS` features.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError:
        size = 0
    if size > MAX_PROPOSALS_BYTES:
        raise UnreadableFileError(str(p), f"is {size:,} bytes; a proposals file may be at most {MAX_PROPOSALS_BYTES:,}")
    fc = read_json(p)
    if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection" or not isinstance(fc.get("features"), list):
        raise UnreadableFileError(str(p), "is not a proposals file (a FeatureCollection written by bordermap ingest)")
    if len(fc["features"]) > MAX_PROPOSALS:
        raise UnreadableFileError(str(p), f"has {len(fc['features']):,} features; the review page opens at most "
                                          f"{MAX_PROPOSALS:,}")
    if fc["features"] and not any(proposal_of(f) for f in _features(fc)):
        raise UnreadableFileError(str(p), "has no proposals (no feature has properties.proposal)")
    return fc


def write_proposals(path: str | Path, collection: Mapping[str, Any]) -> Path:
    """Write the reviewed proposals atomically (the file is replaced in one step)."""
    return write_json_atomic(path, collection, force=True)


def accept_into(proposals_path: str | Path, pid: str, events_path: str | Path, *, reviewer: str | None = None,
                now: datetime | None = None, force: bool = False,
                collection: Mapping[str, Any] | None = None) -> AcceptResult:
    """Accept ``pid`` from a proposals file into an events file (created if missing) and write
    both: the events first, then the proposals without it, each atomically — a crash between
    the two leaves it in both files, never a partial file. ``collection``: the proposals as the
    page holds them (else read from ``proposals_path``). Nothing is written when it is refused."""
    proposals = dict(collection) if collection is not None else read_proposals(proposals_path)
    events_path = Path(events_path)
    events = read_events_target(events_path)
    result = accept_reviewed(proposals, pid, events, reviewer=reviewer, now=now, force=force, file=str(events_path))
    write_json_atomic(events_path, result.events, force=True)
    write_proposals(proposals_path, result.proposals)
    return result


def proposals_files(folder: str | Path | None) -> list[Path]:
    """The proposals files of a project's review folder, the newest first."""
    if folder is None or not Path(folder).is_dir():
        return []
    files = [p for p in Path(folder).glob("*.geojson") if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: (-p.stat().st_mtime, p.name))


def ingest_into(folder: str | Path, data: bytes, name: str, *, source: str | None = None, url: str | None = None,
                report_date: date | None = None, geo_dir: str | Path = Path("geo"), progress=None) -> Path:
    """Propose the events of an uploaded report (``data``, its file ``name``) and write them
    as a new proposals file in ``folder`` (created if needed), named after the report; returns
    its path. Raises :class:`bordermap.ingest.ReportError` for a report that cannot be read and
    :class:`ReviewError` for a bad source or URL; nothing is written then."""
    from bordermap.ingest.propose import ingest_report
    from bordermap.ingest.report import report_from_bytes

    source, source_problem = clean_name("the source", source) if source and source.strip() else (None, None)
    url, url_problem = clean_url("the URL", url) if url and url.strip() else (None, None)
    problems = [p for p in (source_problem, url_problem) if p]
    if problems:
        raise ReviewError(problems)
    text, meta = report_from_bytes(data, name, html=Path(name).suffix.lower() in (".html", ".htm", ".xhtml") or None)
    fc = ingest_report(text, report_date=report_date or meta.get("date"), source=source, url=url or meta.get("url"),
                       geo_dir=geo_dir, progress=progress)
    stem = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")[:60] or "report"
    folder = Path(folder)
    out, n = folder / f"{stem}.geojson", 2
    while out.exists():
        out, n = folder / f"{stem}-{n}.geojson", n + 1
    write_json_atomic(out, fc)
    return out
