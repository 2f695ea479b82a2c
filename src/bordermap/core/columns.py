"""The event model as columns: the Arrow schema, derived from the JSON Schema, and the codes.

The JSON Schema (``schemas/events.schema.json``) stays the one definition of an event's fields;
this module turns it into an Arrow schema (strings, integers, lists, list<struct> for actors,
claims, sources and corrections, map<string, int64> for a claim's breakdown), so the columnar
core, the cache and GeoParquet files follow the schema as it evolves.

Categories the map filters and styles on are also small integer *codes*, fixed here in one
place: Python computes them once and the browser compares numbers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyarrow as pa

from bordermap.model import CONFIDENCE_LEVELS, DATE_PRECISIONS, DERIVED_FIELDS, EVENT_TYPES, load_schema

__all__ = [
    "properties_schema",
    "table_schema",
    "DATE_FIELDS",
    "TYPE_CODES",
    "CONFIDENCE_CODES",
    "DATE_PRECISION_CODES",
    "SIDES",
    "NO_CODE",
    "GEOMETRY_KINDS",
]

#: Event fields held as Arrow ``date32`` (days since 1970-01-01) rather than ISO strings.
DATE_FIELDS: tuple[str, ...] = ("date_start", "date_end")

TYPE_CODES: dict[str, int] = {t: i for i, t in enumerate(EVENT_TYPES)}
CONFIDENCE_CODES: dict[str, int] = {c: i for i, c in enumerate(CONFIDENCE_LEVELS)}
DATE_PRECISION_CODES: dict[str, int] = {p: i for i, p in enumerate(DATE_PRECISIONS)}
#: Sides of the border an event can be on; derived from the reference layers.
SIDES: tuple[str, ...] = ("TJK", "AFG", "both")
#: The code of a missing or unknown category.
NO_CODE = 255
#: Geometry kinds, as the browser payload codes them.
GEOMETRY_KINDS: tuple[str, ...] = ("Point", "LineString", "Polygon", "MultiPolygon")

_DERIVED_TYPES: dict[str, pa.DataType] = {
    "fatalities_low": pa.int64(),
    "fatalities_high": pa.int64(),
    "side": pa.string(),
    "distance_to_border_km": pa.float64(),
    "nearest_crossing": pa.string(),
    "nearest_crossing_km": pa.float64(),
    "dataset": pa.string(),
}
assert set(_DERIVED_TYPES) == set(DERIVED_FIELDS)


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/$defs/"), ref
        node = root["$defs"][ref.removeprefix("#/$defs/")]
    return node


def _arrow_type(node: dict[str, Any], root: dict[str, Any], name: str) -> pa.DataType:
    node = _resolve(node, root)
    if name in DATE_FIELDS:
        return pa.date32()
    kind = node.get("type")
    if isinstance(kind, list):  # ["string", "null"]: a nullable column of the other type
        kind = next(k for k in kind if k != "null")
    if kind is None and "enum" in node:
        kind = "integer" if all(isinstance(v, int) for v in node["enum"]) else "string"
    if kind == "string":
        return pa.string()
    if kind == "integer":
        return pa.int64()
    if kind == "number":
        return pa.float64()
    if kind == "boolean":
        return pa.bool_()
    if kind == "array":
        return pa.list_(_arrow_type(node["items"], root, name + "[]"))
    if kind == "object":
        if "properties" in node:
            return pa.struct([pa.field(k, _arrow_type(v, root, k)) for k, v in node["properties"].items()])
        values = node.get("additionalProperties")
        if isinstance(values, dict):
            return pa.map_(pa.string(), _arrow_type(values, root, name + "{}"))
    raise TypeError(f"events schema: no column type for field {name!r} ({node})")


@lru_cache(maxsize=1)
def properties_schema() -> pa.Schema:
    """An event's properties as Arrow fields, in the JSON Schema's order."""
    root = load_schema()
    event = root["$defs"]["event"]
    return pa.schema([pa.field(k, _arrow_type(v, root, k)) for k, v in event["properties"].items()])


@lru_cache(maxsize=1)
def table_schema() -> pa.Schema:
    """The core table: properties, the geometry (WKB, as GeoParquet stores it), the feature's own
    ``id`` when it has one, and the derived fields."""
    fields = list(properties_schema())
    fields.append(pa.field("geometry", pa.binary()))
    fields.append(pa.field("feature_id", pa.string()))
    fields.extend(pa.field(k, _DERIVED_TYPES[k]) for k in DERIVED_FIELDS)
    return pa.schema(fields)
