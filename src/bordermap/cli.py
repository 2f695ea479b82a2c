"""Command line: parse options, call the library, print sentences, exit with a code.

Exit codes: 0 success, 1 invalid data (problems printed), 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from bordermap.errors import BordermapError, UnreadableFileError
from bordermap.export_cli import add_export_parser
from bordermap.validate import validate_file

__all__ = ["main", "build_parser"]

DEFAULT_EVENTS = Path("data/events.geojson")


def _cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        problems = validate_file(path)
    except UnreadableFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        print(p, file=sys.stderr if p.severity == "error" else sys.stdout)
    if errors:
        print(f"{path}: {len(errors)} problem(s); the file is not valid", file=sys.stderr)
        return 1
    warnings = len(problems) - len(errors)
    note = f" ({warnings} warning(s))" if warnings else ""
    print(f"{path}: valid{note}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bordermap",
        description="Map a border conflict from the reporting about it.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_val = sub.add_parser("validate", help="check an events file against the model and its rules",
                           description="Check an events GeoJSON file; print one line per problem. "
                                       "Never writes to the file.")
    p_val.add_argument("path", nargs="?", default=str(DEFAULT_EVENTS),
                       help=f"events file (default: {DEFAULT_EVENTS})")
    p_val.set_defaults(func=_cmd_validate)

    add_export_parser(sub)  # the export command lives with the export code
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BordermapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UnreadableFileError) else 1
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
