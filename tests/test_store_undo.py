"""Undoing one change from history (bordermap.store.undo, `bordermap db undo`): a new change of
its own, revision-checked, the event restored exactly as it was."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest

from bordermap.cli import main
from bordermap.export import export_geojson
from bordermap.store import StoreError, connect, load_store_dataset, read_for_edit, save_event
from bordermap.store.imports import import_into_store
from bordermap.store.undo import undo_change

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "import"
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)


def _edit(url: str, event_id: str, user: str, **changes) -> int:
    with connect(url) as conn:
        event, rev = read_for_edit(conn, event_id)
        event["properties"].update(changes)
        return save_event(conn, event, rev, user)


def _last_change(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT max(id) FROM history").fetchone()[0]


def _export(url: str) -> str:
    return export_geojson(load_store_dataset(url, layers=ROOT / "geo"), generated_at=WHEN)


@pytest.fixture
def imported(store):
    """A store with an ACLED import: events whose original records have their keys in order."""
    import_into_store("acled", DATA / "acled_update_v1.csv", store)
    return store


def test_an_edit_undone_is_the_event_as_it_was_byte_for_byte(imported, capsys):
    before = _export(imported)
    with psycopg.connect(imported) as conn:
        event_id = conn.execute("SELECT min(id) FROM events").fetchone()[0]
    _edit(imported, event_id, "ana", title="A wrong title", original={"z": "last", "a": "first"})
    change = _last_change(imported)
    assert main(["db", "undo", imported, "--change", str(change)]) == 0
    out = capsys.readouterr().out
    assert f"change {change} undone by change {change + 1}: event '{event_id}' back as it was before (revision 3)" in out
    assert _export(imported) == before
    with psycopg.connect(imported) as conn:
        row = conn.execute("SELECT action, revision, undoes, changed_by FROM history ORDER BY id DESC LIMIT 1").fetchone()
    assert row == ("update", 3, change, "postgres")
    assert main(["db", "undo", imported, "--change", str(change)]) == 1  # once only
    assert f"change {change} was not undone: change {change + 1} undid it already; nothing was changed" in capsys.readouterr().err
    assert main(["db", "undo", imported, "--change", str(change + 1)]) == 0  # the undo undone: redone
    assert "A wrong title" in _export(imported)


def test_an_undo_is_refused_when_the_event_changed_since(imported, capsys):
    with psycopg.connect(imported) as conn:
        event_id = conn.execute("SELECT min(id) FROM events").fetchone()[0]
    _edit(imported, event_id, "ana", title="Ana's title")
    change = _last_change(imported)
    _edit(imported, event_id, "bob", confidence="disputed")
    after_bob = _export(imported)
    assert main(["db", "undo", imported, "--change", str(change)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: change {change} was not undone: event '{event_id}' changed since: bob saved revision 3")
    assert "(confidence); nothing was changed" in err and len(err.splitlines()) == 1
    assert _export(imported) == after_bob


def test_an_import_update_undone_change_by_change_and_loads_are_not(imported, capsys):
    before = _export(imported)
    removed = "acled-" + next(r for i, r in enumerate(csv.DictReader(open(DATA / "acled_update_v1.csv",
                                                                         encoding="utf-8"))) if i == 2)["event_id_cnty"].lower()
    _edit(imported, removed, "ana", title="Ana's title")
    edit = _last_change(imported)
    import_into_store("acled", DATA / "acled_update_v2.csv", imported, update=True)
    with psycopg.connect(imported) as conn:
        changes = dict(conn.execute("SELECT action, id FROM history WHERE id > %s", (edit,)).fetchall())
    with connect(imported) as conn:
        with pytest.raises(StoreError, match=rf"change {edit} was not undone: event '{removed}' was deleted since by "
                                             rf"postgres \(change {changes['delete']}\)"):
            undo_change(conn, edit)
        assert undo_change(conn, changes["delete"]).action == "insert"  # the removed event is back
        assert undo_change(conn, changes["insert"]).action == "delete"  # the added one gone
        assert undo_change(conn, changes["update"]).action == "update"  # the changed one as it was
        with pytest.raises(StoreError, match=rf"event '{removed}' changed since: postgres added it as revision 3"):
            undo_change(conn, edit)  # the event is back as Ana left it, at a revision of its own
    fc, now = json.loads(before), json.loads(_export(imported))
    assert [f["properties"]["title"] for f in now["features"] if f["properties"]["id"] == removed] == ["Ana's title"]
    for f in now["features"]:
        if f["properties"]["id"] == removed:
            f["properties"]["title"] = next(g for g in fc["features"] if g["properties"]["id"] == removed)["properties"]["title"]
    assert now["features"] == fc["features"]  # (the dataset block names the last export imported)
    assert main(["db", "undo", imported, "--change", "1"]) == 1
    assert "it loaded the dataset acled as a whole" in capsys.readouterr().err
    assert main(["db", "undo", imported, "--change", "999"]) == 1
    assert "history has no such change" in capsys.readouterr().err
    assert main(["db", "history", imported, "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and f"undoing change {changes['update']}" in lines[0] and "  postgres  update acled-" in lines[0]
