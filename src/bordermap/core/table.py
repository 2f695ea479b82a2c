"""Events as one columnar table: what loading, filtering, counting and drawing work on.

An :class:`EventTable` holds every event as a row of an Arrow table (schema:
:func:`bordermap.core.columns.table_schema`), sorted in story order (start, end, id), with numpy
views of the columns the map, the timeline and the filters use: day numbers, category codes,
coordinates. A per-event dict (a GeoJSON Feature) is made only at the edges, for one event's
panel or a feature written out: :meth:`EventTable.feature`, :meth:`EventTable.features`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from concurrent.futures import Future
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from bordermap.core.columns import (CONFIDENCE_CODES, DATE_FIELDS, DATE_PRECISION_CODES, GEOMETRY_KINDS,
                                    NO_CODE, TYPE_CODES, properties_schema, table_schema)
from bordermap.core.parallel import map_threads
from bordermap.model import DERIVED_FIELDS

__all__ = ["EventTable", "day_number", "iso_day", "one_array", "STORY_ORDER", "story_order"]

_EPOCH = np.datetime64("1970-01-01", "D")

#: Story order, the order every reader sees the events in: by start, then end, then id.
STORY_ORDER = [("date_start", "ascending"), ("date_end", "ascending"), ("id", "ascending")]


def story_order(table: pa.Table) -> np.ndarray:
    """The row numbers of ``table`` (with the model's ``date_start``, ``date_end`` and ``id``)
    in story order."""
    return pc.sort_indices(table, sort_keys=STORY_ORDER).to_numpy()


def day_number(iso: str) -> int:
    """``YYYY-MM-DD`` -> days since 1970-01-01 (the unit of every date column)."""
    return int((np.datetime64(iso, "D") - _EPOCH).astype(np.int64))


def iso_day(day: int) -> str:
    return str(_EPOCH + np.timedelta64(int(day), "D"))


def _codes(values: pa.ChunkedArray | pa.Array, table: Mapping[str, int]) -> np.ndarray:
    """Strings -> uint8 codes from ``table`` (NO_CODE for null or unknown), vectorised."""
    vocab = pa.array(list(table), pa.string())
    idx = pc.index_in(values, value_set=vocab).to_numpy(zero_copy_only=False)
    codes = np.full(len(idx), NO_CODE, dtype=np.uint8)
    ok = ~np.isnan(idx.astype(np.float64))
    codes[ok] = np.asarray([table[v] for v in table], dtype=np.uint8)[idx[ok].astype(np.int64)]
    return codes


#: Up to this many rows, rows are picked as zero-copy slices: ``Table.take`` concatenates every
#: chunk of every column first (2.5 s to pick one of a million rich events from the cache).
_SLICE_TAKE = 4096


def take_rows(table: pa.Table, rows: np.ndarray | Sequence[int]) -> pa.Table:
    """``table.take(rows)`` without copying the whole table when few rows are wanted."""
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) > _SLICE_TAKE:
        return table.take(pa.array(rows))
    if not len(rows):
        return table.slice(0, 0)
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1  # runs of consecutive rows: one slice each
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(rows)]])
    return pa.concat_tables([table.slice(int(rows[a]), int(b - a)) for a, b in zip(starts, ends)])


def _take_columns(columns: list[pa.ChunkedArray], order: np.ndarray) -> list[pa.ChunkedArray]:
    """Each of ``columns`` in ``order``, copied side by side on the machine's cores (Arrow lets
    go of the GIL while it copies): at a million rich events 2–2.5× quicker than
    ``Table.take``, which copies one column after another.

    ``columns`` is emptied as they are copied, so a column nothing else holds is freed once its
    copy is made: sorting takes the memory of one table and a column or two, not of two tables."""
    indices = pa.array(order, pa.int64())

    def take(i: int) -> pa.ChunkedArray:
        column, columns[i] = columns[i], None
        return column.take(indices)

    return map_threads(take, range(len(columns)), size=len(order))


def _shape_anchors(geoms: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Anchors of decoded geometries (``kind`` as GEOMETRY_KINDS): a point's position, a line's
    last vertex, an area's representative point; NaN for anything else."""
    out = np.full((len(geoms), 2), np.nan)
    pts = kind == 0
    if pts.any():
        out[pts, 0] = shapely.get_x(geoms[pts])
        out[pts, 1] = shapely.get_y(geoms[pts])
    lines = kind == 1
    if lines.any():
        ends = shapely.get_point(geoms[lines], -1)
        out[lines, 0], out[lines, 1] = shapely.get_x(ends), shapely.get_y(ends)
    areas = (kind >= 2) & (kind != NO_CODE)
    if areas.any():
        rep = shapely.point_on_surface(geoms[areas])
        out[areas, 0], out[areas, 1] = shapely.get_x(rep), shapely.get_y(rep)
    return out


#: A 2-D point in little-endian WKB: byte order 1, type 1 (uint32), x and y (float64) — 21 bytes.
_POINT_WKB_HEAD = b"\x01\x01\x00\x00\x00"


def one_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A column as one array, without a copy when it is one chunk already (``combine_chunks``
    copies even a single chunk, and a cached table's chunk is memory-mapped: a copy reads every
    page of it)."""
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def _point_anchors(col: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(is a 2-D little-endian WKB point, its lon/lat) per row, read straight from the bytes —
    what every writer here and an ACLED or UCDP import produce — with no shapely object made (a
    tenth of the time at a million events). Other rows: False, NaN (decode those)."""
    arr = one_array(col)
    n = len(arr)
    point = np.zeros(n, dtype=bool)
    xy = np.full((n, 2), np.nan)
    if not n or arr.buffers()[2] is None:
        return point, xy
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    starts = offsets[:-1].astype(np.int64)
    point = np.diff(offsets) == 21
    if arr.null_count:
        point &= arr.is_valid().to_numpy(zero_copy_only=False)
    at = starts[point]
    rows = data[at[:, None] + np.arange(21)]  # (points, 21) bytes
    head = (rows[:, :5] == np.frombuffer(_POINT_WKB_HEAD, dtype=np.uint8)).all(axis=1)
    point[np.flatnonzero(point)[~head]] = False
    xy[point] = np.ascontiguousarray(rows[head, 5:]).view("<f8").reshape(-1, 2)
    return point, xy


def _converter(typ: pa.DataType):
    """A function turning an Arrow value of ``typ`` (as ``to_pylist`` gives it) into the model's
    form — no null keys, maps as dicts, keys in the schema's order — made once per type, so a
    value is converted without checking its type; None for a type kept as it is."""
    if pa.types.is_map(typ):
        return lambda v: dict(v)
    if pa.types.is_struct(typ):
        fields = [(f.name, _converter(f.type)) for f in typ]
        plain = [name for name, conv in fields if conv is None]
        nested = [(name, conv) for name, conv in fields if conv is not None]

        def struct(v: dict) -> dict:
            out = {k: v[k] for k in plain if v[k] is not None}
            for k, conv in nested:
                if v[k] is not None:
                    out[k] = conv(v[k])
            return {k: out[k] for k, _ in fields if k in out}  # keep the schema's key order
        return struct
    if pa.types.is_list(typ):
        item = _converter(typ.value_type)
        return None if item is None else (lambda v: [item(x) for x in v])
    return None  # a scalar: as it is


def _list_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_list_coords(x) for x in obj]
    return obj


@dataclass(frozen=True, eq=False)
class EventTable:
    """Events in story order as an Arrow table, with numpy views of the hot columns.

    Build one with :meth:`from_features` (parsed GeoJSON) or :meth:`from_arrow` (a cached or
    GeoParquet table); the table is never modified afterwards.
    """

    table: pa.Table
    #: For each row, its feature's index in the source file (for messages that name it).
    source_index: np.ndarray = field(repr=False)

    # ---- building -------------------------------------------------------------------------
    @classmethod
    def from_features(cls, features: Sequence[Mapping[str, Any]],
                      derived: Mapping[str, np.ndarray | Sequence[Any]] | None = None,
                      geometries: np.ndarray | None = None) -> "EventTable":
        """Features (validated GeoJSON dicts) -> table, sorted in story order.

        ``derived`` gives the border-derived columns (``side``, ``distance_to_border_km`` ...),
        one value per feature in input order; the fatality range is computed here.
        ``geometries`` are the features' shapely geometries when the caller has them already.
        """
        return cls.from_model_columns(model_columns(features, geometries), derived)

    @classmethod
    def from_model_columns(cls, model: "pa.Table | list[pa.Table]",
                           derived: "Mapping[str, np.ndarray | Sequence[Any]] | Future | None" = None) -> "EventTable":
        """The model's columns (properties, ``geometry`` as WKB, ``feature_id``; e.g. read from
        GeoParquet) -> table with the derived fields, sorted in story order. ``derived`` as for
        :meth:`from_features`, in ``model``'s row order; or a future of it (the border analytics
        still running on another thread: the model's columns are put in story order meanwhile).

        ``model`` handed over in a one-item list is taken out of it: when the caller holds it
        nowhere else, each of its columns is freed as soon as it is sorted (a million rich events
        are 2.7 GB of columns: without the hand-over, sorting holds two copies)."""
        if isinstance(model, list):
            model = model.pop()
        n, names = model.num_rows, model.column_names
        order = story_order(model)
        in_order = bool(np.array_equal(order, np.arange(n)))  # already in story order: no copy
        unsorted = model.columns
        del model  # the columns are held by `unsorted` alone (if the caller handed the table over)
        columns: dict[str, pa.Array | pa.ChunkedArray] = dict(zip(
            names, unsorted if in_order else _take_columns(unsorted, order)))
        low, high = fatality_range_columns(columns["fatalities"])
        columns["fatalities_low"], columns["fatalities_high"] = low, high
        if derived is not None and not isinstance(derived, Mapping):
            derived = derived.result()
        schema = table_schema()
        for name in DERIVED_FIELDS:
            if name in ("fatalities_low", "fatalities_high"):
                continue
            values = (derived or {}).get(name)
            typ = schema.field(name).type
            if values is None:
                columns[name] = pa.nulls(n, typ)
            else:
                arr = np.asarray(values, dtype=object if pa.types.is_string(typ) else np.float64)
                if not in_order:
                    arr = arr[order]
                mask = None if pa.types.is_string(typ) else np.isnan(arr)
                columns[name] = pa.array(arr, typ, mask=mask, from_pandas=True)
        table = pa.table([columns[f.name] for f in schema], schema=schema)
        return cls(table.combine_chunks(), np.asarray(order, dtype=np.int64))

    @classmethod
    def from_arrow(cls, table: pa.Table, source_index: np.ndarray | None = None) -> "EventTable":
        """A table already in story order with the core schema (from the cache or GeoParquet)."""
        if source_index is None:
            source_index = np.arange(table.num_rows, dtype=np.int64)
        return cls(table, np.asarray(source_index, dtype=np.int64))

    @classmethod
    def empty(cls) -> "EventTable":
        return cls(table_schema().empty_table(), np.zeros(0, dtype=np.int64))

    # ---- size and order -------------------------------------------------------------------
    def __len__(self) -> int:
        return self.table.num_rows

    def take(self, rows: np.ndarray | Sequence[int]) -> "EventTable":
        """The given rows (kept in the order given; pass sorted rows to stay in story order)."""
        rows = np.asarray(rows, dtype=np.int64)
        return EventTable(take_rows(self.table, rows), self.source_index[rows])

    # ---- numpy views of the hot columns ---------------------------------------------------
    def _days(self, name: str) -> np.ndarray:
        return one_array(self.table[name]).cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int32)

    @cached_property
    def t0(self) -> np.ndarray:
        """First day of each event (days since 1970-01-01), int32."""
        return self._days("date_start")

    @cached_property
    def t1(self) -> np.ndarray:
        """Last day of each event, int32."""
        return self._days("date_end")

    @cached_property
    def type_code(self) -> np.ndarray:
        return _codes(self.table["event_type"], TYPE_CODES)

    @cached_property
    def confidence_code(self) -> np.ndarray:
        return _codes(self.table["confidence"], CONFIDENCE_CODES)

    @cached_property
    def date_precision_code(self) -> np.ndarray:
        return _codes(self.table["date_precision"], DATE_PRECISION_CODES)

    @cached_property
    def geo_precision(self) -> np.ndarray:
        return self.table["geo_precision"].to_numpy().astype(np.uint8)

    @cached_property
    def ids(self) -> np.ndarray:
        return self.table["id"].to_numpy(zero_copy_only=False)

    def geometries(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Shapely geometries of ``rows`` (all when None), decoded from WKB on each call: a
        million of them are a gigabyte of objects, so none are kept."""
        col = self.table["geometry"]
        if rows is not None:
            col = take_rows(self.table.select(["geometry"]), rows)["geometry"]
        return shapely.from_wkb(col.to_numpy(zero_copy_only=False))

    @cached_property
    def _anchors(self) -> tuple[np.ndarray, np.ndarray]:
        point, xy = _point_anchors(self.table["geometry"])
        kind = np.full(len(self), NO_CODE, dtype=np.uint8)
        out = np.full((len(self), 2), np.nan)
        kind[point], out[point] = 0, xy[point]
        rest = np.flatnonzero(~point)
        if not len(rest):
            return kind, out
        geoms = self.geometries(rest)  # lines, areas, and points WKB writes in another form
        ids = shapely.get_type_id(geoms)  # shapely: 0 point, 1 line, 3 polygon, 6 multipolygon
        sub_kind = np.full(len(ids), NO_CODE, dtype=np.uint8)
        for shapely_id, code in ((0, 0), (1, 1), (3, 2), (6, 3)):
            sub_kind[ids == shapely_id] = code
        kind[rest], out[rest] = sub_kind, _shape_anchors(geoms, sub_kind)
        return kind, out

    @property
    def geometry_kind(self) -> np.ndarray:
        """0 Point, 1 LineString, 2 Polygon, 3 MultiPolygon (GEOMETRY_KINDS), uint8."""
        return self._anchors[0]

    @property
    def lonlat(self) -> np.ndarray:
        """An anchor per event, (n, 2) float64: a point's own position; a line's last vertex
        (where the movement ends); an area's representative point."""
        return self._anchors[1]

    def geometry(self, row: int) -> shapely.Geometry:
        return self.geometries(np.array([row]))[0]

    @cached_property
    def fatalities_low(self) -> np.ndarray:
        """Lowest complete toll per event (float, NaN where no complete toll gives a number)."""
        return self.table["fatalities_low"].to_numpy(zero_copy_only=False).astype(np.float64)

    @cached_property
    def fatalities_high(self) -> np.ndarray:
        return self.table["fatalities_high"].to_numpy(zero_copy_only=False).astype(np.float64)

    @cached_property
    def partial_floor(self) -> np.ndarray:
        """Per event, the largest partial count's conservative figure (float, NaN where no
        partial count gives a number): what the tooltips say when there is no complete toll."""
        return partial_floor_columns(self.table["fatalities"]).to_numpy(zero_copy_only=False).astype(np.float64)

    @cached_property
    def claim_count(self) -> np.ndarray:
        return pc.list_value_length(self.table["fatalities"]).fill_null(0).to_numpy().astype(np.int32)

    @cached_property
    def actor_names(self) -> tuple[np.ndarray, np.ndarray]:
        """Every name an event's actors go by, flattened: ``(names, row of each name)``."""
        actors = one_array(self.table["actors"])
        flat = pc.list_flatten(actors)
        parents = pc.list_parent_indices(actors).to_numpy()
        names = flat.field("name").to_numpy(zero_copy_only=False)
        aliases = flat.field("aliases")
        alias_names = pc.list_flatten(aliases).to_numpy(zero_copy_only=False)
        alias_rows = parents[pc.list_parent_indices(aliases).to_numpy()] if len(alias_names) else np.zeros(0, int)
        return (np.concatenate([names, alias_names]).astype(object),
                np.concatenate([parents, alias_rows]).astype(np.int64))

    def rows_on_sides(self, sides: Iterable[str]) -> np.ndarray:
        """Boolean mask: rows whose derived ``side`` is one of ``sides`` (ISO3 codes, ``both``)."""
        hit = pc.is_in(self.table["side"], value_set=pa.array(sorted(sides), pa.string()))
        return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)

    @cached_property
    def sides_present(self) -> set[str]:
        return {v for v in pc.unique(self.table["side"]).to_pylist() if v is not None}

    def rows_in_datasets(self, names: Iterable[str]) -> np.ndarray:
        """Boolean mask: rows from any of the project datasets ``names``."""
        hit = pc.is_in(self.table["dataset"], value_set=pa.array(sorted(names), pa.string()))
        return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)

    @cached_property
    def dataset_names(self) -> list[str]:
        """The project datasets present, in first-seen order ([] for a plain file)."""
        return [v for v in pc.unique(self.table["dataset"]).to_pylist() if v is not None]

    def rows_with_actor(self, name: str) -> np.ndarray:
        """Boolean mask: events with an actor called ``name`` (its name or an alias)."""
        names, rows = self.actor_names
        mask = np.zeros(len(self), dtype=bool)
        mask[rows[names == name]] = True
        return mask

    def actors(self) -> list[str]:
        """Actor names (not aliases) in the data, sorted (computed once: the app asks per rerun)."""
        return list(self._actor_list)

    @cached_property
    def _actor_list(self) -> tuple[str, ...]:
        flat = pc.list_flatten(one_array(self.table["actors"]))
        return tuple(sorted(pc.unique(flat.field("name")).drop_null().to_pylist()))

    # ---- lookups --------------------------------------------------------------------------
    def row_of(self, event_id: str | None) -> int | None:
        """The row of an event id (None when absent): a scan of the id column (a few ms at a
        million events; no index of a million Python strings is kept)."""
        if not isinstance(event_id, str):
            return None
        i = pc.index(self.table["id"], event_id).as_py()
        return None if i < 0 else i

    def id_of(self, row: int) -> str:
        return self.table["id"][int(row)].as_py()

    def __contains__(self, event_id: object) -> bool:
        return self.row_of(event_id) is not None

    # ---- the edges: Features --------------------------------------------------------------
    def properties(self, row: int, *, derived: bool = True) -> dict[str, Any]:
        return self._records(np.array([row]), derived)[0]["properties"]

    def _records(self, rows: np.ndarray, derived: bool) -> list[dict[str, Any]]:
        """Features for ``rows``: one Arrow-to-Python conversion for the batch."""
        recs = take_rows(self.table, rows).to_pylist()
        converters = _property_converters()
        out = []
        for rec in recs:
            props: dict[str, Any] = {}
            for name, conv in converters:
                v = rec[name]
                if v is None:
                    continue
                props[name] = v.isoformat() if name in DATE_FIELDS else (v if conv is None else conv(v))
            if derived:
                for name in DERIVED_FIELDS:
                    props[name] = rec[name]
            feature: dict[str, Any] = {"type": "Feature"}
            if rec["feature_id"] is not None:
                feature["id"] = rec["feature_id"]
            feature["geometry"] = None
            feature["properties"] = props
            out.append(feature)
        for feature, geom in zip(out, self.geometries(rows)):
            if geom is not None:
                g = geom.__geo_interface__
                feature["geometry"] = {"type": g["type"], "coordinates": _list_coords(g["coordinates"])}
        return out

    def feature(self, row: int, *, derived: bool = True) -> dict[str, Any]:
        """One event as a GeoJSON Feature dict (with its derived fields unless ``derived=False``)."""
        return self._records(np.array([row]), derived)[0]

    def features(self, rows: np.ndarray | Sequence[int] | None = None, *,
                 derived: bool = True, batch: int = 4096) -> Iterator[dict[str, Any]]:
        """Features for ``rows`` (all rows when None), converted a batch at a time."""
        rows = np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64)
        for start in range(0, len(rows), batch):
            yield from self._records(rows[start:start + batch], derived)


def model_columns(features: Sequence[Mapping[str, Any]], geometries: np.ndarray | None = None) -> pa.Table:
    """Features -> the model's columns (properties, ``geometry`` as WKB, ``feature_id``), in
    the features' order, without derived fields: what GeoParquet stores."""
    props = [f.get("properties") or {} for f in features]
    # Dates arrive as ISO strings: read them as strings, then cast (vectorised) to date32.
    as_read = pa.schema([pa.field(f.name, pa.string()) if f.name in DATE_FIELDS else f
                         for f in properties_schema()])
    # One struct conversion reads the dicts in C++: half the time of Table.from_pylist, which
    # first gathers every column in Python.
    base = pa.Table.from_arrays(pa.array(props, type=pa.struct(list(as_read))).flatten(), schema=as_read)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {name: base[name] for name in base.column_names}
    for name in DATE_FIELDS:
        columns[name] = pc.cast(base[name], pa.date32())
    geoms = geometries_of(features) if geometries is None else geometries
    columns["geometry"] = pa.array(shapely.to_wkb(geoms), pa.binary())
    columns["feature_id"] = pa.array([f.get("id") if isinstance(f.get("id"), str) else None
                                      for f in features], pa.string())
    return pa.table(list(columns.values()), names=list(columns))


@lru_cache(maxsize=1)
def _property_converters() -> list[tuple[str, Any]]:
    return [(f.name, _converter(f.type)) for f in properties_schema()]


def model_values(values: pa.Array | pa.ChunkedArray) -> list[Any]:
    """An Arrow column as the model's Python values (maps as dicts, structs without null keys,
    in the schema's key order; dates as ``datetime.date``, nulls as None): what a Feature's
    properties hold, one column at a time (the store's COPY writes them without a dict per event)."""
    out = values.to_pylist()
    conv = _converter(values.type)
    return out if conv is None else [None if v is None else conv(v) for v in out]


def geometries_of(features: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Shapely geometries of GeoJSON features (None where absent), points in one batch."""
    geoms = np.full(len(features), None, dtype=object)
    point_at, point_xy, other_at, other_json = [], [], [], []
    for i, feature in enumerate(features):
        raw = feature.get("geometry")
        if not raw:
            continue
        if raw.get("type") == "Point":
            point_at.append(i)
            point_xy.append(raw["coordinates"][:2])
        else:
            other_at.append(i)
            other_json.append(json.dumps(raw))
    if point_at:
        geoms[point_at] = shapely.points(np.asarray(point_xy, dtype=float))
    if other_at:  # one GEOS call for all of them (shapely.geometry.shape is slow per feature)
        geoms[other_at] = shapely.from_geojson(other_json)
    return geoms


def _claim_fields(claims: pa.ChunkedArray | pa.Array) -> tuple[int, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Every claim of every event, flattened: (events, event of each claim, total/low/high as
    float with NaN for none, whether the claim is a partial count)."""
    claims = one_array(claims)
    flat = pc.list_flatten(claims)
    parents = pc.list_parent_indices(claims).to_numpy()

    def col(name: str) -> np.ndarray:
        return flat.field(name).to_numpy(zero_copy_only=False).astype(np.float64) if len(flat) else np.zeros(0)

    figures = {name: col(name) for name in ("total", "low", "high")}
    partial = (pc.fill_null(pc.equal(flat.field("scope"), "partial"), False).to_numpy(zero_copy_only=False)
               if len(flat) else np.zeros(0, bool))
    return len(claims), parents, figures, partial


def _per_event(n: int, parents: np.ndarray, values: np.ndarray, keep: np.ndarray, ufunc: np.ufunc) -> pa.Array:
    """``ufunc`` (minimum or maximum) of the kept, non-NaN ``values`` of each event; null where none."""
    out = np.full(n, np.inf if ufunc is np.minimum else -np.inf)
    ok = keep & ~np.isnan(values)
    ufunc.at(out, parents[ok], values[ok])
    mask = np.isinf(out)
    return pa.array(np.where(mask, 0, out).astype(np.int64), pa.int64(), mask=mask)


def fatality_range_columns(claims: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, pa.Array]:
    """Per event, the lowest and highest reported fatalities across its complete tolls, vectorised.

    The same rule as :func:`bordermap.model.fatality_range` (checked by a test): partial counts
    are left out; a bounded best estimate (total, low and high) spans its low..high; otherwise a
    claim's low is its ``total`` or else its ``low``, its high its ``total``, else ``high``, else
    ``low``. Null where no complete toll gives a number; never an average.
    """
    n, parents, f, partial = _claim_fields(claims)
    total, low, high = f["total"], f["low"], f["high"]
    bounded = ~np.isnan(total) & ~np.isnan(low) & ~np.isnan(high)
    c_low = np.where(bounded, low, np.where(np.isnan(total), low, total))
    c_high = np.where(bounded, high, np.where(np.isnan(total), np.where(np.isnan(high), low, high), total))
    return (_per_event(n, parents, c_low, ~partial, np.minimum),
            _per_event(n, parents, c_high, ~partial, np.maximum))


def partial_floor_columns(claims: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Per event, :func:`bordermap.model.partial_floor` vectorised: the largest conservative
    figure (``low``, else ``total``) of its partial counts; null where there is none."""
    n, parents, f, partial = _claim_fields(claims)
    floor = np.where(np.isnan(f["low"]), f["total"], f["low"])
    return _per_event(n, parents, floor, partial, np.maximum)


__all__ += ["geometries_of", "fatality_range_columns", "partial_floor_columns", "take_rows", "GEOMETRY_KINDS", "model_columns", "model_values"]
