"""The table cache: keyed by content, never stale, bounded, and only ever a speed-up."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bordermap.core import cache
from bordermap.dataset import load_dataset
from bordermap.synthetic import synthetic_collection

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERMAP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _events(tmp_path, n, seed, name="events.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(synthetic_collection(n, seed=seed)))
    return path


def test_second_load_comes_from_the_cache_and_is_the_same(own_cache, tmp_path, monkeypatch):
    path = _events(tmp_path, 50, 1)
    first = load_dataset(path, ROOT / "geo")
    assert len(list((own_cache / "tables").glob("*.arrow"))) == 1
    monkeypatch.setattr("bordermap.dataset.read_json", lambda p: pytest.fail("read the file again"))
    again = load_dataset(path, ROOT / "geo")
    assert list(again.table.features()) == list(first.table.features()) and again.key == first.key


def test_a_changed_file_is_read_again(own_cache, tmp_path):
    path = _events(tmp_path, 20, 1)
    a = load_dataset(path, ROOT / "geo")
    st = path.stat()
    path.write_text(json.dumps(synthetic_collection(20, seed=2)))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: the content decides
    b = load_dataset(path, ROOT / "geo")
    assert a.key != b.key and list(a.table.ids) != list(b.table.ids)


def test_an_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BORDERMAP_CACHE", str(blocker))
    ds = load_dataset(_events(tmp_path, 10, 1), ROOT / "geo")
    assert len(ds) == 10


def test_a_damaged_cache_file_is_ignored(own_cache, tmp_path):
    path = _events(tmp_path, 10, 1)
    load_dataset(path, ROOT / "geo")
    (table,) = (own_cache / "tables").glob("*.arrow")
    table.write_bytes(b"garbage")
    assert len(load_dataset(path, ROOT / "geo")) == 10


def test_the_cache_keeps_the_most_recently_used(own_cache, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    monkeypatch.setattr(cache.prune, "__defaults__", (2,))
    paths = [_events(tmp_path, 5, seed, f"e{seed}.geojson") for seed in range(4)]
    for p in paths:
        load_dataset(p, ROOT / "geo")
    assert len(list((own_cache / "tables").glob("*.arrow"))) == 2


def test_a_writer_killed_mid_write_leaves_no_table_and_its_temp_is_swept(own_cache, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    events = _events(tmp_path, 3000, seed=11)
    # A child that loads the file and is killed while it writes the cache: the write is slowed
    # down (pyarrow's IPC writer held for a while) so the kill lands inside it.
    code = f"""
import time, pyarrow as pa
from bordermap.core import cache
real = pa.ipc.new_file
class Slow:
    def __init__(self, *a, **k): self.w = real(*a, **k)
    def __enter__(self): return self
    def __exit__(self, *e): return self.w.__exit__(*e)
    def write_table(self, *a, **k):
        self.w.write_table(*a, **k); print("writing", flush=True); time.sleep(60)
pa.ipc.new_file = Slow
from bordermap.dataset import load_dataset
load_dataset({str(events)!r}, {str(ROOT / 'geo')!r})
"""
    env = {**os.environ, "BORDERMAP_CACHE": str(own_cache)}
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    tables = own_cache / "tables"
    assert list(tables.glob("*.arrow")) == [], "no table under its final name: the rename never happened"
    temps = list(tables.glob(".*.tmp"))
    assert len(temps) == 1 and temps[0].stat().st_size > 0  # what the kill left
    ds = load_dataset(events, ROOT / "geo")  # reads the file again, caches it; the fresh temp is kept
    assert len(ds) == 3000 and len(list(tables.glob("*.arrow"))) == 1 and temps[0].exists()
    old = time.time() - cache.STALE_SECONDS - 60
    os.utime(temps[0], (old, old))
    cache.prune()
    assert not temps[0].exists(), "a killed writer's temp file is swept once it is stale"
    assert load_dataset(events, ROOT / "geo").key == ds.key  # and the cache still serves the table


def test_a_cache_that_arrow_cannot_write_only_costs_speed(own_cache, tmp_path, monkeypatch):
    import pyarrow as pa

    def broken(*args, **kwargs):
        raise pa.ArrowInvalid("simulated writer failure")

    monkeypatch.setattr(pa.ipc, "new_file", broken)
    ds = load_dataset(_events(tmp_path, 20, seed=12), ROOT / "geo")
    assert len(ds) == 20 and not list((own_cache / "tables").glob("*"))


def test_a_new_field_in_the_model_changes_every_key(monkeypatch):
    """A table cached before the events schema gained a field (ingest's `proposal`) must not be
    read back without it: the key follows the model's columns."""
    import pyarrow as pa

    from bordermap.core import cache, columns

    before = cache.cache_key("same", "parts")
    grown = pa.schema(list(columns.properties_schema()) + [pa.field("a_new_field", pa.string())])
    monkeypatch.setattr(columns, "properties_schema", lambda: grown)
    cache._model_layout.cache_clear()
    try:
        assert cache.cache_key("same", "parts") != before
    finally:
        monkeypatch.undo()
        cache._model_layout.cache_clear()
    assert cache.cache_key("same", "parts") == before


def test_file_digest_is_the_blake3_of_the_bytes_however_the_file_is_read(tmp_path):
    """Mapped (a regular file), read (an empty file, a pipe): the same hash of the same bytes,
    and one changed byte gives another."""
    import subprocess

    import blake3

    data = os.urandom(3_000_000)
    (tmp_path / "a").write_bytes(data)
    (tmp_path / "empty").write_bytes(b"")
    assert cache.file_digest(tmp_path / "a") == blake3.blake3(data).hexdigest()
    assert cache.file_digest(tmp_path / "empty") == blake3.blake3(b"").hexdigest()
    (tmp_path / "a").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert cache.file_digest(tmp_path / "a") != blake3.blake3(data).hexdigest()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"printf abc > '{fifo}'"])
    try:
        assert cache.file_digest(fifo) == blake3.blake3(b"abc").hexdigest()
    finally:
        writer.wait(timeout=10)
