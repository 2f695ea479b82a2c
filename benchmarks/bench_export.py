"""Export benchmark: size and build time of every format, and the HTML's draw time in Chromium,
beside plain folium (``folium.Map`` + one ``folium.Marker`` with a popup per event, ``Map.save()``)
on the same data in the same run. Writes the "## Exports" section of benchmarks/README.md.

    .venv/bin/python benchmarks/bench_export.py [--sizes article,1000,10000] [--runs 5] [--draw-runs 3]

Build = the export function on already-loaded data (what a download button or the CLI adds to
loading). Draw = from navigation to ``Bordermap.count()`` being available and two animation
frames painted (plain folium: every marker icon in the page, then two frames), in a fresh
headless Chromium page that opens the file from disk with every other request aborted. Plain
folium's Map.save() links Leaflet from CDNs, so for its draw the benchmark serves Leaflet and
jQuery from the local copies and aborts the rest (Bootstrap, awesome-markers, Font Awesome, tiles):
its file does not work offline at all.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).parent))

import folium  # noqa: E402

from bench_peers import TWO_FRAMES, Mirror  # noqa: E402
from browser import browser  # noqa: E402
from machine import machine_line, write_section  # noqa: E402

from bordermap.dataset import Dataset, load_dataset, prepare_events  # noqa: E402
from bordermap.export import (export_csv, export_geojson, export_html, export_kml,  # noqa: E402
                              export_png)
from bordermap.geo import load_reference_layers  # noqa: E402
from bordermap.mapping.builder import REGION_CENTER, REGION_ZOOM  # noqa: E402
from bordermap.synthetic import synthetic_collection  # noqa: E402

WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)
OURS_READY = "() => !!(window.Bordermap && Bordermap.layers.length && Bordermap.layers[0].ready && Bordermap.count() > 0)"


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def plain_folium(ds: Dataset, path: Path) -> None:
    """What a folium user writes: one Marker with a popup per event, then Map.save()."""
    m = folium.Map(location=list(REGION_CENTER), zoom_start=REGION_ZOOM)
    for f in ds.events:
        p = f["properties"]
        lon, lat = _anchor(f["geometry"])
        folium.Marker([lat, lon], popup=folium.Popup(f"<b>{p['title']}</b><br>{p['summary']}", max_width=350),
                      tooltip=p["title"]).add_to(m)
    m.save(str(path))


def _anchor(geometry: dict) -> tuple[float, float]:
    c = geometry["coordinates"]
    if geometry["type"] == "Point":
        return c[0], c[1]
    if geometry["type"] == "LineString":
        return c[-1][0], c[-1][1]
    ring = c[0] if geometry["type"] == "Polygon" else c[0][0]
    return sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring)


def draw_time(b, path: Path, ready: str, runs: int, mirror: bool = False) -> float:
    times = []
    for _ in range(runs):
        ctx = b.new_context(viewport={"width": 1600, "height": 1000})
        ctx.route("**/*", Mirror() if mirror else
                  (lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:", "blob:"))
                   else r.abort()))
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_function(ready, polling=10, timeout=300_000)
        page.evaluate(TWO_FRAMES)
        times.append(time.perf_counter() - t0)
        ctx.close()
    return statistics.median(times)


def datasets(sizes: list[str], layers) -> list[tuple[str, Dataset]]:
    out = []
    for size in sizes:
        if size == "article":
            out.append(("article", load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo")))
        else:
            fc = synthetic_collection(int(size), seed=7)
            out.append((f"{int(size):,} synthetic",
                        Dataset(table=prepare_events(fc["features"], layers), article=None, layers=layers)))
    return out


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="article,1000,10000")
    ap.add_argument("--runs", type=int, default=5, help="build runs per format (median)")
    ap.add_argument("--draw-runs", type=int, default=3, help="Chromium draws per file (median)")
    ap.add_argument("--png-runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bordermap-bench-export-"))
    layers = load_reference_layers(ROOT / "geo")
    html_rows, format_rows = [], []
    with browser() as b:
        for label, ds in datasets(args.sizes.split(","), layers):
            n = len(ds)
            print(f"{label} ({n} events)", flush=True)
            export_html(ds, generated_at=WHEN)  # warm the asset and basemap caches, as a running app has
            build, page = timed(lambda: export_html(ds, generated_at=WHEN), args.runs)
            ours = tmp / f"ours-{n}.html"
            ours.write_text(page, "utf-8")
            draw = draw_time(b, ours, OURS_READY, args.draw_runs)
            plain = tmp / f"plain-{n}.html"
            plain_build, _ = timed(lambda: plain_folium(ds, plain), max(1, min(args.runs, 5 if n <= 1000 else 3)))
            plain_ready = f"() => document.querySelectorAll('.leaflet-marker-icon').length >= {n}"
            plain_draw = draw_time(b, plain, plain_ready, args.draw_runs, mirror=True)
            row = dict(data=label, n=n, size=ours.stat().st_size, build=build, draw=draw,
                       plain_size=plain.stat().st_size, plain_build=plain_build, plain_draw=plain_draw)
            html_rows.append(row)
            print("  html", row, flush=True)

            sizes = {"html": row["size"]}
            times = {"html": build}
            for fmt, fn in (("geojson", export_geojson), ("csv", export_csv), ("kml", export_kml)):
                t, text = timed(lambda: fn(ds, generated_at=WHEN), args.runs)
                sizes[fmt], times[fmt] = len(text.encode("utf-8")), t
            t, png = timed(lambda: export_png(ds, generated_at=WHEN), args.png_runs)
            sizes["png"], times["png"] = len(png), t
            format_rows.append(dict(data=label, n=n, sizes=sizes, times=times))
            print("  formats", sizes, {k: round(v, 3) for k, v in times.items()}, flush=True)

    load = os.getloadavg()
    lines = [machine_line() + f" Load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
             "(other jobs share the machine; times are wall clock).", "",
             f"**Self-contained HTML vs plain folium.** Build: median of {args.runs} runs of `export_html` on "
             "loaded data (plain folium: Marker+popup per event and `Map.save()`, median of ≤ 5). Draw: "
             f"median of {args.draw_runs} fresh Chromium pages, navigation → `Bordermap.count()` available "
             "and two frames painted (plain: every marker icon in the DOM, two frames). Plain folium's "
             "file links CDNs and does not open offline; for its draw the benchmark served Leaflet/jQuery "
             "from local copies.", "",
             "| data | events | bordermap HTML | build | draw | plain folium HTML (CDN-linked) | build | draw |",
             "|---|---|---|---|---|---|---|---|"]
    for r in html_rows:
        lines.append(f"| {r['data']} | {r['n']:,} | {mb(r['size'])} | {r['build']:.2f} s | {r['draw']:.2f} s | "
                     f"{mb(r['plain_size'])} | {r['plain_build']:.2f} s | {r['plain_draw']:.2f} s |")
    lines += ["", "Target for 10k events: HTML ≤ 3 MB, built in ≤ 1 s, drawn in ≤ 1 s.", "",
              f"**Every format** (size; build time, median of {args.runs}; PNG: 1600×1000, the HTML build "
              f"plus a Chromium start, load and screenshot, median of {args.png_runs}).", "",
              "| data | events | HTML | PNG | GeoJSON | ACLED CSV | KML |", "|---|---|---|---|---|---|---|"]
    for r in format_rows:
        cells = [f"{mb(r['sizes'][f])}, {r['times'][f]:.2f} s" for f in ("html", "png", "geojson", "csv", "kml")]
        lines.append(f"| {r['data']} | {r['n']:,} | " + " | ".join(cells) + " |")
    lines += ["", "Command: `.venv/bin/python benchmarks/bench_export.py`"]
    write_section(Path(__file__).parent / "README.md", "Exports", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
