"""A store dataset read column by column: one ``COPY (SELECT …) TO STDOUT`` in CSV per table
(``events``, ``claims``, ``sources``, ``actors``), parsed by ``pyarrow.csv`` into Arrow and
assembled into the model's columns (what :func:`bordermap.core.table.model_columns` gives for
the same events as Feature dicts) without a dict per event.

Scalars (text, bigint, boolean, double precision, date) come straight from the CSV; arrays and
``json`` values are read as their JSON text and converted one column at a time to the column's
Arrow type; claims, sources and actors become list<struct> columns from their rows' counts per
event. ``tests/test_store_columnar.py`` holds it to the per-event path (``records.read_features``).
"""

from __future__ import annotations

import io
import json
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import psycopg
import shapely
from psycopg import sql

from bordermap.core.columns import properties_schema
from bordermap.store.columns import Column, child_tables, event_columns
from bordermap.store.connection import StoreError

__all__ = ["read_model_columns"]

_SCALARS = {"text": pa.string(), "bigint": pa.int64(), "boolean": pa.bool_(), "double precision": pa.float64(),
            "date": pa.date32()}


def _select(col: Column, alias: str) -> sql.Composable:
    """How a column is selected: a scalar as it is, an array as its JSON, a json value as its text."""
    ref = sql.SQL(alias + ".") + sql.Identifier(col.name)
    if col.kind == "array":
        return sql.SQL("to_json({})::text").format(ref)
    if col.kind == "json":
        return sql.SQL("{}::text").format(ref)
    return ref


def _copy_csv(conn: psycopg.Connection, query: sql.Composable, names: Sequence[str],
              types: Sequence[pa.DataType]) -> pa.Table:
    """``query``'s rows through one COPY in CSV, parsed by pyarrow (an unquoted empty field is
    NULL, a quoted one the empty string)."""
    stmt = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')").format(query)
    buf = io.BytesIO()
    with conn.cursor() as cur:
        with cur.copy(stmt) as copy:
            for block in copy:
                buf.write(block)
    if buf.tell() == 0:
        return pa.schema(list(zip(names, types))).empty_table()
    buf.seek(0)
    return pacsv.read_csv(
        buf,
        read_options=pacsv.ReadOptions(column_names=list(names), block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=dict(zip(names, types)), null_values=[""],
                                             strings_can_be_null=True, quoted_strings_can_be_null=False,
                                             true_values=["t"], false_values=["f"]))


def _read_type(col: Column) -> pa.DataType:
    return _SCALARS[col.sql_type] if col.kind == "scalar" else pa.string()


def _convert(col: Column, values: pa.ChunkedArray, typ: pa.DataType, table: str) -> pa.Array | pa.ChunkedArray:
    """A column as read (a scalar, or JSON text) -> its Arrow type in the model; a value of
    another shape (hand-made SQL) is a :class:`StoreError` naming the column."""
    if col.kind == "scalar":
        return values
    parsed = [None if v is None else json.loads(v) for v in values.to_pylist()]
    try:
        return pa.array(parsed, typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as exc:
        raise StoreError(f"the store's {table}.{col.name} holds a value that is not the model's {typ} "
                         f"({str(exc).splitlines()[0][:200]}); fix that row, or load the dataset again") from None


def _where(dataset: str) -> sql.Composable:
    return sql.SQL("e.dataset = {}").format(sql.Literal(dataset))


def read_model_columns(conn: psycopg.Connection, dataset: str) -> tuple[pa.Table, np.ndarray]:
    """The events of ``dataset`` in their files' order as the model's columns (properties,
    ``geometry`` as WKB, ``feature_id``) and their shapely geometries: the same table as
    ``model_columns(*read_features(conn, dataset=dataset, geometry=False)[:2])``."""
    conn.execute("SET LOCAL DateStyle = 'ISO, YMD'")  # dates as 2012-07-24 whatever the server's setting
    schema = properties_schema()
    cols = list(event_columns())
    names = [c.name for c in cols] + ["feature_id", "geom_hex"]
    query = sql.SQL("SELECT {}, e.feature_id, encode(ST_AsBinary(e.geom), 'hex') FROM events e WHERE {} "
                    "ORDER BY e.position, e.id").format(
        sql.SQL(", ").join(_select(c, "e") for c in cols), _where(dataset))
    events = _copy_csv(conn, query, names, [_read_type(c) for c in cols] + [pa.string(), pa.string()])
    n = events.num_rows
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for c in cols:
        columns[c.name] = _convert(c, events[c.name], schema.field(c.name).type, "events")
    ids = events["id"]
    for child in child_tables():
        item_type = schema.field(child.prop).type.value_type
        cnames = ["event_id", *[c.name for c in child.columns]]
        cq = sql.SQL("SELECT c.event_id, {} FROM {} c JOIN events e ON e.id = c.event_id WHERE {} "
                     "ORDER BY e.position, e.id, c.position").format(
            sql.SQL(", ").join(_select(c, "c") for c in child.columns), sql.Identifier(child.table), _where(dataset))
        rows = _copy_csv(conn, cq, cnames, [pa.string(), *[_read_type(c) for c in child.columns]])
        parents = pc.index_in(rows["event_id"], value_set=ids).to_numpy(zero_copy_only=False)
        counts = np.bincount(parents.astype(np.int64), minlength=n) if len(parents) else np.zeros(n, np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        fields = [_convert(c, rows[c.name], item_type.field(c.name).type, child.table) if c.kind != "scalar"
                  else rows[c.name].combine_chunks() for c in child.columns]
        items = pa.StructArray.from_arrays(fields, fields=list(item_type))
        columns[child.prop] = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), items,
                                                       type=schema.field(child.prop).type)
    hexes = events["geom_hex"].to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(hexes) if n else np.zeros(0, object)
    ordered = [columns[f.name] for f in schema]
    ordered.append(pa.array(shapely.to_wkb(geoms), pa.binary()) if n else pa.array([], pa.binary()))
    ordered.append(events["feature_id"])
    names_out = [f.name for f in schema] + ["geometry", "feature_id"]
    return pa.table(ordered, names=names_out), geoms
