"""Links benchmark: how well ``bordermap.links`` links records of one event across datasets, and
how fast.

Quality: the hand-built evaluation set (``tests/data/links/``: ACLED- and UCDP-layout records
around the border, the true pairs decided by hand) imported as a user would, linked, and scored:
precision, recall and F1 of every candidate, of the links that rank first for at least one of
their events ("top"), and of the mutual best matches ("best").

Speed: synthetic exports (:mod:`bordermap.synthetic_exports`, seeded, generated at run time in a
temp folder, never committed) of each size for both datasets, imported with ``bordermap
import`` (GeoParquet), read back, then linked: the median wall time of ``--runs`` runs of
``candidate_links`` on freshly read tables, the links found, the process's peak memory; and the
words (reasons, dates, places, figures) and ``links_csv`` for the first 100,000 links. The
synthetic events sit on ten towns over a few years, far denser than real data: a worst case.

    .venv/bin/python benchmarks/bench_links.py [--sizes 10000,100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "tests" / "data" / "links"))
from bench_import import BIN, peak_mb, timed, write_csv  # noqa: E402
from machine import machine_line, write_section  # noqa: E402

import link_set  # noqa: E402

from bordermap.core.table import EventTable  # noqa: E402
from bordermap.importers.ucdp import COLUMNS as UCDP_COLUMNS  # noqa: E402
from bordermap.io.acled import ACLED_COLUMNS  # noqa: E402
from bordermap.io.geoparquet import read_events_parquet  # noqa: E402
from bordermap.io.links_csv import links_csv  # noqa: E402
from bordermap.links import DATE_TOLERANCE_DAYS, RADIUS_KM, candidate_links  # noqa: E402
from bordermap.synthetic_exports import acled_rows, ucdp_rows  # noqa: E402


def quality(tmp: Path) -> dict:
    s = link_set.load(tmp)
    links = candidate_links(s.acled, s.ucdp, a_name="ACLED", b_name="UCDP GED")
    return {"acled": len(s.acled), "ucdp": len(s.ucdp), "truth": len(s.truth),
            "table": link_set.quality_table(links, s.truth),
            "missed": [f"{a} ~ {b} ({s.scenario_of[(a, b)]})" for a, b in sorted(set(s.truth) - set(links.id_pairs()))]}


def table_of(path: Path) -> EventTable:
    return EventTable.from_model_columns(read_events_parquet(path)[0])


def speed(tmp: Path, size: int, runs: int) -> dict:
    paths = {}
    imports = {}
    for kind, header, rows in (("acled", ACLED_COLUMNS, acled_rows), ("ucdp", UCDP_COLUMNS, ucdp_rows)):
        src, out = tmp / f"{kind}-{size}.csv", tmp / f"{kind}-{size}.parquet"
        write_csv(src, header, rows(size, seed=7))
        imports[kind] = timed([str(BIN / "bordermap"), "import", kind, str(src), "-o", str(out), "--force"])[0]
        src.unlink()
        paths[kind] = out
    walls, memory = [], []
    for _ in range(runs):
        a, b = table_of(paths["acled"]), table_of(paths["ucdp"])
        memory.append(peak_mb(os.getpid()))
        t0 = time.perf_counter()
        links = candidate_links(a, b, a_name="ACLED", b_name="UCDP GED")
        walls.append(time.perf_counter() - t0)
        memory.append(peak_mb(os.getpid()))
    t0 = time.perf_counter()
    first = list(islice(links, 100_000))
    words = time.perf_counter() - t0
    t0 = time.perf_counter()
    csv_text = links_csv(first)
    csv_wall = time.perf_counter() - t0
    return {"size": size, "imports": imports, "wall": statistics.median(walls), "links": len(links),
            "best": int(links.column("best").sum()), "worded": len(first), "words": words, "csv": csv_wall,
            "csv_mb": len(csv_text.encode()) / 1e6, "tables_peak": memory[0], "link_peak": memory[1]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bordermap-links-") as folder:
        tmp = Path(folder)
        q = quality(tmp)
        print(q, flush=True)
        results = []
        for size in [int(s) for s in args.sizes.split(",") if s]:
            results.append(speed(tmp, size, args.runs))
            print(results[-1], flush=True)
    radii = ", ".join(f"{k} → {v:g} km" for k, v in RADIUS_KM.items())
    days = ", ".join(f"{k} ±{v}" for k, v in DATE_TOLERANCE_DAYS.items())
    lines = [machine_line(), "",
             f"**Quality** on the hand-built evaluation set (`tests/data/links/`: {q['acled']} ACLED-layout and "
             f"{q['ucdp']} UCDP-layout records, {q['truth']} true pairs decided by hand), imported with "
             f"`import_file` and linked with the default rules (radius by the less precise geo precision: "
             f"{radii}; date tolerance by the less precise date: {days} days):", "",
             *q["table"]]
    lines += ["", "True pairs no candidate finds: " + (", ".join(q["missed"]) or "none")
              + " (scenarios: `tests/data/links/README.md`; why: `docs/links.md`).", "",
              f"**Speed**: synthetic exports of each size for both datasets (`bordermap.synthetic_exports`, ten "
              f"towns over a few years: far denser than real data), imported with `bordermap import` "
              f"(GeoParquet), then `candidate_links` on freshly read tables, median of {args.runs} runs. Words: "
              f"the first 100,000 links as `Link` objects (reasons, dates, places, figures); CSV: `links_csv` "
              f"of those. Peak memory: this process's VmHWM in the first run, once the two tables are read, then "
              f"once they are linked. The whole run took "
              f"{(time.time() - started) / 60:.1f} min.", "",
              "| events (each dataset) | import ACLED / UCDP | link | links found | mutual best | words | CSV | "
              "peak memory: tables read → linked |",
              "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['size']:,} × {r['size']:,} | {r['imports']['acled']:.1f} s / {r['imports']['ucdp']:.1f} s "
                     f"| {r['wall']:.2f} s | {r['links']:,} | {r['best']:,} | {r['words']:.1f} s "
                     f"({r['worded']:,}) | {r['csv']:.1f} s ({r['csv_mb']:.0f} MB) | {r['tables_peak']:.0f} → "
                     f"{r['link_peak']:.0f} MB |")
    lines += ["", f"Command: `.venv/bin/python benchmarks/bench_links.py --sizes {args.sizes} --runs {args.runs}`"]
    write_section(Path(__file__).parent / "README.md", "Links", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
