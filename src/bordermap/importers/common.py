"""What the ACLED and UCDP importers share: reading one record's cells into typed values with a
problem per bad cell, countries, dates, ids.

A :class:`Row` wraps one record; each ``row.int(...)``/``row.date(...)`` either returns the value
or records a :class:`~bordermap.errors.Problem` naming the file, the line and the column, and
returns None, so that every bad cell of every row is reported in one run.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Iterable

from bordermap.errors import Problem

__all__ = ["Row", "slug_id", "country_alpha3", "parse_date_text", "split_list", "month_range", "DATE_FORMATS",
           "INTEGER_PATTERN", "NUMBER_PATTERN", "DECIMAL_COMMA_PATTERN", "ID_MAX", "NUL_MESSAGE", "ascii_int",
           "id_problem", "FIRST_DAY", "LAST_DAY"]

#: Date forms exports use: ISO, ACLED's export tool ("24 July 2012"), the old codebook's
#: day-first forms, and UCDP's timestamps ("2012-07-24 00:00:00.000").
DATE_FORMATS: tuple[str, ...] = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d-%m-%Y", "%d/%m/%Y",
                                 "%d.%m.%Y", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y")
_TIME_PART = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_SLUG = re.compile(r"[^a-z0-9]+")

# Numbers as exports write them, for Python's ``re`` (UCDP, row by row) and Arrow's RE2 (ACLED, on
# columns) alike, so both importers take and refuse the same text: ASCII digits only (Python's
# ``int``/``float`` would also take '٣', '1_000', 'NaN' and 'inf').
#: A whole number; a spreadsheet's ``3.0`` too.
INTEGER_PATTERN = r"^[+-]?[0-9]{1,15}(\.0+)?$"
#: A decimal number, with an optional exponent.
NUMBER_PATTERN = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$"
#: A decimal number written with a comma, as a spreadsheet in many European locales saves it.
DECIMAL_COMMA_PATTERN = r"^[+-]?[0-9]+,[0-9]+$"
_INT = re.compile(INTEGER_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)
_DECIMAL_COMMA = re.compile(DECIMAL_COMMA_PATTERN)

#: The longest event id the model takes (``events.schema.json``), prefix included.
ID_MAX = 80
#: The days the model's dates can name (``YYYY-MM-DD``).
FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)
#: What a NUL in a cell means: zero bytes are no text; a download cut off or a damaged disk leaves them.
NUL_MESSAGE = "holds a NUL character (a zero byte), which is not text; the file may be damaged: download it again"

#: Names the ISO standard does not use, as ACLED and UCDP write them (UCDP adds a former name in
#: brackets, which is dropped before looking up).
_COUNTRY_ALIASES: dict[str, str] = {
    "russia": "RUS", "soviet union": "RUS", "dr congo": "COD", "democratic republic of congo": "COD",
    "zaire": "COD", "republic of congo": "COG", "congo": "COG", "kosovo": "XKX", "ivory coast": "CIV",
    "cote d'ivoire": "CIV", "bosnia-herzegovina": "BIH", "bosnia and herzegovina": "BIH", "iran": "IRN",
    "syria": "SYR", "laos": "LAO", "north korea": "PRK", "south korea": "KOR", "vietnam": "VNM",
    "macedonia, fyr": "MKD", "macedonia": "MKD", "north macedonia": "MKD", "moldova": "MDA",
    "tanzania": "TZA", "bolivia": "BOL", "venezuela": "VEN", "palestine": "PSE", "turkey": "TUR",
    "turkiye": "TUR", "cambodia": "KHM", "kampuchea": "KHM", "myanmar": "MMR", "burma": "MMR",
    "yemen": "YEM", "north yemen": "YEM", "serbia": "SRB", "yugoslavia": "SRB", "east timor": "TLS",
    "timor-leste": "TLS", "eswatini": "SWZ", "swaziland": "SWZ", "czech republic": "CZE",
    "micronesia": "FSM", "united states": "USA", "united kingdom": "GBR", "gambia": "GMB",
    "cape verde": "CPV", "brunei": "BRN", "taiwan": "TWN", "vatican city": "VAT",
    "madagascar (malagasy)": "MDG", "zimbabwe (rhodesia)": "ZWE", "sri lanka (ceylon)": "LKA",
}
#: Gleditsch-Ward state numbers (UCDP's ``country_id``) of the region, for a name not matched.
GW_ALPHA3: dict[int, str] = {700: "AFG", 701: "TKM", 702: "TJK", 703: "KGZ", 704: "UZB", 705: "KAZ",
                             710: "CHN", 750: "IND", 770: "PAK", 630: "IRN", 365: "RUS", 645: "IRQ"}


@lru_cache(maxsize=4096)
def country_alpha3(name: str = "", numeric: str = "") -> str | None:
    """ISO 3166 alpha-3 from an ISO numeric code (ACLED's ``iso``) or a country name; None if
    neither is known. Uses pycountry's ISO tables, which ship inside the package."""
    import pycountry

    num = ascii_int(numeric, 4)
    if num is not None and num > 0:
        hit = pycountry.countries.get(numeric=f"{num:03d}")
        if hit is not None:
            return hit.alpha_3
    text = name.strip()
    if not text:
        return None
    key = text.lower()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    bare = re.sub(r"\s*\(.*\)\s*$", "", key).strip()
    if bare in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[bare]
    for candidate in (text, re.sub(r"\s*\(.*\)\s*$", "", text)):
        try:
            return pycountry.countries.lookup(candidate).alpha_3
        except LookupError:
            continue
    if re.fullmatch(r"[A-Z]{3}", text) and pycountry.countries.get(alpha_3=text):
        return text
    return None


def ascii_int(text: str, digits: int) -> int | None:
    """``text`` as a whole number of at most ``digits`` ASCII digits, else None (``'٣'`` and
    ``'²'`` are digits to ``str.isdigit``, and not every such digit is one to ``int``)."""
    value = text.strip()
    if 0 < len(value) <= digits and value.isascii() and value.isdigit():
        return int(value)
    return None


def id_problem(what: str, raw: str, model_id: str, example: str) -> str | None:
    """What is wrong with a dataset's own id (``what``: "an ACLED event id") as the source of the
    model's id ``model_id``, or None."""
    if not _SLUG.sub("", raw.lower()):
        return f"{raw[:40]!r} is not {what}: it has no ASCII letter or digit (expected e.g. {example})"
    if len(model_id) > ID_MAX:
        return (f"is {len(raw):,} characters long, too long for {what} (expected e.g. {example}); "
                f"the event's id can have at most {ID_MAX} characters")
    return None


@lru_cache(maxsize=65536)
def parse_date_text(text: str) -> date | None:
    """A date in any of :data:`DATE_FORMATS` (or ISO, with or without a time), else None."""
    value = text.strip()
    if len(value) > 40:  # no date form is this long; and the cache keeps only short text
        return None
    m = _TIME_PART.match(value)
    if m:
        try:
            return date.fromisoformat(m.group(1))
        except ValueError:
            return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def month_range(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def slug_id(prefix: str, raw: str) -> str:
    """A model id from a dataset's own id: ``AFG12345`` -> ``acled-afg12345``."""
    return f"{prefix}-{_SLUG.sub('-', raw.lower()).strip('-')}"


def split_list(text: str) -> list[str]:
    """``a; b;c`` -> ``['a', 'b', 'c']``, blanks dropped, order kept, repeats dropped."""
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


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
