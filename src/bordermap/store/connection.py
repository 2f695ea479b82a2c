"""Connecting to the team store, and the store's errors as sentences.

Credentials come from where libpq looks for them: the URL itself, the ``PG*`` environment
variables (``PGPASSWORD``, ``PGUSER``, ``PGHOST`` ...) and ``~/.pgpass`` (or ``PGPASSFILE``);
never from project files. A URL is shown without its password.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

import psycopg

from bordermap.errors import BordermapError
from bordermap.textsafe import terminal_safe

__all__ = ["StoreError", "StoreUnavailable", "NotAStore", "connect", "redact", "store_name", "STORE_ENV"]

#: The environment variable that opens the app (and ``--store``'s default) on a store.
STORE_ENV = "BORDERMAP_STORE"

_PASSWORD_IN_URL = re.compile(r"(://[^:/@?#]*:)[^@/?#]*@")
_PASSWORD_PARAM = re.compile(r"(?i)(password=)[^&\s]*")


class StoreError(BordermapError):
    """A store cannot be used as asked (a dataset there already, a refused change); the CLI
    exits with ``exit_code``."""

    exit_code = 1


class StoreUnavailable(StoreError):
    """The database server cannot be reached or went away; nothing partial was written."""

    exit_code = 2


class NotAStore(StoreError):
    """The database has no bordermap schema, or one of another version."""

    exit_code = 2


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***``, escaped for a terminal."""
    return terminal_safe(_PASSWORD_PARAM.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***@", url)))


def store_name(url: str) -> str:
    """What messages call a store: its URL without a password."""
    return redact(url)


def _unavailable(url: str, exc: Exception) -> StoreUnavailable:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreUnavailable(f"{redact(url)}: the database cannot be reached ({terminal_safe(reason)}); "
                            "nothing was changed")


@contextmanager
def connect(url: str, *, autocommit: bool = False, **kwargs) -> Iterator[psycopg.Connection]:
    """A connection to the store at ``url`` (closed afterwards). A server that cannot be reached,
    or goes away meanwhile, is a :class:`StoreUnavailable` naming the store."""
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=10, **kwargs)
    except psycopg.OperationalError as exc:
        raise _unavailable(url, exc) from None
    try:
        with conn:
            yield conn
    except psycopg.errors.InsufficientPrivilege as exc:
        raise StoreError(f"{redact(url)}: not allowed for this user ({terminal_safe(str(exc).splitlines()[0])}); "
                         "nothing was changed (ask the store's admin for the editor or admin role: "
                         "docs/store.md)") from None
    except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
        if conn.broken or conn.closed:
            raise _unavailable(url, exc) from None
        raise
    finally:
        conn.close()
