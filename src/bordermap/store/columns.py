"""How an event's fields become the store's columns, derived from the events JSON Schema.

Scalars and lists of scalars are columns of ``events`` (``text``, ``bigint``, ``boolean``,
``date``, ``text[]``, ``bigint[]``); an event's fatality claims, sources and actors are rows of
their own tables (``claims``, ``sources``, ``actors``), one column per field of the item; any
other value (corrections, a claim's breakdown, an imported record's original columns) is ``json``,
which keeps its keys in order. The migrations must create exactly these columns:
``tests/test_store_schema.py`` compares them with the database, so a new field in the schema
without a migration fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from bordermap.core.columns import DATE_FIELDS, properties_schema

__all__ = ["Column", "ChildTable", "event_columns", "child_tables", "CHILD_TABLES", "expected_columns"]

#: Event properties held as rows of their own table: property -> table.
CHILD_TABLES: dict[str, str] = {"fatalities": "claims", "sources": "sources", "actors": "actors"}


@dataclass(frozen=True)
class Column:
    """One field and its column: ``kind`` is ``scalar``, ``array`` or ``json``."""

    name: str
    sql_type: str
    kind: str


@dataclass(frozen=True)
class ChildTable:
    prop: str
    table: str
    columns: tuple[Column, ...]


def _column(name: str, typ: pa.DataType) -> Column:
    if name in DATE_FIELDS:
        return Column(name, "date", "scalar")
    scalars = {pa.string(): "text", pa.int64(): "bigint", pa.bool_(): "boolean", pa.float64(): "double precision"}
    if typ in scalars:
        return Column(name, scalars[typ], "scalar")
    if pa.types.is_list(typ) and typ.value_type in scalars:
        return Column(name, scalars[typ.value_type] + "[]", "array")
    return Column(name, "json", "json")


@lru_cache(maxsize=1)
def event_columns() -> tuple[Column, ...]:
    """The columns of ``events`` that hold properties, in the schema's order."""
    return tuple(_column(f.name, f.type) for f in properties_schema() if f.name not in CHILD_TABLES)


@lru_cache(maxsize=1)
def child_tables() -> tuple[ChildTable, ...]:
    schema = properties_schema()
    out = []
    for prop, table in CHILD_TABLES.items():
        item = schema.field(prop).type.value_type
        out.append(ChildTable(prop, table, tuple(_column(f.name, f.type) for f in item)))
    return tuple(out)


def expected_columns() -> dict[str, dict[str, str]]:
    """Table -> column -> SQL type, for the fields of the model (what the migrations must hold)."""
    out = {"events": {c.name: c.sql_type for c in event_columns()}}
    for child in child_tables():
        out[child.table] = {c.name: c.sql_type for c in child.columns}
    return out
