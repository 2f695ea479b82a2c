"""Work split over the machine's cores, for calls that let go of the GIL.

Arrow's compute kernels (``take``) and shapely's GEOS calls (``STRtree.query_nearest``,
``transform``) release the GIL while they run, so threads run them side by side; pure Python
would not gain. Small inputs run on the calling thread: starting threads costs more than it
saves below :data:`MIN_ROWS` rows.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from bordermap.core.settings import whole_number_setting
from bordermap.errors import SettingError

__all__ = ["MIN_ROWS", "THREADS_ENV", "workers", "map_threads", "split_rows", "beside"]

T = TypeVar("T")
R = TypeVar("R")

#: Below this many rows a job runs on the calling thread.
MIN_ROWS = 50_000

#: The environment variable that sets how many threads a job may use.
THREADS_ENV = "BORDERMAP_THREADS"


def workers() -> int:
    """Threads worth starting: ``$BORDERMAP_THREADS`` when set (1 keeps bordermap on one core,
    e.g. on a shared server; at most 64), else the cores this process may run on, at most 8.

    Raises :class:`~bordermap.errors.SettingError` if the variable is not a whole number ≥ 1."""
    try:
        asked = whole_number_setting(THREADS_ENV)
    except ValueError as exc:
        raise SettingError(f"{THREADS_ENV}={exc.args[0]!r} is not a whole number of threads (1 or more)") from None
    if asked is not None:
        return min(asked, MAX_THREADS)
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


#: The most threads ``$BORDERMAP_THREADS`` can ask for.
MAX_THREADS = 64


def map_threads(fn: Callable[[T], R], items: Sequence[T], *, size: int, min_size: int = MIN_ROWS) -> list[R]:
    """``[fn(x) for x in items]``, the calls spread over :func:`workers` threads when the job's
    ``size`` (its rows, or whatever unit ``min_size`` counts) is at least ``min_size``; results
    in the order of ``items``."""
    n = min(workers(), len(items))
    if n < 2 or size < min_size:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="bordermap-parallel") as pool:
        return list(pool.map(fn, items))


def split_rows(fn: Callable[[np.ndarray], R], values: np.ndarray) -> list[R]:
    """``fn`` over consecutive slices of ``values`` (one per :func:`workers`, or the whole array
    when it is small), in order: the caller joins the pieces."""
    n = workers()  # read (and checked) even when the job is small
    if n < 2 or len(values) < MIN_ROWS:
        return [fn(values)]
    return map_threads(fn, np.array_split(values, n), size=len(values))


def beside(fn: Callable[..., R], *args: Any) -> "Future[R]":
    """``fn(*args)`` started on a thread of its own while the caller goes on; the future holds
    its result or its exception. Held to one thread (``$BORDERMAP_THREADS=1``), it runs here,
    before returning."""
    if workers() > 1:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bordermap-beside")
        try:
            return pool.submit(fn, *args)
        finally:
            pool.shutdown(wait=False)  # the thread ends once fn returns
    done: Future = Future()
    try:
        done.set_result(fn(*args))
    except Exception as exc:  # raised where the result is read, as from a thread
        done.set_exception(exc)
    return done
