"""``bordermap import {acled,ucdp} INPUT --store URL``: an ACLED or UCDP export into a dataset of
the team store, in **one transaction**: if a record is invalid, the server goes away or anything
else fails, nothing of the import remains.

The export is read and mapped exactly as for a file (:func:`bordermap.importers.run.map_checked`),
so the store holds the events the file import would write. A first import creates the dataset
(one ``load`` row in history); ``update`` applies what the export changed, event by event: new
events are inserted (revision 1), changed ones updated (their revision goes up), ones the
export no longer has deleted, each change a row in history; events whose record did not change
keep any edit made in the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from bordermap.core.table import EventTable, model_columns
from bordermap.dataset import Progress
from bordermap.importers.run import KINDS, SOURCES, ImportReport, map_checked, merge_update
from bordermap.project import DatasetSpec
from bordermap.store.connection import StoreError, connect, store_name
from bordermap.store.edit import record_change, update_row
from bordermap.store.migrate import require_current
from bordermap.store.records import copy_events, read_features
from bordermap.store.transfer import write_dataset
from bordermap.textsafe import terminal_safe

__all__ = ["import_into_store"]


def _quiet(fraction: float, message: str) -> None:
    return None


def _refusal(kind: str, label: str, name: str, info: Any, update: bool, replace: bool) -> str | None:
    """Why the dataset ``name`` (its block ``info``, None when absent) cannot take this import."""
    if info is False:  # no such dataset
        return None
    if not update and not replace:
        return (f"{label}: the store already has the dataset {terminal_safe(name)}; nothing was imported "
                "(--update applies the export's changes to it, --force replaces it)")
    if update and not (isinstance(info, dict) and info.get("kind") in KINDS[kind]):
        what = info.get("name") or info.get("kind") if isinstance(info, dict) else "no import"
        return (f"{label}: the dataset {terminal_safe(name)} is {terminal_safe(str(what))}, not an import of "
                f"{SOURCES[kind].DATASET['name']}; an update adds to an import of the same dataset: "
                "import into another dataset (--dataset NAME); nothing was imported")
    return None


def _dataset_info(conn: psycopg.Connection, name: str, *, lock: bool = False) -> Any:
    row = conn.execute("SELECT info FROM datasets WHERE name = %s" + (" FOR UPDATE" if lock else ""), (name,)).fetchone()
    return False if row is None else row[0]


def import_into_store(kind: str, input_path: str | Path, url: str, *, dataset: str | None = None,
                      update: bool = False, replace: bool = False, skip_invalid: bool = False,
                      progress: Progress | None = None) -> ImportReport:
    """Import an ACLED (``kind="acled"``) or UCDP GED (``"ucdp"``) export into the store's
    dataset ``dataset`` (default: ``kind``), all or nothing.

    Raises what :func:`bordermap.importers.run.import_file` raises for the export (every
    problem of every invalid record, unless ``skip_invalid``), :class:`StoreError` when the
    dataset exists (neither ``update`` nor ``replace``) or is an import of another source, and
    ``StoreUnavailable`` when the server cannot be reached or goes away (nothing is written).
    """
    progress = progress or _quiet
    src, name, label = Path(input_path), dataset or kind, store_name(url)
    where = f"{label} (dataset {terminal_safe(name)})"
    with connect(url) as conn:  # before the slow work: a store that cannot take the import costs nothing
        require_current(conn, label)
        reason = _refusal(kind, label, name, _dataset_info(conn, name), update, replace)
    if reason:
        raise StoreError(reason)
    mapped, report = map_checked(kind, src, where, update=update, skip_invalid=skip_invalid, progress=progress)
    with connect(url) as conn:
        with conn.transaction():
            user = conn.execute("SELECT current_user").fetchone()[0]
            info = _dataset_info(conn, name, lock=True)  # two imports into one dataset wait for each other
            reason = _refusal(kind, label, name, info, update, replace)
            if reason:
                raise StoreError(reason)
            if update and info is not False:
                _apply_update(conn, kind, mapped, report, name, user, progress)
                conn.execute("UPDATE datasets SET info = %s WHERE name = %s",
                             (psycopg.types.json.Json(mapped.dataset), name))
            else:
                report.update = False
                if info is not False:
                    conn.execute("DELETE FROM datasets WHERE name = %s", (name,))
                position = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM datasets").fetchone()[0]
                table = EventTable.from_model_columns(mapped.model)
                spec = DatasetSpec(name=name, path=None, title=str(mapped.dataset.get("name") or name))
                write_dataset(conn, label, spec, position, table, None, mapped.dataset, user,
                              history={"file": src.name, "import": kind},
                              progress=lambda f, m: progress(0.85 + 0.15 * f, m))
                report.written = len(table)
    progress(1.0, "Imported")
    return report


def _apply_update(conn: psycopg.Connection, kind: str, mapped, report: ImportReport, name: str, user: str,
                  progress: Progress) -> None:
    """The dataset's events (locked) updated by the export: inserts, updates and deletes, each
    in history."""
    progress(0.8, f"Comparing with {name}")
    features, geoms, meta = read_features(conn, dataset=name, lock=True)
    old = {f["properties"]["id"]: f for f in features}
    merged = EventTable.from_model_columns(merge_update(kind, mapped, model_columns(features, geoms), report))
    report.written = len(merged)
    new_features = list(merged.features(derived=False))
    added = [f for f in new_features if f["properties"]["id"] not in old]
    keep = {f["properties"]["id"] for f in new_features}
    progress(0.9, f"Writing {report.added:,} new and {report.changed:,} changed events")
    for f in new_features:
        before = old.get(f["properties"]["id"])
        if before is not None and before != f:
            revision = update_row(conn, f, user)
            record_change(conn, f["properties"]["id"], name, "update", revision, user, before, f)
    removed = [fid for fid in old if fid not in keep]
    if removed:
        conn.execute("DELETE FROM events WHERE id = ANY(%s)", (removed,))
        for fid in removed:
            record_change(conn, fid, name, "delete", None, user, old[fid], None)
    if added:
        base = max((m["position"] for m in meta), default=-1) + 1
        rows = [i for i, f in enumerate(new_features) if f["properties"]["id"] not in old]
        copy_events(conn, added, merged.geometries(np.asarray(rows, dtype=np.int64)), range(base, base + len(added)),
                    name, user)
        for f in added:
            record_change(conn, f["properties"]["id"], name, "insert", 1, user, None, f)
