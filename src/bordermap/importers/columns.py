"""Vectorised reading of an export's text columns into typed values, with a problem per bad cell.

For exports of a million rows: checks run on whole Arrow columns; a message (with the cell's value) is only built for the rows
that fail, and their line numbers are only looked up then. Values that repeat (dates, types,
countries, actor types) are parsed once per distinct value.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.core.columns import properties_schema
from bordermap.errors import Problem
from bordermap.importers.common import (DECIMAL_COMMA_PATTERN, INTEGER_PATTERN, NUL_MESSAGE, NUMBER_PATTERN,
                                        parse_date_text)
from bordermap.importers.source import FIELD_LIMIT, LONG_CELL, TextTable

__all__ = ["Cells", "concat_lists", "struct_list", "one_item_lists", "split_names", "join_text",
           "null_if_empty", "truncate", "original_cells", "slug_ids", "model_table", "EPOCH"]

#: Day 0 of the day numbers the columns hold (Arrow's ``date32``).
EPOCH = date(1970, 1, 1).toordinal()


class Cells:
    """The columns of a :class:`TextTable`, trimmed; checks record problems by row index."""

    def __init__(self, source: TextTable, id_column: str):
        self.source = source
        self.n = source.table.num_rows
        self._cols: dict[str, pa.Array] = {}
        self._bad: list[tuple[np.ndarray, str, Callable[[int], str], str]] = []
        self.id_column = id_column
        #: rows with an error, as a boolean mask
        self.bad = np.zeros(self.n, dtype=bool)

    # --- access ------------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self.source.table.column_names

    def text(self, name: str) -> pa.Array:
        """The column, whitespace trimmed; empty strings when the file has no such column."""
        if name not in self._cols:
            self._cols[name] = pc.utf8_trim_whitespace(self.raw(name)) if self.has(name) else self.raw(name)
        return self._cols[name]

    def raw(self, name: str) -> pa.Array:
        """The column exactly as the file has it (for ``original``), in one chunk (combined once:
        a million-row column is read in many blocks)."""
        key = "\0raw " + name
        if key not in self._cols:
            if not self.has(name):
                self._cols[key] = pa.repeat(pa.scalar("", pa.string()), self.n)
            else:
                self._cols[key] = self.source.table[name].combine_chunks() if self.n else pa.array([], pa.string())
        return self._cols[key]

    def empty(self, name: str) -> np.ndarray:
        return np.asarray(pc.equal(self.text(name), ""), dtype=bool)

    # --- problems ----------------------------------------------------------------------------
    def problem(self, mask: np.ndarray, column: str, message: Callable[[int], str], severity: str = "error") -> None:
        """Rows where ``mask`` holds have a problem in ``column``; ``message(row)`` words it."""
        if mask.any():
            self._bad.append((np.flatnonzero(mask), column, message, severity))
            if severity == "error":
                self.bad |= mask

    def value(self, name: str, row: int, limit: int = 40) -> str:
        return repr(self.text(name)[row].as_py()[:limit])

    def problems(self, file: str) -> list[Problem]:
        """Every problem found, in line order, with each row's line and id."""
        items: list[tuple[int, str, str, str]] = []
        for rows, column, message, severity in self._bad:
            for r in rows:
                items.append((int(r), column, message(int(r)), severity))
        if not items:
            return []
        rows = sorted({r for r, *_ in items})
        lines = dict(zip(rows, self.source.lines(rows)))
        ids = self.text(self.id_column)
        out = [Problem(file, lines[r], ids[r].as_py() or None, column, msg, sev, self.source.item)
               for r, column, msg, sev in items]
        return sorted(out, key=lambda p: (p.feature_index, p.field))

    def check_cells(self) -> None:
        """A problem for every cell holding a NUL (looked for only when the file has one) or longer
        than :data:`~bordermap.importers.source.FIELD_LIMIT` (as the row-by-row reader says)."""
        for name in self.source.table.column_names:
            raw = self.raw(name)
            if self.source.may_hold_nul:
                found = np.asarray(pc.fill_null(pc.match_substring(raw, "\x00"), False), dtype=bool)
                self.problem(found, name, lambda r: NUL_MESSAGE)
            if len(raw) and pc.max(pc.binary_length(raw)).as_py() > FIELD_LIMIT:  # bytes >= characters
                long = np.asarray(pc.fill_null(pc.greater(pc.utf8_length(raw), FIELD_LIMIT), False), dtype=bool)
                self.problem(long, name, lambda r: LONG_CELL)

    # --- typed values ------------------------------------------------------------------------
    def required(self, name: str) -> None:
        self.problem(self.empty(name), name, lambda r: "is empty; a value is required")

    def integers(self, name: str, *, allowed: Sequence[int] | None = None, low: int | None = None,
                 required: bool = True, where: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(values, present): whole numbers; bad cells are problems (and not present). With
        ``where``, only the cells of those rows are checked (a column read only when others hold)."""
        col = self.text(name)
        empty = self.empty(name)
        ok = np.asarray(pc.fill_null(pc.match_substring_regex(col, INTEGER_PATTERN), False), dtype=bool)
        # Arrow's cast takes neither a plus sign nor a spreadsheet's "3.0"
        clean = pc.replace_substring_regex(pc.if_else(pa.array(ok), col, "0"), r"^\+|\.0+$", "")
        values = np.asarray(pc.cast(clean, pa.int64()), dtype=np.int64)
        checked = np.ones(self.n, dtype=bool) if where is None else where
        ok = ok & checked
        empty = empty & checked
        if required:
            self.problem(empty, name, lambda r: "is empty; expected a whole number")
        self.problem(~ok & ~empty & checked, name, lambda r: f"{self.value(name, r)} is not a whole number")
        present = ok.copy()
        if allowed is not None:
            out = ok & ~np.isin(values, list(allowed))
            self.problem(out, name, lambda r: f"{values[r]} is not one of {', '.join(map(str, allowed))}")
            present &= ~out
        if low is not None:
            out = ok & (values < low)
            self.problem(out, name, lambda r: f"{values[r]} is out of range; expected at least {low}")
            present &= ~out
        return values, present

    def floats(self, name: str, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
        col = self.text(name)
        empty = self.empty(name)
        comma = pc.fill_null(pc.match_substring_regex(col, DECIMAL_COMMA_PATTERN), False)
        number = pc.if_else(comma, pc.replace_substring(col, ",", "."), col)
        ok = np.asarray(pc.fill_null(pc.match_substring_regex(number, NUMBER_PATTERN), False), dtype=bool)
        values = np.asarray(pc.cast(pc.if_else(pa.array(ok), number, "0"), pa.float64()), dtype=np.float64)
        self.problem(empty, name, lambda r: "is empty; expected a number")
        self.problem(~ok & ~empty, name, lambda r: f"{self.value(name, r)} is not a number")
        out = ok & ~((values >= low) & (values <= high))
        self.problem(out, name, lambda r: f"{self.text(name)[r].as_py()[:40]} is out of range; expected "
                                          f"{low:g} to {high:g}")
        return values, ok & ~out

    def dates(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(days since 1970-01-01, present): a required date column in any form
        :func:`~bordermap.importers.common.parse_date_text` reads; bad cells are problems."""
        idx, days = self.mapped(self.text(name), parse_date_text)
        ok = np.array([d is not None for d in days], dtype=bool)[idx]
        ordinals = np.array([(d.toordinal() - EPOCH) if d is not None else 0 for d in days],
                            dtype=np.int64)[idx] if days else np.zeros(self.n, dtype=np.int64)
        empty = self.empty(name)
        self.problem(empty, name, lambda r: "is empty; expected a date such as 2012-07-24 or 24 July 2012")
        self.problem(~ok & ~empty, name,
                     lambda r: f"{self.value(name, r)} is not a date; expected e.g. 2012-07-24 or 24 July 2012")
        return ordinals, ok

    def by_value(self, key: pa.Array, parse: Callable[[str], Any]) -> list[Any]:
        """``parse`` applied once per distinct value of ``key``; the result for every row."""
        uniq = pc.unique(key)
        results = [parse(v) for v in uniq.to_pylist()]
        idx = np.asarray(pc.index_in(key, value_set=uniq), dtype=np.int64)
        return [results[i] for i in idx] if len(results) > 1 else results * self.n

    def mapped(self, key: pa.Array, parse: Callable[[str], Any]) -> tuple[np.ndarray, list[Any]]:
        """(index into ``results`` per row, results): the cheap form of :meth:`by_value`."""
        uniq = pc.unique(key)
        results = [parse(v) for v in uniq.to_pylist()]
        idx = np.asarray(pc.index_in(key, value_set=uniq), dtype=np.int64)
        return idx, results


# --- building Arrow columns ---------------------------------------------------------------------


def null_if_empty(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def join_text(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and constants."""
    return pc.binary_join_element_wise(*parts, "")


def truncate(values: pa.Array, limit: int) -> pa.Array:
    """Text longer than ``limit`` characters cut to ``limit - 1`` and an ellipsis."""
    long = pc.greater(pc.utf8_length(values), limit)
    cut = join_text(pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(values, 0, limit - 1)), "…")
    return pc.if_else(long, cut, values)


def split_names(values: pa.Array) -> pa.ListArray:
    """``a; b;c`` -> ``[a, b, c]`` per row, blanks dropped (repeats kept; see the caller)."""
    parts = pc.split_pattern_regex(values, r"\s*;\s*")
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    keep = np.asarray(pc.not_equal(flat, ""), dtype=bool)
    parent = np.asarray(pc.list_parent_indices(parts), dtype=np.int64)
    counts = np.bincount(parent[keep], minlength=len(values))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pc.filter(flat, pa.array(keep)))


def one_item_lists(values: pa.Array, present: np.ndarray) -> pa.ListArray:
    """A list of one value where ``present``, else an empty list."""
    offsets = np.concatenate([[0], np.cumsum(present.astype(np.int32))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values.filter(pa.array(present)))


def concat_lists(parts: Sequence[pa.ListArray]) -> pa.ListArray:
    """Row by row concatenation of list arrays of one length and value type."""
    n = len(parts[0])
    lengths = [np.diff(np.asarray(p.offsets, dtype=np.int64)) for p in parts]
    total = np.sum(lengths, axis=0)
    offsets = np.concatenate([[0], np.cumsum(total)]).astype(np.int64)
    dest_parts = []
    before = np.zeros(n, dtype=np.int64)
    for p, ln in zip(parts, lengths):
        off = np.asarray(p.offsets, dtype=np.int64)
        parent = np.repeat(np.arange(n), ln)
        within = np.arange(len(parent)) - off[:-1][parent] + off[0]
        dest_parts.append(offsets[:-1][parent] + before[parent] + within)
        before += ln
    dest = np.concatenate(dest_parts) if dest_parts else np.zeros(0, dtype=np.int64)
    values = pa.concat_arrays([p.flatten() for p in parts])
    order = np.empty_like(dest)
    order[dest] = np.arange(len(dest))
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values.take(pa.array(order)))


def struct_list(lists_type: pa.DataType, items: dict[str, pa.Array], offsets: np.ndarray) -> pa.ListArray:
    """A list<struct> column of ``lists_type`` from flat field arrays (absent fields null) and
    the lists' offsets."""
    struct_type = lists_type.value_type
    m = len(next(iter(items.values()))) if items else 0
    fields = []
    for f in struct_type:
        if f.name in items:
            arr = items[f.name]
            fields.append(arr if arr.type.equals(f.type) else arr.cast(f.type))
        else:
            fields.append(pa.nulls(m, f.type))
    values = pa.StructArray.from_arrays(fields, fields=list(struct_type))
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values)


def original_cells(cells: Cells, header: list[str]) -> pa.MapArray:
    """Every non-empty cell of every record, row by row, as a map column -> text (an empty cell
    says nothing the header does not; the dataset block names the layout)."""
    n, k = cells.n, len(header)
    if not k or not n:
        return pa.MapArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()),
                                       pa.array([], pa.string()))
    columns = [cells.raw(h).cast(pa.string()) for h in header]
    filled = np.stack([np.asarray(pc.not_equal(c, ""), dtype=bool) for c in columns], axis=1)  # n x k
    values = pa.concat_arrays(columns)  # column-major
    rows, cols = np.nonzero(filled)  # row-major order of the kept cells
    items = values.take(pa.array(cols.astype(np.int64) * n + rows))
    keys = pa.array(header, pa.string()).take(pa.array(cols.astype(np.int32)))
    offsets = np.concatenate([[0], np.cumsum(filled.sum(axis=1))]).astype(np.int32)
    return pa.MapArray.from_arrays(pa.array(offsets), keys, items)


def slug_ids(prefix: str, raw: pa.Array) -> pa.Array:
    """:func:`~bordermap.importers.common.slug_id` of every cell (the same for ASCII ids)."""
    return pc.binary_join_element_wise(prefix, pc.utf8_trim(
        pc.replace_substring_regex(pc.utf8_lower(raw), r"[^a-z0-9]+", "-"), "-"), "-")


def model_table(columns: dict[str, Any], lon: np.ndarray, lat: np.ndarray) -> pa.Table:
    """The model's columns (fields not in ``columns`` null) with Point geometries at ``lon``, ``lat``."""
    n = len(lon)
    schema = properties_schema()
    out = [columns[f.name] if f.name in columns else pa.nulls(n, f.type) for f in schema]
    out = [c if c.type.equals(f.type) else c.cast(f.type) for c, f in zip(out, schema)]
    out += [point_wkb(lon, lat), pa.nulls(n, pa.string())]
    return pa.table(out, names=[f.name for f in schema] + ["geometry", "feature_id"])


_POINT_WKB = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def point_wkb(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    """Points as ISO WKB (little-endian, type 1, x then y), built as bytes: what
    ``shapely.to_wkb(shapely.points(lon, lat))`` gives, without a million geometry objects."""
    n = len(lon)
    rec = np.empty(n, dtype=_POINT_WKB)
    rec["order"], rec["type"], rec["x"], rec["y"] = 1, 1, lon, lat
    data = pa.py_buffer(rec.tobytes())
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * _POINT_WKB.itemsize).tobytes())
    return pa.Array.from_buffers(pa.binary(), n, [None, offsets, data])
