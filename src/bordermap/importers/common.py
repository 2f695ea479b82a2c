"""What the ACLED and UCDP importers share: the forms of numbers and dates exports write,
countries, ids. Reading whole columns with a problem per bad cell is
:mod:`bordermap.importers.columns`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

__all__ = ["slug_id", "country_alpha3", "parse_date_text", "split_list", "DATE_FORMATS",
           "INTEGER_PATTERN", "NUMBER_PATTERN", "DECIMAL_COMMA_PATTERN", "ID_MAX", "NUL_MESSAGE", "ascii_int",
           "id_problem", "FIRST_DAY", "LAST_DAY"]

#: Date forms exports use: ISO, ACLED's export tool ("24 July 2012"), the old codebook's
#: day-first forms, and UCDP's timestamps ("2012-07-24 00:00:00.000").
DATE_FORMATS: tuple[str, ...] = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d-%m-%Y", "%d/%m/%Y",
                                 "%d.%m.%Y", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y")
_TIME_PART = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_SLUG = re.compile(r"[^a-z0-9]+")

# Numbers as exports write them, for Arrow's RE2 (both importers read columns with them): ASCII
# digits only (Python's ``int``/``float`` would also take '٣', '1_000', 'NaN' and 'inf').
#: A whole number; a spreadsheet's ``3.0`` too.
INTEGER_PATTERN = r"^[+-]?[0-9]{1,15}(\.0+)?$"
#: A decimal number, with an optional exponent.
NUMBER_PATTERN = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$"
#: A decimal number written with a comma, as a spreadsheet in many European locales saves it.
DECIMAL_COMMA_PATTERN = r"^[+-]?[0-9]+,[0-9]+$"

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


def slug_id(prefix: str, raw: str) -> str:
    """A model id from a dataset's own id: ``AFG12345`` -> ``acled-afg12345``."""
    return f"{prefix}-{_SLUG.sub('-', raw.lower()).strip('-')}"


def split_list(text: str) -> list[str]:
    """``a; b;c`` -> ``['a', 'b', 'c']``, blanks dropped, order kept, repeats dropped."""
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))
