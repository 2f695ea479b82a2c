"""UCDP GED exports -> events in the model: the CSV of GED versions 20.1 to today's and of the
Candidate dataset (some Candidate releases have no header row), and the API's JSON.

Precision stays honest: ``where_prec`` 1 is a town (precision 1); 2 (within ~25 km) and 3 (a
district only) are precision 2; 4 to 7 (a province, a region, the country, waters or air space)
are precision 3, never a point. ``date_prec`` 1 and 2 are days (2 is a span of 2-6 days);
3 is a week, 4 a month, 5 a year, never a single day. UCDP's best/low/high become one claim
with those three figures and the deaths by side A, side B, civilians and unknown as its
breakdown. The mapping column by column: :data:`COLUMN_RULES`, and ``docs/importing.md``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bordermap.importers.common import (GW_ALPHA3, NUL_MESSAGE, Row, ascii_int, country_alpha3, id_problem,
                                        month_range, slug_id, split_list)

__all__ = ["COLUMNS", "COLUMN_RULES", "REQUIRED", "DATASET", "CANDIDATE", "map_record", "looks_like_header",
           "json_records", "header_problem", "ID_PREFIX", "SOURCE_NAME", "WHERE_PREC", "DATE_PREC"]

ID_PREFIX = "ucdp"
SOURCE_NAME = "UCDP GED"

#: The 49 columns of GED 23.1 in order: the header of a Candidate file that has none.
COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start",
    "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    "gwnoa", "gwnob",
)
REQUIRED: tuple[str, ...] = ("id", "type_of_violence", "side_a", "side_b", "where_prec", "latitude",
                             "longitude", "country", "date_prec", "date_start", "date_end", "best")

DATASET: dict[str, str] = {
    "name": "UCDP GED",
    "kind": "ucdp-ged",
    "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University",
    "url": "https://ucdp.uu.se",
    "citation": "Sundberg, Ralph and Erik Melander (2013) Introducing the UCDP Georeferenced Event Dataset. "
                "Journal of Peace Research 50(4); and Davies, Shawn, Garoun Engström, Therése Pettersson & "
                "Magnus Öberg (2024) Organized violence 1989-2023. Journal of Peace Research 61(4).",
    "licence": "CC BY 4.0 (UCDP data); cite UCDP as above.",
}
CANDIDATE: dict[str, str] = DATASET | {
    "name": "UCDP Candidate",
    "kind": "ucdp-candidate",
    "citation": "Hegre, Håvard, Mihai Croicu, Kristine Eck & Stina Högbladh (2020) Introducing the UCDP "
                "Candidate Events Dataset. Research & Politics 7(3).",
}

#: where_prec -> (our geo_precision, what UCDP's code says).
WHERE_PREC: dict[int, tuple[int, str]] = {
    1: (1, "the exact place"),
    2: (2, "within about 25 km of the place"),
    3: (2, "only the second-order administrative unit (district), at its centre"),
    4: (3, "only the first-order administrative unit (province), at its centre"),
    5: (3, "a part of the country larger than a province, or between places"),
    6: (3, "only the country, at its centre"),
    7: (3, "international waters or air space"),
}
#: date_prec -> (our date_precision, what UCDP's code says).
DATE_PREC: dict[int, tuple[str, str]] = {
    1: ("day", "the exact day"),
    2: ("day", "a span of 2-6 days"),
    3: ("week", "a known week"),
    4: ("month", "a known month"),
    5: ("year", "a known year only"),
}
TYPES_OF_VIOLENCE: dict[int, tuple[str, str, str]] = {
    1: ("state-based conflict", "Battles", "Armed clash"),
    2: ("non-state conflict", "Battles", "Armed clash"),
    3: ("one-sided violence", "Violence against civilians", "Attack"),
}

COLUMN_RULES: dict[str, str] = {
    "id": "`id` = `ucdp-` + the id (`ucdp-123456`); verbatim in `original`",
    "relid": "note of UCDP's source entry; `original`",
    "year": "checked against `date_start` (warning); `original`",
    "active_year": "`original`",
    "code_status": "anything but `Clear` (Candidate data) makes the event `unconfirmed`; `original`",
    "type_of_violence": "`event_type`/`sub_event_type`: 1 and 2 -> Battles / Armed clash, 3 -> Violence against "
                        "civilians / Attack (UCDP's categories are wider than ACLED's); tag `ucdp type of "
                        "violence`",
    "conflict_dset_id": "`original`",
    "conflict_new_id": "`original`",
    "conflict_name": "`summary`; `original`",
    "dyad_dset_id": "`original`",
    "dyad_new_id": "`original`",
    "dyad_name": "`title`; `original`",
    "side_a_dset_id": "`original`",
    "side_a_new_id": "`original`",
    "side_a": "`actors`: role `actor1` (`State forces` when it is a government)",
    "side_b_dset_id": "`original`",
    "side_b_new_id": "`original`",
    "side_b": "`actors`: role `actor2` (`Civilians` for one-sided violence)",
    "number_of_sources": "note of UCDP's source entry (-1: not recorded); `original`",
    "source_article": "`original` (the reference strings)",
    "source_office": "`sources`: one per `;`-separated office, kind `other`, relayed by UCDP GED",
    "source_date": "`date` of each office's source when the lists line up; `original`",
    "source_headline": "`original`",
    "source_original": "note of UCDP's source entry (who the information comes from); `original`",
    "where_prec": "`geo_precision`: 1 -> 1; 2, 3 -> 2; 4-7 -> 3; with a `location_note`",
    "where_coordinates": "`location`",
    "where_description": "`location_note`",
    "adm_1": "`admin1`",
    "adm_2": "`location_note`; `original`",
    "latitude": "Point geometry",
    "longitude": "Point geometry",
    "geom_wkt": "`original` (the same point as latitude/longitude)",
    "priogrid_gid": "`original`",
    "country": "`country` (by name; UCDP's former names in brackets are dropped)",
    "country_id": "`country` when the name is not known (Gleditsch-Ward number); `original`",
    "region": "`original`",
    "event_clarity": "2 (aggregated reporting) makes the event `unconfirmed` and adds a tag; `original`",
    "date_prec": "`date_precision`: 1, 2 -> `day`; 3 -> `week`; 4 -> `month`; 5 -> `year`",
    "date_start": "`date_start` (a time of day is dropped)",
    "date_end": "`date_end`",
    "deaths_a": "claim `breakdown`, keyed by side A's name",
    "deaths_b": "claim `breakdown`, keyed by side B's name",
    "deaths_civilians": "claim `breakdown`: `civilians`",
    "deaths_unknown": "claim `breakdown`: `unknown`",
    "best": "claim `total` (UCDP's best estimate)",
    "high": "claim `high`",
    "low": "claim `low`",
    "gwnoa": "`original`",
    "gwnob": "`original`",
}
assert set(COLUMNS) == set(COLUMN_RULES)

_ACLED_MARKERS = ("event_id_cnty", "sub_event_type", "geo_precision", "time_precision")
#: UCDP's ids are numbers; letters and hyphens are let through (some Candidate releases have them)
_ID = re.compile(r"[0-9A-Za-z-]+")
_TITLE_MAX = 160


def looks_like_header(cells: list[str]) -> bool:
    return any(c.strip().lower() in ("id", "relid", "where_prec") for c in cells)


def json_records(doc: Any) -> list[Any] | None:
    """The records of UCDP API JSON (``{"Result": [...]}``) or a plain list of them."""
    if isinstance(doc, dict):
        for key in ("Result", "result", "data"):
            if isinstance(doc.get(key), list):
                return doc[key]
        return None
    if isinstance(doc, list) and (not doc or isinstance(doc[0], dict)):
        return doc
    return None


def header_problem(names: set[str], fmt: str = "csv") -> str | None:
    if sum(m in names for m in _ACLED_MARKERS) >= 2:
        return "an ACLED file (it has event_id_cnty, sub_event_type ...); use `bordermap import acled`"
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        if len(missing) >= len(REQUIRED) - 1:
            return (f"{'a CSV' if fmt == 'csv' else 'JSON records'} without UCDP GED's columns (expected "
                    f"{'a header' if fmt == 'csv' else 'keys'} such as id, relid, type_of_violence, ...)")
        return "a UCDP GED file missing the column(s) " + ", ".join(missing)
    return None


def _state(name: str) -> str | None:
    return "State forces" if name.lower().startswith("government of") else None


def _dates(row: Row) -> tuple[str, str, str, str] | None:
    start, end = row.date("date_start"), row.date("date_end")
    prec = row.int("date_prec", allowed=tuple(DATE_PREC))
    if start is None or end is None or prec is None:
        return None
    if end < start:
        row.problem("date_end", f"{end.isoformat()} is before date_start {start.isoformat()}")
        return None
    year = row.int("year", required=False)
    if year is not None and year != start.year:
        row.problem("year", f"{year} is not the year of date_start {start.isoformat()}", "warning")
    precision, words = DATE_PREC[prec]
    note = f"UCDP date precision {prec}: {words}"
    if start == end and prec >= 3:  # never a single day: widen to the period UCDP names
        try:
            if prec == 3:
                start, end = start - timedelta(days=3), start + timedelta(days=3)
            elif prec == 4:
                start, end = month_range(start)
            else:
                start, end = date(start.year, 1, 1), date(start.year, 12, 31)
        except OverflowError:  # a week around 1 January of year 1, or a month after December 9999
            row.problem("date_start", f"{start.isoformat()} with date_prec {prec}: the period around it goes "
                                      "beyond the years 1 to 9999")
            return None
        note += f"; UCDP gives the single day {row.text('date_start')[:10]}, shown as the whole period"
    return start.isoformat(), end.isoformat(), precision, note


def _claim(row: Row, side_a: str, side_b: str) -> dict[str, Any] | None:
    best = row.int("best", low=0)
    low = row.int("low", low=0, required=False)
    high = row.int("high", low=0, required=False)
    parts = [(side_a or "side A", row.int("deaths_a", low=0, required=False)),
             (side_b or "side B", row.int("deaths_b", low=0, required=False)),
             ("civilians", row.int("deaths_civilians", low=0, required=False)),
             ("unknown", row.int("deaths_unknown", low=0, required=False))]
    if best is None:
        return None
    claim: dict[str, Any] = {"source": SOURCE_NAME, "total": best}
    notes = ["UCDP's best estimate"]
    if low is not None and high is not None:
        lo, hi = min(low, best, high), max(low, best, high)
        claim["low"], claim["high"] = lo, hi
        if not (low <= best <= high):
            notes.append(f"UCDP gives low {low}, best {best}, high {high}, not in order; shown as {lo}-{hi}")
            row.problem("low", f"low {low}, best {best}, high {high} are not in order; kept as {lo}-{hi}", "warning")
    breakdown: dict[str, int] = {}
    for name, value in parts:
        if value is not None:
            key = "civilians" if name.lower() == "civilians" else name  # one-sided violence: side B is civilians
            breakdown[key] = breakdown.get(key, 0) + value
    if breakdown:
        if sum(breakdown.values()) > best:
            row.problem("best", f"the deaths by side add up to {sum(breakdown.values())}, more than best {best}",
                        "warning")
            notes.append(f"the deaths by side add up to {sum(breakdown.values())}")
        else:
            claim["breakdown"] = breakdown
    claim["note"] = "; ".join(notes)
    return claim


def _sources(row: Row, raw_id: str) -> list[dict[str, Any]]:
    n = row.text("number_of_sources")
    bits = [f"UCDP GED event {raw_id}"]
    if row.text("relid"):
        bits.append(f"relid {row.text('relid')}")
    if n and n != "-1":
        bits.append(f"{n} source(s) consulted")
    if row.text("source_original"):
        bits.append(f"information from: {row.text('source_original')}")
    own = {"name": SOURCE_NAME, "kind": "academic", "note": "; ".join(bits)}
    offices = [o for o in split_list(row.text("source_office")) if o != SOURCE_NAME]
    dates = [d.strip() for d in row.text("source_date").split(";")] if row.text("source_date") else []
    out = [own]
    for i, office in enumerate(offices):
        src: dict[str, Any] = {"name": office, "kind": "other", "relayed_by": SOURCE_NAME}
        if len(dates) == len(offices):
            day = dates[i][:10]
            if len(day) == 10 and day[4] == "-" and day[7] == "-" and day.replace("-", "").isdigit():
                src["date"] = day
        out.append(src)
    return out


def map_record(row: Row, *, candidate: bool = False) -> dict[str, Any] | None:
    """One GED record -> an event Feature, or None when it has errors (on ``row.problems``)."""
    cells = row.cells
    if "\0" in cells:
        row.problem("", cells["\0"])
        return None
    mark = len(row.problems)
    raw_id = row.text("id", required=True)
    if raw_id:
        row.event_id = raw_id
        wrong = id_problem("a UCDP event id", raw_id, slug_id(ID_PREFIX, raw_id), "244657")
        if not wrong and not _ID.fullmatch(raw_id):
            wrong = f"{raw_id[:40]!r} is not a UCDP event id (a number such as 244657)"
        if wrong:
            row.problem("id", wrong)
    for column, value in cells.items():
        if "\x00" in value:
            row.problem(column, NUL_MESSAGE)
    tov = row.int("type_of_violence", allowed=tuple(TYPES_OF_VIOLENCE))
    side_a, side_b = row.text("side_a", True), row.text("side_b")
    wp = row.int("where_prec", allowed=tuple(WHERE_PREC))
    lat = row.float("latitude", low=-90, high=90)
    lon = row.float("longitude", low=-180, high=180)
    dates = _dates(row)
    claim = _claim(row, side_a, side_b)
    country_name, country_id = row.text("country", True), row.text("country_id")
    country = country_alpha3(country_name) if country_name else None
    gw = ascii_int(country_id, 4)
    if country is None and gw is not None:
        country = GW_ALPHA3.get(gw)
    if country is None and country_name:
        row.problem("country", f"{country_name[:60]!r} is not a country bordermap knows (ISO 3166)")
    clarity = row.int("event_clarity", allowed=(1, 2), required=False)
    if any(p.severity == "error" for p in row.problems[mark:]) or not raw_id:
        return None

    start, end, precision, date_note = dates  # type: ignore[misc]
    violence, et, st = TYPES_OF_VIOLENCE[tov]  # type: ignore[index]
    geo_precision, where_words = WHERE_PREC[wp]  # type: ignore[index]
    location = row.text("where_coordinates") or row.text("adm_2") or row.text("adm_1") or country_name
    location_bits = [f"UCDP location precision {wp}: {where_words}"]
    if row.text("where_description"):
        location_bits.append(row.text("where_description"))
    if row.text("adm_2"):
        location_bits.append(f"adm_2: {row.text('adm_2')}")
    actors: list[dict[str, Any]] = []
    if side_a:
        a: dict[str, Any] = {"name": side_a, "role": "actor1"}
        if _state(side_a):
            a["inter"] = "State forces"
        actors.append(a)
    if side_b:
        b: dict[str, Any] = {"name": side_b, "role": "actor2"}
        inter = "Civilians" if side_b.lower() == "civilians" else _state(side_b)
        if inter:
            b["inter"] = inter
        actors.append(b)
    dyad = row.text("dyad_name") or " - ".join(x for x in (side_a, side_b) if x)
    title = f"{dyad}, {location}"
    if len(title) > _TITLE_MAX:
        title = title[:_TITLE_MAX - 1].rstrip() + "…"
    conflict = row.text("conflict_name")
    summary = (f"UCDP GED records {violence} between {side_a} and {side_b or 'an unnamed side'}"
               + (f" in the conflict '{conflict}'" if conflict else "")
               + f", at {location}, with a best estimate of {claim['total']} death(s).")  # type: ignore[index]
    status = row.text("code_status")
    tags = [f"ucdp type of violence={tov} ({violence})"]
    confidence, confidence_note = "reported", "As UCDP codes it from the sources it consulted; not checked against them here."
    if clarity == 2:
        tags.append("ucdp event clarity=2 (aggregated reporting)")
        confidence = "unconfirmed"
        confidence_note = "UCDP codes this from aggregated reporting (event clarity 2), not one clearly identified event."
    if candidate or (status and status.lower() != "clear"):
        confidence = "unconfirmed"
        confidence_note = ("UCDP Candidate data: preliminary, not yet checked by UCDP"
                           + (f" (code status: {status})" if status else "") + ".")
    props: dict[str, Any] = {
        "id": slug_id(ID_PREFIX, raw_id),
        "title": title,
        "summary": summary[:2000],
        "date_start": start,
        "date_end": end,
        "date_precision": precision,
        "date_note": date_note,
        "location": location,
    }
    if row.text("adm_1"):
        props["admin1"] = row.text("adm_1")
    props.update({
        "country": country,
        "geo_precision": geo_precision,
        "location_note": "; ".join(location_bits),
        "event_type": et,
        "sub_event_type": st,
        "actors": actors,
        "fatalities": [claim],
        "sources": _sources(row, raw_id),
        "article_refs": [],
        "confidence": confidence,
        "confidence_note": confidence_note,
        "tags": tags,
        "original": {k: v for k, v in cells.items() if v != ""},
    })
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
