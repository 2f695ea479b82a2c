"""Events as ACLED rows: the 31 columns of ACLED's CSV, in ACLED's order, one row per event.

The rows drop into analysts' ACLED workflows (R's acledR, pandas, Excel pivot tables). Our model
is richer than ACLED's in places (date ranges, claims side by side, confidence, geometries other
than points) and ACLED has columns we do not keep (admin2/admin3, a source's geographic scale).
How each column is filled — the whole mapping, also in ``docs/exports.md``:

================== ===================================================================================
column             rule
================== ===================================================================================
event_id_cnty      our ``id`` verbatim (a stable slug such as ``2012-07-21-nazarov-killed``). ACLED's
                   ids are a country code and a number; ours never look like one, so the two cannot
                   collide, and the row joins back to ``data/events.geojson``.
event_date         ``date_start`` (``YYYY-MM-DD``): the first day the event may have happened, for
                   every precision. ACLED dates a week/month-precision event at the middle of the
                   period; we do not, because some of our imprecise events span years. The whole
                   range is in ``tags`` (``date range=START/END``).
year               the year of ``event_date``.
time_precision     from ``date_precision``: day 1, week 2, month 3, year 3 (ACLED has no year
                   precision; such rows carry the tag ``time precision=year``).
disorder_type      ACLED's disorder type of the sub-event type (``Excessive force against
                   protesters`` -> ``Political violence; Demonstrations``, ``Mob violence`` ->
                   ``Political violence``), else of the event type.
event_type,        verbatim (our taxonomy is ACLED's).
sub_event_type
actor1, actor2     the first actor with role ``actor1`` / ``actor2``; blank if none.
assoc_actor_1/2    further ``actor1``/``actor2`` actors, then the ``assoc_actor_1``/``_2`` ones,
                   ``; ``-joined. Actors with role ``mentioned`` are not exported to actor columns.
inter1, inter2     the ``inter`` (ACLED actor type, text form) of actor1 / actor2; blank if unknown.
interaction        codebook text form: ``<inter1>-<inter2>`` with the lower ACLED code first
                   (``State forces-Rebel group``), ``<inter1> only`` when there is no actor2, blank
                   when an actor's type is unknown.
civilian_targeting ``Civilians targeted`` for Violence against civilians and whenever actor2 is
                   ``Civilians``; blank otherwise.
iso                ISO 3166 numeric code of ``country`` (TJK 762, AFG 4, UZB 860, KGZ 417, CHN 156,
                   PAK 586, ...); blank for a country not in :data:`COUNTRIES`.
region             ACLED's region: ``Caucasus and Central Asia`` for AFG, TJK, UZB, KGZ, TKM, KAZ;
                   ``South Asia`` PAK; ``East Asia`` CHN; ``Middle East`` IRN; ``Europe`` RUS.
country            the English name ACLED uses (``Tajikistan``).
admin1             ours; ``admin2``/``admin3`` blank (we do not record them).
location           ours.
latitude,          a Point's coordinates; a LineString's **last** point (the destination of a
longitude          movement, which is where ``country``/``admin1`` place it); a Polygon's point on
                   surface. 4 decimals. Non-point rows carry the tag ``geometry=<type>``.
geo_precision      ours (the same 1-3 codes).
source             names of the event's sources, ``; ``-joined, without sources of kind
                   ``reference`` (gazetteers and encyclopaedias used to place the event).
source_scale       we do not record how local a source is, so the rule uses its ``kind``:
                   ``official`` -> National, ``intergovernmental`` -> International, any other ->
                   Other; the distinct values joined with ``-`` (``National-Other``).
notes              ``summary``, then ``Claims: <source>: <figure>; <source>: <figure>.`` with every
                   fatality claim side by side (a partial count labelled ``(partial: troops
                   only)``), then, for a multi-day event, ``One row for START to END; ACLED
                   codes one event per day.``
fatalities         ``fatalities_low``: the lowest complete toll (ACLED's most conservative figure;
                   a bounded best estimate counts with its ``low``). Partial counts (``scope:
                   partial``: troops only, civilians only) are never taken for a toll. An event
                   with partial counts only gets the largest of them (its ``low`` if it has one):
                   a lower bound, which is what ACLED's figure is too, and never 0, which in ACLED
                   means nobody was reported killed; the tag ``fatalities=at least, partial count
                   (<counts>)`` says so. 0 when nobody gave a number. Not divided per day.
tags               our ``tags``, then ``confidence=<confidence>``, ``date range=START/END`` (when
                   longer than one day), ``time precision=year``, ``geometry=<type>``,
                   ``fatalities=at least, partial count (...)``; ``; ``-joined.
timestamp          the export time as Unix seconds (ACLED: upload time).
================== ===================================================================================

Text cells that a spreadsheet could read as a formula get a leading apostrophe, which Excel and
LibreOffice hide: a cell that starts with ``= + - @`` (or their full-width forms), a tab or a
carriage return, also after leading spaces, control or invisible format characters (``\x00=...``,
`` =...``, ``\u200b+...``), which some readers skip. A lone surrogate, which no UTF-8 file can
hold, becomes U+FFFD.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Any, Iterable, Mapping

import shapely
from shapely.geometry import shape

from bordermap.mapping.payload import claim_line
from bordermap.model import ACLED_TIME_PRECISION, DISORDER_TYPES, claim_floor, fatality_range, largest_partial

__all__ = ["ACLED_COLUMNS", "ACLED_INTER_CODES", "COUNTRIES", "to_acled_rows", "acled_csv", "interaction"]

#: ACLED's CSV columns, in ACLED's order (event-standards.md §1.2).
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)

#: ACLED actor types (text) and their numeric codes, which order an ``interaction``.
ACLED_INTER_CODES: dict[str, int] = {
    "State forces": 1, "Rebel group": 2, "Political militia": 3, "Identity militia": 4,
    "Rioters": 5, "Protesters": 6, "Civilians": 7, "External/Other forces": 8,
}

#: ISO alpha-3 -> (ISO numeric, ACLED country name, ACLED region).
COUNTRIES: dict[str, tuple[int, str, str]] = {
    "AFG": (4, "Afghanistan", "Caucasus and Central Asia"),
    "TJK": (762, "Tajikistan", "Caucasus and Central Asia"),
    "UZB": (860, "Uzbekistan", "Caucasus and Central Asia"),
    "KGZ": (417, "Kyrgyzstan", "Caucasus and Central Asia"),
    "TKM": (795, "Turkmenistan", "Caucasus and Central Asia"),
    "KAZ": (398, "Kazakhstan", "Caucasus and Central Asia"),
    "PAK": (586, "Pakistan", "South Asia"),
    "CHN": (156, "China", "East Asia"),
    "IRN": (364, "Iran", "Middle East"),
    "RUS": (643, "Russia", "Europe"),
}

_SCALE_OF_KIND = {"official": "National", "intergovernmental": "International"}
_SCALE_ORDER = ("Local partner", "Subnational", "National", "Regional", "International", "Other")
_NUMERIC_COLUMNS = frozenset({"year", "time_precision", "iso", "latitude", "longitude", "geo_precision",
                              "fatalities", "timestamp"})
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# What a reader may skip before it sees a formula: whitespace, controls (C0, DEL, C1) and
# invisible format characters (zero-width space, BOM, bidi marks).
_SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def interaction(inter1: str | None, inter2: str | None, has_actor2: bool) -> str:
    """ACLED's ``interaction`` in text form: lower code first, ``<type> only`` for one side."""
    if not inter1 or (has_actor2 and not inter2):
        return ""
    if not has_actor2:
        return f"{inter1} only"
    a, b = sorted((inter1, inter2), key=lambda t: ACLED_INTER_CODES.get(t, 99))
    return f"{a}-{b}"


def _coordinates(geometry: Mapping[str, Any]) -> tuple[float, float]:
    kind = geometry["type"]
    if kind == "Point":
        lon, lat = geometry["coordinates"][:2]
    elif kind == "LineString":
        lon, lat = geometry["coordinates"][-1][:2]
    else:
        pt = shapely.point_on_surface(shape(geometry))
        lon, lat = pt.x, pt.y
    return round(lat, 4), round(lon, 4)


def _actor_columns(actors: list[dict[str, Any]], n: int) -> tuple[str, str, str | None, bool]:
    """(actor, assoc actors, inter, present) for side ``n`` (1 or 2)."""
    main = [a for a in actors if a["role"] == f"actor{n}"]
    assoc = main[1:] + [a for a in actors if a["role"] == f"assoc_actor_{n}"]
    first = main[0] if main else None
    return (first["name"] if first else "", "; ".join(a["name"] for a in assoc),
            first.get("inter") if first else None, first is not None)


def _source_scale(sources: list[dict[str, Any]]) -> str:
    scales = {_SCALE_OF_KIND.get(s.get("kind"), "Other") for s in sources if s.get("kind") != "reference"}
    return "-".join(s for s in _SCALE_ORDER if s in scales) or "Other"


def _fatalities(p: Mapping[str, Any]) -> tuple[int, str | None]:
    """The ``fatalities`` cell and, when it holds a partial count, the tag that says so."""
    claims = p.get("fatalities", [])
    low = p["fatalities_low"] if "fatalities_low" in p else fatality_range(claims)[0]
    if low is not None:
        return low, None
    top = largest_partial(claims)
    if top is None:
        return 0, None
    return claim_floor(top), f"fatalities=at least, partial count ({top.get('counts')})"


def _row(feature: Mapping[str, Any], timestamp: int) -> dict[str, Any]:
    p = feature["properties"]
    actors = p.get("actors", [])
    actor1, assoc1, inter1, _ = _actor_columns(actors, 1)
    actor2, assoc2, inter2, has2 = _actor_columns(actors, 2)
    iso, country, region = COUNTRIES.get(p["country"], ("", p["country"], ""))
    lat, lon = _coordinates(feature["geometry"])
    fatalities, fatalities_tag = _fatalities(p)
    start, end = p["date_start"], p["date_end"]

    notes = [p["summary"].strip()]
    if p.get("fatalities"):
        notes.append("Claims: " + "; ".join(claim_line(c) for c in p["fatalities"]) + ".")
    if start != end and p["date_precision"] == "day":
        notes.append(f"One row for {start} to {end}; ACLED codes one event per day.")

    tags = list(p.get("tags", [])) + [f"confidence={p['confidence']}"]
    if start != end:
        tags.append(f"date range={start}/{end}")
    if p["date_precision"] == "year":
        tags.append("time precision=year")
    if feature["geometry"]["type"] != "Point":
        tags.append(f"geometry={feature['geometry']['type']}")
    if fatalities_tag:
        tags.append(fatalities_tag)

    civilians = p["event_type"] == "Violence against civilians" or inter2 == "Civilians"
    return {
        "event_id_cnty": p["id"],
        "event_date": start,
        "year": int(start[:4]),
        "time_precision": ACLED_TIME_PRECISION[p["date_precision"]],
        "disorder_type": DISORDER_TYPES.get(p["sub_event_type"]) or DISORDER_TYPES[p["event_type"]],
        "event_type": p["event_type"],
        "sub_event_type": p["sub_event_type"],
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "inter1": inter1 or "",
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "inter2": inter2 or "",
        "interaction": interaction(inter1, inter2, has2),
        "civilian_targeting": "Civilians targeted" if civilians else "",
        "iso": iso,
        "region": region,
        "country": country,
        "admin1": p.get("admin1", ""),
        "admin2": "",
        "admin3": "",
        "location": p["location"],
        "latitude": lat,
        "longitude": lon,
        "geo_precision": int(p["geo_precision"]),
        "source": "; ".join(dict.fromkeys(s["name"] for s in p.get("sources", []) if s.get("kind") != "reference")),
        "source_scale": _source_scale(p.get("sources", [])),
        "notes": " ".join(notes),
        "fatalities": fatalities,
        "tags": "; ".join(tags),
        "timestamp": int(timestamp),
    }


def to_acled_rows(events: Iterable[Mapping[str, Any]], *, timestamp: int) -> list[dict[str, Any]]:
    """One ACLED row (a dict with exactly :data:`ACLED_COLUMNS`, in order) per event Feature.

    Parameters
    ----------
    events
        Event Features in the project's model (derived fields optional).
    timestamp
        Unix seconds for the ``timestamp`` column (the export time).
    """
    events = list(events)
    rows = [_row(f, timestamp) for f in events]
    for i, cells in _as_recorded(events).items():
        rows[i] = _restore(rows[i], events[i], *cells)
    return rows


#: ACLED columns -> the model fields they are made from. An event imported from ACLED whose
#: fields in a group are still what its record imports to gets the record's own cells for that
#: group back (so ``import acled`` then ``export csv`` returns the export); an edited group is
#: written from the model. ``timestamp`` comes back only for an event not edited at all.
RESTORED_FROM: dict[tuple[str, ...], tuple[str, ...]] = {
    ("event_id_cnty",): ("id",),
    ("event_date", "year", "time_precision"): ("date_start", "date_end", "date_precision"),
    ("disorder_type", "event_type", "sub_event_type"): ("event_type", "sub_event_type"),
    ("civilian_targeting",): ("event_type", "actors", "tags"),
    ("actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction"): ("actors",),
    ("iso", "region", "country"): ("country",),
    ("admin1", "admin2", "admin3", "location"): ("admin1", "location", "location_note"),
    ("latitude", "longitude"): ("geometry",),
    ("geo_precision",): ("geo_precision",),
    ("source", "source_scale"): ("sources",),
    ("notes",): ("summary", "fatalities", "date_start", "date_end"),
    ("fatalities",): ("fatalities",),
    ("tags",): ("tags", "confidence", "date_start", "date_end", "date_precision"),
}


def _as_recorded(events: list[Mapping[str, Any]]) -> dict[int, tuple[dict[str, str], dict[str, Any]]]:
    """For each event imported from ACLED (its ``original`` has ``event_id_cnty``): its record
    and the event that record imports to today."""
    at = [i for i, f in enumerate(events) if "event_id_cnty" in (f["properties"].get("original") or {})]
    if not at:
        return {}
    import numpy as np
    import pyarrow as pa

    from bordermap.core.table import EventTable
    from bordermap.dataset import _with_null_derived
    from bordermap.importers import acled as importer
    from bordermap.importers.source import TextTable

    records = [dict(events[i]["properties"]["original"]) for i in at]
    names = sorted({k for r in records for k in r})
    text = pa.table({k: pa.array([r.get(k, "") for r in records], pa.string()) for k in names})
    model, cells = importer.map_export(TextTable("<export>", "json", names, text, item="record"))
    fresh = list(EventTable.from_arrow(_with_null_derived(model), np.arange(model.num_rows)).features(derived=False))
    return {i: (records[k], fresh[k]) for k, i in enumerate(at) if not cells.bad[k]}


def _restore(row: dict[str, Any], feature: Mapping[str, Any], record: dict[str, str],
             fresh: Mapping[str, Any]) -> dict[str, Any]:
    p, q = feature["properties"], fresh["properties"]

    def same(field: str) -> bool:
        if field == "geometry":
            return feature.get("geometry") == fresh.get("geometry")
        return p.get(field) == q.get(field)

    out = dict(row)
    untouched = True
    for columns, fields in RESTORED_FROM.items():
        if all(same(f) for f in fields):
            out.update({c: record.get(c, "") for c in columns})
        else:
            untouched = False
    if untouched and all(same(f) for f in ("title", "sub_event_type", "confidence_note", "date_note")):
        out["timestamp"] = record.get("timestamp", row["timestamp"])
    return out


def _cell(column: str, value: Any) -> Any:
    """The value as written: text neutralised against formula injection, lone surrogates replaced."""
    if column in _NUMERIC_COLUMNS or not isinstance(value, str):
        return value
    value = _SURROGATE.sub("\ufffd", value)
    return "'" + value if _looks_like_formula(value) else value


def _looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (see the module docstring)."""
    if text.startswith(("\t", "\r")):
        return True
    start = 0
    while start < len(text) and (text[start].isspace() or unicodedata.category(text[start]) in _SKIPPED_CATEGORIES):
        start += 1
    return text.startswith(_FORMULA_START, start)


def acled_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV text (RFC 4180: comma, double quotes, CRLF) with ACLED's header and the rows."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(ACLED_COLUMNS)
    for row in rows:
        writer.writerow([_cell(c, row[c]) for c in ACLED_COLUMNS])
    return out.getvalue()
