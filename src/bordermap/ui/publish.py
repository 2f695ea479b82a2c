"""The map's data as files Streamlit serves: written once per dataset, fetched once per browser.

The binary events payload (gzipped), its text chunks and the reference layers (gzipped) go under
``static/vendor/data/<dataset key>/`` (the key names the content, so a browser may cache them
for good); a filter's category mask, when it is too big to travel in the map's script, goes
beside them under a name made from its bits.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from bordermap.assets import APP_PREFIX, publish_json
from bordermap.core.table import EventTable
from bordermap.dataset import Dataset
from bordermap.mapping.event_layer import INLINE_MASK_BYTES, category_bits, inline_mask
from bordermap.mapping.payload import PAYLOAD_FORMAT, STYLE_DIGEST, compact_json, detail_chunks, encode_events, gzip_bytes
from bordermap.mapping.reference import browser_layer
from bordermap.timeline import EventFilter

__all__ = ["Published", "published", "prune_published", "KEEP_PUBLISHED"]

_DONE = ".complete"
_LOCK = threading.Lock()
#: Published datasets kept: the most recently used, and any used within the last day (a page
#: still open on an older version keeps working); the rest are removed (a million events'
#: payload and text are ~200 MB).
KEEP_PUBLISHED = 6
STALE_SECONDS = 24 * 3600
_CACHE: dict[tuple[str, str], "Published"] = {}


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


@dataclass(frozen=True)
class Published:
    folder: Path
    prefix: str
    #: the EventLayer source: ``{"url": ..., "chunkUrl": ...}``
    events: dict[str, str]
    #: reference layer name -> URL
    layers: dict[str, str]

    def mask(self, flt: EventFilter, table: EventTable) -> dict[str, str] | None:
        """The filter's category mask for the map: inline when small, else a served file."""
        bits = category_bits(flt, table)
        if bits is None or len(bits) <= INLINE_MASK_BYTES:
            return inline_mask(bits)
        name = "m" + hashlib.sha256(bits).hexdigest()[:20] + ".bin"
        path = self.folder / name
        if not path.exists():
            _write(path, bits)
        return {"url": self.prefix + name}


def mtime(path: Path | None) -> float:
    """A file's modification time, or a folder's newest ``*.geojson`` (0 when absent): what the
    app's caches are keyed by, so that an edited file is read again."""
    if path is None:
        return 0.0
    path = Path(path)
    try:
        if path.is_dir():
            return max((p.stat().st_mtime for p in path.glob("*.geojson")), default=0.0)
        return path.stat().st_mtime
    except OSError:
        return 0.0


def layer_marks(ds: Dataset) -> dict[str, str] | None:
    """Project dataset name -> the mark that tells it apart, when the project has several datasets."""
    return {name: mark for _, name, mark in ds.layer_specs} or None


def _publish_events(ds: Dataset, folder: Path) -> None:
    if (folder / _DONE).exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    big = len(ds) > 50_000
    bar = st.progress(0.0, text="Preparing the map's data…") if big else None
    # gzipped here once: Streamlit's server would compress the plain file on every request
    # (14 MB at a million events: 0.25 s a session); application/gzip it sends as it is
    _write(folder / "events.bin.gz", gzip_bytes(encode_events(ds.table, layer_marks(ds))))
    chunks = detail_chunks(ds.table, article=ds.article)
    for k, chunk in enumerate(chunks):
        _write(folder / f"c{k}.json", compact_json(chunk))
        if bar is not None and k % 64 == 0:
            bar.progress(k / max(len(chunks), 1), text=f"Preparing the map's data: {k * len(chunk):,} events")
    (folder / _DONE).write_text("")
    if bar is not None:
        bar.empty()


def _last_used(folder: Path) -> float:
    try:
        return (folder / _DONE).stat().st_mtime
    except OSError:  # never finished (a server stopped mid-write): as old as the folder
        try:
            return folder.stat().st_mtime
        except OSError:
            return 0.0


def prune_published(data_dir: Path, keep: int = KEEP_PUBLISHED, now: float | None = None) -> list[Path]:
    """Remove the published datasets beyond the ``keep`` most recently used that nobody has
    used for a day (and unfinished ones as old); returns what was removed."""
    now = time.time() if now is None else now
    try:
        folders = [p for p in data_dir.iterdir() if p.is_dir()]
    except OSError:
        return []
    folders.sort(key=_last_used, reverse=True)
    finished = {p: (p / _DONE).exists() for p in folders}
    done = [p for p in folders if finished[p]]
    removed = []
    for old in done[keep:] + [p for p in folders if not finished[p]]:
        if now - _last_used(old) > STALE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed


def published(ds: Dataset, static_dir: Path) -> Published:
    """Publish ``ds`` for the map (once per dataset and server) and say where it is."""
    key = (ds.key, str(static_dir))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            return hit
        name = f"{ds.key}-{PAYLOAD_FORMAT}-{STYLE_DIGEST}"
        folder = static_dir / "data" / name
        prefix = APP_PREFIX + f"data/{name}/"
        _publish_events(ds, folder)
        try:
            os.utime(folder / _DONE)  # used now: kept by prune_published
        except OSError:
            pass
        prune_published(static_dir / "data")
        layers = {kind: APP_PREFIX + "data/" + publish_json(static_dir / "data", browser_layer(kind, fc))
                  for kind, fc in ds.reference.items() if fc}
        pub = Published(folder=folder, prefix=prefix,
                        events={"url": prefix + "events.bin.gz", "chunkUrl": prefix + "c"}, layers=layers)
        _CACHE[key] = pub
        return pub
