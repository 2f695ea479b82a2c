"""The store as the app and the exports see it: :func:`load_store_dataset` gives the same
:class:`~bordermap.dataset.Dataset` (and :class:`~bordermap.core.table.EventTable`) as the files
the store was loaded from, checked by the same rules (:func:`store_problems`)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg

from bordermap.core.cache import cache_key, files_digest
from bordermap.core.table import EventTable
from bordermap.dataset import (DEFAULT_GEO, Dataset, Progress, cache_dataset, cached_dataset, combine_datasets,
                               parquet_problems, _layers)
from bordermap.errors import DataFileError, Problem
from bordermap.geo import border_columns
from bordermap.project import DEFAULT_SIDE_NAMES, DatasetSpec, Project
from bordermap.store.connection import connect, store_name
from bordermap.store.migrate import require_current
from bordermap.store.columnar import read_model_columns

__all__ = ["load_store_dataset", "load_store_parts", "load_store_project", "store_problems", "store_project",
           "store_state"]


def _quiet(fraction: float, message: str) -> None:
    return None


def store_project(conn: psycopg.Connection, layers: str | os.PathLike | None = None) -> Project:
    """The project kept in the store: its settings and datasets (a dataset's ``path`` is the
    name of the file it was loaded from; the reference layers are ``layers``, default geo/)."""
    row = conn.execute("SELECT settings FROM project").fetchone()
    s: dict[str, Any] = row[0] if row else {}
    specs = tuple(DatasetSpec(name=r[0], path=Path(r[1] or f"{r[0]}.geojson"), title=r[2], credit=r[3], mark=r[4],
                              visible=r[5])
                  for r in conn.execute("SELECT name, file_name, title, credit, mark, visible FROM datasets "
                                        "ORDER BY position"))
    kw: dict[str, Any] = {}
    for key in ("subtitle", "description", "credit", "zoom"):
        if s.get(key) is not None:
            kw[key] = s[key]
    for key in ("bbox", "sides", "center"):
        if s.get(key):
            kw[key] = tuple(s[key])
    kw["side_names"] = dict(s.get("side_names") or DEFAULT_SIDE_NAMES)
    return Project(path=None, title=s.get("title") or "bordermap", datasets=specs,
                   layers=Path(layers) if layers is not None else DEFAULT_GEO, **kw)


def _label(url: str, dataset: str) -> str:
    return f"{store_name(url)} (dataset {dataset})"


def _disk_key(url: str, dataset: str, state: int, layers_key: str, project: Project) -> str:
    """The on-disk cache key of a store dataset: the store (its URL without a password: host,
    port, database, user), the dataset, the store's last history entry (every load, import, edit,
    accept and undo writes one, so any change gives a new key), the reference layers, the
    region its warnings were found for, and the code (in :func:`cache_key`)."""
    return cache_key("store-dataset", store_name(url), dataset, str(state), layers_key, f"region {project.region}")


def _read_parts(conn: psycopg.Connection, url: str, project: Project, progress: Progress, *,
                with_layers: bool = True, use_cache: bool = True) -> tuple[list[Dataset], list[list[Problem]]]:
    warnings: list[str] = []
    layers = _layers(Path(project.layers), warnings) if with_layers else None
    blocks = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT name, article, info FROM datasets")}
    state = conn.execute("SELECT coalesce(max(id), 0) FROM history").fetchone()[0]
    # Only a dataset read with its layers and found without errors is cached (validate reads the
    # store itself every time: it must report every problem).
    use_cache = use_cache and with_layers
    layers_key = files_digest(Path(project.layers).glob("*.geojson")) if layers is not None else "no-layers"
    parts, problems = [], []
    n = len(project.datasets)
    for i, spec in enumerate(project.datasets):
        memory_key = cache_key("store", store_name(url), spec.name, str(state))
        disk_key = _disk_key(url, spec.name, state, layers_key, project)
        hit = cached_dataset(disk_key, layers, warnings) if use_cache else None
        if hit is not None:
            progress((i + 1) / max(n, 1), f"{spec.title}: from the cache (the store has not changed)")
            parts.append(replace(hit, key=memory_key))
            problems.append([])
            continue
        progress(i / max(n, 1), f"{spec.title}: reading the store")
        model, geoms = read_model_columns(conn, spec.name)  # column by column: no dict per event
        article, info = blocks[spec.name]
        found = parquet_problems(model, _label(url, spec.name), geometries=geoms, region=project.region,
                                 blocks={k: v for k, v in (("article", article), ("dataset", info)) if v})
        problems.append(found)
        derived = border_columns(geoms, layers) if layers is not None and layers.border is not None else None
        table = EventTable.from_model_columns(model, derived)
        found_warnings = [str(p) for p in found if p.severity != "error"]
        if use_cache and not any(p.severity == "error" for p in found):
            cache_dataset(disk_key, table, article=article, warnings=found_warnings, info=info)
        parts.append(Dataset(table=table, article=article, layers=layers, warnings=warnings + found_warnings,
                             key=memory_key, info=info))
    return parts, problems


def store_problems(url: str) -> dict[str, list[Problem]]:
    """Dataset name -> every problem the validator finds with its events in the store."""
    with connect(url) as conn:
        require_current(conn, store_name(url))
        project = store_project(conn)
        _, problems = _read_parts(conn, url, project, _quiet, with_layers=False)
    return {spec.name: found for spec, found in zip(project.datasets, problems)}


def load_store_parts(url: str, *, layers: str | os.PathLike | None = None,
                     progress: Progress | None = None) -> tuple[Project, list[Dataset]]:
    """The store's project and one :class:`Dataset` per dataset (what ``db dump`` writes)."""
    with connect(url) as conn:
        require_current(conn, store_name(url))
        conn.commit()
        conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        with conn.transaction():  # one snapshot of every table
            project = store_project(conn, layers)
            parts, problems = _read_parts(conn, url, project, progress or _quiet)
    for spec, found in zip(project.datasets, problems):
        errors = [p for p in found if p.severity == "error"]
        if errors:
            raise DataFileError(_label(url, spec.name), errors)
    return project, parts


def load_store_dataset(url: str, *, layers: str | os.PathLike | None = None,
                       progress: Progress | None = None) -> Dataset:
    """The store's events as the app opens a project: the same :class:`Dataset` that
    :func:`~bordermap.dataset.load_project_dataset` gives for the files they were loaded from.

    Raises ``StoreUnavailable`` when the server cannot be reached, ``StoreError`` for a
    database that is no bordermap store (or an older schema), ``DataFileError`` for events the
    validator refuses."""
    progress = progress or _quiet
    project, parts = load_store_parts(url, layers=layers, progress=progress)
    if not parts:
        return Dataset(table=EventTable.empty(), article=None, layers=None, key=cache_key("store", store_name(url)),
                       project=project)
    return combine_datasets(project, parts, progress)


def load_store_project(url: str, layers: str | os.PathLike | None = None) -> Project:
    """The project kept in the store at ``url`` (its events not read): what the app shows
    before loading, e.g. its title."""
    with connect(url) as conn:
        require_current(conn, store_name(url))
        return store_project(conn, layers)


def store_state(url: str) -> tuple[int, int, int]:
    """A cheap fingerprint of the store's content: (schema version, last history entry,
    datasets). Every load and edit writes history, so a changed store has a new state: what
    the app compares to know that its loaded table is stale."""
    with connect(url) as conn:
        row = conn.execute("SELECT (SELECT coalesce(max(version), 0) FROM schema_version), "
                           "(SELECT coalesce(max(id), 0) FROM history), (SELECT count(*) FROM datasets)").fetchone()
    return int(row[0]), int(row[1]), int(row[2])
