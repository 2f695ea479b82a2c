"""Work split over threads gives what one thread gives, in the same order."""

import threading

import numpy as np
import pytest
import shapely

from bordermap.core import parallel
from bordermap.core.table import EventTable
from bordermap.errors import SettingError
from bordermap.geo import border_columns
from bordermap.synthetic import rich_table

ROWS = parallel.MIN_ROWS + 7

_POOLS: list = []  # just over the line: the threaded path, with uneven slices


@pytest.fixture
def two_workers(monkeypatch):
    """Two threads even on a one-core runner, so the threaded path is the one tested."""
    monkeypatch.setattr(parallel, "workers", lambda: 2)


def test_map_threads_keeps_order_and_uses_threads(two_workers):
    seen = set()

    def work(x):
        seen.add(threading.current_thread().name)
        return x * 2

    assert parallel.map_threads(work, list(range(50)), size=ROWS) == [x * 2 for x in range(50)]
    assert all(name.startswith("bordermap-parallel") for name in seen)


def test_small_jobs_stay_on_the_calling_thread(two_workers):
    seen = set()
    parallel.map_threads(lambda x: seen.add(threading.current_thread().name), [1, 2, 3], size=10)
    assert seen == {threading.current_thread().name}


def test_split_rows_covers_every_row_once(two_workers):
    values = np.arange(ROWS)
    parts = parallel.split_rows(lambda some: some.copy(), values)
    assert len(parts) == 2
    assert np.array_equal(np.concatenate(parts), values)
    assert parallel.split_rows(lambda some: some.copy(), values[:10])[0].tolist() == list(range(10))


def _shuffled_rich_model(ds, n):
    model = rich_table(n, ds.table, seed=3)
    return model.take(np.random.default_rng(5).permutation(n))  # far from story order


def test_story_order_sort_threaded_equals_one_thread(ds, two_workers, monkeypatch):
    model = _shuffled_rich_model(ds, ROWS)
    threaded = EventTable.from_model_columns(model)
    monkeypatch.setattr(parallel, "MIN_ROWS", 10**12)
    single = EventTable.from_model_columns(model)
    assert threaded.table.equals(single.table)
    assert np.array_equal(threaded.source_index, single.source_index)
    assert threaded.table["date_start"].is_valid().to_numpy(zero_copy_only=False).all()
    starts = threaded.t0
    assert (np.diff(starts) >= 0).all()  # story order


def test_border_columns_threaded_equal_one_thread(ds, two_workers, monkeypatch):
    rng = np.random.default_rng(11)
    xy = np.column_stack([rng.uniform(67, 76, ROWS), rng.uniform(35, 40, ROWS)])
    geoms = shapely.points(xy)
    geoms[::997] = None  # rows without a place keep their NaN among the threaded slices
    threaded = border_columns(geoms, ds.layers)
    monkeypatch.setattr(parallel, "MIN_ROWS", 10**12)
    single = border_columns(geoms, ds.layers)
    assert threaded.keys() == single.keys()
    for name in single:
        a, b = np.asarray(threaded[name]), np.asarray(single[name])
        if a.dtype.kind == "f":
            assert np.array_equal(a, b, equal_nan=True), name
        else:
            assert (a == b).all(), name
    assert np.isnan(np.asarray(threaded["distance_to_border_km"])[::997]).all()
    assert not np.isnan(np.asarray(threaded["distance_to_border_km"])[1::997]).any()


@pytest.mark.parametrize("raw, threads", [("1", 1), (" 3 ", 3), ("08", 8), ("100000", parallel.MAX_THREADS)])
def test_threads_setting(monkeypatch, raw, threads):
    monkeypatch.setenv("BORDERMAP_THREADS", raw)
    assert parallel.workers() == threads


def test_one_thread_setting_keeps_big_jobs_on_the_calling_thread(monkeypatch):
    monkeypatch.setenv("BORDERMAP_THREADS", "1")
    seen = set()
    parallel.map_threads(lambda x: seen.add(threading.current_thread().name), [1, 2, 3], size=ROWS)
    assert seen == {threading.current_thread().name}


@pytest.mark.parametrize("raw", ["0", "abc", "-2", "1.5", "٣", "2\x1b[31m"])
def test_threads_setting_it_cannot_use_is_one_line_from_the_cli(monkeypatch, capsys, root, raw):
    from bordermap.cli import main

    monkeypatch.setenv("BORDERMAP_THREADS", raw)
    with pytest.raises(SettingError, match="BORDERMAP_THREADS=.* is not a whole number of threads"):
        parallel.workers()
    assert main(["validate", str(root / "data" / "events.geojson")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "BORDERMAP_THREADS" in err
    assert "\x1b" not in err and "Traceback" not in err


def test_beside_runs_on_a_thread_of_its_own_and_keeps_its_exception(two_workers):
    started = threading.Event()
    release = threading.Event()

    def work():
        started.set()
        release.wait(10)  # still running while the caller goes on
        return threading.current_thread().name

    future = parallel.beside(work)
    assert started.wait(10) and not future.done()
    release.set()
    assert future.result(10).startswith("bordermap-beside")
    with pytest.raises(ZeroDivisionError):
        parallel.beside(lambda: 1 / 0).result(10)


def test_beside_held_to_one_thread_runs_before_returning(monkeypatch):
    monkeypatch.setenv("BORDERMAP_THREADS", "1")
    future = parallel.beside(lambda: threading.current_thread().name)
    assert future.done() and future.result() == threading.current_thread().name
    failed = parallel.beside(lambda: 1 / 0)  # raised where the result is read, as from a thread
    with pytest.raises(ZeroDivisionError):
        failed.result()


@pytest.mark.parametrize("threads", ["1", "2"])
def test_a_table_handed_over_is_freed_column_by_column_as_it_is_sorted(ds, monkeypatch, threads):
    import pyarrow as pa

    monkeypatch.setenv("BORDERMAP_THREADS", threads)
    shuffled = _shuffled_rich_model(ds, ROWS)
    expected = EventTable.from_model_columns(shuffled)  # the caller keeps its table: a copy is made
    # Every Arrow allocation from here on counted by one pool, the model's own included; the
    # pool lives as long as the process (buffers made through it free through it).
    default = pa.default_memory_pool()
    pool = pa.proxy_memory_pool(default)
    _POOLS.append(pool)
    pa.set_memory_pool(pool)
    try:
        model = pa.Table.from_arrays([pa.concat_arrays(c.chunks) for c in shuffled.columns], names=shuffled.column_names)
        del shuffled
        size = pool.bytes_allocated()
        handed = [model]
        del model
        table = EventTable.from_model_columns(handed, None)
        peak = pool.max_memory()
    finally:
        pa.set_memory_pool(default)
    assert handed == []
    assert table.table.equals(expected.table)
    assert np.array_equal(table.source_index, expected.source_index)
    # One table and a column or two at the most, not two tables (the largest column, the
    # sources, is a third of these events' bytes).
    assert peak < 1.6 * size, (peak / size)
