"""Events as rows and rows as events: the one place that knows how a Feature is spread over
``events``, ``claims``, ``sources`` and ``actors`` (the columns: :mod:`bordermap.store.columns`).

Reading gives back the Feature dicts the file readers give (absent fields absent, lists in
their order, json values with their keys in order), which the columnar core turns into the same
table as the file would (:func:`bordermap.core.table.model_columns`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import psycopg
import shapely
from psycopg import sql
from psycopg.types.json import Json

from bordermap.core.columns import DATE_FIELDS
from bordermap.core.table import EventTable, model_columns, model_values
from bordermap.store.columns import Column, child_tables, event_columns

__all__ = ["EVENT_EXTRA", "copy_events", "copy_table", "insert_children", "read_features", "read_event", "event_values"]

#: Columns of ``events`` that are not properties, written on load: (name, COPY type).
EVENT_EXTRA: tuple[tuple[str, str], ...] = (("dataset", "text"), ("position", "int4"), ("feature_id", "text"),
                                            ("geom", "text"), ("updated_by", "text"))


def _value(col: Column, v: Any) -> Any:
    if v is None:
        return None
    if col.kind == "json":
        return Json(v)
    if col.name in DATE_FIELDS:
        return date.fromisoformat(v)
    return v


def event_values(props: Mapping[str, Any]) -> list[Any]:
    """The property columns of ``events`` for one event, in :func:`event_columns` order."""
    return [_value(c, props.get(c.name)) for c in event_columns()]


def _child_rows(event_id: str, props: Mapping[str, Any]) -> Iterable[tuple[str, list[tuple]]]:
    for child in child_tables():
        rows = [(event_id, i, *[_value(c, item.get(c.name)) for c in child.columns])
                for i, item in enumerate(props.get(child.prop) or [])]
        yield child.table, rows


def _copy_types(columns: Sequence[Column]) -> list[str]:
    return [c.sql_type.replace("double precision", "float8") for c in columns]


def _ewkb_hex(geoms: np.ndarray) -> np.ndarray:
    return shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)


def copy_events(conn: psycopg.Connection, features: Sequence[Mapping[str, Any]], geoms: np.ndarray,
                positions: Sequence[int], dataset: str, user: str) -> None:
    """Write events given as Features (and their claims, sources, actors) with COPY, in the
    caller's transaction, at ``positions`` in their dataset: through :func:`copy_table`, so
    that events are written one way whichever form they come in."""
    table = EventTable.from_model_columns(model_columns(features, geoms))
    copy_table(conn, table, dataset, user, positions=np.asarray(positions, dtype=np.int64)[table.source_index])


def copy_table(conn: psycopg.Connection, table: EventTable, dataset: str, user: str,
               progress: Callable[[int], None] | None = None, *, positions: np.ndarray | None = None,
               batch: int = 20_000) -> None:
    """Write an :class:`EventTable`'s events (and their claims, sources, actors) with COPY, in
    the caller's transaction, straight from its Arrow columns (no dict per event), ``batch``
    rows at a time; ``progress(n)`` after each batch. An event's position in its dataset is its
    index in the file it came from (``table.source_index``) unless ``positions`` says otherwise."""
    arrow, n, cols = table.table, len(table), event_columns()
    positions = table.source_index if positions is None else positions
    names = [c.name for c in cols] + [name for name, _ in EVENT_EXTRA]
    stmt = sql.SQL("COPY events ({}) FROM STDIN").format(sql.SQL(", ").join(map(sql.Identifier, names)))
    with conn.cursor() as cur:
        with cur.copy(stmt) as copy:
            copy.set_types(_copy_types(cols) + [t for _, t in EVENT_EXTRA])
            for a in range(0, n, batch):
                part, b = arrow.slice(a, batch), min(a + batch, n)
                values = [_column_values(c, part[c.name]) for c in cols]
                extra = [[dataset] * (b - a), positions[a:b].tolist(), part["feature_id"].to_pylist(),
                         _ewkb_hex(table.geometries(np.arange(a, b))).tolist(), [user] * (b - a)]
                for row in zip(*values, *extra):
                    copy.write_row(row)
                if progress is not None:
                    progress(b)
        for child in child_tables():
            names = ["event_id", "position", *[c.name for c in child.columns]]
            stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(child.table), sql.SQL(", ").join(map(sql.Identifier, names)))
            with cur.copy(stmt) as copy:
                copy.set_types(["text", "int4", *_copy_types(child.columns)])
                for a in range(0, n, batch):
                    part = arrow.slice(a, batch)
                    lists = part[child.prop].combine_chunks()
                    parents = pc.list_parent_indices(lists).to_numpy()
                    offsets = lists.offsets.to_numpy()
                    where = np.arange(len(parents)) - (offsets[parents] - offsets[0])  # the item's place in its list
                    ids = np.asarray(part["id"].to_pylist(), dtype=object)[parents]
                    items = pc.list_flatten(lists)
                    fields = [_column_values(c, items.field(c.name)) for c in child.columns]
                    for row in zip(ids, where.tolist(), *fields):
                        copy.write_row(row)


def _column_values(col: Column, values: pa.Array | pa.ChunkedArray) -> list[Any]:
    out = model_values(values)
    return [None if v is None else Json(v) for v in out] if col.kind == "json" else out


def insert_children(conn: psycopg.Connection, event_id: str, props: Mapping[str, Any]) -> None:
    """Replace one event's claims, sources and actors (an edit)."""
    with conn.cursor() as cur:
        for table, rows in _child_rows(event_id, props):
            cur.execute(sql.SQL("DELETE FROM {} WHERE event_id = %s").format(sql.Identifier(table)), (event_id,))
            if rows:
                child = next(c for c in child_tables() if c.table == table)
                names = ["event_id", "position", *[c.name for c in child.columns]]
                cur.executemany(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names)),
                    sql.SQL(", ").join(sql.Placeholder() * len(names))), rows)


def _present(columns: Sequence[Column], row: Sequence[Any]) -> dict[str, Any]:
    out = {}
    for c, v in zip(columns, row):
        if v is None:
            continue
        out[c.name] = v.isoformat() if isinstance(v, date) else v
    return out


def read_features(conn: psycopg.Connection, *, dataset: str | None = None, ids: Sequence[str] | None = None,
                  lock: bool = False, geometry: bool = True) -> tuple[list[dict[str, Any]], np.ndarray, list[dict[str, Any]]]:
    """Events of one dataset (in their files' order) or the events ``ids``: (Features without
    derived fields, their shapely geometries, per event ``{"revision", "position", "dataset",
    "updated_by", "updated_at"}``). ``lock`` takes a row lock on each (for an edit).
    ``geometry=False`` leaves each Feature's ``geometry`` None (the columnar core takes the
    shapely geometries, so a whole dataset's read skips writing them out as GeoJSON)."""
    cols = event_columns()
    where, params = (sql.SQL("e.dataset = %s"), [dataset]) if dataset is not None else (sql.SQL("e.id = ANY(%s)"), [list(ids or [])])
    query = sql.SQL("SELECT {}, e.feature_id, ST_AsBinary(e.geom), e.revision, e.position, e.dataset, e.updated_by, "
                    "e.updated_at FROM events e WHERE {} ORDER BY e.position, e.id{}").format(
        sql.SQL(", ").join(sql.SQL("e.") + sql.Identifier(c.name) for c in cols), where,
        sql.SQL(" FOR UPDATE") if lock else sql.SQL(""))
    n = len(cols)
    with conn.cursor() as cur:
        cur.execute(query, params)
        rows = cur.fetchall()
        features: list[dict[str, Any]] = []
        meta: list[dict[str, Any]] = []
        by_id: dict[str, dict[str, Any]] = {}
        for row in rows:
            props = _present(cols, row[:n])
            f: dict[str, Any] = {"type": "Feature"}
            if row[n] is not None:
                f["id"] = row[n]
            f["geometry"] = None
            f["properties"] = props
            features.append(f)
            by_id[props["id"]] = props
            meta.append({"revision": row[n + 2], "position": row[n + 3], "dataset": row[n + 4],
                         "updated_by": row[n + 5], "updated_at": row[n + 6]})
        geoms = shapely.from_wkb(np.array([bytes(r[n + 1]) for r in rows], dtype=object)) if rows else np.zeros(0, object)
        for child in child_tables():
            for props in by_id.values():
                props[child.prop] = []
            ccols = child.columns
            cq = sql.SQL("SELECT c.event_id, {} FROM {} c JOIN events e ON e.id = c.event_id WHERE {} "
                         "ORDER BY c.event_id, c.position").format(
                sql.SQL(", ").join(sql.SQL("c.") + sql.Identifier(c.name) for c in ccols),
                sql.Identifier(child.table), where)
            cur.execute(cq, params)
            for row in cur:
                props = by_id.get(row[0])
                if props is not None:
                    props[child.prop].append(_present(ccols, row[1:]))
    for f, g in zip(features, geoms if geometry else ()):
        gi = g.__geo_interface__
        f["geometry"] = {"type": gi["type"], "coordinates": _lists(gi["coordinates"])}
    return features, geoms, meta


def _lists(obj: Any) -> Any:
    return [_lists(x) for x in obj] if isinstance(obj, (list, tuple)) else obj


def read_event(conn: psycopg.Connection, event_id: str, *, lock: bool = False) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """One event as a Feature and its ``{"revision", ...}``; None when there is no such event."""
    features, _, meta = read_features(conn, ids=[event_id], lock=lock)
    return (features[0], meta[0]) if features else None
