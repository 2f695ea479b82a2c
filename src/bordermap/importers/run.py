"""``bordermap import {acled,ucdp} INPUT -o OUTPUT``: read an export, map every record, write the
events (GeoJSON or GeoParquet), or update an earlier import.

All or nothing by default: if any record has an error, every problem is reported (file, line,
column, what was expected) and nothing is written. With ``skip_invalid`` the good records are
written and the bad ones reported. The same input gives the same bytes. An update keeps each
event whose source record did not change exactly as it is in OUTPUT (with any edit made there),
replaces the ones whose record changed, adds the new ones and drops (and names) the ones the
export no longer has; events that did not come from this dataset are kept as they are, and so is
an event whose record is invalid in the new export (with ``skip_invalid``: the record is still
there, so its event is not dropped). OUTPUT must be a valid events file, and not an import of the
other dataset (one file has one dataset block, with that dataset's citation and terms).

An export with no records (only a header, or an empty JSON list) is refused with a sentence
rather than written as an empty events file: it is what an export whose filters match nothing
looks like, and as an update it would drop every event imported before.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.errors import DataFileError, Problem, UnreadableFileError, UnwritableFileError
from bordermap.importers import acled, ucdp
from bordermap.importers.source import WrongFileError, file_sha256, read_text_table
from bordermap.io.files import FileExistsRefusal, check_destination, max_input_bytes, read_json, write_bytes_atomic
from bordermap.io.geoparquet import is_parquet, parquet_bytes, read_events_parquet_meta
from bordermap.textsafe import terminal_safe

__all__ = ["ImportReport", "import_file", "map_file", "map_checked", "merge_update", "KINDS", "SOURCES", "collection_bytes", "OUTPUT_SUFFIXES", "Mapped",
           "NoRecordsError", "UpdateRefusal"]

Progress = Callable[[float, str], None]

#: ``bordermap import`` sources: name -> (module, dataset block).
SOURCES = {"acled": acled, "ucdp": ucdp}
#: The dataset block kinds an import of each source writes (``--update`` adds only to these).
KINDS = {"acled": {acled.DATASET["kind"]}, "ucdp": {ucdp.DATASET["kind"], ucdp.CANDIDATE["kind"]}}


class NoRecordsError(WrongFileError):
    """The export has a header (or an empty JSON list) but no record."""

    def __init__(self, path: str, fmt: str):
        what = ("an export with no records (a header and nothing else)" if fmt == "csv"
                else "an export with no records (an empty list)")
        super().__init__(path, f"{what}; there is nothing to import and nothing was written (an export "
                               "whose filters match no event looks like this)")


class UpdateRefusal(UnwritableFileError):
    """OUTPUT cannot be updated: not an events file, not valid, or an import of another dataset."""

    def __init__(self, path: str, reason: str):
        super().__init__(path, f"{reason}; nothing was written")


@dataclass
class Mapped:
    """An export read and mapped."""

    #: model columns of the valid records, in file order
    model: pa.Table
    #: every error and warning of every record
    problems: list[Problem]
    dataset: dict[str, Any]
    #: records read
    records: int
    #: ``csv`` or ``json``
    format: str
    #: model ids of the records with errors (an update keeps their earlier events)
    invalid_ids: set[str] = field(default_factory=set)
OUTPUT_SUFFIXES = (".geojson", ".json", ".parquet", ".geoparquet")


@dataclass
class ImportReport:
    """What an import did; ``summary()`` is the line the CLI prints."""

    #: the file written, or the store's dataset (``URL (dataset NAME)``)
    output: Path | str
    records: int
    written: int
    skipped: int = 0
    added: int = 0
    changed: int = 0
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_other: int = 0
    #: events kept as they were because their record is invalid in this export (``skip_invalid``)
    kept_invalid: int = 0
    warnings: list[Problem] = field(default_factory=list)
    skipped_problems: list[Problem] = field(default_factory=list)
    update: bool = False
    #: events replaced by a changed record although they had been edited since their import
    replaced_edits: list[str] = field(default_factory=list)
    kind: str = "acled"

    def summary(self) -> str:
        if self.update:
            text = (f"{self.output}: {self.added:,} added, {self.changed:,} changed, {len(self.removed):,} removed, "
                    f"{self.unchanged:,} unchanged")
            if self.kept_other:
                text += f"; {self.kept_other:,} events from elsewhere kept"
            if self.kept_invalid:
                text += f"; {self.kept_invalid:,} kept as they were (their record is invalid in this export)"
        else:
            text = f"{self.output}: {self.written:,} events from {self.records:,} records"
        if self.skipped:
            text += f"; {self.skipped:,} invalid records skipped"
        return text


def _quiet(fraction: float, message: str) -> None:
    return None


def _check_header(kind: str, path: Path, header: list[str], module, fmt: str) -> None:
    names = {h.strip().lower() for h in header}
    problem = module.header_problem(names, fmt)
    if problem:
        raise WrongFileError(str(path), problem)


def _dataset_block(kind: str, module, path: Path, fmt: str, header: list[str], headerless: bool,
                   candidate: bool, sha256: str = "") -> dict[str, Any]:
    block = dict(module.CANDIDATE if candidate else module.DATASET)
    block["imported_from"] = path.name
    block["imported_sha256"] = sha256 or file_sha256(path)
    if kind == "acled":
        layout = acled.layout_of(header) if fmt == "csv" else "ACLED API JSON"
    else:
        layout = ("UCDP GED CSV" if fmt == "csv" else "UCDP API JSON") + (" (no header row)" if headerless else "")
    block["layout"] = layout
    return block


def _is_candidate(path: Path, names: set[str]) -> bool:
    return "candidate" in path.name.lower() or ("code_status" in names and "active_year" not in names)


def _map_export(kind: str, path: Path, progress: Progress) -> Mapped:
    module = SOURCES[kind]
    source = read_text_table(path, is_header=module.looks_like_header, json_records=module.json_records,
                             default_header=ucdp.COLUMNS if kind == "ucdp" else None)  # Candidate files without one
    if source.header or source.format == "csv":
        _check_header(kind, path, source.header, module, source.format)
    candidate = kind == "ucdp" and _is_candidate(path, {h.strip().lower() for h in source.header})
    progress(0.3, f"Mapping {source.table.num_rows:,} records")
    model, cells = ucdp.map_export(source, candidate=candidate) if kind == "ucdp" else acled.map_export(source)
    problems = cells.problems(str(path))
    for line, message in source.bad_records:
        problems.append(Problem(str(path), line, None, "", message, "error", source.item))
    keep = ~cells.bad
    invalid: set[str] = set()
    if cells.bad.any():
        invalid = set(model["id"].filter(pa.array(cells.bad)).to_pylist())
        model = model.filter(pa.array(keep))
    kept_rows = np.flatnonzero(keep)
    dup_problems, repeats = _duplicates(path, model["id"], kept_rows, cells.text(cells.id_column), cells.id_column,
                                        source)
    problems += dup_problems
    if len(repeats):  # the first record with an id is kept (with --skip-invalid)
        model = model.filter(pa.array(~np.isin(np.arange(model.num_rows), repeats)))
    block = _dataset_block(kind, module, path, source.format, source.header, source.headerless, candidate,
                           source.sha256)
    return Mapped(model, problems, block, source.table.num_rows + len(source.bad_records), source.format, invalid)


def _duplicates(path: Path, ids: pa.ChunkedArray, rows: np.ndarray, raw_ids, column: str,
                source) -> tuple[list[Problem], np.ndarray]:
    """Problems for records whose id an earlier record has, and their positions in ``ids``.
    ``rows`` maps those positions to the export's record numbers (for the lines)."""
    values = np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object)
    none = np.zeros(0, dtype=np.int64)
    if len(values) == 0:
        return [], none
    _, first_of, group = np.unique(values, return_index=True, return_inverse=True)
    first = first_of[group.ravel()]
    repeat = np.flatnonzero(first != np.arange(len(values)))
    if not len(repeat):
        return [], none
    lines = source.lines(list(rows[repeat]) + list(rows[first[repeat]]))
    k = len(repeat)
    return [Problem(str(path), lines[i], raw_ids[int(rows[repeat[i]])].as_py(), column,
                    f"the same event id as {source.item} {lines[k + i]}; ids must be unique", "error", source.item)
            for i in range(k)], repeat


def map_file(kind: str, path: Path, *, progress: Progress | None = None) -> Mapped:
    """Read and map an export (see :class:`Mapped`); raises :class:`NoRecordsError` when it
    has no record."""
    progress = progress or _quiet
    progress(0.0, f"Reading {path.name}")
    try:
        mapped = _map_export(kind, path, progress)
    except OSError as exc:  # opened after the checks: a file without read permission, a disk error
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    if mapped.records == 0:
        raise NoRecordsError(str(path), mapped.format)
    mapped.problems.sort(key=lambda p: (p.feature_index or 0, p.field))
    return mapped


def collection_bytes(features, dataset: dict[str, Any] | None, name: str,
                     article: dict[str, Any] | None = None) -> bytes:
    """A FeatureCollection as GeoJSON text, one feature a line (diffs stay readable), the same
    bytes for the same events."""
    head: dict[str, Any] = {"type": "FeatureCollection", "name": name}
    if article:
        head["article"] = article
    if dataset:
        head["dataset"] = dataset
    first = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": ['
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    return (first + ("\n" + body + "\n" if body else "") + "]}\n").encode("utf-8")


def _regular_file(path: Path) -> None:
    """Refuse an OUTPUT to update that is not a regular file (a named pipe would block Parquet's
    reader for ever) or is over the size limit, before opening it."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise UpdateRefusal(str(path), "it is not a regular file (a named pipe or a device), so it cannot be updated")
    limit = max_input_bytes(path)
    if st.st_size > limit:
        raise UnreadableFileError(str(path), f"is {st.st_size:,} bytes; the most bordermap reads is {limit:,} bytes "
                                             "(set BORDERMAP_MAX_INPUT_BYTES to change it)")


def _existing(kind: str, path: Path) -> tuple[pa.Table, dict[str, Any] | None, dict[str, Any] | None]:
    """The model columns, dataset and article blocks of an earlier import at ``path``; raises
    :class:`UpdateRefusal` when it is not one that an import of ``kind`` can update."""
    from bordermap.core.table import model_columns
    from bordermap.validate import validate_collection

    _regular_file(path)
    if is_parquet(path):
        model, blocks = read_events_parquet_meta(path)
        dataset, article = blocks.get("dataset"), blocks.get("article")
        ids = model["id"]
        if ids.null_count or pc.count_distinct(ids).as_py() != len(ids):
            raise UpdateRefusal(str(path), "it is not a valid events file (an event without an id, or two with "
                                           "one id); `bordermap validate` names them")
    else:
        fc = read_json(path)
        if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection" or not isinstance(fc.get("features"), list):
            raise UpdateRefusal(str(path), "it is not an events FeatureCollection, so it cannot be updated")
        errors = [p for p in validate_collection(fc, str(path)) if p.severity == "error"]
        if errors:
            first = str(errors[0]).removeprefix(terminal_safe(path) + ": ")
            raise UpdateRefusal(str(path), f"it is not a valid events file ({len(errors):,} problem(s); the first: "
                                           f"{first}); fix it first (`bordermap validate` lists them all), "
                                           "or import into a new file")
        model, dataset, article = model_columns(fc["features"]), fc.get("dataset"), fc.get("article")
    if isinstance(dataset, dict) and dataset.get("kind") not in KINDS[kind]:
        raise UpdateRefusal(str(path), f"it is an import of {dataset.get('name') or dataset.get('kind')!s}, not of "
                                       f"{SOURCES[kind].DATASET['name']}; an update adds to an import of the same "
                                       "dataset (one file has one dataset block, with its citation and terms): "
                                       "import into a new file")
    return model, dataset, article


def _digest(model: pa.Table, columns: list[str]) -> np.ndarray:
    """Per row, the source record as one string over ``columns`` in that order (so a reordered
    header does not make every record look changed); None where the event has no record."""
    original = model["original"].combine_chunks()
    parts = [pc.fill_null(pc.map_lookup(original, c, "first"), "\x1e") for c in columns]
    joined = pc.binary_join_element_wise(*parts, "\x1f") if parts else pa.nulls(len(original), pa.string())
    joined = pc.if_else(pc.is_null(original), pa.scalar(None, pa.string()), joined)
    return np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)


def _record_columns(new: pa.Table, old: pa.Table) -> list[str]:
    keys: set[str] = set()
    for t in (new, old):
        if t.num_rows:
            keys |= set(pc.unique(t["original"].combine_chunks().keys).to_pylist())
    return sorted(k for k in keys if k is not None)


def _as_imported(kind: str, old: pa.Table, path: Path) -> pa.Table:
    """What the records in ``old``'s ``original`` import to today (file order)."""
    from bordermap.importers.source import TextTable

    dicts = [dict(r or []) for r in old["original"].to_pylist()]
    names = sorted({k for d in dicts for k in d})
    text = pa.table({k: pa.array([d.get(k, "") for d in dicts], pa.string()) for k in names})
    model, _ = SOURCES[kind].map_export(TextTable(str(path), "json", names, text, item="record"))
    return model


def _edited_here(kind: str, old: pa.Table, path: Path) -> list[bool]:
    """For each row of ``old`` (events about to be replaced by a changed record): whether it
    differs from what its own record imports to, i.e. someone edited it after the import."""
    if old.num_rows == 0:
        return []
    fresh = _as_imported(kind, old, path)
    names = [n for n in old.column_names if n not in ("original", "feature_id")]
    if fresh.num_rows != old.num_rows:
        return [True] * old.num_rows
    a = old.select(names).cast(fresh.select(names).schema).to_pylist()
    b = fresh.select(names).to_pylist()
    return [x != y for x, y in zip(a, b)]


def _merge(new: pa.Table, old: pa.Table, prefix: str, report: ImportReport,
           invalid_ids: Collection[str] = ()) -> pa.Table:
    """New import + earlier OUTPUT -> the updated events (see the module docstring)."""
    columns = _record_columns(new, old)
    new_ids = np.asarray(new["id"].to_numpy(zero_copy_only=False), dtype=object)
    old_ids = np.asarray(old["id"].to_numpy(zero_copy_only=False), dtype=object)
    new_digest, old_digest = _digest(new, columns), _digest(old, columns)
    old_at = {fid: i for i, fid in enumerate(old_ids)}
    take_new: list[int] = []
    take_old: list[int] = []
    replaced: list[int] = []
    order: list[tuple[int, int]] = []  # (0 new / 1 old, index in its take list)
    for i, fid in enumerate(new_ids):
        j = old_at.get(fid)
        if j is None:
            report.added += 1
        elif old_digest[j] == new_digest[i]:
            report.unchanged += 1
            order.append((1, len(take_old)))
            take_old.append(j)  # the record did not change: keep the event as it is there, edits and all
            continue
        else:
            report.changed += 1
            replaced.append(j)
        order.append((0, len(take_new)))
        take_new.append(i)
    seen = set(new_ids.tolist())
    for j, fid in enumerate(old_ids):
        if fid in seen:
            continue
        if fid in invalid_ids:  # the export still has the record, but it is invalid there now
            report.kept_invalid += 1
            order.append((1, len(take_old)))
            take_old.append(j)
        elif str(fid).startswith(prefix + "-") and old_digest[j] is not None:
            report.removed.append(str(fid))
        else:
            report.kept_other += 1
            order.append((1, len(take_old)))
            take_old.append(j)
    if replaced:
        edited = _edited_here(report.kind, old.take(pa.array(replaced, pa.int64())), report.output)
        report.replaced_edits = [str(old_ids[j]) for j, e in zip(replaced, edited) if e]
    a = new.take(pa.array(take_new, pa.int64()))
    b = old.select(new.column_names).cast(new.schema).take(pa.array(take_old, pa.int64()))
    both = pa.concat_tables([a, b])
    index = [i if kind == 0 else len(take_new) + i for kind, i in order]
    return both.take(pa.array(index, pa.int64()))


def map_checked(kind: str, src: Path, output: Path | str, *, update: bool = False, skip_invalid: bool = False,
                progress: Progress | None = None) -> tuple[Mapped, ImportReport]:
    """Read and map an export for an import into ``output`` (a file, or a store's dataset):
    the records and the report so far. Raises :class:`DataFileError` with every problem when a
    record is invalid, unless ``skip_invalid`` (then the invalid ones are counted as skipped)."""
    mapped = map_file(kind, src, progress=progress)
    problems = mapped.problems
    errors = [p for p in problems if p.severity == "error"]
    report = ImportReport(output=output, records=mapped.records, written=0, update=update, kind=kind,
                          warnings=[p for p in problems if p.severity != "error"])
    if errors and not skip_invalid:
        raise DataFileError(str(src), problems)
    if errors:
        report.skipped = len({p.feature_index for p in errors})
        report.skipped_problems = errors
    return mapped, report


def merge_update(kind: str, mapped: Mapped, old: pa.Table, report: ImportReport) -> pa.Table:
    """The events of an earlier import (``old``, model columns) updated by ``mapped``; the
    report counts what was added, changed and removed."""
    return _merge(mapped.model, old, SOURCES[kind].ID_PREFIX, report, mapped.invalid_ids)


def import_file(kind: str, input_path: str | Path, output_path: str | Path, *, update: bool = False,
                skip_invalid: bool = False, force: bool = False,
                progress: Progress | None = None) -> ImportReport:
    """Import an ACLED (``kind="acled"``) or UCDP GED (``"ucdp"``) export into OUTPUT.

    Raises :class:`DataFileError` with every problem when a record is invalid (unless
    ``skip_invalid``), :class:`WrongFileError` for a file that is not such an export,
    ``UnreadableFileError``, ``FileExistsRefusal`` (OUTPUT exists; neither ``update`` nor
    ``force``) or ``UnwritableFileError``. Nothing is written unless everything succeeds.
    """
    from bordermap.core.table import EventTable

    progress = progress or _quiet
    src, out = Path(input_path), Path(output_path)
    if update and not out.exists():
        update = False  # the first import of a series: nothing to update yet
    if not update:
        check_destination(out, force=force)
    else:  # before the slow work: an OUTPUT that cannot be updated costs nothing
        check_destination(out, force=True)
        old, _, article = _existing(kind, out)
    mapped, report = map_checked(kind, src, out, update=update, skip_invalid=skip_invalid, progress=progress)
    model, dataset = mapped.model, mapped.dataset
    if not update:
        article = None
    else:
        progress(0.8, f"Comparing with {out.name}")
        model = merge_update(kind, mapped, old, report)
    report.written = model.num_rows
    progress(0.85, f"Putting {model.num_rows:,} events in story order")
    # Story order, as every reader sees the events: a first load of the file then finds its rows
    # in order and has nothing to sort (a million rich events: about a quarter of the first load),
    # and the GeoParquet row groups' date statistics let other readers (DuckDB, QGIS) skip by date.
    table = EventTable.from_model_columns(model)
    progress(0.9, f"Writing {out.name}")
    if is_parquet(out):
        data = parquet_bytes(table.table, article, dataset)
    else:
        name = f"{dataset['name']} events imported from {src.name}"
        data = collection_bytes(table.features(derived=False), dataset, name, article)
    write_bytes_atomic(out, data, force=force or update)
    progress(1.0, "Imported")
    return report

