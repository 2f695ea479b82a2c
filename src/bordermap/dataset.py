"""Load what the map shows: validated events with their derived fields, and the reference layers.

This composes the readers, the validator, the geo analytics and the columnar core; the app, the
CLI exports and the benchmarks all load data through :func:`load_dataset`. A dataset loaded
once is cached as a memory-mapped Arrow table keyed by the file's content
(:mod:`bordermap.core.cache`), so reopening it is quick and never stale.
"""

from __future__ import annotations

import gc
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from bordermap.project import Project

import numpy as np
import pyarrow as pa
import shapely

from bordermap.core.columns import table_schema
from bordermap.core.cache import cache_key, cached_path, file_digest, files_digest, read_cached, write_cached
from bordermap.core.parallel import beside
from bordermap.core.rules import table_problems
from bordermap.core.table import EventTable, geometries_of, model_columns, story_order
from bordermap.errors import DataFileError, Problem
from bordermap.geo import GeoLayerError, ReferenceLayers, border_columns, load_reference_layers
from bordermap.io.files import check_json_depth, read_json
from bordermap.io.geoparquet import is_parquet, parquet_blocks, read_events_parquet_meta
from bordermap.mapping.labels import ranked_places
from bordermap.validate import DEFAULT_REGION, Region, schema_valid, validate_collection

__all__ = ["Dataset", "dataset_key", "is_cached", "cached_dataset", "cache_dataset", "load_events", "prepare_events", "load_dataset", "load_project_dataset", "combine_datasets", "DEFAULT_EVENTS", "DEFAULT_GEO",
           "Progress", "parquet_problems", "validate_path", "VALIDATE_BATCH"]

DEFAULT_EVENTS = Path("data/events.geojson")
DEFAULT_GEO = Path("geo")

#: ``progress(fraction, message)``: long loads say how far they are (the CLI draws a bar, the app
#: an ``st.progress``).
Progress = Callable[[float, str], None]


def _quiet(fraction: float, message: str) -> None:
    return None


@dataclass(frozen=True, eq=False)
class Dataset:
    """Events (an :class:`EventTable` in story order) and the reference layers."""

    table: EventTable
    article: dict[str, Any] | None
    layers: ReferenceLayers | None
    warnings: list[str] = field(default_factory=list)
    #: Identifies the content (events, layers, code): what browser payloads are cached by.
    key: str = ""
    #: The collection's ``dataset`` block (where imported events come from, their citation and
    #: terms); None for a hand-made file.
    info: dict[str, Any] | None = None
    #: The project the events were opened through (None for a plain file).
    project: Any = None
    #: Project dataset name -> its file's ``dataset`` block, for a project of several datasets.
    infos: dict[str, dict[str, Any] | None] = field(default_factory=dict)

    @property
    def layer_specs(self) -> tuple[tuple[str, str, str], ...]:
        """(title, name, mark) of the project's datasets when it has several (each is a layer of
        the map, with its own mark at its markers' centre and a legend entry); () otherwise."""
        project = self.project
        if project is None or len(project.datasets) < 2:
            return ()
        marks = project.dataset_marks
        return tuple((d.title, d.name, marks[d.name]) for d in project.datasets)

    def info_of(self, name: str | None) -> dict[str, Any] | None:
        """The dataset block of project dataset ``name`` (or of the file, for a plain file)."""
        return self.infos.get(name, self.info) if name else self.info

    @cached_property
    def reference(self) -> dict[str, dict[str, Any] | None]:
        """Layer name -> FeatureCollection dict (None when missing; ``relief``: its overlay),
        for drawing. Places carry their label rank (:mod:`bordermap.mapping.labels`)."""
        raw = self.layers.raw if self.layers else {}
        layers = {name: raw.get(name)
                  for name in ("relief", "countries", "lakes", "rivers", "border", "bridges", "places")}
        layers["places"] = ranked_places(layers["places"], self.table)
        return layers

    def __len__(self) -> int:
        return len(self.table)

    @cached_property
    def events(self) -> list[dict[str, Any]]:
        """Every event as a Feature dict. Only for small data (storylines, tests): the map, the
        timeline, the filters and the table work on :attr:`table`."""
        return list(self.table.features())

    def feature(self, event_id: str) -> dict[str, Any] | None:
        """One event as a Feature with its derived fields, or None for an unknown id."""
        row = self.table.row_of(event_id)
        return None if row is None else self.table.feature(row)

    def by_id(self) -> dict[str, dict[str, Any]]:
        """Event id -> Feature (small data only, like :attr:`events`)."""
        return {f["properties"]["id"]: f for f in self.events}

    def crossing_names(self) -> dict[str, str]:
        """Bridge id -> name, for saying which crossing is nearest."""
        fc = self.reference.get("bridges") or {}
        return {f["properties"]["id"]: f["properties"].get("name", f["properties"]["id"])
                for f in fc.get("features", [])}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an events file becomes a table: parsed JSON is
    millions of containers and none is in a cycle, but the collector walks them again and again
    as they are made (json.loads of 100,000 rich events: 5.6 s with it, 1.4 s without)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_events(path: str | Path, region: Region = DEFAULT_REGION) -> tuple[dict[str, Any], list[Problem]]:
    """Read and validate an events file. Raises :class:`DataFileError` with every problem if it
    is invalid (warnings are returned, not raised) and ``UnreadableFileError`` if unparsable."""
    with _gc_paused():
        fc, problems, *_ = _read_collection(Path(path), region)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataFileError(str(path), errors)
    return fc, [p for p in problems if p.severity != "error"]


def _collection_problems(fc: Any, file: str, region: Region = DEFAULT_REGION, *,
                         derive: Callable[[np.ndarray], Any] | None = None,
                         ) -> tuple[list[Problem], pa.Table | None, np.ndarray | None, Future | None]:
    """:func:`~bordermap.validate.validate_collection`'s problems with parsed GeoJSON, and the
    model columns and geometries made on the way (None when not made).

    A file that follows the schema (the fast yes/no pass) becomes columns and the rules run on
    them (:func:`~bordermap.core.rules.table_problems`); one that does not, or that Arrow
    cannot hold (an impossible date, an open ring), is checked by validate_collection itself,
    which words what is wrong with its structure.

    ``derive(geometries)``, when given, starts on another thread as soon as the geometries are
    made (the border analytics: GEOS work that releases the GIL, done while this thread turns
    the features into columns); its future is the fourth value (None when not started)."""
    if not schema_valid(fc):
        # Off the fast path the validator walks the value recursively: bound its depth first
        # (a value the schema accepts is bounded by the schema itself).
        check_json_depth(file, fc)
        return validate_collection(fc, file, region=region), None, None, None
    features = fc["features"]
    derived = None
    try:
        geoms = geometries_of(features)
        if derive is not None:
            derived = beside(derive, geoms)
        model = model_columns(features, geoms)
    except (pa.ArrowException, shapely.errors.GEOSException, ValueError, TypeError, OverflowError):
        return validate_collection(fc, file, region=region), None, None, derived
    problems = table_problems(model, file, article_paragraphs=_paragraphs(fc.get("article")), schema=False,
                              features=features, geometries=geoms, region=region)
    return problems, model, geoms, derived


def _read_collection(path: Path, region: Region, *, derive: Callable[[np.ndarray], Any] | None = None,
                     progress: Progress | None = None,
                     ) -> tuple[Any, list[Problem], pa.Table | None, np.ndarray | None, Future | None]:
    """An events file parsed and checked: (collection, problems, model, geometries, derived).

    Parsed fast (orjson) first; a file with any error is parsed again exactly (the standard
    library: integers of any length) and checked again, so its problems are worded from the
    very values in the file."""
    fc = read_json(path, check_depth=False, fast=True)
    if progress is not None:
        progress(0.25, f"Checking {_count(fc)} events")
    problems, model, geoms, derived = _collection_problems(fc, str(path), region, derive=derive)
    if model is None or any(p.severity == "error" for p in problems):
        if derived is not None:
            derived.cancel()
        del fc, model, geoms
        fc = read_json(path, check_depth=False)
        problems, model, geoms, derived = _collection_problems(fc, str(path), region)
    return fc, problems, model, geoms, derived


def _paragraphs(article: Any) -> int | None:
    """The article's paragraph count, as validate_collection reads it."""
    if isinstance(article, dict) and isinstance(article.get("paragraphs"), int):
        return article["paragraphs"]
    return None


#: Rows checked at a time when an events file is checked as columns (bounds the memory the
#: vectorised rules need; a progress step each).
VALIDATE_BATCH = 65_536


def parquet_problems(model: pa.Table, file: str, progress: Progress | None = None, *,
                     blocks: dict[str, Any] | None = None, geometries: np.ndarray | None = None,
                     region: Region = DEFAULT_REGION) -> list[Problem]:
    """The validator's rules over a columnar events file: the same rules, words and order as
    for GeoJSON (:func:`~bordermap.validate.validate_collection`), run on columns
    (:func:`~bordermap.core.rules.table_problems`), with the JSON Schema's value rules; each
    repeated id named once, with the first row that has it.

    ``blocks`` are the file's ``article`` and ``dataset`` blocks (checked against the schema;
    ``article_refs`` against the article's paragraphs); ``geometries`` the rows' decoded
    ``geometry``, when the caller has them."""
    progress = progress or _quiet
    blocks = blocks or {}
    return table_problems(model, file, article_paragraphs=_paragraphs(blocks.get("article")), blocks=blocks,
                          geometries=geometries, batch_rows=VALIDATE_BATCH, region=region,
                          progress=lambda f, message: progress(0.05 + 0.4 * f, message))


def _with_null_derived(model: pa.Table) -> pa.Table:
    schema = table_schema()
    cols = [model[f.name] if f.name in model.column_names else pa.nulls(model.num_rows, f.type) for f in schema]
    return pa.table(cols, schema=schema)


def _read_parquet(path: Path, layers: ReferenceLayers | None, progress: Progress,
                  region: Region = DEFAULT_REGION) -> tuple[EventTable, Any, list]:
    model, blocks = read_events_parquet_meta(path)
    # Decoded once, for the rules and the border analytics.
    geoms = shapely.from_wkb(model["geometry"].to_numpy(zero_copy_only=False), on_invalid="ignore")
    problems = parquet_problems(model, str(path), progress, blocks=blocks, geometries=geoms, region=region)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataFileError(str(path), errors)
    progress(0.5, f"Deriving fields of {model.num_rows:,} events")
    # The border analytics on another thread while this one sorts the columns into story order
    # (GEOS and Arrow both let go of the GIL).
    derived = (beside(border_columns, geoms, layers)
               if layers is not None and layers.border is not None else None)
    del geoms  # the analytics hold them until they are done
    handed = [model]
    del model  # the sort frees each unsorted column once it is copied (not two tables at once)
    return EventTable.from_model_columns(handed, derived), blocks.get("article"), problems


def _read_geojson(path: Path, layers: ReferenceLayers | None, progress: Progress,
                  region: Region = DEFAULT_REGION) -> tuple[EventTable, Any, Any, list[Problem]]:
    has_border = layers is not None and layers.border is not None
    with _gc_paused():
        fc, problems, model, geoms, derived = _read_collection(
            path, region, derive=(lambda g: border_columns(g, layers)) if has_border else None, progress=progress)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DataFileError(str(path), errors)
        progress(0.45, f"Deriving fields of {_count(fc)} events")
        if model is None:
            table = prepare_events(fc["features"], layers)
        else:
            handed = [model]
            del model  # the sort frees each unsorted column once it is copied
            table = EventTable.from_model_columns(handed, derived)  # sorted while the border analytics finish
        article, info = fc.get("article"), fc.get("dataset")
        del fc, geoms  # the parsed JSON is the largest thing in memory; the table holds it all now
    return table, article, info, problems


def _count(fc: Any) -> str:
    features = fc.get("features") if isinstance(fc, dict) else None
    return f"{len(features):,}" if isinstance(features, list) else "the"


def validate_path(path: str | Path, progress: Progress | None = None,
                  region: Region = DEFAULT_REGION) -> list[Problem]:
    """Every problem with an events file, GeoJSON or GeoParquet (raises ``UnreadableFileError``
    when it cannot be read at all); what ``bordermap validate`` prints. ``region``: where the
    events are expected (a project's ``region.bbox``)."""
    if is_parquet(path):
        model, blocks = read_events_parquet_meta(path)
        problems = parquet_problems(model, str(path), progress, blocks=blocks, region=region)
        (progress or _quiet)(1.0, "Checked")
        return problems
    with _gc_paused():
        return _read_collection(Path(path), region)[1]


def prepare_events(features: list[dict[str, Any]], layers: ReferenceLayers | None) -> EventTable:
    """Validated features -> the table with every derived field: fatality range, side, border
    distance, nearest crossing (the geographic ones only when the border layer is loaded)."""
    geoms = geometries_of(features)
    derived = border_columns(geoms, layers) if layers is not None and layers.border is not None else None
    return EventTable.from_features(features, derived=derived, geometries=geoms)


def _layers(geo_dir: Path, warnings: list[str]) -> ReferenceLayers | None:
    try:
        layers = load_reference_layers(geo_dir)
    except GeoLayerError as exc:
        warnings.append(f"{exc} — the map is drawn without reference layers, and sides and "
                        "border distances are not computed")
        return None
    warnings.extend(layers.missing)
    return layers


def dataset_key(events_path: str | Path, geo_dir: str | Path, region: Region = DEFAULT_REGION, *,
                layers_loaded: bool = True) -> str:
    """The cache key of an events file loaded over ``geo_dir``'s layers ('' when the file cannot
    be read): its bytes, the layers', the region's and the code's."""
    try:
        digest = file_digest(events_path)
    except OSError:
        return ""  # the reader words the problem
    geo_key = files_digest(Path(geo_dir).glob("*.geojson")) if layers_loaded else "no-layers"
    region_key = "" if region == DEFAULT_REGION else f"region {region}"  # its warnings are cached too
    return cache_key(digest, geo_key, *([region_key] if region_key else []))


def is_cached(events_path: str | Path, geo_dir: str | Path, region: Region = DEFAULT_REGION) -> bool:
    """Whether :func:`load_dataset` would open this file from the cache."""
    key = dataset_key(events_path, geo_dir, region)
    return bool(key) and cached_path(key).exists()


def cached_dataset(key: str, layers: ReferenceLayers | None, layer_warnings: list[str]) -> Dataset | None:
    """The dataset cached under ``key`` (memory-mapped), or None when there is none."""
    hit = read_cached(key)
    if hit is None:
        return None
    table, meta = hit
    return Dataset(table=EventTable.from_arrow(table.drop_columns(["_source_index"]), table["_source_index"].to_numpy()),
                   article=meta.get("article"), layers=layers, warnings=layer_warnings + meta.get("warnings", []),
                   key=key, info=meta.get("dataset"))


def cache_dataset(key: str, table: EventTable, *, article: dict[str, Any] | None, warnings: list[str],
                  info: dict[str, Any] | None) -> None:
    """Keep a validated, annotated table (and its blocks and warnings) in the cache under ``key``."""
    write_cached(key, table.table.append_column("_source_index", pa.array(table.source_index)),
                 {"article": article, "warnings": warnings, "dataset": info})


def load_dataset(events_path: str | Path = DEFAULT_EVENTS, geo_dir: str | Path = DEFAULT_GEO, *,
                 progress: Progress | None = None, use_cache: bool = True,
                 region: Region = DEFAULT_REGION) -> Dataset:
    """Load events and reference layers.

    Raises ``DataFileError``/``UnreadableFileError`` for a bad events file. A missing or broken
    geo layer does not stop loading: the map is drawn without it and ``warnings`` says so.
    A file loaded before (same bytes, same layers) comes from the cache.
    """
    progress = progress or _quiet
    geo_dir = Path(geo_dir)
    layer_warnings: list[str] = []
    layers = _layers(geo_dir, layer_warnings)
    progress(0.02, "Checking the cache")
    key = dataset_key(events_path, geo_dir, region, layers_loaded=layers is not None)
    if use_cache and key:
        hit = cached_dataset(key, layers, layer_warnings)
        if hit is not None:
            progress(1.0, "Loaded from the cache")
            return hit
    progress(0.05, f"Reading {Path(events_path).name}")
    if is_parquet(events_path):
        table, article, problems = _read_parquet(Path(events_path), layers, progress, region)
        info = parquet_blocks(events_path).get("dataset")
    else:
        table, article, info, problems = _read_geojson(Path(events_path), layers, progress, region)
    warnings = [str(p) for p in problems if p.severity != "error"]
    if use_cache and key:
        progress(0.9, "Caching the table")
        cache_dataset(key, table, article=article, warnings=warnings, info=info)
    progress(1.0, "Loaded")
    return Dataset(table=table, article=article, layers=layers,
                   warnings=layer_warnings + warnings, key=key or "uncached-" + str(id(table)), info=info)


def load_project_dataset(project: "Project", *, progress: Progress | None = None,
                         use_cache: bool = True) -> Dataset:
    """Every dataset of a project as one :class:`Dataset`: each file loaded (and cached) on its
    own, its rows marked with the dataset's name (the derived ``dataset`` column), the tables
    joined in story order. Event ids must be unique across the project's datasets."""
    progress = progress or _quiet
    parts: list[Dataset] = []
    n = len(project.datasets)
    for i, spec in enumerate(project.datasets):
        def part_progress(fraction: float, message: str, i=i, spec=spec) -> None:
            progress((i + fraction) / n, f"{spec.title}: {message}" if n > 1 else message)

        parts.append(load_dataset(spec.path, project.layers, progress=part_progress, use_cache=use_cache,
                                  region=project.region))
    return combine_datasets(project, parts, progress)


def combine_datasets(project: "Project", parts: list[Dataset], progress: Progress | None = None) -> Dataset:
    """The datasets of ``project`` (``parts``, one per dataset in the project's order, e.g.
    loaded from files or from a store) as one :class:`Dataset`: rows marked with their
    dataset's name, tables joined in story order, ids checked unique across the project."""
    progress = progress or _quiet
    n = len(project.datasets)
    tables = []
    for spec, part in zip(project.datasets, parts):
        t = part.table.table
        t = t.set_column(t.schema.get_field_index("dataset"), "dataset", pa.repeat(pa.scalar(spec.name), t.num_rows))
        tables.append(t)
    if n == 1:
        table = EventTable.from_arrow(tables[0], parts[0].table.source_index)
    else:
        joined = pa.concat_tables(tables).combine_chunks()
        order = story_order(joined)
        table = EventTable(joined.take(order).combine_chunks(), np.asarray(order, dtype=np.int64))
        ids = table.ids
        _, counts = np.unique(ids, return_counts=True)
        if (counts > 1).any():
            dup = str(np.unique(ids)[counts > 1][0])
            owners = [spec.name for spec, part in zip(project.datasets, parts) if part.table.row_of(dup) is not None]
            raise DataFileError(str(project.path), [Problem(str(project.path), None, None, "datasets",
                                f"the event id {dup!r} is in the datasets {', '.join(owners)}; ids must be unique "
                                f"across a project ({int((counts > 1).sum()):,} shared ids in all)")])
    warnings = [str(w) for w in project.warnings]
    warnings += [w if n == 1 else f"{spec.name}: {w}" for spec, part in zip(project.datasets, parts) for w in part.warnings]
    article = next((p.article for p in parts if p.article), None)
    infos = {spec.name: part.info for spec, part in zip(project.datasets, parts)}
    key = cache_key(*[p.key for p in parts], *[f"{name} {mark}" for name, mark in project.dataset_marks.items()])
    progress(1.0, "Loaded")
    return Dataset(table=table, article=article, layers=parts[0].layers, warnings=list(dict.fromkeys(warnings)),
                   key=key, info=parts[0].info if n == 1 else None,
                   project=project, infos=infos)

