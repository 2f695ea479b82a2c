"""The UCDP importer as it was before it became columnar (commit bdb6b3d), frozen: the row
reader, ``Row`` and ``map_record``, for ``test_import_ucdp_columns.py`` to check that the
columnar mapper gives the same events and the same problems. Not used by bordermap itself.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator

from bordermap.errors import Problem
from bordermap.importers.common import (DECIMAL_COMMA_PATTERN, GW_ALPHA3, INTEGER_PATTERN, NUL_MESSAGE,
                                        NUMBER_PATTERN, ascii_int, country_alpha3, id_problem, parse_date_text,
                                        slug_id)
from bordermap.errors import UnreadableFileError
from bordermap.importers.source import (FIELD_LIMIT, LONG_CELL, WrongFileError, _column_names, _first_bad_byte,
                                        read_records, sniff)
from bordermap.importers.ucdp import (COLUMNS, DATE_PREC, ID_PREFIX, SOURCE_NAME, TYPES_OF_VIOLENCE, WHERE_PREC,
                                      json_records, looks_like_header)

_INT = re.compile(INTEGER_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)
_DECIMAL_COMMA = re.compile(DECIMAL_COMMA_PATTERN)
_ID = re.compile(r"[0-9A-Za-z-]+")
_TITLE_MAX = 160


def month_range(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def split_list(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


def _delimiter(first_line: str) -> str:
    for other in (";", "\t"):
        if first_line.count(other) > first_line.count(",") and first_line.count(other) >= 3:
            return other
    return ","


def records(path: Path) -> tuple[str, str, list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(format, item, header, rows) of an export, as the row importer read it."""
    with open(path, "rb") as fh:
        kind = sniff(path, fh.read(8192))
    if kind == "json":
        rec = read_records(path, json_records=json_records)
        return "json", rec.item, rec.header, rec.rows
    header, rows = _csv_records(path, COLUMNS, looks_like_header)
    return "csv", "line", header, rows


def _csv_records(path: Path, default_header, is_header):
    csv.field_size_limit(FIELD_LIMIT)
    raw = open(path, "rb")
    stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        first_line = stream.readline()
        stream.seek(0)
    except UnicodeDecodeError:
        raw.close()
        raise _first_bad_byte(path) from None
    delimiter = _delimiter(first_line)
    reader = csv.reader(stream, delimiter=delimiter, strict=False)
    try:
        first = next(reader)
    except StopIteration:
        raw.close()
        raise WrongFileError(str(path), "an empty file (no header, no rows)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raw.close()
        if isinstance(exc, UnicodeDecodeError):
            raise _first_bad_byte(path) from None
        raise UnreadableFileError(str(path), f"line 1: not CSV ({exc})") from None
    headerless = False
    if is_header is not None and not is_header(first) and default_header is not None \
            and len(first) == len(default_header):
        header, headerless, pending = list(default_header), True, [(1, first)]
    else:
        header, pending = first, []
    try:
        names = _column_names(path, header)
    except UnreadableFileError:
        raw.close()
        raise
    width = len(names)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            yield from ((n, _cells(names, cells, width)) for n, cells in pending)
            start = reader.line_num + 1
            count = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    what = f"has a cell that {LONG_CELL}" if "field larger" in str(exc) else f"not readable as CSV ({exc})"
                    yield start, {"\0": what}
                    start = reader.line_num + 1
                    continue
                except UnicodeDecodeError:
                    raise _first_bad_byte(path) from None
                line, start = start, reader.line_num + 1
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # a blank line
                count += 1
                yield line, _cells(names, cells, width)
        finally:
            raw.close()

    return header, rows()


def _cells(names: list[str], cells: list[str], width: int) -> dict[str, str]:
    if len(cells) == width:
        return dict(zip(names, cells))
    out = dict(zip(names, cells))
    if len(cells) > width:
        out["\0"] = f"has {len(cells)} cells, the header {width}: a comma or quote out of place"
    else:
        out["\0"] = f"has {len(cells)} cells, the header {width}: the line is cut short"
    return out




class Row:
    """One record's cells, read into values; bad cells become problems of this row."""

    __slots__ = ("file", "line", "cells", "problems", "item", "event_id")

    def __init__(self, file: str, line: int, cells: dict[str, str], problems: list[Problem], item: str = "line"):
        self.file, self.line, self.cells, self.problems, self.item = file, line, cells, problems, item
        self.event_id: str | None = None

    def problem(self, column: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, self.line, self.event_id, column, message, severity, self.item))

    def text(self, column: str, required: bool = False) -> str:
        value = self.cells.get(column, "").strip()
        if required and not value:
            self.problem(column, "is empty; a value is required")
        return value

    def int(self, column: str, *, low: int | None = None, high: int | None = None,
            required: bool = True, allowed: Iterable[int] | None = None) -> int | None:
        raw = self.cells.get(column, "").strip()
        if not raw:
            if required:
                self.problem(column, "is empty; expected a whole number")
            return None
        if not _INT.fullmatch(raw):
            self.problem(column, f"{raw[:40]!r} is not a whole number")
            return None
        value = int(raw.split(".", 1)[0])  # 3.0 from a spreadsheet
        if allowed is not None and value not in allowed:
            self.problem(column, f"{value} is not one of {', '.join(map(str, allowed))}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{low} to {high}" if high is not None else f"at least {low}"
            self.problem(column, f"{value} is out of range; expected {span}")
            return None
        return value

    def float(self, column: str, *, low: float, high: float) -> float | None:
        raw = self.cells.get(column, "").strip()
        if not raw:
            self.problem(column, "is empty; expected a number")
            return None
        text = raw.replace(",", ".") if _DECIMAL_COMMA.fullmatch(raw) else raw
        if not _NUMBER.fullmatch(text):
            self.problem(column, f"{raw[:40]!r} is not a number")
            return None
        value = float(text)
        if not (low <= value <= high):  # also NaN
            self.problem(column, f"{raw[:40]} is out of range; expected {low:g} to {high:g}")
            return None
        return value

    def date(self, column: str, required: bool = True) -> date | None:
        raw = self.cells.get(column, "").strip()
        if not raw:
            if required:
                self.problem(column, "is empty; expected a date such as 2012-07-24 or 24 July 2012")
            return None
        value = parse_date_text(raw)
        if value is None:
            self.problem(column, f"{raw[:40]!r} is not a date; expected e.g. 2012-07-24 or 24 July 2012")
        return value


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


def map_file(path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The valid records' features (file order, a repeated id dropped) and every problem, sorted
    as ``run.map_file`` sorts them."""
    fmt, item, header, rows = records(path)
    names = {h.strip().lower() for h in header}
    candidate = "candidate" in path.name.lower() or ("code_status" in names and "active_year" not in names)
    problems: list[Problem] = []
    features, lines, seen = [], [], {}
    for line, cells in rows:
        row = Row(str(path), line, cells, problems, item)
        feature = map_record(row, candidate=candidate)
        if feature is None:
            continue
        fid = feature["properties"]["id"]
        if fid in seen:
            # the one change made on purpose: the id as every other problem of the record names it,
            # trimmed (the row importer named a repeat by the cell as found, " 500001")
            problems.append(Problem(str(path), line, feature["properties"]["original"].get("id", "").strip(), "id",
                                    f"the same event id as {item} {seen[fid]}; ids must be unique", "error", item))
            continue
        seen[fid] = line
        features.append(feature)
        lines.append(line)
    problems.sort(key=lambda p: (p.feature_index or 0, p.field))
    return features, problems
