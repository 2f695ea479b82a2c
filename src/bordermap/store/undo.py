"""Undoing one change from the store's history (``bordermap db undo URL --change ID``).

An undo is a change of its own, in history like any other (``undoes`` names the change it
reverts), and it is revision-checked like an edit: a change is undone only while the event is
as that change left it. An edit is undone by saving the event as it was before; an insert (an
accepted proposal, an event an import added) by deleting the event; a delete by putting the
event back. A dataset's load is not undone event by event (``db load --replace`` replaces a
dataset). A change is undone once; undoing the undo redoes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from bordermap.store.connection import StoreError
from bordermap.store.edit import Change, changes_since, record_change, update_row
from bordermap.store.records import copy_events, read_event
from bordermap.core.table import geometries_of
from bordermap.textsafe import ID_LIMIT, terminal_safe

__all__ = ["Undone", "undo_change", "recent_changes"]


@dataclass(frozen=True)
class Undone:
    """What an undo did: the change undone, the new change that reverts it, the event and its
    revision now (None when the undo deleted it)."""

    change: int
    by_change: int
    event_id: str
    action: str
    revision: int | None

    def describe(self) -> str:
        what = {"update": "back as it was before", "delete": "deleted again", "insert": "back"}[self.action]
        now = f" (revision {self.revision})" if self.revision is not None else ""
        return (f"change {self.change} undone by change {self.by_change}: event "
                f"'{terminal_safe(self.event_id, ID_LIMIT)}' {what}{now}")


def _refuse(change: int, why: str) -> StoreError:
    return StoreError(f"change {change} was not undone: {why}; nothing was changed")


def undo_change(conn: psycopg.Connection, change: int) -> Undone:
    """Revert the change ``change`` of ``history`` as a new change by the connection's user, in
    one transaction. Raises :class:`StoreError` (nothing changed) when there is no such
    change, it is a load, it was undone already, or the event changed since."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise StoreError("undo_change needs a connection outside a transaction (commit or roll back first)")
    with conn.transaction():
        user = conn.execute("SELECT current_user").fetchone()[0]
        row = conn.execute("SELECT event_id, dataset, action, revision, before, after, changed_by, changed_at "
                           "FROM history WHERE id = %s", (change,)).fetchone()
        if row is None:
            raise _refuse(change, "the store's history has no such change (`bordermap db history URL` lists them)")
        event_id, dataset, action, revision, before, after, who, when = row
        if action == "load" or event_id is None:
            raise _refuse(change, f"it loaded the dataset {terminal_safe(dataset or '?')} as a whole "
                                  "(replace a dataset with `bordermap db load --replace`)")
        undone_by = conn.execute("SELECT id FROM history WHERE undoes = %s", (change,)).fetchone()
        if undone_by:
            raise _refuse(change, f"change {undone_by[0]} undid it already")
        found = read_event(conn, event_id, lock=True)
        name = f"event '{terminal_safe(event_id, ID_LIMIT)}'"
        if action == "delete":
            if found is not None:
                raise _refuse(change, f"{name} is in the store again (revision {found[1]['revision']})")
            return Undone(change, _put_back(conn, change, event_id, dataset, before, user), event_id, "insert",
                          _revision(conn, event_id))
        if found is None:
            gone = conn.execute("SELECT id, changed_by FROM history WHERE event_id = %s AND action = 'delete' "
                                "AND id > %s ORDER BY id DESC LIMIT 1", (event_id, change)).fetchone()
            by = f" by {terminal_safe(gone[1], ID_LIMIT)} (change {gone[0]})" if gone else ""
            raise _refuse(change, f"{name} was deleted since{by}")
        current, meta = found
        if meta["revision"] != revision:
            since = "; ".join(c.describe() for c in changes_since(conn, event_id, revision))
            raise _refuse(change, f"{name} changed since: {since or 'it is at revision ' + str(meta['revision'])}")
        if action == "insert":
            conn.execute("DELETE FROM events WHERE id = %s", (event_id,))
            by_change = record_change(conn, event_id, dataset, "delete", None, user, current, None, undoes=change)
            return Undone(change, by_change, event_id, "delete", None)
        new_revision = update_row(conn, before, user)
        restored = read_event(conn, event_id)[0]
        by_change = record_change(conn, event_id, dataset, "update", new_revision, user, current, restored,
                                  undoes=change)
        return Undone(change, by_change, event_id, "update", new_revision)


def _put_back(conn: psycopg.Connection, change: int, event_id: str, dataset: str, before: dict[str, Any],
              user: str) -> int:
    """A deleted event back in its dataset, at the revision after its last (an editor's copy
    from before the delete stays stale)."""
    if not conn.execute("SELECT 1 FROM datasets WHERE name = %s", (dataset,)).fetchone():
        raise _refuse(change, f"its dataset {terminal_safe(dataset)} is no longer in the store")
    position = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM events WHERE dataset = %s",
                            (dataset,)).fetchone()[0]
    copy_events(conn, [before], geometries_of([before]), [position], dataset, user)
    revision = conn.execute("UPDATE events SET revision = (SELECT coalesce(max(revision), 0) + 1 FROM history "
                            "WHERE event_id = %s) WHERE id = %s RETURNING revision", (event_id, event_id)).fetchone()[0]
    return record_change(conn, event_id, dataset, "insert", revision, user, None, read_event(conn, event_id)[0],
                         undoes=change)


def _revision(conn: psycopg.Connection, event_id: str) -> int:
    return int(conn.execute("SELECT revision FROM events WHERE id = %s", (event_id,)).fetchone()[0])


def recent_changes(conn: psycopg.Connection, *, event_id: str | None = None,
                   limit: int = 20) -> list[tuple[int, Change, str, str | None, int | None]]:
    """The latest changes, newest first: (change id, the change, action, event id, change it undoes)."""
    where, params = ("WHERE event_id = %s", [event_id]) if event_id is not None else ("", [])
    rows = conn.execute(f"SELECT id, revision, changed_by, changed_at, fields, action, event_id, undoes, dataset "
                        f"FROM history {where} ORDER BY id DESC LIMIT %s", [*params, limit]).fetchall()
    return [(r[0], Change(r[1], r[2], r[3], tuple(r[4] or ())), r[5], r[6] or r[8], r[7]) for r in rows]
