"""Ingest benchmark: loading the language model, then proposing the events of a 1,000-word report.

The report is built from the hand-written test reports of tests/data/ingest/ (fixtures, not
real reports), their paragraphs repeated with other places and days until it has ``--words``
words, so it is dense with incidents (a real news story is sparser, hence faster). Each run is a
fresh process: the *load* is ``import spacy`` + the model's verification and load, the *report*
time is :func:`bordermap.ingest.ingest_report` after that, with the gazetteer loaded on the
first call (so the first report also pays for the gazetteer; the figure is the median of the
later ones). The goals (issue 12): load ≤ 5 s, a 1,000-word report ≤ 3 s after it.

    .venv/bin/python benchmarks/bench_ingest.py [--runs 3] [--words 1000] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import machine_line, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ingest"

_CHILD = r"""
import json, resource, sys, time
from datetime import date
t0, c0 = time.perf_counter(), time.process_time()
from bordermap.ingest.nlp import load_pipeline
load_pipeline()
t1, c1 = time.perf_counter(), time.process_time()
from bordermap.ingest import ingest_report
text = open(sys.argv[1], encoding="utf-8").read()
times, cpu, n = [], [], 0
for _ in range(int(sys.argv[2])):
    a, c = time.perf_counter(), time.process_time()
    fc = ingest_report(text, report_date=date(2022, 10, 12), source="bench", geo_dir=sys.argv[3])
    times.append(time.perf_counter() - a)
    cpu.append(time.process_time() - c)
    n = len(fc["features"])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load": t1 - t0, "load_cpu": c1 - c0, "reports": times, "reports_cpu": cpu, "events": n,
                  "rss_mb": rss}))
"""

_SWAPS = [("Khorog", "Vanj"), ("Ishkashim", "Rushon"), ("Vanj", "Murghob"), ("Darvoz", "Kulob"), ("Nusay", "Maymay")]


def build_report(words: int) -> str:
    paragraphs = []
    for path in sorted(DATA.glob("*.txt")):
        lines = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
        paragraphs += [re.sub(r"^[A-Z]+, [^-]+ - ", "", line) for line in lines[1:]]
    out, i = ["Border incidents of the week", "DUSHANBE, October 12, 2022 (bench) - A digest of reports."], 0
    while sum(len(p.split()) for p in out) < words:
        text = paragraphs[i % len(paragraphs)]
        a, b = _SWAPS[(i // len(paragraphs)) % len(_SWAPS)]
        out.append(text.replace(a, b) if i >= len(paragraphs) else text)
        i += 1
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="fresh processes (default 3)")
    ap.add_argument("--reports", type=int, default=4, help="reports per process (default 4)")
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/README.md as it is")
    args = ap.parse_args()
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"bordermap-bench-ingest-{os.getpid()}.txt"
    text = build_report(args.words)
    report.write_text(text, "utf-8")
    loads, firsts, laters, rss, events = [], [], [], [], 0
    loads_cpu, firsts_cpu, laters_cpu = [], [], []
    try:
        for _ in range(args.runs):
            done = subprocess.run([sys.executable, "-c", _CHILD, str(report), str(args.reports), str(ROOT / "geo")],
                                  capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            loads.append(result["load"])
            firsts.append(result["reports"][0])
            laters += result["reports"][1:]
            loads_cpu.append(result["load_cpu"])
            firsts_cpu.append(result["reports_cpu"][0])
            laters_cpu += result["reports_cpu"][1:]
            rss.append(result["rss_mb"])
            events = result["events"]
    finally:
        report.unlink(missing_ok=True)
    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    n_words = len(text.split())
    body = f"""{machine_line()} Load average at the end: {load_avg:.1f} on {os.cpu_count()} cores.

`benchmarks/bench_ingest.py`: {args.runs} fresh processes; a {n_words:,}-word report built from the
test reports (dense: {events} proposed events), {args.reports} times per process.

Wall time depends on what else the machine runs; CPU time (user + system, of the process) much
less, so both are given.

| step | wall, median | wall, worst | CPU, median | goal |
|---|---|---|---|---|
| load (import spaCy, verify the model's hashes, load it) | {statistics.median(loads):.2f} s | {max(loads):.2f} s | {statistics.median(loads_cpu):.2f} s | ≤ 5 s |
| first report (gazetteer loaded too) | {statistics.median(firsts):.2f} s | {max(firsts):.2f} s | {statistics.median(firsts_cpu):.2f} s | |
| a {n_words:,}-word report after that | {statistics.median(laters):.2f} s | {max(laters):.2f} s | {statistics.median(laters_cpu):.2f} s | ≤ 3 s |
| peak memory of the process | {statistics.median(rss):.0f} MB | {max(rss):.0f} MB | | |
"""
    print(body)
    if not args.no_write:
        write_section(ROOT / "benchmarks" / "README.md", "Ingest", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
