"""The store's schema: numbered SQL files under ``migrations/``, applied in order, each in one
transaction with its row in ``schema_version``. ``db init`` creates the schema on an empty
database; ``db upgrade`` applies what is missing. Two upgrades at once wait for each other (an
advisory lock), so a migration is never applied twice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import psycopg

from bordermap.store.connection import NotAStore, StoreError

__all__ = ["Migration", "migrations", "current_version", "init_schema", "upgrade_schema", "require_current"]

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK = 0x626f7264  # "bord": the advisory lock migrations take


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with this version of bordermap, in order."""
    out = []
    for entry in resources.files("bordermap.store").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            out.append(Migration(int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    out.sort(key=lambda m: m.version)
    assert [m.version for m in out] == list(range(1, len(out) + 1)), "migrations must be numbered 1, 2, 3 ..."
    return out


def current_version(conn: psycopg.Connection) -> int | None:
    """The schema version of the store (None when it was never initialised)."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('schema_version') IS NOT NULL")
        if not cur.fetchone()[0]:
            return None
        cur.execute("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(cur.fetchone()[0])


def _apply(conn: psycopg.Connection, target: int | None) -> list[Migration]:
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, "
                     "applied_at timestamptz NOT NULL DEFAULT now())")
        have = current_version(conn) or 0
        for m in migrations():
            if m.version <= have or (target is not None and m.version > target):
                continue
            with conn.transaction():
                try:
                    conn.execute(m.sql)
                except psycopg.errors.InsufficientPrivilege as exc:
                    raise StoreError(f"migration {m.version} ({m.name}) needs more rights than this user has "
                                     f"({str(exc).splitlines()[0]}); ask the database's owner to run "
                                     "`bordermap db upgrade` (PostGIS must be created by a superuser)") from None
                conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)", (m.version, m.name))
            applied.append(m)
    return applied


def init_schema(conn: psycopg.Connection) -> list[Migration]:
    """Create the schema on a database that has none; refuse one that has it already."""
    version = current_version(conn)
    if version is not None:
        raise StoreError(f"the store is already initialised (schema version {version}); "
                         "use `bordermap db upgrade` to bring it up to date")
    return _apply(conn, None)


def upgrade_schema(conn: psycopg.Connection, target: int | None = None) -> list[Migration]:
    """Apply the migrations the store does not have yet (up to ``target``); [] when up to date."""
    return _apply(conn, target)


def require_current(conn: psycopg.Connection, name: str) -> None:
    """Raise :class:`NotAStore` unless the store's schema is this version of bordermap's."""
    version = current_version(conn)
    latest = migrations()[-1].version
    if version is None:
        raise NotAStore(f"{name}: not a bordermap store (no schema); run `bordermap db init` first")
    if version < latest:
        raise NotAStore(f"{name}: the store's schema is version {version}, this bordermap needs {latest}; "
                         "run `bordermap db upgrade`")
    if version > latest:
        raise NotAStore(f"{name}: the store's schema is version {version}, newer than this bordermap "
                         f"knows ({latest}); upgrade bordermap")
