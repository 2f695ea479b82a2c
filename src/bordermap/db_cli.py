"""``bordermap db {init,upgrade,load,dump,history,undo} URL``: the CLI edge of :mod:`bordermap.store`.

URL is a libpq connection URL (``postgresql://user@host:5432/dbname``); a password is best left
out of it and taken from ``PGPASSWORD`` or ``~/.pgpass``, as libpq does. Exit codes: 0 done,
1 invalid data or a refused change, 2 the store cannot be reached or used, bad usage.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bordermap.errors import BordermapError
from bordermap.export_cli import report_error
from bordermap.progress import terminal_progress
from bordermap.textsafe import echo

__all__ = ["add_db_parser"]


def add_db_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("db", help="a team's store on PostgreSQL/PostGIS: init, upgrade, load, dump, history, undo",
                              description="Work with a team store: a PostgreSQL database with PostGIS holding a "
                                          "project's events. Credentials come from the URL, the PG* environment "
                                          "variables or ~/.pgpass. See docs/store.md.")
    sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    init = sub.add_parser("init", help="create the schema in an empty database")
    init.add_argument("url", metavar="URL")
    init.set_defaults(func=_cmd_init)
    up = sub.add_parser("upgrade", help="apply the schema migrations the store does not have yet")
    up.add_argument("url", metavar="URL")
    up.set_defaults(func=_cmd_upgrade)
    load = sub.add_parser("load", help="load a project's events (or one events file) into the store, all or nothing")
    load.add_argument("url", metavar="URL")
    src = load.add_mutually_exclusive_group()
    src.add_argument("--events", metavar="PATH", help="one events file (GeoJSON or GeoParquet): the dataset 'events'")
    src.add_argument("--project", metavar="PATH", help="project file (default: project.toml)")
    load.add_argument("--geo", metavar="DIR", help="reference layers folder (default: the project's, or geo)")
    load.add_argument("--replace", action="store_true", help="replace datasets of the same names in the store")
    load.set_defaults(func=_cmd_load)
    dump = sub.add_parser("dump", help="write each dataset of the store as GeoJSON (as export geojson writes it)")
    dump.add_argument("url", metavar="URL")
    dump.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write NAME.geojson files into")
    dump.add_argument("--force", action="store_true", help="replace files that exist")
    dump.set_defaults(func=_cmd_dump)
    hist = sub.add_parser("history", help="the latest changes (who, when, what), newest first")
    hist.add_argument("url", metavar="URL")
    hist.add_argument("--event", metavar="ID", help="only this event's changes")
    hist.add_argument("--limit", type=int, default=20, metavar="N", help="how many (default 20)")
    hist.set_defaults(func=_cmd_history)
    undo = sub.add_parser("undo", help="revert one change (an edit, an accept, an import's change) as a new change")
    undo.add_argument("url", metavar="URL")
    undo.add_argument("--change", required=True, type=int, metavar="ID", help="the change's number (db history lists them)")
    undo.set_defaults(func=_cmd_undo)
    return p


def _run(action) -> int:
    """Run ``action``; print what it returns (a line, or a list of lines: each escaped on its own)."""
    try:
        result = action()
        for line in [result] if isinstance(result, str) else result:
            echo(line)
    except BordermapError as exc:
        return report_error(exc)
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from bordermap.store import connect, init_schema, redact

    def action() -> str:
        with connect(args.url) as conn:
            applied = init_schema(conn)
        return f"{redact(args.url)}: initialised (schema version {applied[-1].version})"
    return _run(action)


def _cmd_upgrade(args: argparse.Namespace) -> int:
    from bordermap.store import connect, current_version, redact, upgrade_schema
    from bordermap.store.connection import NotAStore

    def action() -> str:
        with connect(args.url) as conn:
            if current_version(conn) is None:
                raise NotAStore(f"{redact(args.url)}: not a bordermap store yet; run `bordermap db init` first")
            applied = upgrade_schema(conn)
            version = current_version(conn)
        if not applied:
            return f"{redact(args.url)}: up to date (schema version {version})"
        return f"{redact(args.url)}: upgraded to schema version {version} ({', '.join(m.name for m in applied)})"
    return _run(action)


def _cmd_load(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from bordermap.export_cli import project_from_args
    from bordermap.store import load_project_into, redact

    def action() -> str:
        project = project_from_args(args)
        report = load_project_into(args.url, project, replace=args.replace, progress=terminal_progress())
        parts = ", ".join(f"{name} ({n:,} events)" for name, n in report.datasets)
        return f"{redact(args.url)}: loaded {parts}"
    return _run(action)


def _cmd_dump(args: argparse.Namespace) -> int:
    from bordermap.store import dump_store

    def action() -> str:
        paths = dump_store(args.url, args.output, force=args.force)
        return [str(p) for p in paths] or "the store has no datasets; nothing was written"
    return _run(action)


def _cmd_history(args: argparse.Namespace) -> int:
    from bordermap.store import connect
    from bordermap.store.undo import recent_changes
    from bordermap.textsafe import ID_LIMIT, terminal_safe

    def action() -> str:
        with connect(args.url) as conn:
            rows = recent_changes(conn, event_id=args.event, limit=max(args.limit, 1))
        lines = []
        for cid, change, what, target, undoes in rows:
            fields = f" ({', '.join(change.fields)})" if change.fields else ""
            revision = f" revision {change.revision}" if change.revision is not None else ""
            undo = f" undoing change {undoes}" if undoes else ""
            lines.append(f"{cid}  {change.changed_at:%Y-%m-%d %H:%M:%S %Z}  {terminal_safe(change.changed_by, ID_LIMIT)}  "
                         f"{what} {terminal_safe(target or '', ID_LIMIT)}{revision}{fields}{undo}")
        return lines or "no changes yet"
    return _run(action)


def _cmd_undo(args: argparse.Namespace) -> int:
    from bordermap.store import connect, redact
    from bordermap.store.undo import undo_change

    def action() -> str:
        with connect(args.url) as conn:
            return f"{redact(args.url)}: {undo_change(conn, args.change).describe()}"
    return _run(action)
