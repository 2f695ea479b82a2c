"""Scale benchmark: bordermap at 100,000 and 1,000,000 events, beside the plain folium ways.

Data as rich as real events: the bundled article's 36 events cloned round-robin with jittered
places and shifted dates (every source, claim, actor and long summary kept), seeded, generated
at run time and never committed — 100k as GeoJSON (the path a hand-made file takes), 1M as
GeoParquet (what an import writes; a 3 GB GeoJSON is not a real-world input).

Measured, medians of ``--runs`` (the article in the same run, for the ratios):
- ``load_dataset``: first time (read, validate, derive, annotate, cache), then from the cache;
  for GeoParquet also the first load of the same events in story order (as ``bordermap import``
  writes them: nothing to sort), turn about with the file in its generated order;
- the app's server: resident memory once the dataset is open (VmRSS / peak VmHWM);
- the app in headless Chromium, offline, a new browser session on a warm server each run:
  cold start (navigation → every event drawn), timeline move (a key on the map's timeline →
  the map redrawn, stamped in the page), click → the event's panel in the page (stamped by a
  MutationObserver, as bench_app.py does);
- ``bordermap export html`` as a whole process (first, then again with its payload cached), the
  file's size, and its draw in Chromium;
- the plain folium ways (benchmarks/bench_peers.py) at the same sizes, and the floor under every
  draw: their page with a single circle marker.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 100000,1000000] [--runs 3] [--no-peers]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).parent))

from bench_peers import TWO_FRAMES, size_text  # noqa: E402
from browser import browser, map_frame, offline_page, wait_for_app  # noqa: E402
from conftest import AppServer  # noqa: E402
from machine import machine_line, write_section  # noqa: E402

from bordermap.core.parallel import workers  # noqa: E402
from bordermap.dataset import load_dataset  # noqa: E402
from bordermap.io.geoparquet import write_events_parquet  # noqa: E402
from bordermap.synthetic import rich_collection, rich_table  # noqa: E402

BIN = Path(sys.executable).parent

STAMP_PANEL = """() => { window.__seen = null; const obs = new MutationObserver(() => {
    if (!window.__seen && document.querySelector('.bm-panel-title')) { obs.disconnect();
      requestAnimationFrame(() => { window.__seen = Date.now(); }); } });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true}); return null; }"""

# In the map's frame: a key on the timeline under the map (Home: the window, a month long, to the
# record's start; End: to its end) and stamp the moment the map and the timeline have redrawn
# (the map's 'bordermap:drawn' event, then the frame that draws the timeline's histogram).
TIMED_KEY = """(key) => new Promise(done => {
    const tl = document.querySelector('.bm-tl');
    const t0 = performance.now();
    map.once('bordermap:drawn', () => requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)));
    tl.focus();
    tl.dispatchEvent(new KeyboardEvent('keydown', {key: key, bubbles: true}));
  })"""
# Before timing: a month-long window (the timeline's "busiest month" button), so Home/End move it.
NARROW = "() => { document.querySelector('.bm-tl-dense').click(); return null; }"


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process and its children, MB."""
    def one(p):
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{p}/status").read_text().splitlines())
            return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
        except (OSError, KeyError):
            return 0.0, 0.0
    return one(pid)


def make_data(size: str, tmp: Path) -> tuple[Path, str]:
    if size == "article":
        return ROOT / "data" / "events.geojson", "article"
    n = int(size)
    base = json.loads((ROOT / "data" / "events.geojson").read_text())
    if n <= 200_000:
        path = tmp / f"rich{n}.geojson"
        path.write_text(json.dumps(rich_collection(n, base, seed=7)))
        return path, f"{n:,} (GeoJSON, {path.stat().st_size / 1e6:.0f} MB)"
    article = load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo", use_cache=False)
    path = tmp / f"rich{n}.parquet"
    write_events_parquet(rich_table(n, article.table, seed=7), article.article, path)
    return path, f"{n:,} (GeoParquet, {path.stat().st_size / 1e6:.0f} MB)"


def time_load(path: Path, runs: int) -> dict:
    # Peak memory from VmHWM: ru_maxrss would keep the (large) RSS of this process, which the
    # child is forked from, across the exec.
    # CPU split too: the system time is mostly the kernel zeroing pages on their first touch, so
    # a day when that is slow (a shared host) shows as system time, not as bordermap's own work.
    code = ("import sys, time, resource; from bordermap.dataset import load_dataset; t = time.perf_counter(); "
            "r0 = resource.getrusage(resource.RUSAGE_SELF); "
            "ds = load_dataset(sys.argv[1], sys.argv[2]); hwm = open('/proc/self/status').read(); "
            "r = resource.getrusage(resource.RUSAGE_SELF); "
            "print(time.perf_counter() - t, int(hwm.split('VmHWM:')[1].split()[0]) / 1024, len(ds), "
            "r.ru_utime - r0.ru_utime, r.ru_stime - r0.ru_stime)")

    def run(cache: str, **extra: str):
        out = subprocess.run([str(BIN / "python"), "-c", code, str(path), str(ROOT / "geo")],
                             env={**os.environ, "BORDERMAP_CACHE": cache, **extra},
                             capture_output=True, text=True, check=True).stdout.split()
        return float(out[0]), float(out[1]), float(out[3]), float(out[4])

    firsts, single, cache = [], [], ""
    for _ in range(runs):  # each first load on an empty cache of its own
        # The same load held to one thread, taken turn about with the usual one so that a slow
        # spell of the shared host falls on both.
        one = tempfile.mkdtemp(prefix="bordermap-bench-cache-")
        single.append(run(one, BORDERMAP_THREADS="1"))
        shutil.rmtree(one, ignore_errors=True)
        if cache:  # only the last cache is kept: the cached loads and the app read it
            shutil.rmtree(cache, ignore_errors=True)
        cache = tempfile.mkdtemp(prefix="bordermap-bench-cache-")
        firsts.append(run(cache))
    cached = [run(cache) for _ in range(runs)]
    return {"first": median([f[0] for f in firsts]), "first_mem": max(f[1] for f in firsts),
            "first_user": median([f[2] for f in firsts]), "first_sys": median([f[3] for f in firsts]),
            "first_1t": median([f[0] for f in single]),
            "cached": median([c[0] for c in cached]), "cached_mem": median([c[1] for c in cached]), "cache": cache}


def story_ordered_copy(path: Path) -> Path:
    """The GeoParquet file's events as ``bordermap import`` writes them: in story order, so that
    a first load finds them sorted (the synthetic file keeps its generated order, as a file from
    another writer would)."""
    from bordermap.core.table import EventTable
    from bordermap.io.geoparquet import read_events_parquet

    model, article = read_events_parquet(path)
    out = path.with_name(path.stem + "-story-order.parquet")
    write_events_parquet(EventTable.from_model_columns([model]).table, article, out)
    return out


def time_first_pair(unsorted: Path, ordered: Path, runs: int) -> dict:
    """First loads of the two files taken turn about (each on an empty cache): medians and peaks."""
    code = ("import sys, time; from bordermap.dataset import load_dataset; t = time.perf_counter(); "
            "load_dataset(sys.argv[1], sys.argv[2]); hwm = open('/proc/self/status').read(); "
            "print(time.perf_counter() - t, int(hwm.split('VmHWM:')[1].split()[0]) / 1024)")
    out: dict[str, list] = {"unsorted": [], "ordered": []}
    for _ in range(runs):
        for name, path in (("unsorted", unsorted), ("ordered", ordered)):
            cache = tempfile.mkdtemp(prefix="bordermap-bench-cache-")
            got = subprocess.run([str(BIN / "python"), "-c", code, str(path), str(ROOT / "geo")],
                                 env={**os.environ, "BORDERMAP_CACHE": cache},
                                 capture_output=True, text=True, check=True).stdout.split()
            shutil.rmtree(cache, ignore_errors=True)
            out[name].append((float(got[0]), float(got[1])))
    return {name: {"first": median([v[0] for v in values]), "mem": max(v[1] for v in values)}
            for name, values in out.items()}


def first_visit_seconds(b, url: str, timeout: float = 900_000) -> tuple[float, int]:
    """A new page on the app: navigation → its event layer ready; (seconds, events in the layer)."""
    page, _ = offline_page(b, width=1400, height=1000)
    t0 = time.perf_counter()
    page.goto(url)
    wait_for_app(page, timeout=timeout)
    frame = map_frame(page, timeout=timeout)
    frame.wait_for_function("() => window.Bordermap && Bordermap.layers.length && Bordermap.layers[0].ready",
                            timeout=timeout)
    seconds = time.perf_counter() - t0
    n = frame.evaluate("Bordermap.layers[0].data.n")
    page.context.close()
    return seconds, n


def measure_app(path: Path, cache: str, b, runs: int) -> dict:
    server = AppServer({"BORDERMAP_EVENTS": str(path), "BORDERMAP_CACHE": cache})
    n = None
    try:
        # The first visit opens the dataset (from the cache made above) and publishes its files.
        first_visit, n = first_visit_seconds(b, server.url)
        mem = rss_mb(server.proc.pid)
        cold, move, click, problems, remounts = [], [], [], [], []
        for _ in range(runs):
            page, watch = offline_page(b, width=1400, height=1000)
            t0 = time.perf_counter()
            page.goto(server.url)
            page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=300_000)
            while True:
                frame = next((f for f in page.frames if "st_folium" in f.url), None)
                try:
                    if frame and frame.evaluate("!!(window.Bordermap && Bordermap.layers.length && "
                                                "Bordermap.layers[0].ready && Bordermap.count() > 0)"):
                        break
                except Exception:
                    pass
                page.wait_for_timeout(20)
            cold.append(time.perf_counter() - t0)
            wait_for_app(page, timeout=300_000)
            page.wait_for_timeout(500)
            frame.evaluate(NARROW)
            page.wait_for_timeout(400)
            for key in ("Home", "End", "Home", "End"):
                try:
                    move.append(frame.evaluate(TIMED_KEY, key) / 1000)
                except Exception as exc:  # the map's frame was replaced: a remount, reported
                    remounts.append(f"{key}: {str(exc).splitlines()[0][:80]}")
                    page.wait_for_timeout(2000)
                    frame = map_frame(page, timeout=300_000)
                page.wait_for_timeout(400)
            wait_for_app(page, timeout=300_000)
            page.wait_for_timeout(800)
            xy = frame.evaluate("""() => { const l = Bordermap.layers[0];
                const row = l.visibleRows().find(r => !((l.data.flags[r] >> 2) & 3));
                map.setView(l.anchor(row), 13, {animate: false});
                const p = l.containerPoint(row); return [p.x, p.y]; }""")
            page.wait_for_timeout(500)
            page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
            page.evaluate(STAMP_PANEL)
            t0 = time.time()
            frame.locator(".leaflet-container").first.click(position={"x": xy[0], "y": xy[1]})
            page.locator(".bm-panel-title").wait_for(timeout=120_000)
            try:
                seen = None
                for _ in range(250):
                    seen = page.evaluate("window.__seen")
                    if seen:
                        break
                    page.wait_for_timeout(20)
                click.append((seen / 1000 if seen else time.time()) - t0)
            except Exception:
                click.append(time.time() - t0)
            problems += watch.problems()
            page.context.close()
        return {"n": n, "first_visit": first_visit, "cold": median(cold), "move": median(move),
                "click": median(click), "rss": mem[0], "peak": mem[1], "problems": problems[:3],
                "remounts": remounts}
    finally:
        server.stop()


def measure_first_open(path: Path, b) -> dict:
    """The app on a file it has never seen (an empty cache): navigation → every event drawn, and
    the server's resident and peak memory after (the first load runs in a child process for a
    large file: bordermap.first_load)."""
    cache = tempfile.mkdtemp(prefix="bordermap-bench-first-")
    server = AppServer({"BORDERMAP_EVENTS": str(path), "BORDERMAP_CACHE": cache})
    try:
        seconds, _ = first_visit_seconds(b, server.url, timeout=1_800_000)
        rss, peak = rss_mb(server.proc.pid)
        return {"seconds": seconds, "rss": rss, "peak": peak}
    finally:
        server.stop()


def measure_html(path: Path, cache: str, b, tmp: Path, runs: int = 3) -> dict:
    """The export as a whole process: the first time (the dataset cached, its payload not yet),
    then ``runs`` times again (the payload read from the cache: the median), and its draw (the
    median of at least five)."""
    out = tmp / f"{path.stem}.html"
    env = dict(os.environ)
    builds = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        proc = subprocess.run([str(BIN / "bordermap"), "export", "html", "--events", str(path), "-o", str(out),
                               "--force"], env=env, capture_output=True, text=True)
        builds.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            return {"build": builds[0], "error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
    build, again = builds[0], statistics.median(builds[1:])
    size = out.stat().st_size
    draws = [draw_html(b, out) for _ in range(max(runs, 5))]
    draw = statistics.median(draws)
    return {"build": build, "again": again, "size": size, "draw": draw}


#: The page is drawn: every event layer ready with its events counted (then two frames).
HTML_READY = ("() => window.Bordermap && Bordermap.layers.length && Bordermap.layers[0].ready"
              " && Bordermap.count() > 0")


def draw_html(b, path: Path) -> float:
    """Navigation -> the map drawn, then two frames: the protocol bench_peers.draw_once times the
    folium pages with (navigation committed, then the page polled every 10 ms)."""
    page, watch = offline_page(b, width=1600, height=1000)
    try:
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_function(HTML_READY, polling=10, timeout=600_000)
        page.evaluate(TWO_FRAMES)
        return time.perf_counter() - t0
    finally:
        page.context.close()


def fmt(v, unit="s", nd=2):
    return "—" if v is None else f"{v:.{nd}f} {unit}".strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--peer-budget", type=float, default=300)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bordermap-scale-"))
    started = time.time()
    rows = []
    with browser() as b:
        for size in ["article"] + args.sizes.split(","):
            path, label = make_data(size, tmp)
            print(f"{label}: load …", flush=True)
            load = time_load(path, args.runs)
            print("  ", load, flush=True)
            print(f"{label}: app …", flush=True)
            app = measure_app(path, load["cache"], b, args.runs)
            print("  ", app, flush=True)
            print(f"{label}: first open in the app …", flush=True)
            first = measure_first_open(path, b)
            print("  ", first, flush=True)
            print(f"{label}: html …", flush=True)
            html = measure_html(path, load["cache"], b, tmp, args.runs)
            print("  ", html, flush=True)
            ordered = None
            if path.suffix == ".parquet":
                print(f"{label}: first load in story order …", flush=True)
                ordered = time_first_pair(path, story_ordered_copy(path), args.runs)
                print("  ", ordered, flush=True)
            rows.append({"label": label, "size": size, "load": load, "app": app, "html": html, "first": first,
                         "ordered": ordered})
        peers, floor = [], None
        if not args.no_peers:
            from bench_peers import measure_floor, measure_peers, peers_table

            sizes = [int(s) for s in args.sizes.split(",")]
            peers = measure_peers(sizes, budget=args.peer_budget, browser_=b)
            floor = measure_floor(b, draws=max(args.runs, 5))
            print("  floor:", floor, flush=True)
    art = rows[0]["app"]["cold"]
    lines = [machine_line(), "",
             f"Medians of {args.runs} runs (first load, each on an empty cache; load from the cache, app cold "
             f"start, click; timeline move: {4 * args.runs} moves; HTML drawn: {max(args.runs, 5)} draws). The article's 36 events in the same run give the "
             "ratios. Seconds unless marked. The whole run took "
             f"{(time.time() - started) / 60:.1f} min.", "",
             "| data | load, first time | load from cache | server memory (RSS / peak) | app cold start "
             "(× article) | timeline move | click → panel | HTML export: first, again (payload cached), size | HTML drawn |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ld, ap_, h = r["load"], r["app"], r["html"]
        ratio = f" ({ap_['cold'] / art:.2f}×)" if art and ap_["cold"] else ""
        html_cells = (f"{fmt(h['build'])}, {fmt(h['again'])}, {h['size'] / 1e6:.1f} MB | {fmt(h['draw'])}" if "size" in h
                      else f"failed: {' '.join(h.get('error', []))} | —")
        lines.append(f"| {r['label']} | {fmt(ld['first'])} | {fmt(ld['cached'])} | "
                     f"{ap_['rss']:.0f} / {ap_['peak']:.0f} MB | {fmt(ap_['cold'])}{ratio} | "
                     f"{fmt(ap_['move'] and ap_['move'] * 1000, 'ms', 0)} | {fmt(ap_['click'] and ap_['click'] * 1000, 'ms', 0)} | "
                     f"{html_cells} |")
    lines += ["", "First visit after a server start (the dataset opened from the cache and its map files "
              "written): " + "; ".join(f"{r['label']}: {fmt(r['app']['first_visit'])}" for r in rows) + ".",
              "", "The app opening a file it has never seen (an empty cache; a large file is read in a child "
              "process, bordermap.first_load), navigation → every event drawn, and the server's memory after (RSS / "
              "peak): " + "; ".join(f"{r['label']}: {fmt(r['first']['seconds'])}, {r['first']['rss']:.0f} / "
                                   f"{r['first']['peak']:.0f} MB" for r in rows) + ".",
              "", "Peak memory of the `load_dataset` process: "
              + "; ".join(f"{r['label']}: first {r['load']['first_mem']:.0f} MB, cached {r['load']['cached_mem']:.0f} MB"
                          for r in rows) + ". CPU time of the first load (medians), user / system: "
              + "; ".join(f"{r['label']}: {r['load']['first_user']:.2f} / {r['load']['first_sys']:.2f} s" for r in rows)
              + " (system time is mostly the kernel handing out fresh memory: the parsed JSON of a large "
              "GeoJSON is several times the file's size).",
              "", f"The first load held to one thread (`BORDERMAP_THREADS=1`), same run, each taken turn about "
              f"with the usual one ({workers()} threads here: the sort into story order, the border distances "
              "and sides run side by side): "
              + "; ".join(f"{r['label']}: {fmt(r['load']['first_1t'])} against {fmt(r['load']['first'])}"
                          for r in rows) + "."]
    ordered = [r for r in rows if r.get("ordered")]
    if ordered:
        lines += ["", "The same GeoParquet events in story order, as `bordermap import` writes them (the file "
                  "above keeps its generated order, as another writer's file would; its first load sorts "
                  "every column into story order), first loads taken turn about with the file above: "
                  + "; ".join(f"{r['label']}: {fmt(r['ordered']['ordered']['first'])} (peak "
                              f"{r['ordered']['ordered']['mem']:.0f} MB) against {fmt(r['ordered']['unsorted']['first'])} "
                              f"(peak {r['ordered']['unsorted']['mem']:.0f} MB)" for r in ordered) + "."]
    remounted = [f"{r['label']}: {len(r['app']['remounts'])} ({'; '.join(r['app']['remounts'][:2])})"
                 for r in rows if r["app"]["remounts"]]
    if remounted:
        lines += ["", "The map's frame was replaced during a timeline move (a remount; that move is not "
                  "counted): " + "; ".join(remounted) + "."]
    if peers:
        lines += ["", "The plain folium ways at the same sizes, same run (see “Peers” below for how):", "",
                  peers_table(peers)]
        ratios = []
        for r in rows:
            ours = r["html"].get("draw")
            peer_draws = {p["label"]: p.get("draw_s") for p in peers if str(p["n"]) == r["size"]}
            if ours and peer_draws:
                ratios.append(f"{r['label']}: " + ", ".join(
                    f"{d / ours:.1f}× faster than {name}" if d else f"{name} not drawn"
                    for name, d in peer_draws.items()))
        if ratios:
            lines += ["", "bordermap's HTML drawn beside theirs, same run and same protocol (navigation → every "
                      "event drawn, then two frames): " + "; ".join(ratios) + "."]
        one, bare = (floor or {}).get("one") or {}, (floor or {}).get("bare") or {}
        if one.get("draw_s"):
            drawn = {r["size"]: r["html"].get("draw") for r in rows}
            tenth = [f"at {p['n']:,}, {p['draw_s'] / 10:.2f} s" for p in peers
                     if p["peer"] == "fmc" and p.get("draw_s")]
            lines += ["", f"The floor under all of these, same run and protocol (median of {len(one['draws'])}): the "
                      f"peers' page with a single circle marker (the same folium map, {size_text(one['html_bytes'])}) drew "
                      f"in {fmt(one['draw_s'])}"
                      + (f"; the barest page folium makes (no tile layer, one marker) in {fmt(bare['draw_s'])}"
                         if bare.get("draw_s") else "")
                      + f"; the article's 36 events in bordermap's export (offline basemap, place labels, legend, "
                      f"timeline) in {fmt(drawn.get('article'))}."
                      + (" A tenth of FastMarkerCluster's draw, the order of magnitude issue 9 asks for, is "
                         + "; ".join(tenth) + "." if tenth else "")]
    lines += ["", "Targets (issue 9): at 100k cold start ≤ 1.3× the article's, move ≤ 150 ms, click ≤ 300 ms, "
              "load ≤ 1 s from the cache and ≤ 5 s the first time, HTML export ≤ 2 s and ≤ 6 MB drawn in ≤ 1 s; "
              "at 1M cold start ≤ 2× the article's, move and click ≤ 400 ms, server memory ≤ 3 GB, HTML ≤ 60 MB "
              "drawn in ≤ 5 s.", "", f"Command: `.venv/bin/python benchmarks/bench_scale.py --sizes {args.sizes} "
              f"--runs {args.runs}`"]
    write_section(Path(__file__).parent / "README.md", "Scale", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
