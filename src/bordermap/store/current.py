"""An event's current revision in the store, read for that one event (a primary-key lookup):
what the app's panel shows beside the story, so an analyst sees whether the copy on screen is
the one an edit would be based on (the revision ``save_event`` checks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from bordermap.store.connection import connect
from bordermap.textsafe import ID_LIMIT, terminal_safe

__all__ = ["CurrentRevision", "current_revision"]


@dataclass(frozen=True)
class CurrentRevision:
    """An event's revision as the store holds it now, who saved it last and when."""

    event_id: str
    revision: int
    updated_by: str
    updated_at: datetime

    def describe(self) -> str:
        when = self.updated_at.astimezone(timezone.utc)
        return (f"revision {self.revision}, last changed by {terminal_safe(self.updated_by, ID_LIMIT)} "
                f"at {when:%Y-%m-%d %H:%M:%S} UTC")


def current_revision(url: str, event_id: str) -> CurrentRevision | None:
    """The store's current revision of ``event_id``; None when the store has no such event (it
    was deleted since the dataset was opened). One row by primary key, in its own short
    connection; raises ``StoreUnavailable`` / ``StoreError`` as :func:`connect` does."""
    with connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT revision, updated_by, updated_at FROM events WHERE id = %s LIMIT 1",
                           (event_id,)).fetchone()
    if row is None:
        return None
    return CurrentRevision(event_id, int(row[0]), str(row[1]), row[2])
