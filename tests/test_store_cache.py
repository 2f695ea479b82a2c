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


def _edit(url: str, event_id: str, title: str) -> None:
    with connect(url, autocommit=True) as other:  # another analyst, another connection
        event, base = read_for_edit(other, event_id)
        event["properties"]["title"] = title
        save_event(other, event, base, "bob")


@pytest.mark.parametrize("change", ["edit", "load", "accept", "import", "undo"])
def test_any_write_makes_the_next_open_read_the_store(own_cache, loaded, monkeypatch, change):
    """Each kind of write, by another connection than the one that opened the store: the next
    open reads the store again and gives what it now holds."""
    from bordermap.cli import main
    from bordermap.store.undo import undo_change

    if change == "undo":  # the change undone is made before the first open
        _edit(loaded, "2012-07-21-nazarov-killed", "A title that will be undone")
    if change == "accept":
        assert main(["ingest", str(ROOT / "tests" / "data" / "ingest" / "relative-dates.txt"), "--store", loaded,
                     "--source", "RFE/RL"]) == 0
    reads = _count_reads(monkeypatch)
    before = load_store_dataset(loaded, layers=ROOT / "geo")
    assert load_store_dataset(loaded, layers=ROOT / "geo").key == before.key and reads == ["events"]
    event_id = "2012-07-21-nazarov-killed"
    if change == "edit":
        _edit(loaded, event_id, "A title changed by someone else")
    elif change == "load":
        load_project_into(loaded, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"), replace=True)
    elif change == "accept":
        with connect(loaded) as conn:
            pid = conn.execute("SELECT event_id FROM proposals ORDER BY id LIMIT 1").fetchone()[0]
        assert main(["accept", pid, "--store", loaded, "--into", "events", "--reviewer", "Ana", "--force"]) == 0
    elif change == "import":
        assert main(["import", "acled", str(ROOT / "tests" / "data" / "import" / "acled_current.csv"),
                     "--store", loaded]) == 0
    else:
        with connect(loaded, autocommit=True) as other:
            last = other.execute("SELECT max(id) FROM history WHERE event_id = %s", (event_id,)).fetchone()[0]
            undo_change(other, last)
    after = load_store_dataset(loaded, layers=ROOT / "geo")
    assert reads[0] == "events" and "events" in reads[1:]  # read again, not served from the cache
    assert after.key != before.key
    title = after.table.feature(after.table.row_of(event_id))["properties"]["title"]
    if change == "edit":
        assert title == "A title changed by someone else"
    elif change == "undo":
        assert title != "A title that will be undone"
    elif change == "accept":
        assert len(after.table) == len(before.table) + 1
    elif change == "import":
        assert len(after.table) > len(before.table)


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


def test_a_cache_for_one_user_is_not_used_for_another(own_cache, loaded, monkeypatch):
    """The same database opened by another login is read for that login (what a reader may see
    is the server's to say, not a cache written by someone else)."""
    with psycopg.connect(loaded, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'cachereader'").fetchone():
            conn.execute("CREATE ROLE cachereader LOGIN IN ROLE bordermap_reader")
    reads = _count_reads(monkeypatch)
    load_store_dataset(loaded, layers=ROOT / "geo")
    load_store_dataset(loaded.replace("postgres@", "cachereader@"), layers=ROOT / "geo")
    assert reads == ["events", "events"]
    load_store_dataset(loaded.replace("postgres@", "cachereader@"), layers=ROOT / "geo")
    assert reads == ["events", "events"]  # and that login's own reopen is from its own cache
