"""App benchmark: cold start, timeline move and click-to-panel, in headless Chromium, offline.

Runs bordermap's app and the plain folium way (benchmarks/plain_app.py: one Marker per event,
whole map rebuilt per rerun) on the same data in the same run, and writes the medians into the
"## App" section of benchmarks/README.md.

    .venv/bin/python benchmarks/bench_app.py [--sizes article,1000,10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).parent))

from browser import browser, offline_page, wait_for_app  # noqa: E402
from conftest import AppServer  # noqa: E402
from machine import machine_line, write_section  # noqa: E402

from bordermap.synthetic import synthetic_collection  # noqa: E402


def ours_drawn(page) -> int | None:
    for f in page.frames:
        if "st_folium" in f.url:
            try:
                return f.evaluate("window.Bordermap && Bordermap.layers.length ? Bordermap.count() : null")
            except Exception:
                return None
    return None


def plain_drawn(page) -> int | None:
    for f in page.frames:
        if "st_folium" in f.url:
            try:
                return f.evaluate("window.map ? document.querySelectorAll('.leaflet-marker-icon').length : null")
            except Exception:
                return None
    return None


# Playwright's own waits poll at growing intervals (up to 500 ms), which would be measured as
# app latency; the page stamps the moment the panel enters the DOM (then one frame) itself.
STAMP_WHEN = """(probe) => { window.__seen = null; const hit = () => probe === 'ours'
    ? !!document.querySelector('.bm-panel-title') : document.body.innerText.includes('Selected:');
  const obs = new MutationObserver(() => { if (!window.__seen && hit()) { obs.disconnect();
    requestAnimationFrame(() => { window.__seen = Date.now(); }); } });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true}); return null; }"""


def wait_until(page, fn, timeout=180.0):
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        v = fn()
        if v:
            return v
        page.wait_for_timeout(20)
    raise TimeoutError("condition not met")


def measure(kind: str, server: AppServer, b, n_points: int, runs: int) -> dict[str, float]:
    drawn = ours_drawn if kind == "ours" else plain_drawn
    cold, move, click = [], [], []
    for r in range(runs):
        page, watch = offline_page(b, width=1400, height=1000)
        t0 = time.perf_counter()
        page.goto(server.url)
        wait_until(page, lambda: (drawn(page) or 0) >= n_points)
        cold.append(time.perf_counter() - t0)
        wait_for_app(page, timeout=180_000)
        page.wait_for_timeout(300)

        # Timeline move: the end handle to the start (Home) and back (End), timed to the map update.
        # bordermap's handles are in the map (the window moves in the browser); the plain way's
        # is Streamlit's slider (a rerun rebuilds the map).
        if kind == "ours":
            # The timeline under the map: a month-long window first, then Home/End move it.
            frame = next(f for f in page.frames if "st_folium" in f.url)
            frame.locator(".bm-tl-dense").click()
            page.wait_for_timeout(300)
            thumb = frame.locator(".bm-tl")
        else:
            thumb = page.locator("[data-testid='stSlider'] input[type='range']").nth(1)
        for key in ("Home", "End"):
            before = drawn(page)
            thumb.focus()
            t0 = time.perf_counter()
            thumb.press(key)
            wait_until(page, lambda: (lambda v: v is not None and v != before)(drawn(page)))
            move.append(time.perf_counter() - t0)
            wait_for_app(page, timeout=180_000)
            page.wait_for_timeout(200)

        # Click an event and wait for its details beside the map, once the page is idle (the
        # component's own first value causes one rerun after mount; a click is not timed into it).
        wait_for_app(page, timeout=180_000)
        page.wait_for_timeout(1000)
        frame = next(f for f in page.frames if "st_folium" in f.url)
        page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
        if kind == "ours":
            xy = frame.evaluate("""() => { const l = Bordermap.layers[0];
                const row = l.visibleRows().find(r => !((l.data.flags[r] >> 2) & 3));
                map.setView(l.anchor(row), 13, {animate: false});
                const p = l.containerPoint(row); return [p.x, p.y]; }""")
            page.wait_for_timeout(300)
            target = frame.locator(".leaflet-container").first
            page.evaluate(STAMP_WHEN, "ours")
            t0 = time.time()
            target.click(position={"x": xy[0], "y": xy[1]})
            page.locator(".bm-panel-title").wait_for(timeout=60000)
        else:
            marker = frame.locator(".leaflet-marker-icon").first
            page.evaluate(STAMP_WHEN, "plain")
            t0 = time.time()
            marker.click(force=True)
            page.get_by_text("Selected:").wait_for(timeout=180000)
        seen_by_playwright = time.time()
        try:
            seen = wait_until(page, lambda: page.evaluate("window.__seen"), timeout=5) / 1000
        except TimeoutError:  # no stamp (a page busy for seconds): Playwright's time, an upper bound
            seen = seen_by_playwright
        click.append(seen - t0)
        if watch.problems():
            print(f"  warning ({kind}):", watch.problems()[:3])
        page.context.close()
    return {"cold": statistics.median(cold), "move": statistics.median(move), "click": statistics.median(click)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="article,1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--plain-runs", type=int, default=1)
    ap.add_argument("--plain-max", type=int, default=10000, help="skip the plain way above this many events")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bordermap-bench-"))
    results = []
    with browser() as b:
        for size in args.sizes.split(","):
            if size == "article":
                path = ROOT / "data" / "events.geojson"
                label = "article"
            else:
                path = tmp / f"syn{size}.geojson"
                path.write_text(json.dumps(synthetic_collection(int(size), seed=7)))
                label = f"{int(size):,} synthetic"
            fc = json.loads(path.read_text())
            n = len(fc["features"])
            n_points = sum(1 for f in fc["features"] if f["geometry"]["type"] == "Point")
            row = {"data": label, "events": n}
            for kind, app, runs in (("ours", "app.py", args.runs), ("plain", "benchmarks/plain_app.py", args.plain_runs)):
                if kind == "plain" and n > args.plain_max:
                    row[kind] = None
                    continue
                server = AppServer({"BORDERMAP_EVENTS": str(path)}, script=app)
                try:
                    print(f"{label}: {kind} …", flush=True)
                    row[kind] = measure(kind, server, b, n if kind == "ours" else n_points, runs)
                    print("  ", row[kind], flush=True)
                finally:
                    server.stop()
            results.append(row)

    lines = [machine_line(), "",
             f"Medians over {args.runs} runs for bordermap and {args.plain_runs} for the plain way "
             "(it is slow at 10k); headless Chromium, every non-local request blocked. Seconds.", "",
             "| data | events | cold start → map drawn (bordermap / plain) | timeline move → map updated | click → panel shown |",
             "|---|---|---|---|---|"]
    for r in results:
        o, p = r["ours"], r["plain"] or {"cold": None, "move": None, "click": None}

        def f(v):
            return "not run" if v is None else f"{v:.2f}"
        lines.append(f"| {r['data']} | {r['events']:,} | {f(o['cold'])} / {f(p['cold'])} | "
                     f"{f(o['move'])} / {f(p['move'])} | {f(o['click'])} / {f(p['click'])} |")
    lines += ["", "Targets at 10k events on this 2-core machine: cold start ≤ 3 s, timeline move ≤ 0.5 s, "
              "click ≤ 0.5 s.", "", "Command: `.venv/bin/python benchmarks/bench_app.py`"]
    write_section(Path(__file__).parent / "README.md", "App", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
