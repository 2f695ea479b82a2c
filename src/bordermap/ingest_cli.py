"""``bordermap ingest`` and ``bordermap accept``: the CLI edge of :mod:`bordermap.ingest`.

``ingest REPORT -o PROPOSALS.geojson [--date YYYY-MM-DD] [--source NAME] [--url URL] [--geo DIR]
[--force]`` reads a report (text or a saved HTML page), proposes its events and writes them
atomically; ``accept PROPOSALS ID... --into EVENTS [--reviewer NAME] [--force]`` moves accepted
proposals into an events file. With ``--store URL`` (docs/store.md) ``ingest`` keeps the
proposals in the store's ``proposals`` table instead of a file, and ``accept [PROPOSALS] ID...
--store URL --into DATASET`` accepts them (from the store, or from a proposals file) into a
dataset of the store, in one transaction. Bad input is one line on stderr and an exit code, nothing
written: 2 for an unreadable report or file, a bad option or an unwritable output; 1 for a
refusal (a duplicate, an unknown id, an events file that would not be valid).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from bordermap.dataset import DEFAULT_GEO
from bordermap.export_cli import UsageError
from bordermap.io.files import check_destination, read_json, write_json_atomic
from bordermap.progress import terminal_progress
from bordermap.textsafe import echo, terminal_safe

__all__ = ["add_ingest_parsers"]



def add_ingest_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Add ``ingest`` and ``accept`` to ``bordermap``'s sub-command parser."""
    p = subparsers.add_parser(
        "ingest", help="propose the events a new report tells of, each field with its evidence",
        description="Read a report (plain text or a saved HTML page; scripts are never run) and write the events "
                    "it tells of as proposals: places from the corridor gazetteer (ambiguous names keep every "
                    "candidate), dates against the report's date, casualty figures per claimant, actors and the "
                    "ACLED type, each with the sentence it comes from. Offline. See docs/ingest.md.")
    p.add_argument("report", metavar="REPORT", help="the report: a .txt file or a saved .html page (at most 5 MB)")
    p.add_argument("-o", "--output", metavar="PROPOSALS", help="GeoJSON file to write")
    p.add_argument("--store", metavar="URL", help="keep the proposals in a team store (PostgreSQL URL) instead of a "
                                                  "file, for `accept --store`; see docs/store.md")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the report's date (default: its dateline or the page's date)")
    p.add_argument("--source", metavar="NAME", help="who published it, e.g. Asia-Plus (default: the report)")
    p.add_argument("--url", metavar="URL", help="the report's address (http or https)")
    p.add_argument("--geo", metavar="DIR", help=f"folder with gazetteer.json (default: {DEFAULT_GEO})")
    p.add_argument("--without-text", action="store_true",
                   help="leave the report's text out of the proposals file (the review page then shows the "
                        "evidence sentences only): for a file shared where the report's licence forbids copies")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.set_defaults(func=_cmd_ingest)

    a = subparsers.add_parser(
        "accept", help="move accepted proposals into an events file, with their provenance",
        description="Accept proposals (by id) from a proposals file: they join EVENTS without their evidence, "
                    "with a provenance (report, URL, proposer version, reviewer, time), and leave the proposals "
                    "file. Both files are written atomically after the new events file is validated; a proposal "
                    "that duplicates an event already there (same place within precision, overlapping dates) "
                    "is refused unless --force.")
    a.add_argument("proposals", metavar="PROPOSALS", help="proposals file written by `bordermap ingest` (with "
                                                          "--store: optional, the store's own proposals by default)")
    a.add_argument("ids", metavar="ID", nargs="*", help="ids of the proposals to accept")
    a.add_argument("--into", required=True, metavar="EVENTS",
                   help="events file (GeoJSON; created if missing); with --store, the store's dataset")
    a.add_argument("--store", metavar="URL", help="accept into a team store (PostgreSQL URL), in one transaction; "
                                                  "see docs/store.md")
    a.add_argument("--reviewer", metavar="NAME", help="who accepts them (kept in the provenance)")
    a.add_argument("--force", action="store_true", help="accept proposals that may duplicate existing events")
    a.set_defaults(func=_cmd_accept)


def _report_date(value: str | None) -> date | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise UsageError(f"--date must be YYYY-MM-DD, got {terminal_safe(value, 40)!r}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--date {terminal_safe(value, 40)!r} is not a calendar date") from None


def _text_option(name: str, value: str | None) -> str | None:
    from bordermap.ingest.provenance import clean_name

    if value is None:
        return None
    cleaned, problem = clean_name(name, value)
    if problem:
        raise UsageError(problem)
    return cleaned


def _url_option(value: str | None) -> str | None:
    from bordermap.ingest.provenance import clean_url

    if value is None:
        return None
    url, problem = clean_url("--url", value)
    if problem:
        raise UsageError(problem)
    return url


def _cmd_ingest(args: argparse.Namespace) -> int:
    from bordermap.ingest import ingest_report, read_report

    report_date = _report_date(args.date)
    source = _text_option("--source", args.source)
    url = _url_option(args.url)
    if (args.output is None) == (args.store is None):
        raise UsageError("give -o PROPOSALS (a file) or --store URL (a team store), one of the two")
    out = Path(args.output) if args.output is not None else None
    if out is not None:
        check_destination(out, force=args.force)
    text, meta = read_report(args.report)
    progress = terminal_progress()
    fc = ingest_report(text, report_date=report_date or meta.get("date"), source=source or None,
                       url=url or meta.get("url"), geo_dir=Path(args.geo) if args.geo else DEFAULT_GEO,
                       progress=progress, keep_text=not args.without_text)
    if report_date is None and meta.get("date") is None:
        echo("warning: the report has no date (no dateline, no page date) and --date was not given; "
             "relative dates were read against today", sys.stderr)
    if out is not None:
        write_json_atomic(out, fc, force=args.force)
        where = terminal_safe(out)
    else:
        from bordermap.store import redact
        from bordermap.store.proposals import store_proposals

        store_proposals(args.store, fc)
        where = redact(args.store)
    features = fc["features"]
    ambiguous = sum(1 for f in features if len(f["properties"]["proposal"]["place_candidates"]) > 1)
    unresolved = sum(len(f["properties"]["proposal"]["unresolved_places"]) for f in features)
    for item in fc.get("unplaced", []):
        echo(f"warning: not proposed, no known place: {terminal_safe(item['text'], 100)}", sys.stderr)
    echo(f"{where}: {len(features)} proposed event(s) from {terminal_safe(args.report)} "
         f"({ambiguous} with an ambiguous place, {unresolved} place name(s) not in the gazetteer)")
    for f in features:
        p = f["properties"]
        echo(f"  {p['id']}  {p['date_start']}  {p['location']} ({p['country']})  {p['event_type']}  {p['confidence']}")
    return 0


def _proposals_file(path: str) -> dict:
    proposals = read_json(path)
    if not isinstance(proposals, dict) or not isinstance(proposals.get("features"), list):
        raise UsageError(f"{terminal_safe(path)}: not a proposals file (a FeatureCollection)")
    return proposals


def _refused(exc, unchanged: str) -> int:
    for reason in exc.reasons:
        echo(f"error: {reason}", sys.stderr)
    echo(f"error: nothing accepted; {unchanged} unchanged", sys.stderr)
    return 1


def _cmd_accept_store(args: argparse.Namespace) -> int:
    """``accept [PROPOSALS] ID... --store URL --into DATASET``: the first argument is a
    proposals file when it ends in .geojson or .json, else every argument is an id of the
    store's own proposals (``ingest --store``)."""
    from bordermap.ingest import AcceptRefusal
    from bordermap.store import redact
    from bordermap.store.proposals import accept_into_store

    words = [args.proposals, *args.ids]
    path = words.pop(0) if Path(words[0]).suffix.lower() in (".geojson", ".json") else None
    if not words:
        raise UsageError("give the ids of the proposals to accept")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", args.into):
        raise UsageError(f"with --store, --into names the store's dataset (letters, digits, _ . -), got "
                         f"{terminal_safe(args.into, 60)!r}")
    proposals = _proposals_file(path) if path is not None else None
    reviewer = _text_option("--reviewer", args.reviewer)
    store = redact(args.store)
    try:
        result = accept_into_store(args.store, words, args.into, proposals=proposals, reviewer=reviewer,
                                   force=args.force)
    except AcceptRefusal as exc:
        return _refused(exc, f"{store}{' and ' + terminal_safe(path) if path else ''} are")
    if path is not None:  # after the store's commit: the accepted proposals leave the file
        write_json_atomic(path, result.proposals, force=True)
    for pid, other in result.duplicates:
        echo(f"warning: {pid} may duplicate {other}; accepted anyway (--force)", sys.stderr)
    echo(f"{store} (dataset {terminal_safe(args.into)}): accepted {len(result.accepted)} proposal(s) "
         f"({', '.join(result.accepted)})")
    return 0


def _cmd_accept(args: argparse.Namespace) -> int:
    from bordermap.ingest import AcceptRefusal, accept_proposals
    from bordermap.ingest.provenance import read_events_target

    if args.store:
        return _cmd_accept_store(args)
    if not args.ids:
        raise UsageError("give the ids of the proposals to accept")
    into = Path(args.into)
    if into.suffix.lower() not in (".geojson", ".json"):
        raise UsageError(f"--into must be a GeoJSON events file (.geojson), got {terminal_safe(into)}")
    reviewer = _text_option("--reviewer", args.reviewer)
    proposals = _proposals_file(args.proposals)
    if not into.exists():
        check_destination(into)
    events = read_events_target(into)
    try:
        result = accept_proposals(proposals, args.ids, events, reviewer=reviewer, force=args.force, file=str(into))
    except AcceptRefusal as exc:
        return _refused(exc, f"{terminal_safe(into)} and {terminal_safe(args.proposals)} are")
    write_json_atomic(into, result.events, force=True)
    write_json_atomic(args.proposals, result.proposals, force=True)
    for pid, other in result.duplicates:
        echo(f"warning: {pid} may duplicate {other}; accepted anyway (--force)", sys.stderr)
    echo(f"{terminal_safe(into)}: accepted {len(result.accepted)} proposal(s) ({', '.join(result.accepted)}); "
         f"{len(result.events['features'])} event(s) now; {len(result.proposals['features'])} proposal(s) left")
    return 0
