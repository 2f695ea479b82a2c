"""Store datasets kept in the on-disk cache: reopening an unchanged store skips reading it, any
write makes the next open read it again, and nothing in the cache names a password."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from bordermap.project import project_for_events
from bordermap.store import connect, load_project_into, load_store_dataset, read_for_edit, save_event, store_problems
from bordermap.store import dataset as store_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERMAP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def loaded(store):
    load_project_into(store, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    return store


def _count_reads(monkeypatch) -> list[str]:
    reads = []
    real = store_dataset.read_model_columns

    def counting(conn, dataset):
        reads.append(dataset)
        return real(conn, dataset)
    monkeypatch.setattr(store_dataset, "read_model_columns", counting)
    return reads


def _with_password(url: str, password: str) -> str:
    # The test server trusts loopback, so any password connects: enough to see where it goes.
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)


def test_reopening_an_unchanged_store_reads_the_cache_and_gives_the_same_table(own_cache, loaded, monkeypatch):
    reads = _count_reads(monkeypatch)
    first = load_store_dataset(loaded, layers=ROOT / "geo")
    assert reads == ["events"]
    again = load_store_dataset(loaded, layers=ROOT / "geo")
    assert reads == ["events"]  # not read again
    assert again.table.table.equals(first.table.table)
    assert (again.table.source_index == first.table.source_index).all()
    assert again.article == first.article and again.warnings == first.warnings and again.key == first.key


@pytest.mark.parametrize("change", ["edit", "load"])
def test_any_write_makes_the_next_open_read_the_store(own_cache, loaded, monkeypatch, change):
    reads = _count_reads(monkeypatch)
    before = load_store_dataset(loaded, layers=ROOT / "geo")
    event_id = str(before.table.ids[0])
    if change == "edit":
        with connect(loaded, autocommit=True) as other:  # another analyst, another connection
            event, base = read_for_edit(other, event_id)
            event["properties"]["title"] = "A title changed by someone else"
            save_event(other, event, base, "bob")
    else:
        load_project_into(loaded, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"), replace=True)
    after = load_store_dataset(loaded, layers=ROOT / "geo")
    assert reads == ["events", "events"]
    assert after.key != before.key
    if change == "edit":
        row = after.table.row_of(event_id)
        assert after.table.feature(row)["properties"]["title"] == "A title changed by someone else"


def test_the_cache_never_holds_the_password_and_another_database_is_not_served_from_it(own_cache, loaded, pg_server,
                                                                                       monkeypatch, request):
    secret = "s3cr3t-pa55"
    load_store_dataset(_with_password(loaded, secret), layers=ROOT / "geo")
    files = [p for p in own_cache.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert secret.encode() not in path.read_bytes() and secret not in path.name
    # A second store with the very same events: its own first open reads it.
    other = pg_server.create_database("t_cache_other_" + str(abs(hash(request.node.name)) % 10_000), template="tmpl_store")
    load_project_into(other, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    reads = _count_reads(monkeypatch)
    load_store_dataset(other, layers=ROOT / "geo")
    assert reads == ["events"]


def test_validate_on_the_store_always_reads_it(own_cache, loaded, monkeypatch):
    load_store_dataset(loaded, layers=ROOT / "geo")
    reads = _count_reads(monkeypatch)
    assert store_problems(loaded) == {"events": []} or all(p.severity != "error" for p in store_problems(loaded)["events"])
    assert reads and set(reads) == {"events"}
