"""Edits in the team store: optimistic concurrency, the conflict's sentence, history; and 8
editors at once on overlapping events with no lost update (10 s by default; the 60 s run is
marked slow: ``pytest -m slow tests/test_store_edit.py``)."""

from __future__ import annotations

import copy
import os
import random
import threading
import time
from pathlib import Path

import psycopg
import pytest

from bordermap.errors import DataFileError
from bordermap.project import project_for_events
from bordermap.store import (ConflictError, StoreError, connect, event_history, load_project_into, load_store_dataset,
                             read_for_edit, save_event, store_state)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def loaded(store):
    load_project_into(store, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    return store


def _some_id(url: str, n: int = 0) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id FROM events ORDER BY id OFFSET %s LIMIT 1", (n,)).fetchone()[0]


def test_a_save_on_an_old_revision_is_refused_naming_who_changed_what(loaded):
    event_id = _some_id(loaded)
    state = store_state(loaded)
    with connect(loaded, autocommit=True) as ana, connect(loaded, autocommit=True) as bob:
        mine, base = read_for_edit(ana, event_id)
        theirs, base_b = read_for_edit(bob, event_id)
        assert base == base_b == 1
        theirs["properties"]["title"] = "Bob's better title"
        source = theirs["properties"]["sources"][0]["name"]
        theirs["properties"]["fatalities"] = [{"source": source, "total": 7}]
        assert save_event(bob, theirs, base_b, "bob") == 2
        mine["properties"]["summary"] = "Ana rewrote the summary of this event."
        with pytest.raises(ConflictError) as caught:
            save_event(ana, mine, base, "ana")
        err = caught.value
        assert str(err).startswith(f"event '{event_id}' was not saved: it changed after your copy (revision 1): "
                                   "bob saved revision 2 at ")
        assert "(title, fatalities)" in str(err) and str(err).endswith("Your edit is kept; reapply it to revision 2")
        assert err.yours["properties"]["summary"] == "Ana rewrote the summary of this event."
        assert err.current["properties"]["title"] == "Bob's better title"
        # Ana reapplies her edit on the current version: both edits are kept
        current, rev = read_for_edit(ana, event_id)
        current["properties"]["summary"] = err.yours["properties"]["summary"]
        assert save_event(ana, current, rev, "ana") == 3
        history = event_history(ana, event_id)
    assert [(c.revision, c.changed_by, c.fields) for c, _, _ in history] == [
        (2, "bob", ("title", "fatalities")), (3, "ana", ("summary",))]
    change, before, after = history[0]
    assert before["properties"]["title"] != "Bob's better title" and after["properties"]["title"] == "Bob's better title"
    assert after["properties"]["fatalities"] == [{"source": before["properties"]["sources"][0]["name"], "total": 7}]
    assert store_state(loaded)[1] > state[1]  # the app knows its table is stale
    ds = load_store_dataset(loaded, layers=ROOT / "geo")  # the app sees both edits
    props = ds.feature(event_id)["properties"]
    assert props["title"] == "Bob's better title" and props["summary"].startswith("Ana rewrote")
    assert props["fatalities_low"] == props["fatalities_high"] == 7


def test_an_invalid_edit_or_an_unknown_event_is_refused_and_nothing_changes(loaded):
    event_id = _some_id(loaded)
    with connect(loaded, autocommit=True) as conn:
        event, rev = read_for_edit(conn, event_id)
        for field, value in (("confidence", "certain"), ("date_end", "1900-01-01")):
            bad = copy.deepcopy(event)
            bad["properties"][field] = value
            with pytest.raises(DataFileError) as caught:
                save_event(conn, bad, rev, "ana")
            assert field in {p.field for p in caught.value.problems}
        gone = copy.deepcopy(event)
        gone["properties"]["id"] = "no-such-event"
        with pytest.raises(StoreError, match="no event 'no-such-event' in the store; nothing was saved"):
            save_event(conn, gone, rev, "ana")
        assert read_for_edit(conn, event_id) == (event, 1)
        assert event_history(conn, event_id) == []
        conn.autocommit = False
        conn.execute("SELECT 1")
        with pytest.raises(StoreError, match="outside a transaction"):
            save_event(conn, event, rev, "ana")


def _editors(url: str, ids: list[str], seconds: float, n: int = 8):
    """``n`` threads, each saving its own numbered tag onto random events of ``ids`` and, on a
    conflict, reading the event again and retrying. Returns the saves and conflicts each saw."""
    stop = time.monotonic() + seconds
    saved: list[list[tuple[str, str, int]]] = [[] for _ in range(n)]
    conflicts: list[list[ConflictError]] = [[] for _ in range(n)]
    errors: list[BaseException] = []

    def editor(k: int) -> None:
        rng = random.Random(k)
        try:
            with connect(url, autocommit=True) as conn:
                i = 0
                while time.monotonic() < stop:
                    event_id = rng.choice(ids)
                    event, rev = read_for_edit(conn, event_id)
                    time.sleep(rng.random() * 0.01)  # the editor thinks: others save meanwhile
                    tag = f"editor{k}-{i}"
                    event["properties"]["tags"] = [*event["properties"].get("tags", []), tag]
                    try:
                        new_rev = save_event(conn, event, rev, f"editor{k}")
                    except ConflictError as exc:
                        conflicts[k].append(exc)
                        continue
                    saved[k].append((event_id, tag, new_rev))
                    i += 1
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=editor, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return saved, conflicts


def _check_no_lost_update(url: str, ids: list[str], saved, conflicts) -> None:
    all_saves = [s for per in saved for s in per]
    assert len(all_saves) > 50 and sum(map(len, conflicts)) > 0  # it did overlap
    with connect(url, autocommit=True) as conn:
        for event_id in ids:
            event, rev = read_for_edit(conn, event_id)
            mine = [tag for eid, tag, _ in all_saves if eid == event_id]
            tags = [t for t in event["properties"].get("tags", []) if t.startswith("editor")]
            assert sorted(tags) == sorted(mine), f"{event_id}: a saved edit was lost"
            assert rev == 1 + len(mine)
            revisions = sorted(r for eid, _, r in all_saves if eid == event_id)
            assert revisions == list(range(2, rev + 1))  # each revision given to exactly one save
            history = event_history(conn, event_id)
            assert [c.revision for c, _, _ in history] == revisions
    for k, per in enumerate(conflicts):  # each refused save was reported to its own editor ...
        for exc in per:
            assert exc.yours["properties"]["tags"][-1].startswith(f"editor{k}-")
            # ... naming every save that came between its base revision and the current one
            assert [c.revision for c in exc.changes] == list(range(exc.base_revision + 1, exc.revision + 1))
            assert all(f"{c.changed_by} saved revision {c.revision}" in str(exc) for c in exc.changes)


@pytest.mark.parametrize("seconds", [float(os.environ.get("BORDERMAP_SOAK_SECONDS", 10))])
def test_eight_editors_on_overlapping_events_lose_no_update(loaded, seconds):
    ids = [_some_id(loaded, n) for n in range(4)]
    saved, conflicts = _editors(loaded, ids, seconds)
    _check_no_lost_update(loaded, ids, saved, conflicts)
    print(f"{sum(map(len, saved))} saves, {sum(map(len, conflicts))} conflicts in {seconds:.0f} s")


@pytest.mark.slow
def test_eight_editors_for_a_minute(loaded):
    ids = [_some_id(loaded, n) for n in range(6)]
    saved, conflicts = _editors(loaded, ids, 60.0)
    _check_no_lost_update(loaded, ids, saved, conflicts)
