"""Command line: parse options, call the library, print sentences, exit with a code.

Exit codes: 0 success, 1 invalid data (problems printed), 2 unreadable input or bad usage,
``128 + N`` when signal N stopped a write (130 for Ctrl-C, 143 for SIGTERM). Every line printed
passes through :func:`bordermap.textsafe.echo`, so data can neither forge a line nor send a
terminal escape sequence.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from bordermap.errors import BordermapError, UnreadableFileError, unique_problems
from bordermap.export_cli import add_export_parser, report_error
from bordermap.import_cli import add_import_parser
from bordermap.textsafe import echo, terminal_safe
from bordermap.dataset import validate_path
from bordermap.progress import terminal_progress

__all__ = ["main", "build_parser"]

DEFAULT_EVENTS = Path("data/events.geojson")


class _Parser(argparse.ArgumentParser):
    """argparse, with the values it echoes in a usage error (``unrecognized arguments: ...``) escaped."""

    def error(self, message: str) -> NoReturn:
        super().error(terminal_safe(message))


def _cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        problems = unique_problems(validate_path(path, terminal_progress()))
    except UnreadableFileError as exc:
        echo(f"error: {exc}", sys.stderr)
        return 2
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        echo(p, sys.stderr if p.severity == "error" else sys.stdout)
    if errors:
        echo(f"{path}: {len(errors)} problem(s); the file is not valid", sys.stderr)
        return 1
    warnings = len(problems) - len(errors)
    note = f" ({warnings} warning(s))" if warnings else ""
    echo(f"{path}: valid{note}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bordermap",
        description="Map a border conflict from the reporting about it.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_val = sub.add_parser("validate", help="check an events file against the model and its rules",
                           description="Check an events file (GeoJSON or GeoParquet); print one line per problem. "
                                       "Never writes to the file.")
    p_val.add_argument("path", nargs="?", default=str(DEFAULT_EVENTS),
                       help=f"events file (default: {DEFAULT_EVENTS})")
    p_val.set_defaults(func=_cmd_validate)

    add_export_parser(sub)  # the export command lives with the export code
    add_import_parser(sub)
    return parser


def _tolerant_streams() -> None:
    """A terminal that cannot show a character gets an escape, not a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BordermapError as exc:
        return report_error(exc)
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
