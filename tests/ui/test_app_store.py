"""The app on a team's store (BORDERMAP_STORE): the same map as the files, and a store that is
down is said plainly and retried (AppTest against a real PostgreSQL/PostGIS)."""

from __future__ import annotations

import socket
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bordermap.cli import main

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _components(at: AppTest) -> list:
    return [c for c in at.get("component_instance") if c.proto.component_name == "streamlit_folium.st_folium"]


def test_the_app_opens_a_store_like_the_files(store, monkeypatch):
    assert main(["db", "load", store, "--project", str(ROOT / "project.toml")]) == 0
    monkeypatch.setenv("BORDERMAP_STORE", store)
    monkeypatch.delenv("BORDERMAP_EVENTS", raising=False)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert len(_components(at)) == 1
    assert "36 of 36 events" in " ".join(c.value for c in at.caption)


def test_a_store_that_is_down_is_said_plainly_and_retried(monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("BORDERMAP_STORE", f"postgresql://reader:secret@127.0.0.1:{port}/khorog")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert "cannot reach the team's store" in text and "secret" not in text
    assert any("Trying again every" in c.value for c in at.caption)
    assert not _components(at)


def test_the_app_connects_as_the_users_own_role_and_a_reader_only_reads(store, monkeypatch):
    """BORDERMAP_STORE per user: the app opens the map with a reader's login (the URL's user);
    on a store it offers no write (link decisions are saved only in a project's links file), and
    the database refuses the reader a write made behind the app's back."""
    import psycopg
    import pytest

    assert main(["db", "load", store, "--project", str(ROOT / "project.toml")]) == 0
    with psycopg.connect(store, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'appreader'").fetchone():
            conn.execute("CREATE ROLE appreader LOGIN IN ROLE bordermap_reader")
    reader = store.replace("postgres@", "appreader@")
    monkeypatch.setenv("BORDERMAP_STORE", reader)
    monkeypatch.delenv("BORDERMAP_EVENTS", raising=False)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception and len(_components(at)) == 1
    assert "36 of 36 events" in " ".join(c.value for c in at.caption)
    from bordermap.store import StoreError, connect, read_for_edit, save_event

    with connect(reader) as conn:
        event, rev = read_for_edit(conn, conn.execute("SELECT min(id) FROM events").fetchone()[0])
    event["properties"]["title"] = "crafted"
    with pytest.raises(StoreError, match="not allowed for this user .*nothing was changed"):
        with connect(reader) as conn:
            save_event(conn, event, rev, "postgres")  # even naming another user


def _open_on_an_event(store: str, monkeypatch) -> tuple[AppTest, str]:
    """The article loaded into ``store`` and the app opened on it with its first event picked."""
    import psycopg

    assert main(["db", "load", store, "--project", str(ROOT / "project.toml")]) == 0
    monkeypatch.setenv("BORDERMAP_STORE", store)
    monkeypatch.delenv("BORDERMAP_EVENTS", raising=False)
    with psycopg.connect(store) as conn:
        event_id = conn.execute("SELECT min(id) FROM events").fetchone()[0]
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["event"] = event_id
    at.run()
    assert not at.exception and at.session_state["selected"] == event_id
    return at, event_id


def _captions(at: AppTest) -> str:
    """The captions' text, markdown escapes removed."""
    return " ".join(c.value for c in at.caption).replace("\\", "")


def test_the_panel_shows_the_events_current_store_revision_and_follows_anothers_edit(store, monkeypatch):
    """The panel reads the picked event's revision now (one row by id): after another analyst
    saves it, the next run shows the new revision and who saved it, though the map's table is
    the one opened."""
    from bordermap.store import connect, read_for_edit, save_event

    at, event_id = _open_on_an_event(store, monkeypatch)
    assert "revision 1, last changed by postgres at " in _captions(at) and " UTC" in _captions(at)
    with connect(store, autocommit=True) as other:
        event, base = read_for_edit(other, event_id)
        event["properties"]["title"] = "Retitled by bob"
        save_event(other, event, base, "bob")
    at.run()
    assert not at.exception
    assert "revision 2, last changed by bob at " in _captions(at)


def test_an_event_deleted_from_the_store_since_the_map_opened_is_one_sentence(store, monkeypatch):
    import psycopg

    at, event_id = _open_on_an_event(store, monkeypatch)
    assert "revision 1" in _captions(at)
    with psycopg.connect(store, autocommit=True) as conn:  # deleted behind the app's back (an admin's hand-made SQL)
        for table in ("claims", "sources", "actors"):
            conn.execute(f"DELETE FROM {table} WHERE event_id = %s", (event_id,))
        conn.execute("DELETE FROM events WHERE id = %s", (event_id,))
    at.run()
    assert not at.exception
    assert f"Event '{event_id}' is no longer in the store" in _captions(at)


def test_the_panel_shows_no_revision_on_files(monkeypatch):
    monkeypatch.delenv("BORDERMAP_STORE", raising=False)
    monkeypatch.delenv("BORDERMAP_EVENTS", raising=False)
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["event"] = "2012-07-21-nazarov-killed"
    at.run()
    assert not at.exception and at.session_state["selected"] == "2012-07-21-nazarov-killed"
    assert "revision" not in _captions(at)
