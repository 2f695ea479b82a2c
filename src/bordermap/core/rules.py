"""The validator's rules on columns: every rule of :func:`bordermap.validate.validate_collection`
over a whole events table, for files of a million events.

Each rule is a vectorised check (pyarrow.compute, numpy, shapely) over a column — a list<struct>
column flattened to its items with the row of each — that finds the rows which may break it.
Only those are worded, by the function :mod:`bordermap.validate` words that rule with, and the
problems come in validate_collection's order (the schema's by JSON path, then each feature's in
turn), so a file says the same lines whether it is GeoJSON or GeoParquet. The JSON Schema's value
rules come from :mod:`bordermap.core.schema_rules`.

Where a rule's words depend on how a value was written — a coordinate written ``71`` rather
than ``71.0``, a count written ``3.0`` — the rows it flags are worded from the parsed features
when there are some (a GeoJSON file), so those digits are the file's own.
"""

from __future__ import annotations

from datetime import date
from operator import itemgetter
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from bordermap.core.columns import DATE_FIELDS
from bordermap.core.schema_rules import Keyed, flatten_list, is_true, is_valid, schema_value_problems
from bordermap.core.table import EventTable, take_rows
from bordermap.errors import Problem
from bordermap.model import EVENT_TYPES
from bordermap.validate import (DEFAULT_REGION, Region, _article_ref_problem, _claim_problems, _date,
                                _date_order_problem, _event_type_problem, _geometry_problems,
                                _no_sources_problem, _position_field, _position_problem,
                                _second_claim_problem, _source_url_problem, _unknown_source_problem,
                                duplicate_id_problem, keyed_schema_problems)

__all__ = ["table_problems"]

# Where a feature's problems come among its own, as validate_collection finds them.
_GEOMETRY, _DUPLICATE, _DATE_START, _DATE_END, _DATE_ORDER, _EVENT_TYPE, _NO_SOURCES, _SOURCE_URL, \
    _ARTICLE_REF, _FATALITIES = range(10)
_GEOJSON_KINDS = (0, 1, 3, 6)  # shapely's type ids of Point, LineString, Polygon, MultiPolygon
# The days a Python date can hold (years 1..9999), as days since 1970-01-01.
_FIRST_DAY, _LAST_DAY = (date(1, 1, 1) - date(1970, 1, 1)).days, (date(9999, 12, 31) - date(1970, 1, 1)).days
# Figures beyond this are checked one claim at a time (exact integers, no overflow).
_BIG = 2 ** 52

Progress = Callable[[float, str], None]


class _Events:
    """The rows of the table and, for the few rows worded one by one, their features."""

    def __init__(self, model: pa.Table, file: str, features: Sequence[Mapping[str, Any]] | None,
                 region: Region):
        self.model, self.file, self.features, self.region = model, file, features, region
        self.ids = model["id"]

    def fids(self, rows: np.ndarray) -> list[str | None]:
        return pc.take(self.ids, pa.array(rows, pa.int64())).to_pylist() if len(rows) else []

    def feature_dicts(self, rows: np.ndarray) -> list[Mapping[str, Any]]:
        """The features of ``rows`` as validate_collection reads them: the parsed ones, or made
        from the table as :meth:`EventTable.features` makes them."""
        if self.features is not None:
            return [self.features[r] for r in rows]
        if not len(rows):
            return []
        unique = np.unique(rows)
        some = take_rows(self.model, unique)
        for name in DATE_FIELDS:  # a day no Python date can hold is reported by the date rule
            days = some[name].cast(pa.int32())
            inside = pc.and_(pc.greater_equal(days, _FIRST_DAY), pc.less_equal(days, _LAST_DAY))
            some = some.set_column(some.schema.get_field_index(name), name,
                                   pc.if_else(inside, some[name], pa.scalar(None, pa.date32())))
        made = EventTable.from_arrow(some).features(derived=False)
        by_row = dict(zip(unique.tolist(), made))
        return [by_row[r] for r in rows.tolist()]


def table_problems(model: pa.Table, file: str, *, article_paragraphs: int | None = None,
                   region: Region = DEFAULT_REGION, schema: bool = True,
                   features: Sequence[Mapping[str, Any]] | None = None,
                   geometries: np.ndarray | None = None, blocks: Mapping[str, Any] | None = None,
                   batch_rows: int = 1 << 16, progress: Progress | None = None) -> list[Problem]:
    """Every problem :func:`~bordermap.validate.validate_collection` finds with these events, in
    its order and words, found on columns.

    Parameters
    ----------
    model
        The events' model columns (:func:`bordermap.core.table.model_columns`, or a GeoParquet
        file's), one row per feature in the file's order.
    file
        How to name the file in messages.
    article_paragraphs
        Paragraph count of the source article (``article_refs`` are checked against it).
    region
        The box events are expected in (see ``validate_collection``).
    schema
        Check the JSON Schema's value rules too; False when the events passed the schema
        already (parsed GeoJSON that jsonschema-rs found valid).
    features
        The parsed features the table was made from, for wording what they wrote; None words
        from the table.
    geometries
        The rows' shapely geometries, when the caller has them (else decoded from ``geometry``).
    blocks
        The collection's ``article``/``dataset`` blocks to check against the schema (GeoParquet
        keeps them in its footer).
    batch_rows
        Rows checked at a time (bounds the memory the checks take).
    progress
        ``progress(fraction, message)`` after each batch of rows.
    """
    events = _Events(model, file, features, region)
    n = model.num_rows
    keyed: list[Keyed] = []
    if blocks:
        shell = {"type": "FeatureCollection", "features": [], **blocks}
        keyed.extend(((0, key, (i,)), p) for i, (key, p) in enumerate(keyed_schema_problems(shell, file)))
    if geometries is None:
        geometries = shapely.from_wkb(model["geometry"].to_numpy(zero_copy_only=False), on_invalid="ignore")
    start = 0
    for batch in model.to_batches(max_chunksize=batch_rows):
        m = batch.num_rows
        if schema:
            keyed.extend(schema_value_problems(batch, start, file, events.fids))
        keyed.extend(_geometry(events, batch["geometry"], geometries[start:start + m], start))
        keyed.extend(_dates(events, batch, start))
        keyed.extend(_event_types(events, batch, start))
        keyed.extend(_sources(events, batch["sources"], start))
        if article_paragraphs is not None:
            keyed.extend(_article_refs(events, batch["article_refs"], start, article_paragraphs))
        keyed.extend(_fatalities(events, batch, start))
        start += m
        if progress is not None:
            progress(start / max(n, 1), f"Checking events {start:,} of {n:,}")
    keyed.extend(_duplicates(events))
    keyed.sort(key=itemgetter(0))
    return [p for _, p in keyed]


def _key(row: int, rank: int, n: int = 0, k: int = 0) -> tuple:
    return (1, row, rank, n, k)


def _geometry(events: _Events, wkb: pa.Array, geoms: np.ndarray, start: int) -> list[Keyed]:
    """Shape, coordinate ranges, swapped coordinates and the region warning."""
    kind = shapely.get_type_id(geoms)  # -1 where there is no geometry
    simple = _plain_shapes(geoms, kind)
    where = np.flatnonzero(simple)
    xy, owner = shapely.get_coordinates(geoms[where], return_index=True)
    x, y, r = xy[:, 0], xy[:, 1], events.region
    bad = np.flatnonzero(~(np.isfinite(x) & np.isfinite(y) & (r.west <= x) & (x <= r.east)
                           & (r.south <= y) & (y <= r.north)))
    if events.features is not None:  # the file's own numbers: worded from its features
        rows = np.union1d(np.flatnonzero(~simple), where[owner[bad]])
        return _shape_problems(events, rows + start, [f.get("geometry") for f in events.feature_dicts(rows + start)])
    keyed: list[Keyed] = []
    first = np.searchsorted(owner, owner)  # owner is sorted: where each geometry's positions begin
    rows = where[owner[bad]]
    for i, row, fid in zip(bad.tolist(), rows.tolist(), events.fids(rows + start)):
        n = i - int(first[i])
        p = _position_problem(events.file, row + start, fid, _position_field(kind[row] == 0, n),
                              float(x[i]), float(y[i]), r)
        if p is not None:
            keyed.append((_key(row + start, _GEOMETRY, n), p))
    odd = np.flatnonzero(~simple)
    return keyed + _shape_problems(events, odd + start, _wkb_shapes(events, wkb, geoms, kind, odd, start))


def _plain_shapes(geoms: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Geometries whose shape is right (a non-empty Point, LineString, Polygon or MultiPolygon
    with no empty part): only their positions remain to check."""
    plain = np.isin(kind, _GEOJSON_KINDS) & ~shapely.is_empty(geoms) & ~shapely.has_m(geoms)
    areas = np.flatnonzero(plain & np.isin(kind, (3, 6)))
    if len(areas):  # WKB can hold an empty polygon in a multipolygon, or an empty ring; GeoJSON cannot
        parts, of_part = shapely.get_parts(geoms[areas], return_index=True)
        rings, of_ring = shapely.get_rings(parts, return_index=True)
        plain[areas[of_part[shapely.is_empty(parts)]]] = False
        plain[areas[of_part[of_ring[shapely.get_num_coordinates(rings) == 0]]]] = False
    return plain


_NOT_WKB = "not WKB"


def _wkb_shapes(events: _Events, wkb: pa.Array, geoms: np.ndarray, kind: np.ndarray, rows: np.ndarray,
                start: int) -> list[Any]:
    """The GeoJSON geometry of each of ``rows`` as the table gives it to validate_collection
    (None for none; a kind GeoJSON events cannot have by its name alone), or ``_NOT_WKB``."""
    known = rows[np.isin(kind[rows], _GEOJSON_KINDS)]
    made = dict(zip(known.tolist(), (f["geometry"] for f in events.feature_dicts(known + start))))
    has_wkb = is_valid(wkb)
    return [made[i] if i in made else {"type": geoms[i].geom_type} if kind[i] >= 0
            else _NOT_WKB if has_wkb[i] else None for i in rows.tolist()]


def _shape_problems(events: _Events, rows: np.ndarray, shapes: list[Any]) -> list[Keyed]:
    keyed: list[Keyed] = []
    for row, fid, shape in zip(rows.tolist(), events.fids(rows), shapes):
        if shape is _NOT_WKB:
            keyed.append((_key(row, _GEOMETRY), Problem(events.file, row, fid, "geometry", "is not valid WKB (a Point, "
                                                        "LineString, Polygon or MultiPolygon as well-known binary)")))
        else:
            keyed.extend((_key(row, _GEOMETRY, j), p)
                         for j, p in enumerate(_geometry_problems(shape, events.file, row, fid, events.region)))
    return keyed


def _dates(events: _Events, batch: pa.RecordBatch, start: int) -> list[Keyed]:
    """Days outside what a date can be, and an end before the start."""
    keyed: list[Keyed] = []
    days = {}
    for name, rank in (("date_start", _DATE_START), ("date_end", _DATE_END)):
        ok = is_valid(batch[name])
        d = pc.fill_null(batch[name].cast(pa.int32()), 0).to_numpy().astype(np.int64)
        out = ok & ((d < _FIRST_DAY) | (d > _LAST_DAY))
        rows = np.flatnonzero(out)
        if len(rows):
            if events.features is not None:  # a year 0 that Arrow took: the file's words
                for row, feat in zip(rows.tolist(), events.feature_dicts(rows + start)):
                    found: list[Problem] = []
                    _date(feat["properties"], name, events.file, row + start,
                          events.fids(np.array([row + start]))[0], found)
                    keyed.extend((_key(row + start, rank), p) for p in found)
            else:
                for row, fid in zip(rows.tolist(), events.fids(rows + start)):
                    keyed.append((_key(row + start, rank), Problem(
                        events.file, row + start, fid, name,
                        f"expected a date between 0001-01-01 and 9999-12-31; found day {int(d[row]):,} "
                        "counted from 1970-01-01")))
        days[name] = (d, ok & ~out)
    (d0, ok0), (d1, ok1) = days["date_start"], days["date_end"]
    rows = np.flatnonzero(ok0 & ok1 & (d1 < d0))
    for row, fid in zip(rows.tolist(), events.fids(rows + start)):
        p = _date_order_problem(events.file, row + start, fid, _day(d0[row]), _day(d1[row]))
        keyed.append((_key(row + start, _DATE_ORDER), p))
    return keyed


def _day(n: int) -> date:
    return date.fromordinal(date(1970, 1, 1).toordinal() + int(n))


def _event_types(events: _Events, batch: pa.RecordBatch, start: int) -> list[Keyed]:
    """ACLED's taxonomy: a known event type, and a sub-type of it."""
    et, st = batch["event_type"], batch["sub_event_type"]
    known = is_true(pc.is_in(et, value_set=pa.array(list(EVENT_TYPES), pa.string())))
    pairs = pa.array([f"{t}\x1f{s}" for t, subs in EVENT_TYPES.items() for s in subs], pa.string())
    paired = is_true(pc.is_in(pc.binary_join_element_wise(et, st, "\x1f"), value_set=pairs))
    rows = np.flatnonzero(is_valid(et) & (~known | (is_valid(st) & ~paired)))
    keyed: list[Keyed] = []
    for row, fid, t, s in zip(rows.tolist(), events.fids(rows + start), et.take(pa.array(rows, pa.int64())).to_pylist(),
                              st.take(pa.array(rows, pa.int64())).to_pylist()):
        p = _event_type_problem(events.file, row + start, fid, t, s)
        if p is not None:
            keyed.append((_key(row + start, _EVENT_TYPE), p))
    return keyed


def _sources(events: _Events, sources: pa.Array, start: int) -> list[Keyed]:
    """At least one source; a source's URL is http(s)."""
    keyed: list[Keyed] = []
    rows = np.flatnonzero(is_valid(sources) & (pc.fill_null(pc.list_value_length(sources), 1).to_numpy() == 0))
    for row, fid in zip(rows.tolist(), events.fids(rows + start)):
        keyed.append((_key(row + start, _NO_SOURCES), _no_sources_problem(events.file, row + start, fid)))
    flat, parents, index = flatten_list(sources)
    url = pc.struct_field(flat, "url")
    lower = pc.utf8_lower(url)
    web = is_true(pc.starts_with(lower, "http://")) | is_true(pc.starts_with(lower, "https://"))
    at = np.flatnonzero(is_valid(url) & ~web)
    rows = parents[at] + start
    for n, row, fid, u in zip(index[at].tolist(), rows.tolist(), events.fids(rows),
                              url.take(pa.array(at, pa.int64())).to_pylist()):
        p = _source_url_problem(events.file, row, fid, n, u)  # Python's lower() decides
        if p is not None:
            keyed.append((_key(row, _SOURCE_URL, n), p))
    return keyed


def _article_refs(events: _Events, refs: pa.Array, start: int, paragraphs: int) -> list[Keyed]:
    """Every paragraph reference is a paragraph of the article."""
    flat, parents, index = flatten_list(refs)
    at = np.flatnonzero(is_true(pc.or_(pc.less(flat, 1), pc.greater(flat, paragraphs))))
    rows = parents[at] + start
    values = flat.take(pa.array(at, pa.int64())).to_pylist()
    if events.features is not None:  # a reference written 99.0 is no paragraph number
        values = [f["properties"]["article_refs"][n] for f, n in zip(events.feature_dicts(rows), index[at].tolist())]
    keyed: list[Keyed] = []
    for n, row, fid, ref in zip(index[at].tolist(), rows.tolist(), events.fids(rows), values):
        p = _article_ref_problem(events.file, row, fid, n, ref, paragraphs)
        if p is not None:
            keyed.append((_key(row, _ARTICLE_REF, n), p))
    return keyed


def _codes(values: pa.Array | pa.ChunkedArray, vocabulary: pa.Array) -> np.ndarray:
    """Each string's index in ``vocabulary`` (-1 for null)."""
    return pc.fill_null(pc.index_in(values, value_set=vocabulary), -1).to_numpy().astype(np.int64)


def _fatalities(events: _Events, batch: pa.RecordBatch, start: int) -> list[Keyed]:
    """One claim per source, from a source of the event; each claim's figures in order."""
    claims, parents, index = flatten_list(batch["fatalities"])
    if not len(claims):
        return []
    keyed: list[Keyed] = []
    src = pc.struct_field(claims, "source")
    names_flat, name_parents, _ = flatten_list(batch["sources"])
    names = pc.struct_field(names_flat, "name")
    vocabulary = pc.unique(pa.concat_arrays([src, names])).drop_null()
    width = len(vocabulary) + 1
    src_code, name_code = _codes(src, vocabulary), _codes(names, vocabulary)
    has_src = src_code >= 0
    claim_key = parents * width + src_code

    # A second claim from one source: the second of each (event, source) in claim order.
    order = np.argsort(np.where(has_src, claim_key, -1), kind="stable")
    sorted_key = claim_key[order]
    run_start = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    first = np.maximum.accumulate(np.where(run_start, np.arange(len(order)), 0))
    second = np.zeros(len(order), bool)
    second[order[(np.arange(len(order)) - first == 1) & has_src[order]]] = True

    # A source that is not one of the event's (when it names any source at all).
    with_sources = np.zeros(batch.num_rows, bool)
    with_sources[name_parents[is_valid(names_flat)]] = True
    known = is_true(pc.is_in(pa.array(claim_key), value_set=pa.array((name_parents * width + name_code)[name_code >= 0])))
    unknown = has_src & with_sources[parents] & ~known

    flagged = _claim_flags(claims)
    rows = parents + start
    at = np.flatnonzero(second | unknown | flagged)
    if not len(at):
        return keyed
    fids = events.fids(rows[at])
    sources = src.take(pa.array(at, pa.int64())).to_pylist()
    needs_dict = at[flagged[at]]
    dicts = dict(zip(needs_dict.tolist(), _claim_dicts(events, rows[needs_dict], index[needs_dict])))
    for i, fid, s in zip(at.tolist(), fids, sources):
        row, n = int(rows[i]), int(index[i])
        if second[i]:
            keyed.append((_key(row, _FATALITIES, n, 0), _second_claim_problem(events.file, row, fid, n, s)))
        if unknown[i]:
            keyed.append((_key(row, _FATALITIES, n, 1), _unknown_source_problem(events.file, row, fid, n, s)))
        if flagged[i]:
            found = _claim_problems(dicts[i], events.file, row, fid, f"fatalities[{n}]")
            keyed.extend((_key(row, _FATALITIES, n, 2 + j), p) for j, p in enumerate(found))
    return keyed


def _claim_dicts(events: _Events, rows: np.ndarray, index: np.ndarray) -> list[Mapping[str, Any]]:
    return [f["properties"]["fatalities"][n] for f, n in zip(events.feature_dicts(rows), index.tolist())]


def _claim_flags(claims: pa.Array) -> np.ndarray:
    """Claims that may break one of :func:`~bordermap.validate._claim_problems`' rules (a
    superset: each is then checked by it)."""
    field = {name: pc.struct_field(claims, name) for name in ("total", "low", "high", "scope", "counts",
                                                              "approximate", "breakdown")}
    has = {name: is_valid(field[name]) for name in ("total", "low", "high", "counts")}
    total, low, high = field["total"], field["low"], field["high"]
    flags = ~(has["total"] | has["low"] | has["high"])
    flags |= has["high"] & ~has["low"]
    flags |= has["total"] & has["low"] & ~has["high"]
    flags |= is_true(pc.greater(low, high))
    flags |= is_true(pc.or_(pc.less(total, low), pc.greater(total, high)))
    partial = is_true(pc.equal(field["scope"], "partial"))
    flags |= partial != has["counts"]
    big = _huge(total) | _huge(high)
    # The parts' sum, each part at least 0: never below the sum validate_collection adds up.
    entries, of_claim, _ = flatten_list(field["breakdown"].cast(
        pa.list_(pa.struct([pa.field("key", pa.string(), nullable=False), pa.field("value", pa.int64())]))))
    parts = entries.field("value")
    big[of_claim[_huge(parts)]] = True
    sums = np.zeros(len(claims), np.int64)
    np.add.at(sums, of_claim, np.clip(pc.fill_null(parts, 0).to_numpy(), 0, _BIG))
    cap = pc.coalesce(total, high)
    has_cap = is_valid(cap)
    cap_n = pc.fill_null(cap, 0).to_numpy().astype(np.int64)
    slack = np.where(is_true(field["approximate"]), -(-cap_n // 10), 0)
    flags |= has_cap & (np.bincount(of_claim, minlength=len(claims)) > 0) & (sums > cap_n + slack)
    return (flags | big) & is_valid(claims)


def _huge(values: pa.Array) -> np.ndarray:
    return is_true(pc.greater(values, _BIG)) | is_true(pc.less(values, -_BIG))


def _duplicates(events: _Events) -> list[Keyed]:
    """Each repeat of an id, named once, with the first row that has it."""
    ids = events.ids
    n = len(ids)
    vocabulary = pc.unique(ids).drop_null()
    codes = _codes(ids, vocabulary)
    has = codes >= 0
    first_of = np.full(max(len(vocabulary), 1), n, np.int64)
    rows = np.arange(n, dtype=np.int64)
    np.minimum.at(first_of, codes[has], rows[has])
    first = np.where(has, first_of[np.maximum(codes, 0)], rows)
    dup = np.flatnonzero(first != rows)
    return [(_key(row, _DUPLICATE), duplicate_id_problem(events.file, row, fid, int(first[row])))
            for row, fid in zip(dup.tolist(), events.fids(dup))]
