"""Ingest evaluation: how well ``bordermap ingest`` proposes the events an analyst codes by hand.

Every labelled report of ``tests/data/ingest_eval/reports/`` (an excerpt, its outlet, URL and
date, and the gold events) is given to ``bordermap.ingest.ingest_report`` as the CLI would give
it (``--date`` the report's date when it has a day, ``--source`` the outlet, ``--url``), and the
proposals are scored by ``bordermap.ingest_eval``: precision, recall and F1 per field over all
reports (micro-averaged), then by the kind of difficulty each report is tagged with. It also
counts the proposals that pass ``bordermap validate`` and that carry evidence, and times the
model's load and each report.

Writes ``benchmarks/ingest_eval.json`` (the figures ``tests/test_ingest_eval.py`` holds later runs
to) and the "Ingest evaluation" section of ``benchmarks/README.md``.

    .venv/bin/python benchmarks/bench_ingest_eval.py [--no-write] [--detail]

``--detail`` also prints, per report, each gold event beside the proposal paired with it (and
the proposals paired with none): where the figures come from.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from machine import machine_line, write_section  # noqa: E402

from bordermap.ingest_eval import (  # noqa: E402
    FIELDS, PLACE_KM, ReportScore, figures, gold_views, load_eval_set, proposal_views, score_report, total_counts,
)
from bordermap.validate import validate_collection  # noqa: E402

SET = ROOT / "tests" / "data" / "ingest_eval" / "reports"
RECORD = Path(__file__).parent / "ingest_eval.json"
LABELS = {
    "place_10km": f"place within {PLACE_KM:g} km", "bank": "bank (country)", "date_day": "dates exact",
    "date_overlap": "dates overlap", "date_precision": "date precision", "event_type": "event type",
    "sub_event_type": "sub-event type", "claims": "fatality claims (figure + claimant)",
    "claim_figures": "fatality figures (any claimant)", "event": "whole event",
    "event_core": "whole event, claims aside, dates overlapping",
}
CASES = ("ambiguous-place", "both-banks", "not-in-gazetteer", "relative-date", "disputed-toll", "multi-event",
         "injuries-apart", "khorog-2012")


def report_date(report: Mapping[str, Any]) -> date | None:
    """The date the CLI's ``--date`` would be given: the publication day, or none if unknown."""
    return date.fromisoformat(report["date"]) if len(report["date"]) == 10 else None


def run_set(folder: Path = SET, geo_dir: Path = ROOT / "geo") -> tuple[list[ReportScore], dict[str, Any]]:
    """Ingest and score every labelled report; also what the proposals are (valid, with evidence)
    and how long each took. The first call includes loading the language model."""
    from bordermap.ingest import ingest_report

    reports = load_eval_set(folder)
    scores, seconds, invalid, with_evidence, proposed, errors, views = [], [], [], 0, 0, [], []
    for r in reports:
        started = time.perf_counter()
        try:
            fc = ingest_report(r["excerpt"], report_date=report_date(r), source=r["outlet"], url=r["url"],
                               geo_dir=geo_dir)
        except Exception as exc:  # the harness scores a crash as no proposals, and says so
            errors.append(f"{r['id']}: {type(exc).__name__}: {exc}")
            fc = {"type": "FeatureCollection", "features": []}
        seconds.append(time.perf_counter() - started)
        problems = [p for p in validate_collection(fc, r["id"]) if getattr(p, "severity", "error") != "warning"]
        if problems:
            invalid.append(f"{r['id']}: {len(problems)} problem(s), first: {problems[0]}")
        for f in fc.get("features", []):
            proposed += 1
            evidence = (f.get("properties", {}).get("proposal") or {}).get("evidence")
            with_evidence += bool(evidence)
        views.append(proposal_views(fc))
        scores.append(score_report(r["id"], views[-1], gold_views(r)))
    extras = {"reports": reports, "seconds": seconds, "invalid": invalid, "errors": errors,
              "proposed": proposed, "with_evidence": with_evidence, "views": views}
    return scores, extras


def _row(name: str, fig: Mapping[str, Any]) -> str:
    return (f"| {name} | {fig['precision']:.2f} | {fig['recall']:.2f} | **{fig['f1']:.2f}** | "
            f"{fig['tp']} / {fig['proposed']} / {fig['gold']} |")


def by_case(scores: list[ReportScore], reports: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Figures over the reports tagged with each case of :data:`CASES`."""
    out = {}
    for case in CASES:
        chosen = [s for s, r in zip(scores, reports) if case in r["cases"]]
        if chosen:
            out[case] = {"reports": len(chosen), "figures": figures(total_counts(chosen))}
    return out


def section(scores: list[ReportScore], extras: Mapping[str, Any], record: Mapping[str, Any]) -> str:
    reports = extras["reports"]
    figs = record["figures"]
    secs = extras["seconds"]
    lines = [machine_line(), "",
             f"The labelled set `tests/data/ingest_eval/` ({len(reports)} short public reports, "
             f"{record['gold_events']} events and {record['gold_claims']} fatality "
             f"claims coded by hand; its README says how) given to `ingest_report` as the CLI would give it "
             f"(the report's date when it has a day, the outlet, the URL), and scored by `bordermap.ingest_eval`: "
             f"each report's proposals paired one to one with its gold events (place first, then bank, dates, "
             f"type, claims), a field's precision over all proposals and recall over all gold events "
             f"(micro-averaged over the set); claims one by one (same figure, claimant named by the gold "
             f"claim's keys). A whole event is right when place, bank, dates, type and its claims all are.", "",
             "| field | precision | recall | F1 | right / proposed / gold |", "|---|---|---|---|---|"]
    lines += [_row(LABELS[f], figs[f]) for f in FIELDS]
    lines += ["", f"Proposals: {extras['proposed']}, of which {extras['with_evidence']} carry evidence; "
                  f"reports whose proposals fail `bordermap validate`: {len(extras['invalid'])}"
                  + (f" ({'; '.join(extras['invalid'][:3])}{'; …' if len(extras['invalid']) > 3 else ''})"
                     if extras["invalid"] else "")
                  + (f"; crashes: {'; '.join(extras['errors'])}" if extras["errors"] else "") + ".",
              f"Time: first report {secs[0]:.1f} s (the language model's load included), then median "
              f"{statistics.median(secs[1:]):.2f} s, slowest {max(secs[1:]):.2f} s per report." if len(secs) > 1 else "",
              "", "**By difficulty** (F1 over the reports tagged with it):", "",
              "| reports tagged | n | place | bank | dates exact | type | claims | whole event |",
              "|---|---|---|---|---|---|---|---|"]
    for case, c in record["by_case"].items():
        f = c["figures"]
        lines.append(f"| {case} | {c['reports']} | {f['place_10km']['f1']:.2f} | {f['bank']['f1']:.2f} | "
                     f"{f['date_day']['f1']:.2f} | {f['event_type']['f1']:.2f} | {f['claims']['f1']:.2f} | "
                     f"{f['event']['f1']:.2f} |")
    lines += ["", "**Per report** (right / proposed / gold):", "",
              "| report | events | place | bank | dates | type | claims |", "|---|---|---|---|---|---|---|"]
    for s in scores:
        c = s.counts

        def cell(f: str) -> str:
            return f"{c[f].tp}/{c[f].proposed}/{c[f].gold}"
        lines.append(f"| `{s.report_id}` | {s.proposed} / {s.gold} | {cell('place_10km')} | {cell('bank')} | "
                     f"{cell('date_day')} | {cell('event_type')} | {cell('claims')} |")
    lines += ["", f"`tests/test_ingest_eval.py` fails when an F1 falls more than its margin below these "
                  f"figures (recorded in `benchmarks/ingest_eval.json`).", "",
              "Command: `.venv/bin/python benchmarks/bench_ingest_eval.py`"]
    return "\n".join(lines)


def _brief(v: Any) -> str:
    where = f"{v.lat:.3f},{v.lon:.3f}" if v.lon is not None else "no point"
    claims = "; ".join(f"{c.source}: {c.figure}" for c in v.claims) or "no claims"
    return (f"{where} {v.country} {v.date_start}..{v.date_end} ({v.date_precision}) "
            f"{v.event_type} / {v.sub_event_type} [{claims}]")


def detail(scores: list[ReportScore], extras: Mapping[str, Any], proposals: list[list[Any]]) -> str:
    """Each report's gold events beside their paired proposals, then the unpaired proposals."""
    lines = []
    for s, r, props in zip(scores, extras["reports"], proposals):
        gold = gold_views(r)
        lines.append(f"== {s.report_id}")
        paired = dict((j, i) for i, j in s.pairs)
        for j, g in enumerate(gold):
            lines.append(f"  gold {r['gold'][j]['location']}: {_brief(g)}")
            lines.append(f"    -> {_brief(props[paired[j]]) if j in paired else 'MISSED'}")
        for i, p in enumerate(props):
            if i not in {i for i, _ in s.pairs}:
                lines.append(f"  extra: {_brief(p)}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-write", action="store_true", help="print only; write neither the JSON nor the README")
    ap.add_argument("--detail", action="store_true", help="also print each gold event beside its proposal")
    args = ap.parse_args()
    scores, extras = run_set()
    reports = extras["reports"]
    record = {
        "measured": machine_line(),
        "reports": len(reports),
        "gold_events": sum(len(r["gold"]) for r in reports),
        "gold_claims": sum(len(g["fatalities"]) for r in reports for g in r["gold"]),
        "figures": figures(total_counts(scores)),
        "by_case": by_case(scores, reports),
    }
    text = section(scores, extras, record)
    print(text)
    if args.detail:
        print(detail(scores, extras, extras["views"]))
    if not args.no_write:
        RECORD.write_text(json.dumps(record, indent=1) + "\n", "utf-8")
        write_section(Path(__file__).parent / "README.md", "Ingest evaluation", text)


if __name__ == "__main__":
    main()
