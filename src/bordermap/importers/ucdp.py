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

from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.core.columns import properties_schema
from bordermap.importers.columns import (EPOCH, Cells, concat_lists, join_text, model_table, null_if_empty,
                                         one_item_lists, original_cells, slug_ids, struct_list, truncate)
from bordermap.importers.common import (FIRST_DAY, GW_ALPHA3, ID_MAX, LAST_DAY, ascii_int, country_alpha3,
                                        id_problem, slug_id, split_list)
from bordermap.importers.source import TextTable

__all__ = ["COLUMNS", "COLUMN_RULES", "REQUIRED", "DATASET", "CANDIDATE", "map_table", "map_export",
           "looks_like_header", "json_records", "header_problem", "ID_PREFIX", "SOURCE_NAME", "WHERE_PREC",
           "DATE_PREC"]

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
_ID = r"^[0-9A-Za-z-]+$"
_TITLE_MAX = 160
_SUMMARY_MAX = 2000
_FIRST_DAY, _LAST_DAY = FIRST_DAY.toordinal() - EPOCH, LAST_DAY.toordinal() - EPOCH


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


_CLARITY_TAG = "ucdp event clarity=2 (aggregated reporting)"
_REPORTED_NOTE = "As UCDP codes it from the sources it consulted; not checked against them here."
_CLARITY_NOTE = "UCDP codes this from aggregated reporting (event clarity 2), not one clearly identified event."
_CANDIDATE_NOTE = "UCDP Candidate data: preliminary, not yet checked by UCDP"


def _is_state(name: str) -> bool:
    return name.lower().startswith("government of")


def _part_name(name: str, default: str) -> str:
    """The key of a side's deaths in a claim's breakdown (one-sided violence: side B is civilians)."""
    name = name or default
    return "civilians" if name.lower() == "civilians" else name


def _relayed(offices: str, dates: str) -> list[tuple[str, str | None]]:
    """The sources UCDP cites, one per office (UCDP itself left out), each with its day when
    ``source_date`` lists one date per office."""
    names = [o for o in split_list(offices) if o != SOURCE_NAME]
    days = [d.strip()[:10] for d in dates.split(";")] if dates else []
    if len(days) != len(names):
        return [(o, None) for o in names]
    return [(o, d if len(d) == 10 and d[4] == "-" and d[7] == "-" and d.replace("-", "").isdigit() else None)
            for o, d in zip(names, days)]


def _if(mask: np.ndarray, then: Any, otherwise: Any) -> pa.Array:
    return pc.if_else(pa.array(mask, pa.bool_()), then, otherwise)


def _text_of(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.int64()).cast(pa.string())


def _per_value(cells: Cells, key: pa.Array, parse, typ: pa.DataType = pa.string()) -> pa.Array:
    """``parse`` once per distinct cell of ``key``, as a column."""
    idx, results = cells.mapped(key, parse)
    return pa.array(results, typ).take(pa.array(idx))


def _iso(days: int) -> str:
    return date.fromordinal(EPOCH + int(days)).isoformat()


def _dates(cells: Cells) -> tuple[np.ndarray, np.ndarray, pa.Array, pa.Array]:
    """(first days, last days, date precision, date note); a single day with ``date_prec`` 3 to 5
    widened to the week, month or year UCDP names."""
    start, start_ok = cells.dates("date_start")
    end, end_ok = cells.dates("date_end")
    prec, prec_ok = cells.integers("date_prec", allowed=tuple(DATE_PREC))
    ok = start_ok & end_ok & prec_ok
    before = ok & (end < start)
    cells.problem(before, "date_end", lambda r: f"{_iso(end[r])} is before date_start {_iso(start[r])}")
    ok &= ~before
    year, year_ok = cells.integers("year", required=False, where=ok)
    days = start.astype("datetime64[D]")
    cells.problem(year_ok & (year != days.astype("datetime64[Y]").astype(np.int64) + 1970), "year",
                  lambda r: f"{year[r]} is not the year of date_start {_iso(start[r])}", "warning")
    code = np.where(prec_ok, prec, 0)
    widen = ok & (start == end) & (code >= 3)
    week, month, whole_year = widen & (code == 3), widen & (code == 4), widen & (code == 5)
    d0, d1 = start.copy(), end.copy()
    d0[week], d1[week] = start[week] - 3, start[week] + 3
    for mask, unit in ((month, "M"), (whole_year, "Y")):
        period = days[mask].astype(f"datetime64[{unit}]")
        d0[mask] = period.astype("datetime64[D]").astype(np.int64)
        d1[mask] = (period + 1).astype("datetime64[D]").astype(np.int64) - 1
    # a week around 1 January of year 1 or 31 December 9999; and, as the row-by-row importer
    # found it (its month arithmetic went through the next month's first day), December 9999
    beyond = (week & ((d0 < _FIRST_DAY) | (d1 > _LAST_DAY))) | (month & (start >= _LAST_DAY - 30))
    cells.problem(beyond, "date_start", lambda r: f"{_iso(start[r])} with date_prec {prec[r]}: the period around "
                                                  "it goes beyond the years 1 to 9999")
    d0[beyond], d1[beyond] = start[beyond], end[beyond]
    words = np.array([""] + [f"UCDP date precision {k}: {w}" for k, (_, w) in DATE_PREC.items()], dtype=object)
    note = pa.array(words[code], pa.string())
    note = _if(widen & ~beyond, join_text(note, "; UCDP gives the single day ",
                                          pc.utf8_slice_codeunits(cells.text("date_start"), 0, 10),
                                          ", shown as the whole period"), note)
    precision = np.array([None] + [p for p, _ in DATE_PREC.values()], dtype=object)[code]
    return d0, d1, pa.array(precision, pa.string()), note


def _claims(cells: Cells, part_names: list[pa.Array]) -> tuple[pa.ListArray, np.ndarray]:
    """(the one claim of every record, best): UCDP's best, low and high, and the deaths by side
    A, side B, civilians and unknown as its breakdown, keyed by ``part_names``."""
    n = cells.n
    best, best_ok = cells.integers("best", low=0)
    low, low_ok = cells.integers("low", low=0, required=False)
    high, high_ok = cells.integers("high", low=0, required=False)
    parts = [cells.integers(c, low=0, required=False)
             for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")]
    ranged = best_ok & low_ok & high_ok
    lo, hi = np.minimum(np.minimum(low, best), high), np.maximum(np.maximum(low, best), high)
    disorder = ranged & ~((low <= best) & (best <= high))
    cells.problem(disorder, "low", lambda r: f"low {low[r]}, best {best[r]}, high {high[r]} are not in order; kept "
                                             f"as {lo[r]}-{hi[r]}", "warning")
    present = np.stack([ok for _, ok in parts], axis=1)
    deaths = np.stack([np.where(ok, v, 0) for v, ok in parts], axis=1)
    # the deaths of two parts with one name (side B "Civilians" and the civilians) go to the first
    kept, summed = present.copy(), deaths.copy()
    for j in range(1, len(parts)):
        free = present[:, j].copy()
        for i in range(j):
            same = free & kept[:, i] & np.asarray(pc.equal(part_names[i], part_names[j]), dtype=bool)
            summed[same, i] += deaths[same, j]
            kept[same, j] = False
            free &= ~same
    total = deaths.sum(axis=1)
    over = best_ok & present.any(axis=1) & (total > best)
    cells.problem(over, "best", lambda r: f"the deaths by side add up to {total[r]}, more than best {best[r]}",
                  "warning")
    listed = kept & ~over[:, None]
    rows, cols = np.nonzero(listed)
    breakdown = pa.MapArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(listed.sum(axis=1))]).astype(np.int32)),
        pa.concat_arrays(part_names).take(pa.array(cols.astype(np.int64) * n + rows)),
        pa.array(summed[rows, cols], pa.int64()), mask=pa.array(~listed.any(axis=1)))
    note = join_text("UCDP's best estimate",
                     _if(disorder, join_text("; UCDP gives low ", _text_of(low), ", best ", _text_of(best), ", high ",
                                             _text_of(high), ", not in order; shown as ", _text_of(lo), "-",
                                             _text_of(hi)), ""),
                     _if(over, join_text("; the deaths by side add up to ", _text_of(total)), ""))
    claims = struct_list(properties_schema().field("fatalities").type, {
        "source": pa.repeat(pa.scalar(SOURCE_NAME), n), "total": pa.array(best, pa.int64()),
        "low": pa.array(lo, pa.int64(), mask=~ranged), "high": pa.array(hi, pa.int64(), mask=~ranged),
        "breakdown": breakdown, "note": note}, np.arange(n + 1))
    return claims, best


def _sources(cells: Cells, raw_id: pa.Array) -> pa.ListArray:
    """UCDP GED's own entry, then one per office it cites."""
    n = cells.n
    text, filled = cells.text, (lambda name: ~cells.empty(name))
    count = text("number_of_sources")
    note = join_text("UCDP GED event ", raw_id,
                     _if(filled("relid"), join_text("; relid ", text("relid")), ""),
                     _if(filled("number_of_sources") & np.asarray(pc.not_equal(count, "-1"), dtype=bool),
                         join_text("; ", count, " source(s) consulted"), ""),
                     _if(filled("source_original"), join_text("; information from: ", text("source_original")), ""))
    typ = properties_schema().field("sources").type
    own = struct_list(typ, {"name": pa.repeat(pa.scalar(SOURCE_NAME), n), "kind": pa.repeat(pa.scalar("academic"), n),
                            "note": note}, np.arange(n + 1))
    # once per distinct pair of cells: offices and dates repeat
    office_idx, offices = cells.mapped(text("source_office"), lambda v: v)
    date_idx, dates = cells.mapped(text("source_date"), lambda v: v)
    pairs, row_pair = np.unique(office_idx * max(len(dates), 1) + date_idx, return_inverse=True)
    cited = [_relayed(offices[k // len(dates)], dates[k % len(dates)]) for k in pairs]
    names = [name for c in cited for name, _ in c]
    m = len(names)
    relayed = struct_list(typ, {"name": pa.array(names, pa.string()), "kind": pa.repeat(pa.scalar("other"), m),
                                "relayed_by": pa.repeat(pa.scalar(SOURCE_NAME), m),
                                "date": pa.array([day for c in cited for _, day in c], pa.string())},
                          np.concatenate([[0], np.cumsum([len(c) for c in cited])]).astype(np.int64))
    return concat_lists([own, relayed.take(pa.array(row_pair.ravel()))])


def map_table(cells: Cells, *, candidate: bool = False) -> pa.Table:
    """Every record of a UCDP GED export (as text columns) -> the model's columns, one row per
    record in file order; problems are recorded on ``cells`` (rows with errors stay in the
    table: the caller drops them with ``cells.bad``). ``candidate``: the export is of UCDP's
    Candidate dataset, preliminary data."""
    n = cells.n
    text, filled = cells.text, (lambda name: ~cells.empty(name))
    const = lambda v: pa.repeat(pa.scalar(v, pa.string()), n)  # noqa: E731
    schema = properties_schema()

    raw_id = text("id")
    cells.required("id")
    ids = slug_ids(ID_PREFIX, raw_id)
    usable = (np.asarray(pc.fill_null(pc.match_substring_regex(raw_id, _ID), False), dtype=bool)
              & np.asarray(pc.not_equal(ids, ID_PREFIX + "-"), dtype=bool)
              & (np.asarray(pc.utf8_length(ids), dtype=np.int64) <= ID_MAX))
    cells.problem(filled("id") & ~usable, "id", lambda r: _id_problem(raw_id[r].as_py()))
    cells.check_cells()
    tov, tov_ok = cells.integers("type_of_violence", allowed=tuple(TYPES_OF_VIOLENCE))
    cells.required("side_a")
    wp, wp_ok = cells.integers("where_prec", allowed=tuple(WHERE_PREC))
    lat, lat_ok = cells.floats("latitude", -90, 90)
    lon, lon_ok = cells.floats("longitude", -180, 180)
    d0, d1, precision, date_note = _dates(cells)
    side_a, side_b = text("side_a"), text("side_b")
    fatalities, best = _claims(cells, [_per_value(cells, side_a, lambda v: _part_name(v, "side A")),
                                       _per_value(cells, side_b, lambda v: _part_name(v, "side B")),
                                       const("civilians"), const("unknown")])
    country_name = text("country")
    cells.required("country")
    country = pc.coalesce(_per_value(cells, country_name, lambda v: country_alpha3(v) if v else None),
                          _per_value(cells, text("country_id"), lambda v: GW_ALPHA3.get(ascii_int(v, 4))))
    cells.problem(np.asarray(pc.is_null(country), dtype=bool) & filled("country"), "country",
                  lambda r: f"{country_name[r].as_py()[:60]!r} is not a country bordermap knows (ISO 3166)")
    clarity, clarity_ok = cells.integers("event_clarity", allowed=(1, 2), required=False)
    aggregated = clarity_ok & (clarity == 2)

    # place
    location = pc.coalesce(null_if_empty(text("where_coordinates")), null_if_empty(text("adm_2")),
                           null_if_empty(text("adm_1")), country_name)
    where_words = np.array([""] + [w for _, w in WHERE_PREC.values()], dtype=object)[np.where(wp_ok, wp, 0)]
    location_note = join_text("UCDP location precision ", _text_of(np.where(wp_ok, wp, 0)), ": ",
                              pa.array(where_words, pa.string()),
                              _if(filled("where_description"), join_text("; ", text("where_description")), ""),
                              _if(filled("adm_2"), join_text("; adm_2: ", text("adm_2")), ""))
    geo_precision = np.array([0] + [g for g, _ in WHERE_PREC.values()], dtype=np.int64)[np.where(wp_ok, wp, 0)]

    # actors
    actor_type = schema.field("actors").type
    state = lambda side: pc.if_else(_per_value(cells, side, _is_state, pa.bool_()), "State forces",  # noqa: E731
                                    pa.scalar(None, pa.string()))
    civilians = np.asarray(_per_value(cells, side_b, lambda v: v.lower() == "civilians", pa.bool_()), dtype=bool)
    actor_parts = []
    for side, role, inter in ((side_a, "actor1", state(side_a)), (side_b, "actor2", _if(civilians, "Civilians",
                                                                                         state(side_b)))):
        named = np.asarray(pc.not_equal(side, ""), dtype=bool)
        sel = pa.array(named)
        actor_parts.append(struct_list(actor_type, {"name": side.filter(sel), "inter": inter.filter(sel),
                                                    "role": pa.repeat(pa.scalar(role), int(named.sum()))},
                                       np.concatenate([[0], np.cumsum(named)])))

    # text
    a_named, b_named = filled("side_a"), filled("side_b")
    dyad = _if(filled("dyad_name"), text("dyad_name"),
               _if(a_named & b_named, join_text(side_a, " - ", side_b), _if(b_named, side_b, side_a)))
    title = truncate(join_text(dyad, ", ", location), _TITLE_MAX)
    violence = pa.array(np.array(["", *(v for v, _, _ in TYPES_OF_VIOLENCE.values())],
                                 dtype=object)[np.where(tov_ok, tov, 0)], pa.string())
    types = np.where(tov_ok, tov, 1)
    event_type = pa.array(np.array([None, *(e for _, e, _ in TYPES_OF_VIOLENCE.values())], dtype=object)[types],
                          pa.string())
    sub_event_type = pa.array(np.array([None, *(s for _, _, s in TYPES_OF_VIOLENCE.values())], dtype=object)[types],
                              pa.string())
    conflict = text("conflict_name")
    summary = join_text("UCDP GED records ", violence, " between ", side_a, " and ",
                        _if(b_named, side_b, "an unnamed side"),
                        _if(filled("conflict_name"), join_text(" in the conflict '", conflict, "'"), ""),
                        ", at ", location, ", with a best estimate of ", _text_of(best), " death(s).")
    summary = pc.utf8_slice_codeunits(summary, 0, _SUMMARY_MAX)
    tags = concat_lists([
        one_item_lists(join_text("ucdp type of violence=", _text_of(tov), " (", violence, ")"), np.ones(n, dtype=bool)),
        one_item_lists(const(_CLARITY_TAG), aggregated)])
    status = text("code_status")
    preliminary = np.asarray(_per_value(cells, status, lambda v: bool(v) and v.lower() != "clear", pa.bool_()),
                             dtype=bool) | candidate
    confidence = _if(preliminary | aggregated, "unconfirmed", "reported")
    confidence_note = _if(preliminary, join_text(_CANDIDATE_NOTE, _if(filled("code_status"), join_text(
        " (code status: ", status, ")"), ""), "."), _if(aggregated, _CLARITY_NOTE, _REPORTED_NOTE))

    columns: dict[str, Any] = {
        "id": ids, "title": title, "summary": summary,
        "date_start": pa.array(d0.astype(np.int32), pa.int32()).cast(pa.date32()),
        "date_end": pa.array(d1.astype(np.int32), pa.int32()).cast(pa.date32()),
        "date_precision": precision, "date_note": date_note, "location": location,
        "admin1": null_if_empty(text("adm_1")), "country": country,
        "geo_precision": pa.array(geo_precision, pa.int64()), "location_note": location_note,
        "event_type": event_type, "sub_event_type": sub_event_type, "actors": concat_lists(actor_parts),
        "fatalities": fatalities, "sources": _sources(cells, raw_id),
        "article_refs": pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.int64())),
        "confidence": confidence, "confidence_note": confidence_note, "tags": tags,
        "original": original_cells(cells, [h.strip().lower() for h in cells.source.header]),
    }
    return model_table(columns, np.where(lon_ok, lon, 0.0), np.where(lat_ok, lat, 0.0))


def _id_problem(raw: str) -> str:
    return (id_problem("a UCDP event id", raw, slug_id(ID_PREFIX, raw), "244657")
            or f"{raw[:40]!r} is not a UCDP event id (a number such as 244657)")


def map_export(source: TextTable, *, candidate: bool = False) -> tuple[pa.Table, Cells]:
    """A UCDP GED export -> (model columns of every record, the checked cells)."""
    cells = Cells(source, "id")
    return map_table(cells, candidate=candidate), cells
