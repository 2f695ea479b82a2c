"""Date expressions of a report -> days, against the report's own date.

Rules first, in news style, then dateparser (``RELATIVE_BASE`` = the report date, dates from the
past) for what the rules do not know:

- "March 5", "5 March 2022", "early Saturday, March 5", "on December 27": that day; without a
  year, the latest such day on or before the report date;
- "on Monday", "Saturday night": the report's own day when it is that weekday, else the last one
  before it (dateparser would take the Monday before a Monday report: its issue #508);
- "yesterday", "today", "this morning", "two days ago", "three days earlier";
- "the previous day", "the day before": the day before the last date the report gave (its date
  when it gave none yet);
- "last week" / "this week": a week (precision ``week``); "last month", "earlier this month": a
  month (precision ``month``).

A date after the report's date is never returned: such a reading is dropped.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

__all__ = ["DateReading", "find_dates", "find_dateline", "parse_dateline"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")"
_LEAD = r"(?:(?:early|late|on|since|overnight|in the early hours of|in the morning of|the night of)\s+)*"
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "a": 1, "an": 1}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")),
    ("month_day", re.compile(_LEAD + r"(?:" + _WEEKDAY + r",?\s+)?" + _MONTH
                             + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?", re.I)),
    ("day_month", re.compile(_LEAD + r"(?:" + _WEEKDAY + r",?\s+)?(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                             + _MONTH + r"\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?", re.I)),
    ("previous_day", re.compile(r"\b(?:the\s+)?(?:previous|preceding)\s+(?:day|night|evening)\b|\bthe\s+day\s+before\b", re.I)),
    ("days_ago", re.compile(r"\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+days?\s+(?:ago|earlier|before)\b", re.I)),
    ("yesterday", re.compile(r"\byesterday\b|\blast\s+night\b", re.I)),
    ("today", re.compile(r"\btoday\b|\bthis\s+(?:morning|afternoon|evening)\b|\btonight\b", re.I)),
    ("last_week", re.compile(r"\b(?:last|past|previous)\s+week\b", re.I)),
    ("this_week", re.compile(r"\b(?:this|earlier\s+this)\s+week\b", re.I)),
    ("last_month", re.compile(r"\blast\s+month\b", re.I)),
    ("this_month", re.compile(r"\b(?:earlier\s+)?this\s+month\b", re.I)),
    ("weekday", re.compile(_LEAD + r"(?:last\s+)?" + _WEEKDAY + r"\b", re.I)),
]


@dataclass(frozen=True)
class DateReading:
    """One date expression read: ``start``..``end`` with ``precision`` (day, week, month), where
    it is in the text, and how sure the rule is (0..1)."""

    start: date
    end: date
    precision: str
    text: str
    begin: int
    stop: int
    rule: str
    confidence: float


def _latest_on_or_before(month: int, day: int, anchor: date) -> date | None:
    for year in (anchor.year, anchor.year - 1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= anchor:
            return d
    return None


def _weekday_on_or_before(weekday: int, anchor: date) -> date:
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _read(rule: str, m: re.Match[str], anchor: date, last: date | None) -> tuple[date, date, str, float] | None:
    g = m.groupdict()
    if rule == "iso":
        try:
            d = date(int(g["year"]), int(g["m"]), int(g["d"]))
        except ValueError:
            return None
        return d, d, "day", 0.95
    if rule in ("month_day", "day_month"):
        month, day = _MONTHS[g["month"].lower().rstrip(".")], int(g["day"])
        if g.get("year"):
            try:
                d = date(int(g["year"]), month, day)
            except ValueError:
                return None
        else:
            d = _latest_on_or_before(month, day, anchor)
            if d is None:
                return None
        sure = 0.95
        if g.get("weekday") and _WEEKDAYS[g["weekday"].lower()] != d.weekday():
            sure = 0.6  # "Saturday, March 5" that is no Saturday: keep the date, doubt it
        return d, d, "day", sure
    if rule == "previous_day":
        d = (last or anchor) - timedelta(days=1)
        return d, d, "day", 0.8 if last else 0.6
    if rule == "days_ago":
        n = g["n"].lower()
        d = anchor - timedelta(days=int(n) if n.isdigit() else _SMALL[n])
        return d, d, "day", 0.85
    if rule == "yesterday":
        d = anchor - timedelta(days=1)
        return d, d, "day", 0.9
    if rule == "today":
        return anchor, anchor, "day", 0.9
    if rule == "last_week":
        monday = anchor - timedelta(days=anchor.weekday() + 7)
        return monday, monday + timedelta(days=6), "week", 0.8
    if rule == "this_week":
        return anchor - timedelta(days=anchor.weekday()), anchor, "week", 0.8
    if rule == "last_month":
        first = anchor.replace(day=1) - timedelta(days=1)
        return (*_month_span(first.year, first.month), "month", 0.8)
    if rule == "this_month":
        return anchor.replace(day=1), anchor, "month", 0.75
    if rule == "weekday":
        d = _weekday_on_or_before(_WEEKDAYS[g["weekday"].lower()], anchor)
        if "last" in m.group(0).lower() and d == anchor:
            d -= timedelta(days=7)
        return d, d, "day", 0.75
    return None


def find_dates(sentence: str, offset: int, anchor: date, last: date | None = None,
               spans: list[tuple[int, int]] | None = None) -> list[DateReading]:
    """The date expressions of one sentence, in order, none after ``anchor`` (the report date).

    Parameters
    ----------
    sentence : str
        The sentence's text; ``offset`` is where it starts in the report.
    anchor : date
        The report's date.
    last : date, optional
        The last day the report gave before this sentence ("the previous day" counts from it).
    spans : list of (start, end), optional
        spaCy's DATE entities (offsets in the report): those no rule reads go to dateparser.
    """
    found: list[DateReading] = []
    taken: list[tuple[int, int]] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            read = _read(rule, m, anchor, last)
            if read is None or read[0] > anchor:
                continue
            start, end, precision, sure = read
            text = m.group(0).strip()
            begin = offset + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            found.append(DateReading(start, min(end, anchor), precision, text, begin, begin + len(text), rule, sure))
            taken.append((m.start(), m.end()))
    for a, b in spans or ():
        if any(a - offset < y and x < b - offset for x, y in taken):
            continue
        reading = _dateparser_reading(sentence[a - offset:b - offset], anchor)
        if reading is not None:
            found.append(DateReading(reading[0], reading[0], reading[1], sentence[a - offset:b - offset], a, b,
                                     "dateparser", 0.6))
    return sorted(found, key=lambda r: r.begin)


_NOT_DATES = re.compile(r"^\s*(?:\d+\s*)?(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b|\b(?:old|long|aged)\b", re.I)


def _dateparser_reading(text: str, anchor: date) -> tuple[date, str] | None:
    if _NOT_DATES.search(text) or not re.search(r"[A-Za-z0-9]", text):
        return None  # "two years", "48 hours", "30-year-old": durations, not dates
    parsed = _dateparser()(text, languages=["en"],
                           settings={"RELATIVE_BASE": _midday(anchor), "PREFER_DATES_FROM": "past",
                                     "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": False})
    if parsed is None or parsed.date() > anchor:
        return None
    return parsed.date(), "day"


def _midday(d: date):
    from datetime import datetime

    return datetime(d.year, d.month, d.day, 12)


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # imported on first use: ~0.3 s

    return dateparser.parse


_DATELINE = [re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
             re.compile(r"\b(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
             re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")]


def find_dateline(text: str, lines: int = 4) -> tuple[date, int, int] | None:
    """The report's dateline: a full date (with its year) in its first few non-empty lines
    ("DUSHANBE, March 6, 2022 (Asia-Plus) -", "6 March 2022", "2022-03-06") and where it is
    (offsets in ``text``); None without one."""
    offset = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            seen += 1
            for pattern in _DATELINE:
                m = pattern.search(line)
                if not m:
                    continue
                month = m.group("month")
                month_no = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
                try:
                    return date(int(m.group("year")), month_no, int(m.group("day"))), offset + m.start(), offset + m.end()
                except ValueError:
                    continue
            if seen >= lines:
                break
        offset += len(line) + 1
    return None


def parse_dateline(text: str, lines: int = 4) -> date | None:
    """The date of :func:`find_dateline`, or None."""
    found = find_dateline(text, lines)
    return found[0] if found else None
