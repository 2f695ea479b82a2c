"""``bordermap search QUERY [--project P | --events FILE] [--geo DIR] [--limit N]``: the CLI edge of
:mod:`bordermap.search`.

Prints one line per result, places then events as :func:`bordermap.search.search` ranks them,
every value escaped (:func:`bordermap.textsafe.echo`). Exit codes: 0 something found, 1 nothing
found, 2 unreadable data or bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bordermap.dataset import DEFAULT_EVENTS, DEFAULT_GEO
from bordermap.textsafe import echo

if TYPE_CHECKING:
    from bordermap.search import SearchResult

__all__ = ["add_search_parser", "result_line"]


def add_search_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "search", help="find places (any spelling or script) and events (words of title or summary)",
        description="Search the corridor gazetteer (geo/gazetteer.json: Хорог, خروغ, Khorugh and Khorog all "
                    "find Khorog) and the events' titles and summaries (every word must start a word).")
    p.add_argument("query", metavar="QUERY", help="what to look for (quote several words)")
    p.add_argument("--project", metavar="PATH",
                   help="project file naming the datasets (default: project.toml when it exists)")
    p.add_argument("--events", metavar="PATH",
                   help=f"events file instead of a project (default: {DEFAULT_EVENTS} when there is no project.toml)")
    p.add_argument("--geo", metavar="DIR", help=f"folder with gazetteer.json (default: the project's, or {DEFAULT_GEO})")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N results (default 10)")
    p.set_defaults(func=_cmd_search)
    return p


def result_line(result: SearchResult) -> str:
    """One result as a line: kind, label, detail, then where (a point or a row and id)."""
    if result.kind == "place":
        where = f"{result.lon:.4f}, {result.lat:.4f}"
    else:
        where = f"row {result.row}, {result.id}"
    return f"{result.kind:<5}  {result.label} — {result.detail}  [{where}]  {result.score:.2f}"


def _cmd_search(args: argparse.Namespace) -> int:
    from bordermap.export_cli import UsageError, open_data
    from bordermap.search import EventIndex, GazetteerFileError, load_place_index, search  # its start, not every command's

    if not 1 <= args.limit <= 1000:
        raise UsageError(f"--limit must be between 1 and 1000, got {args.limit}")
    ds = open_data(args)
    for warning in ds.warnings:
        echo(f"warning: {warning}", sys.stderr)
    geo = Path(args.geo) if args.geo else (ds.project.layers if ds.project is not None else DEFAULT_GEO)
    try:
        places = load_place_index(geo)
    except GazetteerFileError as exc:
        echo(f"warning: {exc}; searching events only", sys.stderr)
        places = None
    found = search(args.query, places, EventIndex(ds.table), limit=args.limit)
    for result in found:
        echo(result_line(result))
    if not found:
        echo("nothing found", sys.stderr)
    return 0 if found else 1
