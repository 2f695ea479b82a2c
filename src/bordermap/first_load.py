"""A large dataset's first load in a child process, for a long-lived server.

Reading, validating and deriving a million events peaks at several gigabytes (the parsed file,
the columns, the table sorted into story order) that a server would keep from then on: Python's
and Arrow's allocators seldom hand freed memory back. So the app loads an uncached file in a
child process (a fresh interpreter), which writes the table cache and exits; the server then opens the cached table,
memory-mapped, at the cost of the cache's pages only. Progress and errors cross back over its
stdout; anything the child cannot do (no writable cache, a crash) falls back to loading here.
"""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bordermap.dataset import Dataset, Progress, is_cached, load_dataset, load_project_dataset
from bordermap.errors import BordermapError

if TYPE_CHECKING:
    from bordermap.project import Project

__all__ = ["load_project_dataset_isolated", "CHILD_MIN_BYTES"]

#: Events files at least this large (bytes) are loaded in a child the first time. A GeoParquet
#: file is compressed (a million rich events in 21 MB expand to 3 GB), so it counts 50×.
CHILD_MIN_BYTES = 20_000_000
_PARQUET_FACTOR = 50


def _expected_bytes(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    return size * _PARQUET_FACTOR if path.suffix.lower() in (".parquet", ".geoparquet") else size


def _send(kind: str, *values: Any) -> None:
    """In the child: one message on stdout, a line of base64 pickle (data never reaches a terminal)."""
    sys.stdout.write(base64.b64encode(pickle.dumps((kind, *values))).decode("ascii") + "\n")
    sys.stdout.flush()


def _child(path: str, geo: str, region: Any) -> int:
    """In the child: load (and so cache) one file, sending progress, then the outcome."""
    try:
        load_dataset(path, geo, progress=lambda fraction, message: _send("progress", fraction, message),
                     region=region)
    except BordermapError as exc:
        _send("error", exc)
        return 1
    _send("done", is_cached(path, geo, region))
    return 0


def _load_in_child(path: Path, geo: Path, region: Any, progress: Progress) -> bool:
    """Load ``path`` in a child process; True when its table is now cached. Raises the child's
    :class:`BordermapError` (the file's problems); False when the child could not finish.

    A fresh interpreter (``python -m bordermap.first_load``), not multiprocessing: under Streamlit
    the main module is the app's script, which multiprocessing's spawn would run again."""
    arg = base64.b64encode(pickle.dumps((str(path), str(geo), region))).decode("ascii")
    child = subprocess.Popen([sys.executable, "-m", "bordermap.first_load", arg], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    done = False
    try:
        for line in child.stdout:
            try:
                msg = pickle.loads(base64.b64decode(line.strip()))
            except (ValueError, pickle.UnpicklingError, EOFError):
                continue  # not one of ours (a library printing): ignored
            if msg[0] == "progress":
                progress(msg[1], msg[2])
            elif msg[0] == "error":
                raise msg[1]
            else:
                done = bool(msg[1])
        return done
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def load_project_dataset_isolated(project: "Project", *, progress: Progress | None = None,
                                  min_bytes: int = CHILD_MIN_BYTES) -> Dataset:
    """:func:`~bordermap.dataset.load_project_dataset`, with every large, uncached events file
    loaded first in a child process so that this process only maps its cached table."""
    report = progress or (lambda fraction, message: None)
    n = len(project.datasets)
    for i, spec in enumerate(project.datasets):
        path = Path(spec.path)
        if _expected_bytes(path) < min_bytes or is_cached(path, project.layers, project.region):
            continue

        def part(fraction: float, message: str, i=i, title=spec.title) -> None:
            report((i + fraction) / n, f"{title}: {message}" if n > 1 else message)

        _load_in_child(path, project.layers, project.region, part)
    return load_project_dataset(project, progress=progress)


if __name__ == "__main__":  # the child: python -m bordermap.first_load ARG
    sys.exit(_child(*pickle.loads(base64.b64decode(sys.argv[1]))))
