"""Editing events in the store without losing anyone's edit: optimistic concurrency and history.

Each event carries a ``revision``. An editor reads an event with its revision
(:func:`read_for_edit`) and saves with that revision as its base (:func:`save_event`). The save
locks the row; if the event moved on meanwhile, it is refused with a :class:`ConflictError`
naming who changed what since, and the editor's own version is handed back to be reapplied.
Every save is one transaction that also writes the event before and after into ``history``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

import psycopg
import shapely
from psycopg import sql
from psycopg.types.json import Json

from bordermap.core.table import geometries_of
from bordermap.errors import DataFileError
from bordermap.store.connection import StoreError
from bordermap.store.records import event_values, insert_children, read_event
from bordermap.store.columns import event_columns
from bordermap.textsafe import ID_LIMIT, terminal_safe
from bordermap.validate import validate_collection

__all__ = ["ConflictError", "Change", "save_event", "read_for_edit", "event_history", "update_row", "record_change", "changes_since"]


@dataclass(frozen=True)
class Change:
    """One saved change of an event, as ``history`` records it."""

    revision: int
    changed_by: str
    changed_at: datetime
    fields: tuple[str, ...]
    action: str = "update"

    def describe(self) -> str:
        who, when = terminal_safe(self.changed_by, ID_LIMIT), f"{self.changed_at:%Y-%m-%d %H:%M:%S %Z}"
        if self.action == "insert":
            return f"{who} added it as revision {self.revision} at {when}"
        what = ", ".join(self.fields) if self.fields else "nothing visible"
        return f"{who} saved revision {self.revision} at {when} ({what})"


class ConflictError(StoreError):
    """A save based on a revision that is no longer the event's: nothing was saved.

    ``yours`` is the event as the editor wanted it (to reapply), ``current`` the event as it is
    now, ``changes`` what others saved since the editor's base revision."""

    def __init__(self, event_id: str, base_revision: int, revision: int, changes: list[Change],
                 yours: Mapping[str, Any], current: Mapping[str, Any]):
        self.event_id, self.base_revision, self.revision = event_id, base_revision, revision
        self.changes, self.yours, self.current = changes, yours, current
        since = "; ".join(c.describe() for c in changes) or f"it is at revision {revision}"
        super().__init__(f"event '{terminal_safe(event_id, ID_LIMIT)}' was not saved: it changed after your copy "
                         f"(revision {base_revision}): {since}. Your edit is kept; reapply it to revision {revision}")


def read_for_edit(conn: psycopg.Connection, event_id: str) -> tuple[dict[str, Any], int]:
    """An event (a Feature, no derived fields) and its revision, the base of a later save."""
    found = read_event(conn, event_id)
    conn.commit()  # end the read's transaction: no snapshot or lock is held while the user edits
    if found is None:
        raise StoreError(f"no event '{terminal_safe(event_id, ID_LIMIT)}' in the store")
    return found[0], int(found[1]["revision"])


def changes_since(conn: psycopg.Connection, event_id: str, base: int) -> list[Change]:
    rows = conn.execute("SELECT revision, changed_by, changed_at, fields, action FROM history WHERE event_id = %s "
                        "AND revision > %s ORDER BY id", (event_id, base)).fetchall()
    return [Change(r[0], r[1], r[2], tuple(r[3] or ()), r[4]) for r in rows]


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    b, a = before["properties"], after["properties"]
    fields = [k for k in dict.fromkeys([*b, *a]) if b.get(k) != a.get(k)]
    if before.get("geometry") != after.get("geometry"):
        fields.append("geometry")
    return fields


def _check(conn: psycopg.Connection, event: Mapping[str, Any], dataset: str) -> None:
    article = conn.execute("SELECT article FROM datasets WHERE name = %s", (dataset,)).fetchone()[0]
    paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
    fc = {"type": "FeatureCollection", "features": [event]}
    where = f"event '{event['properties'].get('id')}'"
    errors = [p for p in validate_collection(fc, where, article_paragraphs=paragraphs) if p.severity == "error"]
    if errors:
        raise DataFileError(where, errors)


def save_event(conn: psycopg.Connection, event: Mapping[str, Any], base_revision: int, user: str) -> int:
    """Save ``event`` (a Feature in the model, as :func:`read_for_edit` gives it) over revision
    ``base_revision`` as ``user``; return the new revision.

    One transaction: the row is locked, its revision compared with ``base_revision``, the event
    and its claims, sources and actors replaced, and the change written to ``history`` (who,
    when, which fields, before and after). Raises :class:`ConflictError` when someone saved
    since ``base_revision`` (nothing is saved), ``DataFileError`` when the event is invalid, and
    :class:`StoreError` for an unknown event."""
    props = event.get("properties") or {}
    event_id = props.get("id")
    if not isinstance(event_id, str):
        raise StoreError("the event to save has no id")
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        # Inside the caller's transaction this would be a savepoint, committed (or not) later.
        raise StoreError("save_event needs a connection outside a transaction (commit or roll back first)")
    with conn.transaction():
        found = read_event(conn, event_id, lock=True)
        if found is None:
            raise StoreError(f"no event '{terminal_safe(event_id, ID_LIMIT)}' in the store; nothing was saved")
        before, meta = found
        if meta["revision"] != base_revision:
            raise ConflictError(event_id, base_revision, meta["revision"], changes_since(conn, event_id, base_revision),
                                yours=event, current=before)
        _check(conn, event, meta["dataset"])
        revision = update_row(conn, event, user)
        after = read_event(conn, event_id)[0]
        record_change(conn, event_id, meta["dataset"], "update", revision, user, before, after)
    return int(revision)


def update_row(conn: psycopg.Connection, event: Mapping[str, Any], user: str) -> int:
    """Overwrite an event's row and its claims, sources and actors with ``event`` (in the
    caller's transaction, no check); its new revision."""
    props = event["properties"]
    geom = geometries_of([event])[0]
    assignments = sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c.name)) for c in event_columns())
    revision = conn.execute(sql.SQL(
        "UPDATE events SET {}, feature_id = %s, geom = ST_GeomFromWKB(%s, 4326), "
        "revision = revision + 1, updated_by = %s, updated_at = now() WHERE id = %s RETURNING revision").format(assignments),
        (*event_values(props), event.get("id") if isinstance(event.get("id"), str) else None,
         shapely.to_wkb(geom), user, props["id"])).fetchone()[0]
    insert_children(conn, props["id"], props)
    return int(revision)


def record_change(conn: psycopg.Connection, event_id: str, dataset: str, action: str, revision: int | None,
                  user: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, *,
                  undoes: int | None = None) -> int:
    """One change of one event into ``history`` (``insert``: no before; ``delete``: no after;
    ``undoes``: the change it reverts); the history entry's id."""
    fields = _changed_fields(before, after) if before is not None and after is not None else None
    return int(conn.execute(
        "INSERT INTO history (event_id, dataset, action, revision, changed_by, fields, before, after, undoes) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (event_id, dataset, action, revision, user, fields, Json(before) if before is not None else None,
         Json(after) if after is not None else None, undoes)).fetchone()[0])


def event_history(conn: psycopg.Connection, event_id: str) -> list[tuple[Change, dict | None, dict | None]]:
    """Every saved change of an event, oldest first, with the event before and after."""
    rows = conn.execute("SELECT revision, changed_by, changed_at, fields, before, after FROM history "
                        "WHERE event_id = %s ORDER BY id", (event_id,)).fetchall()
    return [(Change(r[0], r[1], r[2], tuple(r[3] or ())), r[4], r[5]) for r in rows]
