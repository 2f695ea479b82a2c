"""Roles the database enforces (migration 0002): a reader browses and exports but cannot write,
even with hand-made SQL; an editor edits but cannot load; an admin loads."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from bordermap.project import project_for_events
from bordermap.store import StoreError, connect, load_project_into, load_store_dataset, read_for_edit, save_event

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def people(store, pg_server):
    """Login roles reader1, editor1, admin1 (trust auth on loopback: no passwords in tests)."""
    load_project_into(store, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    with psycopg.connect(store, autocommit=True) as conn:
        for user, role in (("reader1", "reader"), ("editor1", "editor"), ("admin1", "admin")):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone():
                conn.execute(f"CREATE ROLE {user} LOGIN IN ROLE bordermap_{role}")
    return {u: store.replace("postgres@", f"{u}@") for u in ("reader1", "editor1", "admin1")}


def _first_id(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT min(id) FROM events").fetchone()[0]


def test_a_reader_reads_but_cannot_write(people):
    url = people["reader1"]
    assert len(load_store_dataset(url, layers=ROOT / "geo")) == 36
    event_id = _first_id(url)
    with connect(people["reader1"], autocommit=True) as conn:
        event, rev = read_for_edit(conn, event_id)
    event["properties"]["title"] = "A reader's title"
    with pytest.raises(StoreError, match=r"not allowed for this user \(permission denied for table events\); "
                                         r"nothing was changed"):
        with connect(url, autocommit=True) as conn:
            save_event(conn, event, rev, "reader1")
    for statement in ("UPDATE events SET title = 'x'", "DELETE FROM events", "DELETE FROM history",
                      "INSERT INTO history (action, changed_by) VALUES ('update', 'me')",
                      "UPDATE history SET changed_by = 'nobody'", "DELETE FROM datasets"):
        with psycopg.connect(url, autocommit=True) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    with psycopg.connect(people["admin1"]) as conn:
        assert conn.execute("SELECT title FROM events WHERE id = %s", (event_id,)).fetchone()[0] != "A reader's title"


def test_an_editor_edits_but_cannot_load_or_rewrite_history(people):
    url = people["editor1"]
    event_id = _first_id(url)
    with connect(url, autocommit=True) as conn:
        event, rev = read_for_edit(conn, event_id)
        event["properties"]["title"] = "An editor's title"
        assert save_event(conn, event, rev, "editor1") == rev + 1
    with pytest.raises(StoreError, match="not allowed for this user"):
        load_project_into(url, project_for_events(ROOT / "tests" / "data" / "good-minimal.geojson", ROOT / "geo"),
                          replace=True)
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE history SET changed_by = 'nobody'")


def test_an_admin_loads(people):
    report = load_project_into(people["admin1"], project_for_events(ROOT / "tests" / "data" / "good-minimal.geojson",
                                                                    ROOT / "geo"), replace=True)
    assert report.events == 1
