"""Moving a project between files and a store: ``db load`` and ``db dump``.

A load reads and validates the files exactly as the app does (:func:`bordermap.dataset.load_dataset`),
then writes every dataset in **one transaction**: if anything fails, the server goes away
included, nothing of the load remains. A dump writes each dataset as the GeoJSON that
``bordermap export geojson`` writes for its file: the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb, Json

from bordermap.dataset import Dataset, Progress, load_dataset
from bordermap.export import export_geojson
from bordermap.io.files import check_destination, write_text_atomic
from bordermap.core.table import EventTable
from bordermap.project import DatasetSpec, Project
from bordermap.store.connection import StoreError, connect, store_name
from bordermap.store.migrate import require_current
from bordermap.store.records import copy_table
from bordermap.textsafe import terminal_safe

__all__ = ["LoadReport", "load_project_into", "dump_store", "project_settings", "write_dataset", "dataset_row"]


@dataclass(frozen=True)
class LoadReport:
    datasets: tuple[tuple[str, int], ...]  # (name, events) per dataset loaded

    @property
    def events(self) -> int:
        return sum(n for _, n in self.datasets)


def project_settings(project: Project) -> dict[str, Any]:
    """What the store keeps of a project besides its events (files such as the reference
    layers and storylines stay with the project's folder)."""
    return {"title": project.title, "subtitle": project.subtitle, "description": project.description,
            "credit": project.credit, "bbox": list(project.bbox) if project.bbox else None,
            "sides": list(project.sides), "side_names": project.side_names,
            "center": list(project.center), "zoom": project.zoom}


def _quiet(fraction: float, message: str) -> None:
    return None


def load_project_into(url: str, project: Project, *, replace: bool = False, progress: Progress | None = None,
                      use_cache: bool = True) -> LoadReport:
    """Every dataset of ``project`` into the store at ``url``, all or nothing.

    Raises ``DataFileError`` for an invalid file (nothing is written), :class:`StoreError` when
    a dataset is in the store already (unless ``replace``) or an event id is taken, and
    ``StoreUnavailable`` when the server cannot be reached or goes away (nothing is written).
    """
    progress = progress or _quiet
    parts: list[Dataset] = []
    n = len(project.datasets)
    for i, spec in enumerate(project.datasets):
        parts.append(load_dataset(spec.path, project.layers, use_cache=use_cache, region=project.region,
                                  progress=lambda f, m, i=i: progress(0.5 * (i + f) / n, f"{spec.name}: {m}")))
    name = store_name(url)
    with connect(url) as conn:
        require_current(conn, name)
        with conn.transaction():
            user = conn.execute("SELECT current_user").fetchone()[0]
            present = {r[0] for r in conn.execute("SELECT name FROM datasets")}
            clash = [s.name for s in project.datasets if s.name in present]
            if clash and not replace:
                raise StoreError(f"{name}: the store already has the dataset(s) {', '.join(map(terminal_safe, clash))}; "
                                 "nothing was loaded (use --replace to replace them)")
            if clash:
                conn.execute("DELETE FROM datasets WHERE name = ANY(%s)", (clash,))
            conn.execute("INSERT INTO project (settings) VALUES (%s) ON CONFLICT (singleton) DO UPDATE "
                         "SET settings = EXCLUDED.settings", (Jsonb(project_settings(project)),))
            base = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM datasets").fetchone()[0]
            done = []
            for i, (spec, part) in enumerate(zip(project.datasets, parts)):
                write_dataset(conn, name, spec, base + i, part.table, part.article, part.info, user,
                              progress=lambda f, m, i=i: progress(0.5 + 0.5 * (i + f) / n, m))
                done.append((spec.name, len(part)))
    progress(1.0, "Loaded")
    return LoadReport(tuple(done))


def dataset_row(conn: psycopg.Connection, spec: DatasetSpec, position: int, article: dict[str, Any] | None,
                info: dict[str, Any] | None) -> str | None:
    """The ``datasets`` row of ``spec`` (in the caller's transaction); the file name it keeps."""
    file_name = Path(spec.path).name if spec.path is not None else None
    conn.execute("INSERT INTO datasets (name, position, title, credit, mark, visible, file_name, "
                 "article, info) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                 (spec.name, position, spec.title, spec.credit, spec.mark, spec.visible, file_name,
                  Json(article) if article else None, Json(info) if info else None))
    return file_name


def write_dataset(conn: psycopg.Connection, store: str, spec: DatasetSpec, position: int, table: EventTable,
                  article: dict[str, Any] | None, info: dict[str, Any] | None, user: str, *,
                  history: dict[str, Any] | None = None, progress: Progress | None = None) -> None:
    """One dataset and its events into the store, in the caller's transaction, with its
    ``load`` row in history (``history``: what that row says besides the count and the file).
    Raises :class:`StoreError` when an event's id is taken (the transaction is then void)."""
    say = progress or _quiet
    say(0.0, f"{spec.name}: writing {len(table):,} events")
    file_name = dataset_row(conn, spec, position, article, info)
    try:
        copy_table(conn, table, spec.name, user,
                   progress=lambda k: say(k / max(len(table), 1), f"{spec.name}: {k:,} of {len(table):,} events written"))
    except psycopg.errors.UniqueViolation as exc:
        raise StoreError(f"{store}: dataset {terminal_safe(spec.name)}: "
                         f"{_duplicate(exc)}; ids must be unique across the store; nothing was written") from None
    conn.execute("INSERT INTO history (dataset, action, changed_by, after) VALUES (%s, 'load', %s, %s)",
                 (spec.name, user, Json({"events": len(table), "file": file_name, **(history or {})})))


def _duplicate(exc: psycopg.errors.UniqueViolation) -> str:
    detail = getattr(exc.diag, "message_detail", None) or ""
    return terminal_safe(detail.removeprefix("Key ").rstrip(".")) or "an event id is taken"


def dump_store(url: str, folder: str | os.PathLike, *, force: bool = False, layers: str | os.PathLike | None = None,
               generated_at: datetime | None = None) -> list[Path]:
    """Each dataset of the store as ``FOLDER/NAME.geojson``: what ``bordermap export geojson``
    writes for the file it was loaded from. Nothing is written if any file exists (without
    ``force``)."""
    from bordermap.store.dataset import load_store_parts

    folder = Path(folder)
    project, parts = load_store_parts(url, layers=layers)
    paths = [check_destination(folder / f"{spec.name}.geojson", force=force) for spec in project.datasets]
    for path, part in zip(paths, parts):
        write_text_atomic(path, export_geojson(part, generated_at=generated_at), force=force)
    return paths
