"""``bordermap export {html,png,geojson,csv,kml,presentation} -o PATH [filters]``: the CLI edge of
bordermap.export (and of bordermap.presentation for ``presentation``).

Parses options into an :class:`~bordermap.timeline.EventFilter` (the same one the app builds),
loads the data, calls :func:`bordermap.export.export_bytes` and writes the file atomically.
User errors are one sentence on stderr, never a traceback, with data escaped. Exit codes: 0
written; 1 invalid data, an existing output file (without ``--force``) or a failed render; 2
unreadable input, bad usage or an output that cannot be written (a file in the way of its folder,
a read-only folder, a full disk); ``128 + N`` when signal N stopped the write (nothing is left
behind). The limits and faults: ``docs/limits.md``.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from bordermap.core.columns import SIDES
from bordermap.dataset import DEFAULT_EVENTS, DEFAULT_GEO, load_dataset
from bordermap.errors import (BordermapError, DataFileError, UnreadableFileError, UnwritableFileError,
                              WriteInterrupted)
from bordermap.progress import terminal_progress
from bordermap.formats import FORMATS
from bordermap.io.files import check_destination
from bordermap.mapping.framing import MAX_FRAME_ZOOM, MAX_ZOOM, MIN_ZOOM, Bounds, FrameError, parse_bbox, parse_view
from bordermap.model import CONFIDENCE_LEVELS, EVENT_TYPES
from bordermap.storyline import DEFAULT_STORYLINE, load_storyline
from bordermap.textsafe import ID_LIMIT, echo, terminal_safe
from bordermap.timeline import EventFilter, TimeWindow, span

__all__ = ["add_export_parser", "filter_from_args", "report_error", "UsageError"]

#: SIDES (from core.columns): the bundled project's; a project names its own (region.sides).
#: Written by bordermap.presentation rather than export_bytes; an HTML file like the html export.
PRESENTATION = "presentation"
_FILTER_OPTIONS = (("date_from", "--from"), ("date_to", "--to"), ("types", "--type"),
                   ("confidence", "--confidence"), ("sides", "--side"), ("actor", "--actor"))
_SIZE = re.compile(r"^\s*(\d+)\s*[x×X]\s*(\d+)\s*$")


class UsageError(BordermapError):
    """An option value the command cannot use (exit code 2)."""


def add_export_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``export`` command to ``bordermap``'s sub-command parser."""
    p = subparsers.add_parser(
        "export", help="write the map or the events as HTML, PNG, GeoJSON, ACLED CSV or KML, "
                       "or a storyline as an HTML presentation",
        description="Export the events selected by the filters (the same filters as the app). "
                    "HTML is one self-contained offline file; PNG is that map drawn by Chromium; "
                    "CSV uses ACLED's 31 columns; presentation is a storyline (briefing mode) as one "
                    "offline HTML file, over every event. Never overwrites a file unless --force.")
    # A presentation is a storyline rather than a filtered view, so it is listed apart.
    p.add_argument("format", choices=[*FORMATS, PRESENTATION], help="what to write")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="file to write")
    p.add_argument("--events", metavar="PATH",
                   help=f"events file (GeoJSON or GeoParquet) instead of a project (default: {DEFAULT_EVENTS} "
                        "when there is no project.toml)")
    p.add_argument("--project", metavar="PATH",
                   help="project file naming the datasets (default: project.toml when it exists)")
    p.add_argument("--store", metavar="URL",
                   help="a team store (PostgreSQL URL) instead of files; see docs/store.md")
    p.add_argument("--geo", metavar="DIR",
                   help=f"reference layers folder (default: the project's, or {DEFAULT_GEO})")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help="first day of the time window (events overlapping it are kept)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day of the time window")
    p.add_argument("--type", dest="types", action="append", default=[], metavar="TYPE",
                   help="ACLED event type to keep (repeatable): " + ", ".join(EVENT_TYPES))
    p.add_argument("--confidence", action="append", default=[], metavar="LEVEL",
                   help="confidence to keep (repeatable): " + ", ".join(CONFIDENCE_LEVELS))
    p.add_argument("--side", dest="sides", action="append", default=[], metavar="SIDE",
                   help="side of the border to keep (repeatable): the project's two countries (ISO3) or "
                        "both; for the bundled project " + ", ".join(SIDES))
    p.add_argument("--actor", metavar="NAME", type=_text,
                   help="keep events with this actor (name or alias)")
    p.add_argument("--storyline", default=str(DEFAULT_STORYLINE), metavar="PATH",
                   help=f"presentation: the storyline to present (default: {DEFAULT_STORYLINE})")
    p.add_argument("--title", type=_text,
                   help="map title (html, png, kml); presentation title (default: the storyline's)")
    p.add_argument("--size", default="1600x1000", metavar="WxH", help="PNG size in pixels (default 1600x1000)")
    frame = p.add_mutually_exclusive_group()
    frame.add_argument("--bbox", metavar="W,S,E,N",
                       help="html, png: open on this box (degrees west, south, east, north, e.g. "
                            "68.5,36.5,72.5,39.5; write --bbox=-10,... when west is negative) instead of "
                            f"the selected events (default: their box, rings included, at most zoom {MAX_FRAME_ZOOM}; "
                            "the project's region when none is selected)")
    frame.add_argument("--view", metavar="LAT,LON,ZOOM",
                       help=f"html, png: open centred on LAT,LON at ZOOM ({MIN_ZOOM} to {MAX_ZOOM}, e.g. "
                            "37.49,71.55,10)")
    p.add_argument("--online-tiles", action="store_true",
                   help="html: also offer online tile layers (they need a network; off by default)")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.set_defaults(func=_cmd_export)
    return p


def _text(value: str) -> str:
    """An option that ends up in an export must be text: a byte that is not UTF-8 (which Python
    keeps as a lone surrogate) is a usage error, not a UnicodeEncodeError when writing."""
    bad = next((i for i, ch in enumerate(value) if "\ud800" <= ch <= "\udfff"), None)
    if bad is None:
        return value
    code = ord(value[bad])
    what = f"byte 0x{code - 0xdc00:02x}" if 0xdc80 <= code <= 0xdcff else f"\\u{code:04x}"
    raise argparse.ArgumentTypeError(f"'{terminal_safe(value, ID_LIMIT)}' is not UTF-8 text ({what} at character "
                                     f"{bad + 1}); give it in UTF-8 (check the terminal's encoding)")


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date; expected YYYY-MM-DD, e.g. 2012-07-24") from None


def _pick(values: list[str], allowed: tuple[str, ...] | list[str], option: str) -> frozenset[str]:
    by_lower = {a.lower(): a for a in allowed}
    picked = set()
    for v in values:
        if v.strip().lower() not in by_lower:
            raise UsageError(f"{option} {v!r} is not one of: {', '.join(allowed)}")
        picked.add(by_lower[v.strip().lower()])
    return frozenset(picked)


def _size(value: str) -> tuple[int, int]:
    m = _SIZE.match(value)
    if not m or not all(100 <= int(x) <= 10_000 for x in m.groups()):
        raise UsageError(f"--size {value!r} is not WIDTHxHEIGHT with 100 to 10000 pixels a side, e.g. 1600x1000")
    return int(m.group(1)), int(m.group(2))


def filter_from_args(args: argparse.Namespace, span_start: date | None = None,
                     span_end: date | None = None, sides: tuple[str, ...] = SIDES) -> EventFilter:
    """The :class:`EventFilter` the options describe. A window open at one end is closed with
    the data's first or last day (``span_start``/``span_end``)."""
    start, end = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    window = None
    if start or end:
        start = start or span_start or end
        end = end or span_end or start
        if end < start:
            raise UsageError(f"--from {start.isoformat()} is after --to {end.isoformat()}")
        window = TimeWindow(start, end)
    return EventFilter(window=window, event_types=_pick(args.types, list(EVENT_TYPES), "--type"),
                       confidence=_pick(args.confidence, CONFIDENCE_LEVELS, "--confidence"),
                       sides=_pick(args.sides, sides, "--side"), actor=args.actor or None)


def _human_size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def report_error(exc: BordermapError) -> int:
    """Print ``exc`` on stderr as sentences, one line each, data escaped; return its exit code.

    Invalid data prints every problem (once each) and a count; a signal that stopped a write
    gives ``128 + signum``; unusable input, options or output 2; anything else 1.
    """
    if isinstance(exc, DataFileError):
        for problem in exc.problems:
            echo(problem, sys.stderr)
        echo(f"error: {exc.path}: {len(exc.problems)} problem(s); nothing was written", sys.stderr)
        return 1
    if isinstance(exc, FrameError):
        for problem in exc.problems:
            echo(f"error: {problem}", sys.stderr)
        return 2
    echo(f"error: {exc}", sys.stderr)
    if isinstance(exc, WriteInterrupted):
        return 128 + exc.signum
    if isinstance(exc, (UsageError, UnreadableFileError, UnwritableFileError)):
        return 2
    return getattr(exc, "exit_code", 1)  # the store's errors say theirs (unreachable: 2)


def _cmd_export(args: argparse.Namespace) -> int:
    command = _presentation if args.format == PRESENTATION else _export
    try:
        echo(command(args))
    except BordermapError as exc:
        return report_error(exc)
    except OSError as exc:  # not from the atomic writer, which words its own (e.g. the PNG renderer)
        echo(f"error: {args.output}: cannot be written ({exc.strerror or exc})", sys.stderr)
        return 2
    return 0


def _check_output(out: Path, force: bool, example: str) -> None:
    """Usage and destination errors before the (slower) loading, not after it."""
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name, e.g. {out / example}")
    check_destination(out, force=force)


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        echo(f"warning: {w}", sys.stderr)


def open_data(args: argparse.Namespace):
    """The events a command works on: ``--store URL`` (a team store), ``--events FILE``, else ``--project FILE``, else the
    project.toml of the current folder, else data/events.geojson (``--geo`` overrides the
    layers in every case)."""
    from bordermap.dataset import load_project_dataset

    if args.events and args.project:
        raise UsageError("give --events or --project, not both")
    if getattr(args, "store", None) and (args.events or args.project):
        raise UsageError("give --store or an events file or project (--events, --project), not both")
    if getattr(args, "store", None):
        from bordermap.store import load_store_dataset

        return load_store_dataset(args.store, layers=args.geo or DEFAULT_GEO, progress=terminal_progress())
    return load_project_dataset(project_from_args(args), progress=terminal_progress())


def project_from_args(args: argparse.Namespace) -> "Project":
    """The project ``--events``/``--project``/``--geo`` name: an events file alone, else the
    project file (the default ``project.toml`` when there is one), its layers overridden by --geo."""
    from dataclasses import replace

    from bordermap.project import DEFAULT_PROJECT, load_project, project_for_events

    if args.events or not (args.project or DEFAULT_PROJECT.exists()):
        return project_for_events(args.events or DEFAULT_EVENTS, args.geo or DEFAULT_GEO)
    project = load_project(args.project or DEFAULT_PROJECT)
    return replace(project, layers=Path(args.geo)) if args.geo else project


def _frame(args: argparse.Namespace):
    """``--bbox`` or ``--view`` (argparse keeps them apart), checked before anything is loaded."""
    if args.bbox is None and args.view is None:
        return None
    if args.format not in ("html", "png"):
        echo(f"warning: {'--bbox' if args.bbox is not None else '--view'} not used: only html and png "
             "exports are maps", sys.stderr)
        return None
    return parse_bbox(args.bbox) if args.bbox is not None else parse_view(args.view)


def _export(args: argparse.Namespace) -> str:
    size = _size(args.size)
    for value, option in ((args.date_from, "--from"), (args.date_to, "--to")):
        _date(value, option)
    frame = _frame(args)
    out = Path(args.output)
    _check_output(out, args.force, "map" + FORMATS[args.format].suffix)
    ds = open_data(args)
    _warn(ds.warnings)
    whole = span(ds.table)
    sides = (*ds.project.sides, "both") if ds.project is not None else SIDES
    flt = filter_from_args(args, whole.start if whole else None, whole.end if whole else None, sides)
    n = int(flt.mask(ds.table).sum())
    if n == 0:
        echo(f"warning: no event matches the filters ({flt.describe()}); the export is empty", sys.stderr)
    if isinstance(frame, Bounds) and n:
        lon, lat = ds.table.take(flt.rows(ds.table)).lonlat.T
        if not ((lon >= frame.west) & (lon <= frame.east) & (lat >= frame.south) & (lat <= frame.north)).any():
            echo(f"warning: none of the {n} exported events is inside --bbox {args.bbox}", sys.stderr)
    from bordermap.export import export_bytes, write_export  # folium: only for the commands that draw

    data = export_bytes(args.format, ds, flt, title=args.title, size=size, online_tiles=args.online_tiles,
                        view=frame)
    path = write_export(args.format, out, data, force=args.force)
    return f"{path}: {n:,} of {len(ds):,} events ({flt.describe()}), {_human_size(len(data))}"


def _presentation(args: argparse.Namespace) -> str:
    out = Path(args.output)
    _check_output(out, args.force, "presentation.html")
    _frame(args)  # only warns: a storyline's steps choose their own views
    unused = [option for attr, option in _FILTER_OPTIONS if getattr(args, attr)]
    if unused:
        echo(f"warning: {', '.join(unused)} not used: a presentation shows every event and its "
             "storyline picks the steps", sys.stderr)
    ds = open_data(args)
    _warn(ds.warnings)
    story = load_storyline(args.storyline, list(ds.table.ids))
    from bordermap.export import write_export
    from bordermap.presentation import export_presentation

    data = export_presentation(ds, story, title=args.title).encode("utf-8")
    path = write_export("html", out, data, force=args.force)
    return (f"{path}: {len(story.steps)} steps of {args.storyline} over {len(ds)} events, "
            f"{_human_size(len(data))}")
