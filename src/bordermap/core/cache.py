"""A validated, annotated dataset kept as a memory-mapped Arrow file, keyed by content.

The key is the BLAKE3 hash of the events file's bytes, of the reference layers it was annotated
with, and of the code's table format: a changed source, changed layers or a new bordermap all
give a new key, so a cached table is never stale. Reopening maps the file into memory
(zero-copy), so a million events open in well under a second.

Where: ``$BORDERMAP_CACHE``, else ``$XDG_CACHE_HOME/bordermap``, else ``~/.cache/bordermap``.
A cache that cannot be written (read-only home, full disk) only costs speed: loading goes on.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
import json
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable

import blake3
import pyarrow as pa

from bordermap import __version__

__all__ = ["cache_dir", "cached_path", "file_digest", "files_digest", "cache_key", "read_cached", "write_cached",
           "read_blob", "write_blob", "TABLE_FORMAT", "prune", "KEEP"]

#: Bump when the table's columns or the derivation rules change.
TABLE_FORMAT = "events-table-4"
_META = b"bordermap"


def cache_dir() -> Path:
    env = os.environ.get("BORDERMAP_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bordermap"


def file_digest(path: str | os.PathLike) -> str:
    """The file's content hash (BLAKE3, on every core: a 300 MB events file in ~0.05 s where
    sha256 takes ~0.3 s). Only ever a cache key: what a file holds, never where or when."""
    h = blake3.blake3(max_threads=blake3.blake3.AUTO)
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        if stat.S_ISREG(st.st_mode) and st.st_size:  # mapped: hashed on every core
            try:
                h.update_mmap(path)
                return h.hexdigest()
            except OSError:  # not mappable (some network filesystems): read below
                h = blake3.blake3(max_threads=blake3.blake3.AUTO)
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode() + b"\0" + file_digest(p).encode() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def _model_layout() -> str:
    """The event model's columns as the cached tables hold them: a field added to the schema
    changes every key, so a table cached before it is never read back without it."""
    from bordermap.core.columns import properties_schema

    return hashlib.sha256(str(properties_schema()).encode()).hexdigest()[:16]


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\0".join((TABLE_FORMAT, __version__, _model_layout()) + parts).encode()).hexdigest()[:32]


def cached_path(key: str) -> Path:
    """Where the table for ``key`` is (or would be) cached."""
    return cache_dir() / "tables" / f"{key}.arrow"



#: How many datasets the cache keeps (the most recently used; each is about the size of its data).
KEEP = 8


#: A temp file this old was left by a writer that was killed (writing a million events takes
#: seconds): :func:`prune` removes it.
STALE_SECONDS = 3600


def prune(keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently used tables, and the temp files of writers that
    were killed mid-write (never one being written)."""
    folder = cache_dir() / "tables"
    try:
        tables = sorted(folder.glob("*.arrow"), key=lambda p: p.stat().st_mtime, reverse=True)
        temps = list(folder.glob(".*.tmp"))
    except OSError:
        return
    now = time.time()
    for old in tables[keep:] + [t for t in temps if _age(t, now) > STALE_SECONDS]:
        _discard(old)


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0


def read_cached(key: str) -> tuple[pa.Table, dict[str, Any]] | None:
    """The cached table and its metadata, memory-mapped; None when absent or unreadable."""
    path = cached_path(key)
    try:
        os.utime(path)  # most recently used: kept by prune()
    except OSError:
        return None
    try:
        reader = pa.ipc.open_file(pa.memory_map(str(path), "r"))
        table = reader.read_all()
    except (OSError, pa.ArrowInvalid):
        return None
    meta = json.loads((table.schema.metadata or {}).get(_META, b"{}"))
    return table.replace_schema_metadata(None), meta


def write_cached(key: str, table: pa.Table, meta: dict[str, Any]) -> Path | None:
    """Write atomically (temp file + rename); returns None if the cache cannot be written."""
    path = cached_path(key)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        table = table.replace_schema_metadata({_META: json.dumps(meta, ensure_ascii=False).encode()})
        with pa.OSFile(tmp, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            # One record batch: a column is then one array, which Arrow's kernels (take, filter)
            # use without concatenating chunks first.
            writer.write_table(table.combine_chunks(), max_chunksize=max(table.num_rows, 1))
        os.replace(tmp, path)
        prune()
        return path
    except (OSError, pa.ArrowException, MemoryError):  # a cache that cannot be written only costs speed
        _discard(tmp)
        return None


def _discard(path: str | os.PathLike | None) -> None:
    """Remove a file if it is there (an open memory map keeps its pages until it is closed)."""
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


# ---- blobs: derived bytes (an export's map payload) kept beside the tables ------------------

def _blob_path(kind: str, key: str) -> Path:
    return cache_dir() / kind / f"{key}.bin"


def read_blob(kind: str, key: str) -> bytes | None:
    """The bytes cached under ``kind``/``key``; None when absent or unreadable."""
    path = _blob_path(kind, key)
    try:
        data = path.read_bytes()
        os.utime(path)  # most recently used: kept by prune_blobs()
        return data
    except OSError:
        return None


def write_blob(kind: str, key: str, data: bytes, keep: int = KEEP) -> Path | None:
    """Write atomically (temp file + rename) and keep the ``keep`` most recently used of
    ``kind``; None if the cache cannot be written (that only costs speed)."""
    path = _blob_path(kind, key)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        tmp = None
        now = time.time()
        blobs = sorted(path.parent.glob("*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
        temps = [t for t in path.parent.glob(".*.tmp") if _age(t, now) > STALE_SECONDS]
        for old in blobs[keep:] + temps:
            _discard(old)
        return path
    except (OSError, MemoryError):
        _discard(tmp)
        return None
