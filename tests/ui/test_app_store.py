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
