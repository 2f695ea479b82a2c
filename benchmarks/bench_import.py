"""Import benchmark: ``bordermap import acled`` and ``import ucdp`` as whole processes.

Synthetic exports in ACLED's 31-column layout and UCDP GED 23.1's 49 columns
(:mod:`bordermap.synthetic_exports`: made-up actors and notes on real towns of the region),
seeded, generated at run time in a temp folder and never committed. For each size: the median
wall time of ``--runs`` runs of the command writing GeoParquet (and GeoJSON for the smaller
sizes), the output's size, and the process's peak memory (VmHWM, read while it runs). The plain
way beside it, in the same run: ``pandas.read_csv`` of the same file with every column as text,
which only parses the CSV (no checks, no mapping, nothing written).

    .venv/bin/python benchmarks/bench_import.py [--acled 100000,1000000] [--ucdp 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import machine_line, write_section  # noqa: E402

from bordermap.synthetic_exports import acled_rows, ucdp_rows  # noqa: E402
from bordermap.io.acled import ACLED_COLUMNS  # noqa: E402
from bordermap.importers.ucdp import COLUMNS as UCDP_COLUMNS  # noqa: E402

BIN = Path(sys.executable).parent


def write_csv(path: Path, header, rows) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r[c] for c in header])


def peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of a command, its memory sampled while it runs."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, peak_mb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    return wall, peak


def bench(kind: str, src: Path, out: Path, runs: int) -> dict:
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = timed([str(BIN / "bordermap"), "import", kind, str(src), "-o", str(out), "--force"])
        walls.append(wall)
        peaks.append(peak)
    return {"wall": statistics.median(walls), "peak": max(peaks), "size": out.stat().st_size}


def pandas_read(src: Path, runs: int) -> dict:
    code = ("import sys, pandas as pd; pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)")
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = timed([sys.executable, "-c", code, str(src)])
        walls.append(wall)
        peaks.append(peak)
    return {"wall": statistics.median(walls), "peak": max(peaks)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--acled", default="100000,1000000")
    ap.add_argument("--ucdp", default="100000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bordermap-import-"))
    started = time.time()
    results = []
    for kind, sizes, header, rows in (("acled", args.acled, ACLED_COLUMNS, acled_rows),
                                      ("ucdp", args.ucdp, UCDP_COLUMNS, ucdp_rows)):
        for size in [int(s) for s in sizes.split(",") if s]:
            src = tmp / f"{kind}-{size}.csv"
            write_csv(src, header, rows(size, seed=7))
            print(f"{kind} {size:,}: {src.stat().st_size / 1e6:.0f} MB", flush=True)
            parquet = bench(kind, src, tmp / f"{kind}-{size}.parquet", args.runs)
            geojson = bench(kind, src, tmp / f"{kind}-{size}.geojson", 1) if size <= 100_000 else None
            plain = pandas_read(src, args.runs)
            results.append({"kind": kind, "size": size, "csv": src.stat().st_size, "parquet": parquet,
                            "geojson": geojson, "pandas": plain})
            print("  ", results[-1], flush=True)
            src.unlink()
    lines = [machine_line(), "",
             f"Whole `bordermap import` processes, medians of {args.runs} runs (GeoJSON: one run); peak memory "
             "is the process's VmHWM. Beside it, same run: `pandas.read_csv(dtype=str)` of the same file, "
             "which only parses the CSV. The whole run took "
             f"{(time.time() - started) / 60:.1f} min.", "",
             "| export | rows | CSV | → GeoParquet: time, size, peak memory | → GeoJSON: time, size | "
             "pandas.read_csv alone: time, peak |",
             "|---|---|---|---|---|---|"]
    for r in results:
        p, g, pd_ = r["parquet"], r["geojson"], r["pandas"]
        gj = f"{g['wall']:.1f} s, {g['size'] / 1e6:.0f} MB" if g else "—"
        lines.append(f"| {r['kind']} | {r['size']:,} | {r['csv'] / 1e6:.0f} MB | {p['wall']:.1f} s, "
                     f"{p['size'] / 1e6:.0f} MB, {p['peak']:.0f} MB | {gj} | {pd_['wall']:.1f} s, {pd_['peak']:.0f} MB |")
    lines += ["", "Target (issue 10): 1,000,000 ACLED rows imported in ≤ 30 s on this machine.", "",
              f"Command: `.venv/bin/python benchmarks/bench_import.py --acled {args.acled} --ucdp {args.ucdp} "
              f"--runs {args.runs}`"]
    write_section(Path(__file__).parent / "README.md", "Import", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
