"""Events as GeoParquet: the columnar form of the model, for large data.

The columns are the model's fields (:func:`bordermap.core.columns.properties_schema`: claims,
sources, actors and corrections as list<struct>, dates as date32) and ``geometry`` as WKB, with
GeoParquet 1.1 metadata (so QGIS, geopandas and DuckDB read it as a layer) and the dataset's
``article`` and ``dataset`` blocks under the ``bordermap`` key. Derived fields are never written; they are
computed on load, as for GeoJSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bordermap.core.columns import properties_schema
from bordermap.errors import UnreadableFileError

__all__ = ["write_events_parquet", "read_events_parquet", "read_events_parquet_meta", "parquet_bytes", "parquet_blocks",
           "GEOPARQUET_VERSION", "is_parquet"]

GEOPARQUET_VERSION = "1.1.0"
_KEY = b"bordermap"


def is_parquet(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith((".parquet", ".geoparquet"))


def _geo_metadata(types: list[str]) -> bytes:
    return json.dumps({"version": GEOPARQUET_VERSION, "primary_column": "geometry",
                       "columns": {"geometry": {"encoding": "WKB", "geometry_types": types}}}).encode()


_WKB_TYPES = {1: "Point", 2: "LineString", 3: "Polygon", 6: "MultiPolygon"}


def _geometry_types(wkb: pa.ChunkedArray) -> list[str]:
    """The GeoParquet ``geometry_types`` of a WKB column, read from each value's header (its
    byte order and type number) instead of decoding a million geometries."""
    import pyarrow.compute as pc

    heads = pc.unique(pc.binary_slice(wkb, 0, 5).combine_chunks()).to_pylist()
    found = set()
    for head in heads:
        if head is None or len(head) < 5:
            continue
        number = int.from_bytes(head[1:5], "little" if head[0] == 1 else "big")
        found.add(_WKB_TYPES.get(number % 1000))  # ISO WKB codes Z/M types as 1001, 2001 ...
    return sorted(t for t in found if t)


def events_arrow(table: pa.Table, article: dict[str, Any] | None,
                 dataset: dict[str, Any] | None = None) -> pa.Table:
    """The core table's model columns (no derived fields) with the GeoParquet metadata."""
    names = [f.name for f in properties_schema()] + ["geometry", "feature_id"]
    out = table.select(names)
    meta = {b"geo": _geo_metadata(_geometry_types(out["geometry"]))}
    blocks = {k: v for k, v in (("article", article), ("dataset", dataset)) if v}
    if blocks:
        meta[_KEY] = json.dumps(blocks, ensure_ascii=False).encode()
    return out.replace_schema_metadata(meta)


#: Columns whose min/max statistics are written (what a reader filters on: ids, dates,
#: categories). Statistics of the long text and nested columns cost a second a million rows and
#: serve no query.
STATISTICS_COLUMNS = ["id", "date_start", "date_end", "date_precision", "country", "geo_precision", "event_type",
                      "sub_event_type", "confidence"]


def _write(table: pa.Table, where) -> None:
    pq.write_table(table, where, compression="zstd", row_group_size=1 << 16, write_statistics=STATISTICS_COLUMNS)


def write_events_parquet(table: pa.Table, article: dict[str, Any] | None, path: str | os.PathLike,
                         dataset: dict[str, Any] | None = None) -> None:
    """Write events (an EventTable's ``table``) to ``path`` as GeoParquet (zstd, row groups of 64k).
    The caller makes the write atomic (e.g. write to a temp name and rename)."""
    _write(events_arrow(table, article, dataset), str(path))


def parquet_bytes(table: pa.Table, article: dict[str, Any] | None = None,
                  dataset: dict[str, Any] | None = None) -> bytes:
    """The GeoParquet file :func:`write_events_parquet` writes, as bytes (for an atomic write).
    The same table gives the same bytes."""
    sink = pa.BufferOutputStream()
    _write(events_arrow(table, article, dataset), sink)
    return sink.getvalue().to_pybytes()


def parquet_blocks(path: str | os.PathLike) -> dict[str, Any]:
    """The ``article`` and ``dataset`` blocks of a GeoParquet events file, from its footer only
    ({} when it has none or cannot be read: the full read words that)."""
    try:
        meta = pq.read_schema(str(path)).metadata or {}
    except (pa.ArrowInvalid, OSError):
        return {}
    return _blocks(meta)


def _blocks(meta: dict[bytes, bytes]) -> dict[str, Any]:
    if _KEY not in meta:
        return {}
    try:
        found = json.loads(meta[_KEY])
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if k in ("article", "dataset") and isinstance(v, dict)}


def read_events_parquet(path: str | os.PathLike) -> tuple[pa.Table, dict[str, Any] | None]:
    """The model columns of a GeoParquet events file and its ``article`` block (see
    :func:`read_events_parquet_meta`)."""
    table, meta = read_events_parquet_meta(path)
    return table, meta.get("article")


def read_events_parquet_meta(path: str | os.PathLike) -> tuple[pa.Table, dict[str, Any]]:
    """The model columns of a GeoParquet events file and its collection blocks (``article``,
    ``dataset``; absent keys when the file has none).

    Raises :class:`UnreadableFileError` (one sentence) if it is not Parquet, or lacks the
    model's columns or has them with other types.
    """
    p = Path(path)
    try:
        pf = pq.ParquetFile(str(p))
        table = pf.read()
    except FileNotFoundError:
        raise UnreadableFileError(str(p), "file not found") from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise UnreadableFileError(str(p), f"is not a readable Parquet file ({str(exc)[:120]})") from None
    meta = table.schema.metadata or {}
    problems = []
    want = list(properties_schema()) + [pa.field("geometry", pa.binary()), pa.field("feature_id", pa.string())]
    columns = []
    for f in want:
        if f.name not in table.column_names:
            if f.nullable and f.name == "feature_id":
                columns.append(pa.nulls(table.num_rows, f.type))
                continue
            required = f.name in ("id", "geometry", "date_start", "date_end")
            if required:
                problems.append(f"column {f.name!r} is missing")
            columns.append(pa.nulls(table.num_rows, f.type))
            continue
        col = table[f.name]
        if not col.type.equals(f.type):
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                problems.append(f"column {f.name!r} has type {col.type}, expected {f.type}")
                continue
        columns.append(col)
    if problems:
        raise UnreadableFileError(str(p), "is not a bordermap events file: " + "; ".join(problems))
    return pa.table(columns, schema=pa.schema(want)), _blocks(meta)
