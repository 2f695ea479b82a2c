"""Reading an export: CSV (any of the layouts, as Arrow text columns: :func:`read_text_table`)
or JSON (:func:`read_records`, one object a record), with the line or number of each record,
and saying what a wrong file looks like.

What is refused before any row is read, each with one sentence (:class:`WrongFileError`): an
empty file, an Excel workbook (xlsx or xls), a zip or gzip archive, a Parquet file, an HTML page
(an error or sign-in page saved as ``.csv``), a file that is not UTF-8 text. The size limit is
the one every reader has (:func:`bordermap.io.files.max_input_bytes`); a named pipe or a device
is refused as for events files.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    import pyarrow as pa

from bordermap.errors import BordermapError, UnreadableFileError
from bordermap.io.files import max_input_bytes
from bordermap.textsafe import terminal_safe

__all__ = ["Records", "WrongFileError", "read_records", "sniff", "file_sha256"]

#: Longest CSV cell read (csv's default limit is 128 kB; ACLED notes are far shorter, but a
#: source list can be long). Longer cells are a problem of that line, not a crash.
FIELD_LIMIT = 1 << 20
#: What a record with a longer cell is told.
LONG_CELL = f"is longer than {FIELD_LIMIT:,} characters, the most a cell can hold"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive, not CSV; open it and save it "
                    "as 'CSV UTF-8', or unzip it first"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls), not CSV; open it and save it as 'CSV UTF-8'"),
    (b"\x1f\x8b", "a gzip archive, not CSV; unpack it first (gunzip)"),
    (b"PAR1", "a Parquet file, not CSV; import the CSV export, or open it with `bordermap app` if it "
              "is a bordermap events file"),
    (b"%PDF", "a PDF document, not CSV"),
)


class WrongFileError(BordermapError):
    """The input is not the kind of file the importer reads; one sentence saying what it looks like."""

    def __init__(self, path: str, looks_like: str):
        self.path = path
        super().__init__(f"{terminal_safe(path)}: this looks like {terminal_safe(looks_like)}")


@dataclass
class Records:
    """A JSON export's records: ``rows`` yields ``(number, cells)``, the cells keyed by the
    normalised (stripped, lower-case) key, as text; what makes a record unreadable is a message
    under the key ``"\0"``."""

    path: str
    #: ``json``
    format: str
    #: the keys of the first record, as the file has them
    header: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    #: what to call a record's position in messages
    item: str = "record"


def file_sha256(path: str | os.PathLike) -> str:
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_file(path: Path) -> int:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFileError(str(path), "no such file") from None
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableFileError(str(path), "is a folder; give the export file")
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFileError(str(path), "is not a regular file (a named pipe or a device); "
                                             "save the export to a file first")
    limit = max_input_bytes(path)
    if st.st_size > limit:
        raise UnreadableFileError(str(path), f"is {st.st_size:,} bytes, over the {limit:,}-byte limit "
                                             "(set BORDERMAP_MAX_INPUT_BYTES to read larger files)")
    return st.st_size


def sniff(path: str | os.PathLike, head: bytes) -> str:
    """``csv`` or ``json`` for a text file; raises :class:`WrongFileError` for anything else."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise WrongFileError(str(path), what)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text:
        raise WrongFileError(str(path), "an empty file (no header, no rows)")
    if b"\x00" in head[:4096] and _binary(head[:4096]):
        what = ("UTF-16 text; save it as UTF-8" if head[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16(head[:4096])
                else "a binary file, not CSV text")
        raise WrongFileError(str(path), what)
    lower = text[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
            lower.startswith(b"<") and b"<html" in text[:4096].lower()):
        raise WrongFileError(str(path), "an HTML page (perhaps an error or sign-in page saved under "
                                        "this name), not an export; download the data again")
    if lower.startswith(b"<?xml") or lower.startswith(b"<kml"):
        raise WrongFileError(str(path), "an XML or KML file, not CSV; use the CSV export")
    if text[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _utf16(head: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: every other byte a zero (and not the others)."""
    even, odd, half = head[0::2].count(0), head[1::2].count(0), len(head) // 2
    return max(even, odd) > half // 2 and min(even, odd) < half // 8


def _binary(head: bytes) -> bool:
    """Whether the first bytes, holding a NUL, are of a binary file rather than of text with a
    stray zero byte (reported then as a problem of its line and column)."""
    if head.count(0) > max(2, len(head) // 64) or _utf16(head):
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is fine
    except UnicodeDecodeError:
        return True
    return False


def _check_utf8(path: Path) -> tuple[bool, str]:
    """Raise the error naming the line of the first byte that is not UTF-8, if there is one, before
    Arrow's reader meets it (it would fail far from the byte, or inside a callback); return
    whether the file holds a NUL byte, and its SHA-256 (one pass over the file for both). A block
    of plain ASCII, as most of an export is, is valid without decoding it."""
    import hashlib

    decoder = codecs.getincrementaldecoder("utf-8")()
    digest = hashlib.sha256()
    nul = False
    with open(path, "rb") as fh:
        try:
            while block := fh.read(1 << 24):
                digest.update(block)
                if not (block.isascii() and not decoder.getstate()[0]):
                    decoder.decode(block)
                nul = nul or b"\x00" in block
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _first_bad_byte(path) from None
    return nul, digest.hexdigest()


def _column_names(path: Path, header: list[str]) -> list[str]:
    """The header's names normalised (stripped, lower case); a name twice, or a name holding a
    NUL, is refused: which of two cells is the column's value cannot be told."""
    names = [h.strip().lower() for h in header]
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if "\x00" in name:
            raise UnreadableFileError(str(path), f"line 1: column {i} of the header holds a NUL character (a zero "
                                                 "byte); the file may be damaged: download it again")
        if "\n" in name or "\r" in name:
            raise UnreadableFileError(str(path), f"line 1: column {i} of the header, {header[i - 1][:40]!r}, holds a "
                                                 "line break; a column name is one line: fix the header")
        if name in seen:
            raise UnreadableFileError(str(path), f"line 1: the column {name!r} appears twice in the header "
                                                 f"(columns {seen[name]} and {i}); which one holds the value "
                                                 "cannot be told: remove or rename one")
        seen[name] = i
    return names


def _decode_error(path: str, data: bytes, exc: UnicodeDecodeError) -> UnreadableFileError:
    line = data.count(b"\n", 0, exc.start) + 1
    return UnreadableFileError(path, f"line {line}: byte 0x{data[exc.start]:02x} is not UTF-8; save the "
                                     "file as UTF-8 (in Excel: 'CSV UTF-8')")


def _first_bad_byte(path: Path) -> UnreadableFileError:
    """The error for a CSV that stops being UTF-8 part-way (found while streaming it)."""
    data = path.read_bytes()
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        exc.start += bom  # offsets count from after the byte-order mark
        return _decode_error(str(path), data, exc)
    return UnreadableFileError(str(path), "is not UTF-8 text")


def read_records(path: str | os.PathLike, *,
                 json_records: Callable[[Any], list[Any] | None] | None = None) -> Records:
    """Open a JSON export and return its records, one object each (CSV is read as columns, by
    :func:`read_text_table`).

    Parameters
    ----------
    json_records
        Takes a parsed JSON document and returns its list of record objects, or None when the
        document is not one the importer knows.
    """
    p = Path(path)
    _check_file(p)
    with open(p, "rb") as fh:
        data = fh.read()
    if sniff(p, data[:8192]) != "json":
        raise WrongFileError(str(p), "CSV, not JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _first_bad_byte(p) from None
    return _json_records(str(p), text, json_records)


def _json_records(path: str, text: str, json_records) -> Records:
    duplicated: dict[int, str] = {}  # id() of an object -> a key it has twice

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) < len(items):
            seen: set[str] = set()
            duplicated[id(obj)] = next(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return obj

    try:
        doc = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(path, f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from None
    except (RecursionError, ValueError):  # nested too deeply; an integer too long to convert
        from bordermap.io.files import read_json

        read_json(path)  # words it, with the line and column
        raise UnreadableFileError(path, "is not JSON that can be read") from None
    records = json_records(doc) if json_records else None
    if records is None:
        keys = ", ".join(sorted(doc)[:8]) if isinstance(doc, dict) else type(doc).__name__
        raise WrongFileError(path, f"JSON that is not an export this importer reads (top level: {keys})")
    header: list[str] = list(next((r for r in records if isinstance(r, dict)), {}))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for n, rec in enumerate(records, start=1):
            if not isinstance(rec, dict):
                yield n, {"\0": f"is a JSON {_json_type(rec)}, not an object"}
                continue
            yield n, _json_cells(rec, duplicated.get(id(rec)))

    return Records(path, "json", header, rows(), item="record")


def _json_type(value: Any) -> str:
    return {str: "string", int: "number", float: "number", bool: "boolean", list: "array",
            type(None): "null"}.get(type(value), type(value).__name__)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_cells(rec: dict[str, Any], duplicated: str | None) -> dict[str, str]:
    """One JSON record as cells; what makes it unreadable is a message under the key ``"\0"``."""
    cells: dict[str, str] = {}
    faults: list[str] = []
    if duplicated is not None:
        faults.append(f"the key {duplicated!r} appears twice; which value holds cannot be told")
    for key, value in rec.items():
        name = str(key).strip().lower()
        if name in cells:
            faults.append(f"the keys {name!r} and {key!r} are one column; which value holds cannot be told")
            continue
        try:
            text = _json_text(value)
        except (RecursionError, ValueError):
            faults.append(f"the value of {key!r} is nested too deeply")
            continue
        if _SURROGATE.search(key + text):
            faults.append(f"{key!r} holds an escape such as \\ud800 that is half of a UTF-16 surrogate pair, "
                          "not a character")
            continue
        if "\x00" in name:
            faults.append(f"the key {key!r} holds a NUL character")
            continue
        if len(text) > FIELD_LIMIT:
            faults.append(f"the value of {key!r} {LONG_CELL}")
            continue
        cells[name] = text
    if faults:
        return {"\0": "; ".join(faults)}
    return cells


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _delimiter(first_line: str) -> str:
    """``,``; or ``;`` (a spreadsheet in a locale that writes decimal commas) or a tab, when the
    header has more of those than commas."""
    for other in (";", "\t"):
        if first_line.count(other) > first_line.count(",") and first_line.count(other) >= 3:
            return other
    return ","


# --- the columnar path: a whole export as an Arrow table of text -----------------------------------


@dataclass
class TextTable:
    """An export as an Arrow table of text columns (names lower-cased and stripped), for the
    vectorised importers, with what is needed to name a record's line in a message."""

    path: str
    format: str
    header: list[str]
    table: "pa.Table"
    item: str = "line"
    headerless: bool = False
    #: records the parser could not read: ``(line, message)``
    bad_records: list[tuple[int, str]] = field(default_factory=list)
    #: whether a cell may hold a NUL (false when the file has no zero byte at all)
    may_hold_nul: bool = True
    _lines: list[int] | None = None
    #: the file's SHA-256 when the reader computed it on its way
    sha256: str = ""

    def lines(self, rows) -> list[int]:
        """The line (CSV; a record's first line) or record number (JSON) of each row index."""
        if self.format != "csv" and self._lines is None:
            return [int(r) + 1 for r in rows]
        if self._lines is None:
            self._lines, self.bad_records = _scan_lines(Path(self.path), self._delimiter, len(self.header),
                                                        self.headerless)
        return [self._lines[int(r)] for r in rows]

    _delimiter: str = ","


def _scan_lines(path: Path, delimiter: str, width: int, headerless: bool) -> tuple[list[int], list[tuple[int, str]]]:
    """Python's csv over the file once: the first line of every record the Arrow reader kept, and
    the records it skipped (wrong number of cells) with their lines."""
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    # Arrow kept records with cells of any length (a long one is a problem of its cell, see
    # Cells.check_cells): this scan must see them all to count the lines
    csv.field_size_limit(max(FIELD_LIMIT, path.stat().st_size + 1))
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter, strict=False)
            if not headerless:
                next(reader, None)
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not cells or (len(cells) == 1 and not cells[0].strip() and width > 1):
                    continue
                if len(cells) != width:
                    what = "a comma or quote out of place" if len(cells) > width else "the line is cut short"
                    bad.append((line, f"has {len(cells)} cells, the header {width}: {what}"))
                    continue
                lines.append(line)
    finally:
        csv.field_size_limit(FIELD_LIMIT)
    return lines, bad


def read_text_table(path: str | os.PathLike, *, default_header: tuple[str, ...] | None = None,
                    is_header: Callable[[list[str]], bool] | None = None,
                    json_records: Callable[[Any], list[Any] | None] | None = None) -> TextTable:
    """Open an export as a :class:`TextTable` (Arrow's multi-threaded CSV reader; JSON through
    Python). Wrong files are refused as by :func:`read_records`."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    p = Path(path)
    _check_file(p)
    with open(p, "rb") as fh:
        head = fh.read(8192)
    kind = sniff(p, head)
    if kind == "json":
        records = read_records(p, json_records=json_records)
        rows, numbers, bad = [], [], []
        for n, cells in records.rows:
            if "\0" in cells:  # not a record: not in the table, a problem of its number
                bad.append((n, cells["\0"]))
            else:
                rows.append(cells)
                numbers.append(n)
        # every key of every record (they need not all have the same), first seen first
        names = list(dict.fromkeys(k for r in rows for k in r))
        table = pa.table({k: pa.array([r.get(k, "") for r in rows], pa.string()) for k in names}) if names \
            else pa.table({})
        return TextTable(str(p), "json", names or records.header, table, item="record", bad_records=bad,
                         _lines=numbers)
    nul, sha256 = _check_utf8(p)
    csv.field_size_limit(FIELD_LIMIT)
    with open(p, encoding="utf-8-sig", newline="") as fh:
        delimiter = _delimiter(fh.readline())
        fh.seek(0)
        try:
            first = next(csv.reader(fh, delimiter=delimiter, strict=False))
        except StopIteration:
            raise WrongFileError(str(p), "an empty file (no header, no rows)") from None
        except csv.Error as exc:
            raise UnreadableFileError(str(p), f"line 1: not CSV ({exc})") from None
        only_header = not fh.read(1 << 16).strip()
    headerless = bool(is_header is not None and not is_header(first) and default_header is not None
                      and len(first) == len(default_header))
    header = list(default_header) if headerless else first
    names = _column_names(p, header)
    if only_header and not headerless:  # Arrow refuses to skip the header of a file that has nothing else
        table = pa.table({n: pa.array([], pa.string()) for n in names})
        return TextTable(str(p), "csv", header, table, item="line", may_hold_nul=nul, _lines=[], sha256=sha256)
    skipped = [0]

    def on_invalid(row) -> str:
        skipped[0] += 1
        return "skip"

    try:
        table = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=0 if headerless else 1,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise _first_bad_byte(p) from None
        raise UnreadableFileError(str(p), f"not readable as CSV ({str(exc).splitlines()[0][:160]})") from None
    out = TextTable(str(p), "csv", header, table, item="line", headerless=headerless, may_hold_nul=nul,
                    sha256=sha256)
    out._delimiter = delimiter
    if skipped[0]:
        out.lines([])  # the scan finds the skipped records and their lines
    return out


__all__ += ["TextTable", "read_text_table"]
