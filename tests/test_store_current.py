"""An event's current revision read for that one event (store/current.py): what the panel shows."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import pytest

from bordermap.project import project_for_events
from bordermap.store import StoreUnavailable, connect, load_project_into, read_for_edit, save_event
from bordermap.store.current import current_revision

ROOT = Path(__file__).resolve().parents[1]


def test_the_current_revision_follows_each_save_and_a_reader_may_read_it(store):
    load_project_into(store, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    first = current_revision(store, "2012-07-21-nazarov-killed")
    assert first is not None and first.revision == 1 and first.updated_by == "postgres"
    with connect(store, autocommit=True) as conn:
        event, base = read_for_edit(conn, "2012-07-21-nazarov-killed")
        save_event(conn, event, base, "ana <b>")
    now = current_revision(store, "2012-07-21-nazarov-killed")
    assert now.revision == 2 and now.updated_at >= first.updated_at
    assert now.describe().startswith("revision 2, last changed by ana <b> at ") and now.describe().endswith(" UTC")
    assert current_revision(store, "no-such-event") is None
    with psycopg.connect(store, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'revreader'").fetchone():
            conn.execute("CREATE ROLE revreader LOGIN IN ROLE bordermap_reader")
    assert current_revision(store.replace("postgres@", "revreader@"), "2012-07-21-nazarov-killed").revision == 2


def test_a_store_that_is_down_is_a_store_unavailable_without_the_password():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreUnavailable) as exc:
        current_revision(f"postgresql://ana:secret@127.0.0.1:{port}/khorog", "x")
    assert "secret" not in str(exc.value) and len(str(exc.value).splitlines()) == 1
