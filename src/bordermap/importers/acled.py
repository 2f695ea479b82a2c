"""ACLED exports -> events in the model: the CSV of today's 31 columns, the older layouts
(``data_id``, ``event_id_no_cnty``, ``iso3``; upper-case headers; numeric actor types), and the
API's JSON.

Nothing is invented and nothing dropped: every column the model has a place for is mapped to it,
and the whole record is kept, cell for cell, in the event's ``original``. The mapping, column by
column, is :data:`COLUMN_RULES` (also the table in ``docs/importing.md``; a test keeps the two in
step). ACLED's one ``fatalities`` figure becomes one claim by ACLED citing the record's sources.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.core.columns import properties_schema
from bordermap.importers.columns import (EPOCH, Cells, concat_lists, join_text, null_if_empty, one_item_lists,
                                         model_table, original_cells, slug_ids, split_names, struct_list,
                                         truncate)
from bordermap.importers.common import FIRST_DAY, ID_MAX, LAST_DAY, country_alpha3, id_problem
from bordermap.importers.source import TextTable
from bordermap.io.acled import ACLED_COLUMNS, ACLED_INTER_CODES
from bordermap.model import EVENT_TYPES, date_label

__all__ = ["COLUMN_RULES", "REQUIRED", "DATASET", "map_table", "map_export", "looks_like_header", "json_records",
           "OLD_COLUMNS", "LAYOUTS", "layout_of", "ID_PREFIX", "SOURCE_NAME", "header_problem"]

ID_PREFIX = "acled"
#: The name ACLED's own claim and source carry.
SOURCE_NAME = "ACLED"

DATASET: dict[str, str] = {
    "name": "ACLED",
    "kind": "acled",
    "publisher": "Armed Conflict Location & Event Data (ACLED)",
    "url": "https://acleddata.com",
    "citation": "Armed Conflict Location & Event Data (ACLED), www.acleddata.com; cite with the date the "
                "data was accessed and the filters used.",
    "licence": "ACLED terms of use: the data may not be redistributed as raw rows; attribution required "
               "(https://acleddata.com/terms-of-use/).",
}

#: Columns of the layout before 20 March 2023 that today's layout does not have.
OLD_COLUMNS: tuple[str, ...] = ("data_id", "event_id_no_cnty", "iso3")
#: Columns the optional API population fields add.
POPULATION_COLUMNS: tuple[str, ...] = ("population_1km", "population_2km", "population_5km", "population_best")
#: Without these a record cannot be an event (a country is given by ``country``, ``iso`` or ``iso3``).
REQUIRED: tuple[str, ...] = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
                             "actor1", "location", "latitude", "longitude", "geo_precision", "fatalities")

#: column -> where it goes in the model. Every ACLED column, current and old, is listed.
COLUMN_RULES: dict[str, str] = {
    "event_id_cnty": "`id` = `acled-` + the id in lower case (`AFG12345` -> `acled-afg12345`); kept verbatim "
                     "in `original`",
    "event_date": "`date_start`/`date_end` with `time_precision`",
    "year": "checked against `event_date` (a mismatch is a warning); `original`",
    "time_precision": "1 -> `day` (that day); 2 -> `week`: the 7 days centred on `event_date` (ACLED codes the "
                      "middle of the week); 3 -> `month`: the whole month of `event_date`; with a `date_note`",
    "disorder_type": "`original` (the model derives it from the event type)",
    "event_type": "`event_type` (ACLED's taxonomy is the model's); `protestors` spelt `protesters`",
    "sub_event_type": "`sub_event_type`",
    "actor1": "`actors`: role `actor1`, `inter` from `inter1`",
    "assoc_actor_1": "`actors`: role `assoc_actor_1`, one per `;`-separated name",
    "inter1": "`inter` of actor1 (text, or ACLED's number 1-8)",
    "actor2": "`actors`: role `actor2`, `inter` from `inter2`",
    "assoc_actor_2": "`actors`: role `assoc_actor_2`, one per `;`-separated name",
    "inter2": "`inter` of actor2 (text, or ACLED's number 1-8; 0 = none)",
    "interaction": "`original` (the model derives it from the actors' types)",
    "civilian_targeting": "tag `civilian targeting`; `original`",
    "iso": "`country` (ISO 3166 numeric -> alpha-3)",
    "region": "`original`",
    "country": "`country` when `iso` is missing (by name)",
    "admin1": "`admin1`",
    "admin2": "`location_note`; `original`",
    "admin3": "`location_note`; `original`",
    "location": "`location`",
    "latitude": "Point geometry",
    "longitude": "Point geometry",
    "geo_precision": "`geo_precision` (the same codes 1-3)",
    "source": "`sources`: one per `;`-separated name, kind `other`, relayed by ACLED; ACLED itself is the "
              "first source",
    "source_scale": "note of ACLED's source entry; `original`",
    "notes": "`summary` (cut at 2,000 characters, the full text in `original`)",
    "fatalities": "one claim `{source: ACLED, total}` citing the record's sources",
    "tags": "`tags`, one per `;`-separated tag",
    "timestamp": "`date` of ACLED's source entry (the upload day, UTC); `original`",
    "data_id": "`original` (old layout)",
    "event_id_no_cnty": "`original` (old layout)",
    "iso3": "`country` when `iso` is missing (old layout)",
    "population_1km": "`original` (API population fields)",
    "population_2km": "`original`",
    "population_5km": "`original`",
    "population_best": "`original`",
}
assert set(ACLED_COLUMNS) | set(OLD_COLUMNS) | set(POPULATION_COLUMNS) == set(COLUMN_RULES)

#: Layout name -> columns that identify it.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "ACLED CSV (31 columns, since March 2023)": ("disorder_type", "civilian_targeting", "tags"),
    "ACLED CSV (before March 2023)": OLD_COLUMNS,
}

_INTER_BY_CODE = {str(code): name for name, code in ACLED_INTER_CODES.items()}
_INTER_BY_LOWER = {name.lower(): name for name in ACLED_INTER_CODES} | {"protestors": "Protesters"}
_TYPES_LOWER = {t.lower(): t for t in EVENT_TYPES}
_SUBTYPES_LOWER = {t: {s.lower().replace("protestors", "protesters"): s for s in subs}
                   for t, subs in EVENT_TYPES.items()}
_SUMMARY_MAX = 2000
_TITLE_MAX = 160
_UCDP_MARKERS = ("where_prec", "type_of_violence", "date_prec", "dyad_name", "side_a")


def layout_of(header: list[str]) -> str:
    names = {h.strip().lower() for h in header}
    for layout, marks in LAYOUTS.items():
        if any(m in names for m in marks):
            return layout
    return "ACLED CSV"


def looks_like_header(cells: list[str]) -> bool:
    return any(c.strip().lower() == "event_id_cnty" for c in cells)


def json_records(doc: Any) -> list[Any] | None:
    """The records of ACLED API JSON (``{"status": 200, "data": [...]}``) or a plain list of them."""
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):
        return doc["data"]
    if isinstance(doc, list) and (not doc or isinstance(doc[0], dict)):
        return doc
    return None


def header_problem(names: set[str], fmt: str = "csv") -> str | None:
    """What is wrong with a header as an ACLED one, or None."""
    if sum(m in names for m in _UCDP_MARKERS) >= 2:
        return "a UCDP GED file (it has where_prec, type_of_violence ...); use `bordermap import ucdp`"
    missing = [c for c in REQUIRED if c not in names]
    if not ({"country", "iso", "iso3"} & names):
        missing.append("country")
    if missing:
        if len(missing) >= len(REQUIRED) - 1:
            return (f"{'a CSV' if fmt == 'csv' else 'JSON records'} without ACLED's columns (expected "
                    f"{'a header' if fmt == 'csv' else 'keys'} such as event_id_cnty, event_date, event_type, ... )")
        return "an ACLED file missing the column(s) " + ", ".join(missing)
    return None


def _canonical_inter(raw: str) -> str | None:
    """ACLED actor type from its text or number; '' for none; None when unknown."""
    if not raw or raw == "0":
        return ""
    return _INTER_BY_CODE.get(raw) or _INTER_BY_LOWER.get(raw.lower())


def _day_label(days: int) -> str:
    d = date.fromordinal(EPOCH + days)
    return date_label(d, d, "day")


_FIRST_DAY, _LAST_DAY = FIRST_DAY.toordinal() - EPOCH, LAST_DAY.toordinal() - EPOCH


def map_table(cells: Cells) -> pa.Table:
    """Every record of an ACLED export (as text columns) -> the model's columns, one row per
    record in file order; problems are recorded on ``cells`` (rows with errors stay in the
    table: the caller drops them with ``cells.bad``)."""
    n = cells.n
    schema = properties_schema()
    cells.check_cells()
    for name in ("event_id_cnty", "location", "actor1", "event_type", "sub_event_type"):
        cells.required(name)
    raw_id = cells.text("event_id_cnty")

    # dates
    ordinals, day_ok = cells.dates("event_date")
    prec, prec_ok = cells.integers("time_precision", allowed=(1, 2, 3))
    year, year_ok = cells.integers("year", required=False)
    years = (ordinals.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)
    cells.problem(year_ok & day_ok & (year != years) & ~cells.empty("year"), "year",
                  lambda r: f"{year[r]} is not the year of event_date {date.fromordinal(EPOCH + ordinals[r])}",
                  "warning")
    d0, d1 = ordinals.copy(), ordinals.copy()
    week, month = prec == 2, prec == 3
    d0[week] -= 3
    d1[week] += 3
    months = ordinals.astype("datetime64[D]").astype("datetime64[M]")
    d0[month] = months[month].astype("datetime64[D]").astype(np.int64)
    d1[month] = ((months[month] + 1).astype("datetime64[D]") - np.timedelta64(1, "D")).astype(np.int64)
    # a week around 1 January of year 1 (or 31 December 9999) has days no date can name
    beyond = day_ok & ((d0 < _FIRST_DAY) | (d1 > _LAST_DAY))
    cells.problem(beyond, "event_date", lambda r: f"{cells.value('event_date', r)} with time_precision {prec[r]}: "
                                                  "the period around it goes beyond the years 1 to 9999")
    d0[beyond], d1[beyond] = ordinals[beyond], ordinals[beyond]
    precision = pa.array(np.array(["day", "day", "week", "month"], dtype=object)[np.where(prec_ok, prec, 0)],
                         pa.string())
    label = pa.array(cells.by_value(pa.array(ordinals), _day_label), pa.string())
    date_note = pc.if_else(pa.array(week), join_text("ACLED time precision 2: some time in the week around ", label,
                                                     " (ACLED codes the middle of the period)"),
                           pc.if_else(pa.array(month), join_text("ACLED time precision 3: the month only (ACLED codes ",
                                                                 label, ")"), pa.scalar(None, pa.string())))

    # types
    et_raw = cells.text("event_type")
    et_idx, et_values = cells.mapped(pc.utf8_lower(et_raw), lambda v: _TYPES_LOWER.get(v))
    event_type = pa.array([et_values[i] for i in et_idx] if n else [], pa.string())
    et_bad = np.asarray(pc.is_null(event_type), dtype=bool) & ~cells.empty("event_type")
    cells.problem(et_bad, "event_type", lambda r: f"{cells.value('event_type', r, 60)} is not one of ACLED's event "
                                                  "types: " + ", ".join(EVENT_TYPES))
    pair = join_text(pc.fill_null(event_type, ""), "\x1f", pc.utf8_lower(cells.text("sub_event_type")))

    def sub_type(key: str) -> str | None:
        et, _, st = key.partition("\x1f")
        return _SUBTYPES_LOWER.get(et, {}).get(st.replace("protestors", "protesters")) if et else None

    st_idx, st_values = cells.mapped(pair, sub_type)
    sub_event_type = pa.array([st_values[i] for i in st_idx] if n else [], pa.string())
    st_bad = (np.asarray(pc.is_null(sub_event_type), dtype=bool) & ~et_bad & ~cells.empty("sub_event_type")
              & ~np.asarray(pc.is_null(event_type), dtype=bool))
    cells.problem(st_bad, "sub_event_type",
                  lambda r: f"{cells.value('sub_event_type', r, 60)} is not a sub-type of {event_type[r].as_py()!r}: "
                            + ", ".join(EVENT_TYPES[event_type[r].as_py()]))

    # actors
    actor_parts = []
    for k in (1, 2):
        name = cells.text(f"actor{k}")
        inter_idx, inter_values = cells.mapped(cells.text(f"inter{k}"), _canonical_inter)
        inter = pa.array([inter_values[i] for i in inter_idx] if n else [], pa.string())
        unknown = np.asarray(pc.is_null(inter), dtype=bool)
        cells.problem(unknown, f"inter{k}", lambda r, k=k: f"{cells.value(f'inter{k}', r)} is not an ACLED actor type; "
                                                           "expected 1-8 or one of " + ", ".join(ACLED_INTER_CODES))
        present = ~cells.empty(f"actor{k}")
        main_values = {"name": name, "role": pa.repeat(pa.scalar(f"actor{k}"), n),
                       "inter": null_if_empty(pc.fill_null(inter, ""))}
        sel = pa.array(present)
        actor_parts.append(struct_list(schema.field("actors").type,
                                       {key: v.filter(sel) for key, v in main_values.items()},
                                       np.concatenate([[0], np.cumsum(present)])))
        assoc = split_names(cells.text(f"assoc_actor_{k}"))
        m = len(assoc.flatten())
        actor_parts.append(struct_list(schema.field("actors").type,
                                       {"name": assoc.flatten(),
                                        "role": pa.repeat(pa.scalar(f"assoc_actor_{k}"), m)},
                                       np.asarray(assoc.offsets)))
    actors = concat_lists(actor_parts)

    # place
    key = join_text(cells.text("iso"), "\x1f", cells.text("country"), "\x1f", cells.text("iso3"))

    def country_of(k: str) -> str | None:
        parts = k.split("\x1f")
        if len(parts) != 3:  # a cell holds the separator itself: no country's code or name does
            return None
        iso, name, iso3 = parts
        code = country_alpha3(name, iso) if (iso or name) else None
        if code is None and len(iso3) == 3 and iso3.isalpha():
            code = iso3.upper()
        return code

    c_idx, c_values = cells.mapped(key, country_of)
    country = pa.array([c_values[i] for i in c_idx] if n else [], pa.string())
    no_country = np.asarray(pc.is_null(country), dtype=bool)
    cells.problem(no_country, "country", lambda r: (f"{key[r].as_py().replace(chr(31), ' / ').strip(' /')[:60]!r} is "
                                                    "not a country bordermap knows (ISO 3166)")
                  if key[r].as_py().strip("\x1f") else "is empty; a country is required")
    lat, lat_ok = cells.floats("latitude", -90, 90)
    lon, lon_ok = cells.floats("longitude", -180, 180)
    gp, gp_ok = cells.integers("geo_precision", allowed=(1, 2, 3))
    admins = []
    for c in ("admin2", "admin3"):
        v = cells.text(c)
        admins.append(pc.if_else(pc.equal(v, ""), "", join_text(f"; {c}: ", v)))
    gp_words = pa.array(np.array(["", "", ": near the place or a small area around it", ": only the larger region"],
                                 dtype=object)[np.where(gp_ok, gp, 0)], pa.string())
    loc_note = join_text("ACLED geo precision ", pa.array(np.where(gp_ok, gp, 0).astype(str), pa.string()),
                         gp_words, *admins)
    needs_note = ~((gp == 1) & cells.empty("admin2") & cells.empty("admin3"))
    location_note = pc.if_else(pa.array(needs_note), loc_note, pa.scalar(None, pa.string()))

    # fatalities, sources
    fat, fat_ok = cells.integers("fatalities", low=0)
    names = split_names(cells.text("source"))
    flat = names.flatten()
    keep = np.asarray(pc.not_equal(flat, SOURCE_NAME), dtype=bool)
    parent = np.asarray(pc.list_parent_indices(names), dtype=np.int64)
    counts = np.bincount(parent[keep], minlength=n)
    others = flat.filter(pa.array(keep))
    cited = pc.binary_join(pa.ListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)),
                                                    others), "; ")
    scale = cells.text("source_scale")
    ts, ts_ok = cells.integers("timestamp", required=False)
    cells.problem(~ts_ok & ~cells.empty("timestamp"), "timestamp",
                  lambda r: f"{cells.value('timestamp', r)} is not a Unix time stamp", "warning")
    upload = pc.if_else(pa.array(ts_ok & (ts >= 0) & (ts < 10**11)),
                        pc.strftime(pa.array(np.where(ts_ok, ts, 0).astype("datetime64[s]")), "%Y-%m-%d"),
                        pa.scalar(None, pa.string()))
    src_type = schema.field("sources").type
    own = struct_list(src_type, {
        "name": pa.repeat(pa.scalar(SOURCE_NAME), n),
        "kind": pa.repeat(pa.scalar("NGO"), n),
        "note": join_text("ACLED event ", raw_id, pc.if_else(pc.equal(scale, ""), "", join_text("; source scale: ", scale))),
        "date": upload,
    }, np.arange(n + 1))
    m = len(others)
    relayed = struct_list(src_type, {
        "name": others, "kind": pa.repeat(pa.scalar("other"), m),
        "relayed_by": pa.repeat(pa.scalar(SOURCE_NAME), m),
    }, np.concatenate([[0], np.cumsum(counts)]))
    sources = concat_lists([own, relayed])
    claim_note = join_text("ACLED's figure (its rule: the lowest reported)",
                           pc.if_else(pc.equal(cited, ""), "", join_text(", from ", cited)))
    fatalities = struct_list(schema.field("fatalities").type, {
        "source": pa.repeat(pa.scalar(SOURCE_NAME), n),
        "total": pa.array(fat, pa.int64()), "note": claim_note}, np.arange(n + 1))

    # text
    notes = cells.text("notes")
    nlen = np.asarray(pc.utf8_length(notes), dtype=np.int64)
    summary = pc.if_else(pa.array(nlen >= 10), notes,
                         pc.if_else(pa.array(nlen > 0), join_text("ACLED's notes: ", notes), "ACLED gives no notes."))
    summary = truncate(summary, _SUMMARY_MAX)
    title = truncate(join_text(pc.coalesce(sub_event_type, event_type, "Event"), " in ", cells.text("location")),
                     _TITLE_MAX)
    tags = split_names(cells.text("tags"))
    civ = cells.text("civilian_targeting")
    civ_present = ~cells.empty("civilian_targeting")
    tags = concat_lists([tags, one_item_lists(join_text("civilian targeting=", civ), civ_present)])
    tags = pc.if_else(pa.array(np.diff(np.asarray(tags.offsets)) > 0), tags, pa.scalar(None, tags.type))

    # the whole record
    header = [h.strip().lower() for h in cells.source.header]
    original = original_cells(cells, header)

    ids = slug_ids(ID_PREFIX, raw_id)
    no_id = np.asarray(pc.or_(pc.equal(ids, ID_PREFIX + "-"), pc.greater(pc.utf8_length(ids), ID_MAX)), dtype=bool)
    cells.problem(no_id & ~cells.empty("event_id_cnty"), "event_id_cnty",
                  lambda r: id_problem("an ACLED event id", raw_id[r].as_py(), ids[r].as_py(), "AFG12345")
                  or "is not an ACLED event id")
    const = lambda v: pa.repeat(pa.scalar(v, pa.string()), n)  # noqa: E731
    columns: dict[str, Any] = {
        "id": ids, "title": title, "summary": summary,
        "date_start": pa.array(d0.astype(np.int32), pa.int32()).cast(pa.date32()),
        "date_end": pa.array(d1.astype(np.int32), pa.int32()).cast(pa.date32()),
        "date_precision": precision, "date_note": date_note, "location": cells.text("location"),
        "admin1": null_if_empty(cells.text("admin1")), "country": country,
        "geo_precision": pa.array(gp, pa.int64()), "location_note": location_note,
        "event_type": event_type, "sub_event_type": sub_event_type, "actors": actors, "fatalities": fatalities,
        "sources": sources, "article_refs": pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)),
                                                                     pa.array([], pa.int64())),
        "confidence": const("reported"),
        "confidence_note": const("As ACLED codes it from the sources it names; not checked against them here."),
        "tags": tags, "original": original,
    }
    return model_table(columns, np.where(lon_ok, lon, 0.0), np.where(lat_ok, lat, 0.0))


def map_export(source: TextTable) -> tuple[pa.Table, Cells]:
    """An ACLED export -> (model columns of every record, the checked cells)."""
    cells = Cells(source, "event_id_cnty")
    return map_table(cells), cells
