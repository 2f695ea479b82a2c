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

from bordermap.core.parallel import workers
from bordermap.errors import BordermapError, UnreadableFileError, unique_problems
from bordermap.db_cli import add_db_parser
from bordermap.export_cli import add_export_parser, report_error
from bordermap.import_cli import add_import_parser
from bordermap.ingest_cli import add_ingest_parsers
from bordermap.search_cli import add_search_parser
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
    if args.store:
        return _cmd_validate_store(args.store)
    path = Path(args.path)
    if path.suffix.lower() == ".toml":
        return _cmd_validate_project(path)
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


def _echo_problems(problems) -> bool:
    """Print one dataset's problems once each (errors on stderr); True when any is an error."""
    problems = unique_problems(problems)
    for p in problems:
        echo(p, sys.stderr if p.severity == "error" else sys.stdout)
    return any(p.severity == "error" for p in problems)


def _cmd_validate_store(url: str) -> int:
    """Every dataset in a team store, checked by the same rules as files."""
    from bordermap.store import redact, store_problems

    found = store_problems(url)
    bad = sum(_echo_problems(problems) for problems in found.values())
    if bad:
        echo(f"{redact(url)}: {bad} of {len(found)} dataset(s) not valid", sys.stderr)
        return 1
    echo(f"{redact(url)}: valid ({len(found)} dataset(s))")
    return 0


def _cmd_validate_project(path: Path) -> int:
    from bordermap.dataset import validate_path as validate_events
    from bordermap.errors import DataFileError
    from bordermap.project import load_project

    try:
        project = load_project(path)
    except DataFileError as exc:
        for p in exc.problems:
            echo(p, sys.stderr)
        echo(f"{path}: {len(exc.problems)} problem(s); the project is not valid", sys.stderr)
        return 1
    except UnreadableFileError as exc:
        echo(f"error: {exc}", sys.stderr)
        return 2
    for p in project.warnings:
        echo(p)
    bad = 0
    for spec in project.datasets:
        try:
            problems = unique_problems(validate_events(spec.path, terminal_progress(), region=project.region))
        except UnreadableFileError as exc:
            echo(f"error: {exc}", sys.stderr)
            bad += 1
            continue
        bad += _echo_problems(problems)
    if bad:
        echo(f"{path}: {bad} of {len(project.datasets)} dataset(s) not valid", sys.stderr)
        return 1
    echo(f"{path}: valid ({len(project.datasets)} dataset(s))")
    return 0


def _cmd_app(args: argparse.Namespace) -> int:
    """Run the Streamlit app on a project or an events file."""
    import os
    import subprocess

    from bordermap.project import is_project

    app = Path.cwd() / "app.py"
    if not app.exists():
        app = Path(__file__).resolve().parents[2] / "app.py"
    if not app.exists():
        echo("error: app.py not found; run `bordermap app` in the bordermap folder", sys.stderr)
        return 2
    env = dict(os.environ)
    if args.path:
        target = Path(args.path).resolve()
        if not target.exists():
            echo(f"error: {terminal_safe(args.path)}: no such file", sys.stderr)
            return 2
        env.pop("BORDERMAP_EVENTS" if is_project(target) else "BORDERMAP_PROJECT", None)
        env["BORDERMAP_PROJECT" if is_project(target) else "BORDERMAP_EVENTS"] = str(target)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port)]
    return subprocess.call(cmd, env=env)


def _cmd_links(args: argparse.Namespace) -> int:
    """The project's candidate links (decisions applied) as CSV."""
    from bordermap.errors import DataFileError
    from bordermap.export_cli import open_data
    from bordermap.io.files import check_destination, write_bytes_atomic
    from bordermap.io.links_csv import links_csv
    from bordermap.links.project import project_links

    out = Path(args.output)
    try:
        check_destination(out, force=args.force)
        args.events, args.geo = None, None
        ds = open_data(args)
        found = project_links(ds)
        for p in found.problems:
            echo(p, sys.stderr)
        if ds.project is None or len(ds.project.datasets) < 2:
            echo("error: links join the datasets of a project; this one has a single dataset", sys.stderr)
            return 2
        pairs = [p.best_only() if args.best else p for p in found.pairs]
        text = "".join(links_csv(p) if i == 0 else links_csv(p).split("\n", 1)[1] for i, p in enumerate(pairs))
        write_bytes_atomic(out, text.encode("utf-8"), force=args.force)
    except DataFileError as exc:
        return report_error(exc)
    except BordermapError as exc:
        return report_error(exc)
    echo(f"{out}: {sum(len(p) for p in pairs):,} links between {len(ds.project.datasets)} datasets")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bordermap",
        description="Map a border conflict from the reporting about it.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_val = sub.add_parser("validate", help="check an events file against the model and its rules",
                           description="Check an events file (GeoJSON or GeoParquet) or a project (.toml, "
                                       "with every dataset it names); print one line per problem. "
                                       "Never writes to the file.")
    p_val.add_argument("path", nargs="?", default=str(DEFAULT_EVENTS),
                       help=f"events file (default: {DEFAULT_EVENTS})")
    p_val.add_argument("--store", metavar="URL", help="check every dataset in this team store instead (docs/store.md)")
    p_val.set_defaults(func=_cmd_validate)

    p_links = sub.add_parser("links", help="write a project's candidate links between datasets as CSV",
                             description="Link records of the same event across a project's datasets (dates "
                                         "within their precision, places within their precision's radius, "
                                         "compatible types), apply the analysts' decisions from the project's "
                                         "links file, and write one CSV row per link. See docs/links.md.")
    p_links.add_argument("-o", "--output", required=True, metavar="PATH", help="CSV file to write")
    p_links.add_argument("--project", metavar="PATH", help="project file (default: project.toml)")
    p_links.add_argument("--best", action="store_true", help="only mutual best matches")
    p_links.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p_links.set_defaults(func=_cmd_links)

    p_app = sub.add_parser("app", help="open the map app on a project or an events file",
                           description="Run the Streamlit app on PATH: a project (.toml) or an events file "
                                       "(GeoJSON or GeoParquet); default: the bundled project.toml.")
    p_app.add_argument("path", nargs="?", help="project.toml or events file")
    p_app.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p_app.set_defaults(func=_cmd_app)

    add_export_parser(sub)  # the export command lives with the export code
    add_import_parser(sub)
    add_search_parser(sub)
    add_ingest_parsers(sub)
    add_db_parser(sub)
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
        workers()  # a BORDERMAP_THREADS it cannot use is said before any work starts
        return int(args.func(args))
    except BordermapError as exc:
        return report_error(exc)
    except KeyboardInterrupt:  # pragma: no cover
        return 130


def run() -> NoReturn:
    """The ``bordermap`` command: :func:`main`, then out of the process without the collector's
    last pass over everything an export built (a quarter of a second of an article's export, of
    nothing: the process is ending). Tests call :func:`main`, which leaves the collector alone."""
    import gc

    code = main()
    gc.freeze()  # what is alive now is never collected; the exit still flushes and runs atexit
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
