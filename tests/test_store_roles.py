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


def test_every_write_of_the_store_is_refused_to_a_reader_in_one_sentence(people, capsys):
    """What the CLI and the library write — an import, proposals, an accept, an undo — on a
    reader's connection: the database refuses, the user gets one sentence, nothing changes."""
    from bordermap.cli import main
    from bordermap.store.undo import undo_change

    reader = people["reader1"]
    with psycopg.connect(people["admin1"]) as conn:
        before = conn.execute("SELECT count(*), max(id) FROM history").fetchone()
    attempts = [["import", "acled", str(ROOT / "tests" / "data" / "import" / "acled_current.csv"), "--store", reader],
                ["ingest", str(ROOT / "tests" / "data" / "ingest" / "relative-dates.txt"), "--store", reader],
                ["accept", "2022-10-03-khorog", "--store", reader, "--into", "article"],
                ["db", "undo", reader, "--change", "1"],
                ["db", "load", reader, "--events", str(ROOT / "tests" / "data" / "good-minimal.geojson"), "--replace"]]
    for argv in attempts:
        assert main(argv) != 0, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) >= 1 and "Traceback" not in "\n".join(err), argv
        if argv[0] not in ("accept", "db") or argv[1] == "load":
            assert "not allowed for this user" in err[-1], (argv, err)
    with psycopg.connect(people["admin1"]) as conn:
        assert conn.execute("SELECT count(*), max(id) FROM history").fetchone() == before
        assert conn.execute("SELECT count(*) FROM proposals").fetchone()[0] == 0
    # an edit's undo by a reader, with a change there is to undo
    with connect(people["editor1"], autocommit=True) as conn:
        event, rev = read_for_edit(conn, _first_id(reader))
        event["properties"]["title"] = "An editor's title"
        save_event(conn, event, rev, "editor1")
    with psycopg.connect(people["admin1"]) as conn:
        change = conn.execute("SELECT max(id) FROM history").fetchone()[0]
    with pytest.raises(StoreError, match="not allowed for this user .*nothing was changed"):
        with connect(reader) as conn:
            undo_change(conn, change)
    with connect(people["editor1"]) as conn:  # an editor may undo an edit
        assert undo_change(conn, change).action == "update"


def test_history_names_the_login_that_made_a_change_whatever_name_the_caller_gives(people):
    url = people["editor1"]
    with connect(url, autocommit=True) as conn:
        event, rev = read_for_edit(conn, _first_id(url))
        event["properties"]["title"] = "Saved under another name"
        save_event(conn, event, rev, "admin1")
    with psycopg.connect(people["admin1"]) as conn:
        assert conn.execute("SELECT changed_by, login FROM history ORDER BY id DESC LIMIT 1").fetchone() == ("admin1", "editor1")
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO history (action, changed_by, login) VALUES ('update', 'x', 'admin1')")
