"""The JSON Schema's value rules on Arrow columns, read from the schema itself.

The Arrow schema (:mod:`bordermap.core.columns`) already holds an event's types; what remains of
the JSON Schema are its value rules: ``enum``, ``pattern``, ``minLength``/``maxLength``,
``minimum``, ``minItems``, ``required`` (a null column or struct field is a missing field) and
``type`` where a list item or a map value is null. :func:`schema_value_problems` walks the
schema beside the columns — a list flattened to its items, a struct to its fields, a map to its
values — checks each keyword on a whole level at once and words only the failing values, with
:func:`bordermap.validate.keyword_problem`, so the lines are the ones jsonschema gives
:func:`~bordermap.validate.validate_collection` for the same events. A keyword the walk does not
know stops it with an error: the schema cannot gain a rule the columns silently skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count
from typing import Any, Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.core.columns import properties_schema
from bordermap.errors import Problem
from bordermap.model import load_schema
from bordermap.validate import _field_path, keyword_problem

__all__ = ["schema_value_problems", "flatten_list", "is_valid", "is_true"]

#: A schema problem and what orders it: ``(0, its JSON path as strings, the keyword's place)``,
#: the order :func:`~bordermap.validate.validate_collection` gives them.
Keyed = tuple[tuple, Problem]

_NOTES = frozenset({"description", "title", "$comment"})


@dataclass(frozen=True)
class _Level:
    """The values at one place of the schema: every event's value of a column, every item of a
    list, every field of those items ... with the row each comes from and its path."""

    values: pa.Array
    rows: np.ndarray  # the batch row of each value
    #: The JSON path below ``properties``: a name, or one list index / map key per value.
    parts: tuple[str | np.ndarray, ...]
    #: A list item or a map value: there, null is a value of the wrong type, not an absent field.
    item: bool

    def below(self, values: pa.Array, parents: np.ndarray, step: np.ndarray) -> "_Level":
        """The items of this level's lists (or maps): ``parents`` the value each comes from,
        ``step`` its index (or key)."""
        parts = tuple(p if isinstance(p, str) else p[parents] for p in self.parts)
        return _Level(values, self.rows[parents], parts + (step,), True)


def flatten_list(values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """A list array's items, the index of the list each comes from and its index in that list
    (null lists have none)."""
    lengths = pc.fill_null(pc.list_value_length(values), 0).to_numpy().astype(np.int64)
    flat = pc.list_flatten(values)
    assert len(flat) == lengths.sum()
    parents = np.repeat(np.arange(len(values), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    return flat, parents, np.arange(len(flat), dtype=np.int64) - starts[parents]


def _map_entries(values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """A map array's values, the map each comes from and its key; of a key given twice in one
    map, the last (what the map is read as: a dict)."""
    typ = values.type
    as_list = values.cast(pa.list_(pa.struct([pa.field("key", typ.key_type, nullable=False),
                                              pa.field("value", typ.item_type)])))
    flat, parents, _ = flatten_list(as_list)
    keys = flat.field("key")
    vocabulary = pc.unique(keys)
    code = parents * (len(vocabulary) + 1) + pc.index_in(keys, value_set=vocabulary).to_numpy()
    _, from_end = np.unique(code[::-1], return_index=True)
    last = np.sort(len(code) - 1 - from_end)
    return (flat.field("value").take(pa.array(last, pa.int64())), parents[last],
            keys.take(pa.array(last, pa.int64())).to_numpy(zero_copy_only=False))


def is_valid(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Where ``values`` are not null, as a numpy mask."""
    return np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def is_true(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Where a boolean Arrow array is true (null: false), as a numpy mask."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _resolve(ref: str) -> dict[str, Any]:
    assert ref.startswith("#/$defs/"), ref
    return load_schema()["$defs"][ref.removeprefix("#/$defs/")]


def _failing(level: _Level, keyword: str, value: Any) -> np.ndarray:
    """Indices of the values of ``level`` that fail ``keyword``."""
    v = level.values
    if keyword == "type":
        # The Arrow type is the schema's; only a null list item or map value can be of another.
        return np.flatnonzero(~is_valid(v)) if level.item else np.zeros(0, np.int64)
    if keyword in ("enum", "const"):
        allowed = pa.array(value if keyword == "enum" else [value], v.type)
        return np.flatnonzero(is_valid(v) & ~is_true(pc.is_in(v, value_set=allowed)))
    if keyword == "pattern":
        if pa.types.is_date32(v.type):
            return np.zeros(0, np.int64)  # written as ISO text; dates outside years 1..9999: core.rules
        # RE2 matches a subset of what Python's re.search does for these patterns ('$' before a
        # final newline, non-ASCII digits): what RE2 refuses, Python decides.
        maybe = np.flatnonzero(is_valid(v) & ~is_true(pc.match_substring_regex(v, value)))
        texts = v.take(pa.array(maybe, pa.int64())).to_pylist()
        return maybe[[re.search(value, t) is None for t in texts]] if len(maybe) else maybe
    if keyword in ("minLength", "maxLength"):
        size = pc.utf8_length(v)
    elif keyword in ("minItems", "maxItems"):
        size = pc.list_value_length(v)
    elif keyword in ("minimum", "maximum"):
        size = v
    else:
        raise TypeError(f"events schema: no columnar rule for keyword {keyword!r}")
    bound = pc.less(size, value) if keyword.startswith("min") else pc.greater(size, value)
    return np.flatnonzero(is_true(bound))


def _walk(level: _Level, node: dict[str, Any],
          seq: Iterator[int]) -> Iterator[tuple[str, Any, _Level, np.ndarray, tuple[int, int]]]:
    """(keyword, value, level, failing indices, place) for every keyword below ``node``; the
    place orders problems at one path as jsonschema finds them (the keywords' order, then the
    order of the ``required`` list)."""
    for keyword, value in node.items():
        if keyword in _NOTES:
            continue
        place = next(seq)
        if keyword == "$ref":
            yield from _walk(level, _resolve(value), seq)
        elif keyword == "properties":
            for name, sub in value.items():
                child = pc.struct_field(level.values, name)  # null where the struct is
                yield from _walk(_Level(child, level.rows, level.parts + (name,), False), sub, seq)
        elif keyword == "items":
            flat, parents, index = flatten_list(level.values)
            yield from _walk(level.below(flat, parents, index), value, seq)
        elif keyword == "additionalProperties":
            if value is False:
                continue  # a struct has only the schema's fields
            items, parents, keys = _map_entries(level.values)
            yield from _walk(level.below(items, parents, keys), value, seq)
        elif keyword == "required":
            present = is_valid(level.values)
            for j, name in enumerate(value):
                missing = present & ~is_valid(pc.struct_field(level.values, name))
                yield keyword, name, level, np.flatnonzero(missing), (place, j)
        else:
            yield keyword, value, level, _failing(level, keyword, value), (place, 0)


def schema_value_problems(batch: pa.RecordBatch, start: int, file: str,
                          fids: Callable[[np.ndarray], list]) -> list[Keyed]:
    """The JSON Schema's problems with the events of ``batch`` (rows ``start``...), keyed.

    ``fids(rows)`` gives the ids of rows (file rows), for the messages."""
    names = [f.name for f in properties_schema()]
    event = pa.StructArray.from_arrays([batch.column(name) for name in names], names=names)
    top = _Level(event, np.arange(batch.num_rows, dtype=np.int64), (), False)
    keyed: list[Keyed] = []
    for keyword, value, level, bad, place in _walk(top, load_schema()["$defs"]["event"], count()):
        if not len(bad):
            continue
        rows = level.rows[bad] + start
        instances = ([None] * len(bad) if keyword in ("type", "required")
                     else level.values.take(pa.array(bad)).to_pylist())
        for i, row, fid, instance in zip(bad.tolist(), rows.tolist(), fids(rows), instances):
            parts = [p if isinstance(p, str) else _plain(p[i]) for p in level.parts]
            key = ("features", str(row), "properties", *(str(p) for p in parts))
            keyed.append(((0, key, place), keyword_problem(keyword, value, instance, file, row, fid, _field_path(parts))))
    return keyed


def _plain(x: Any) -> Any:
    return int(x) if isinstance(x, np.integer) else x
