"""The team store: a project's events in PostgreSQL/PostGIS, for many analysts at once.

Files stay the default; a store holds the same events (``db load`` / ``db dump`` move a project
between the two, byte for byte), opens as the same :class:`~bordermap.dataset.Dataset`
(:func:`load_store_dataset`), and takes edits with optimistic concurrency and a history of who
changed what (:func:`save_event`). Running it for a team: ``docs/store.md``.
"""

from bordermap.store.connection import STORE_ENV, StoreError, StoreUnavailable, connect, redact
from bordermap.store.dataset import load_store_dataset, load_store_project, store_problems, store_state
from bordermap.store.edit import ConflictError, event_history, read_for_edit, save_event
from bordermap.store.migrate import current_version, init_schema, upgrade_schema
from bordermap.store.transfer import dump_store, load_project_into

__all__ = ["STORE_ENV", "StoreError", "StoreUnavailable", "ConflictError", "connect", "redact", "load_store_dataset",
           "load_store_project", "store_state", "store_problems", "save_event", "read_for_edit", "event_history", "current_version", "init_schema",
           "upgrade_schema", "dump_store", "load_project_into"]
