"""``bordermap import {acled,ucdp} INPUT (-o OUTPUT | --store URL [--dataset NAME]) [--update]
[--skip-invalid] [--force]``: the CLI edge of :mod:`bordermap.importers.run` and, with ``--store``,
:mod:`bordermap.store.imports`.

Exit codes: 0 written; 1 invalid records (all printed, nothing written), an existing OUTPUT
(without ``--update``/``--force``); 2 a wrong or unreadable input, bad usage or an output that
cannot be written; ``128 + N`` when signal N stopped the write.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bordermap.errors import BordermapError
from bordermap.export_cli import UsageError, report_error
from bordermap.importers import SOURCE_NAMES
from bordermap.progress import terminal_progress
from bordermap.textsafe import echo

__all__ = ["add_import_parser"]

def add_import_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "import", help="import an ACLED or UCDP GED export as events (GeoJSON or GeoParquet)",
        description="Read an ACLED export (CSV of any layout, or API JSON) or a UCDP GED export "
                    "(GED or Candidate CSV, or API JSON) and write its events in bordermap's model. "
                    "Every record is kept: mapped to the model or in the event's original record. "
                    "Nothing is written if any record is invalid, unless --skip-invalid.")
    p.add_argument("source", choices=list(SOURCE_NAMES), help="which dataset the export is from")
    p.add_argument("input", metavar="INPUT", help="the export file (.csv or .json)")
    p.add_argument("-o", "--output", metavar="OUTPUT",
                   help="events file to write: .geojson (the model as text) or .parquet (GeoParquet, for large data)")
    p.add_argument("--store", metavar="URL",
                   help="import into a team store (PostgreSQL URL) instead of a file, in one transaction; "
                        "see docs/store.md")
    p.add_argument("--dataset", metavar="NAME", help="with --store: the dataset to import into (default: acled or ucdp)")
    p.add_argument("--update", action="store_true",
                   help="OUTPUT is an earlier import: change what changed, add what is new, drop and name "
                        "what the export no longer has; events whose record is unchanged keep any edits")
    p.add_argument("--skip-invalid", action="store_true",
                   help="write the valid records and report the invalid ones (default: write nothing)")
    p.add_argument("--force", action="store_true", help="replace OUTPUT (with --store: the dataset) if it exists")
    p.set_defaults(func=_cmd_import)
    return p


def _import(args: argparse.Namespace):
    """The import the options ask for: into the store (``--store``) or into OUTPUT."""
    from bordermap.importers.run import OUTPUT_SUFFIXES, import_file  # the importers' start, not every command's

    if (args.output is None) == (args.store is None):
        raise UsageError("give -o OUTPUT (an events file) or --store URL (a team store), one of the two")
    if args.store is not None:
        from bordermap.store.imports import import_into_store

        return import_into_store(args.source, args.input, args.store, dataset=args.dataset, update=args.update,
                                 replace=args.force, skip_invalid=args.skip_invalid, progress=terminal_progress())
    if args.dataset is not None:
        raise UsageError("--dataset names a dataset of a team store; give it with --store URL")
    out = Path(args.output)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(f"-o {args.output!r}: give a .geojson or a .parquet file name, e.g. "
                         "events.parquet or events.geojson")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name, e.g. {out / 'events.geojson'}")
    return import_file(args.source, args.input, out, update=args.update, skip_invalid=args.skip_invalid,
                       force=args.force, progress=terminal_progress())


def _cmd_import(args: argparse.Namespace) -> int:
    from bordermap.importers.source import WrongFileError

    try:
        report = _import(args)
    except WrongFileError as exc:
        echo(f"error: {exc}", sys.stderr)
        return 2
    except BordermapError as exc:
        if hasattr(exc, "problems"):
            _print_problems(exc.problems)  # type: ignore[attr-defined]
            errors = sum(p.severity == "error" for p in exc.problems)  # type: ignore[attr-defined]
            echo(f"error: {args.input}: {errors:,} problem(s); nothing was written", sys.stderr)
            return 1
        return report_error(exc)
    _print_problems(report.warnings + report.skipped_problems)
    if report.removed:
        shown = ", ".join(report.removed[:20]) + (f" and {len(report.removed) - 20:,} more" if len(report.removed) > 20 else "")
        echo(f"removed (no longer in the export): {shown}", sys.stderr)
    for fid in report.replaced_edits:
        echo(f"warning: {fid}: changed in the export and edited in {_edited_in(report.output)}; the export's "
             "version replaced the edit", sys.stderr)
    echo(report.summary())
    return 0


def _edited_in(output) -> str:
    return output.name if isinstance(output, Path) else str(output)


def _print_problems(problems) -> None:
    """Every problem, one line each (all at once, so one run shows what to fix)."""
    for p in problems:
        echo(p, sys.stderr)
