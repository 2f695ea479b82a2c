"""Peers benchmark: the plain folium ways to show many points, at 100k and 1M events.

    .venv/bin/python benchmarks/bench_peers.py [--sizes 100000,1000000] [--runs 3] [--mc-runs 1]
                                               [--budget 300] [--no-write]

Measures, on seeded synthetic points around the Afghan–Tajik border towns (benchmarks/peers_data.py,
made at run time with numpy):

- ``folium.plugins.FastMarkerCluster`` with an offline ``callback`` that makes an
  ``L.circleMarker`` (its default callback needs the awesome-markers CDN assets), and
- ``folium.plugins.MarkerCluster`` holding one ``folium.CircleMarker`` per point.

Build: a fresh child Python process makes the ``folium.Map``, adds the layer and ``Map.save()``s
it; the clock runs from ``folium.Map()`` to the file written (imports and making the points are
outside it). Peak memory: the child's ``ru_maxrss`` (``os.wait4``), i.e. the interpreter, folium,
the points and the build together; a build over the budget is killed and recorded as such.
Draw: a fresh headless Chromium context opens the file from disk; folium's CDN links for Leaflet,
jQuery and Leaflet.markercluster are answered from the local XStatic packages, every other
request (tiles, Bootstrap, Font Awesome, awesome-markers) is aborted. The clock runs from
navigation until the clusters are drawn — the counts on the ``.marker-cluster`` icons plus the
unclustered circle markers in the page add up to every point (the whole box is in view) — and
two animation frames painted.

Writes the "## Peers (plain folium)" section of benchmarks/README.md. Another benchmark can call
:func:`measure_peers` and put the rows beside its own figures (:func:`peers_table` formats them).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Mapping

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(HERE))

from machine import machine_line, write_section  # noqa: E402

SECTION = "Peers (plain folium)"
PEERS = {"fmc": "FastMarkerCluster (circleMarker callback)",
         "mc": "MarkerCluster of CircleMarker"}
DEFAULT_RUNS = {"fmc": 3, "mc": 1}
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
# Every point accounted for: cluster counts plus single circle markers (SVG paths) reach n.
SHOWN = """() => { let s = 0; const cs = document.querySelectorAll('.marker-cluster');
  for (const c of cs) s += parseInt(c.textContent, 10) || 0;
  const single = document.querySelectorAll('path.leaflet-interactive').length;
  return {clusters: cs.length, single: single, shown: s + single}; }"""
READY = """(n) => { if (window.__peerError) return true; let s = 0;
  for (const c of document.querySelectorAll('.marker-cluster')) s += parseInt(c.textContent, 10) || 0;
  return s + document.querySelectorAll('path.leaflet-interactive').length >= n; }"""
CATCH_ERRORS = "window.addEventListener('error', e => { window.__peerError = String(e.message); });"


# --- local copies of folium's CDN assets ------------------------------------------------------

def local_assets() -> dict[str, Path]:
    """CDN file name -> local file, from the XStatic packages (as bordermap.assets finds them)."""
    import xstatic.pkg.jquery as xs_jquery
    import xstatic.pkg.leaflet as xs_leaflet
    try:
        import xstatic.pkg.leaflet_markercluster as xs_mc
    except ImportError as e:  # pragma: no cover
        raise SystemExit("bench_peers needs XStatic-Leaflet-MarkerCluster: "
                         ".venv/bin/pip install XStatic-Leaflet-MarkerCluster==1.4.1.1") from e
    leaflet, jquery, mc = Path(xs_leaflet.BASE_DIR), Path(xs_jquery.BASE_DIR), Path(xs_mc.BASE_DIR)
    files = {"leaflet.js": leaflet / "leaflet.js", "leaflet.css": leaflet / "leaflet.css",
             "jquery.min.js": jquery / "jquery.min.js",
             "leaflet.markercluster.js": mc / "leaflet.markercluster.js",
             "MarkerCluster.css": mc / "MarkerCluster.css",
             "MarkerCluster.Default.css": mc / "MarkerCluster.Default.css"}
    for img in (leaflet / "images").glob("*.png"):
        files[f"images/{img.name}"] = img
    return files


def asset_versions() -> dict[str, str]:
    import xstatic.pkg.jquery as xs_jquery
    import xstatic.pkg.leaflet as xs_leaflet
    import xstatic.pkg.leaflet_markercluster as xs_mc
    import folium
    return {"folium": folium.__version__, "leaflet": xs_leaflet.VERSION, "jquery": xs_jquery.VERSION,
            "markercluster": xs_mc.VERSION}


class Mirror:
    """Playwright route handler: CDN Leaflet/jQuery/markercluster from disk, the rest aborted."""

    def __init__(self) -> None:
        self.files = local_assets()
        self.bodies: dict[str, bytes] = {}
        self.aborted: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
            return
        name = url.rsplit("/", 1)[-1].split("?")[0]
        key = None
        if name in self.files:
            key = name
        elif name.startswith("jquery") and name.endswith(".min.js"):
            key = "jquery.min.js"
        elif "/images/" in url and f"images/{name}" in self.files:
            key = f"images/{name}"
        if key is None:
            self.aborted.append(url)
            route.abort()
            return
        if key not in self.bodies:
            self.bodies[key] = self.files[key].read_bytes()
        kind = ("text/css" if key.endswith(".css") else "image/png" if key.endswith(".png")
                else "text/javascript")
        route.fulfill(body=self.bodies[key], content_type=kind)


# --- one build in a child process, under a time budget ----------------------------------------

def build_in_child(kind: str, n: int, out: Path, budget: float, seed: int = 7) -> dict:
    """Run peers_data.py in a new interpreter; kill it past ``budget`` seconds.

    Returns ``status`` ("ok", "over budget", "failed"), ``build_s``, ``html_bytes``,
    ``maxrss_mb`` (the child's peak resident set, also for a killed child), ``wall_s`` and, for a
    killed build, how far it got (``progress`` markers added, ``phase``)."""
    import subprocess
    log = out.with_suffix(".log")
    with open(log, "w") as fh:
        p = subprocess.Popen([sys.executable, str(HERE / "peers_data.py"), "build", kind, str(n), str(seed),
                              str(out)], stdout=fh, stderr=subprocess.STDOUT, cwd=str(HERE))
    t0 = time.monotonic()
    killed = False
    hwm = 0.0  # the child's own peak (VmHWM): ru_maxrss would carry this process's peak across exec
    while True:
        try:
            status_text = Path(f"/proc/{p.pid}/status").read_text()
            hwm = max(hwm, int(status_text.split("VmHWM:")[1].split()[0]) / 1024)
        except (OSError, IndexError, ValueError):
            pass
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            break
        if not killed and time.monotonic() - t0 > budget:
            os.kill(p.pid, signal.SIGKILL)  # our own child, not yet reaped
            killed = True
        time.sleep(0.05)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
    lines = [ln for ln in log.read_text("utf-8", "replace").splitlines() if ln.strip()]
    info: dict = {}
    for ln in lines:
        try:
            info.update(json.loads(ln))
        except ValueError:
            pass
    peak = max(hwm, info.get("hwm_mb") or 0.0) or usage.ru_maxrss / 1024
    row = dict(status="ok", wall_s=wall, maxrss_mb=peak, build_s=info.get("build_s"),
               rss_before_mb=info.get("rss_before_mb"), add_s=info.get("add_s"), save_s=info.get("save_s"))
    if killed:
        row.update(status="over budget", build_s=None, progress=info.get("progress"),
                   phase=info.get("phase", "adding markers"), add_s=info.get("added_s"))
    elif p.returncode != 0 or "build_s" not in info:
        row.update(status="failed", build_s=None, error="\n".join(lines[-5:]))
    else:
        row["html_bytes"] = out.stat().st_size
    log.unlink(missing_ok=True)
    return row


# --- one draw in Chromium ---------------------------------------------------------------------

def draw_once(b, path: Path, n: int, timeout: float) -> dict:
    """Navigation -> every point in a drawn cluster or marker, then two frames. Never raises."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    mirror = Mirror()
    ctx = b.new_context(viewport={"width": 1600, "height": 1000})
    try:
        ctx.route("**/*", mirror)
        ctx.add_init_script(CATCH_ERRORS)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        t0 = time.perf_counter()
        try:
            page.goto(path.as_uri(), wait_until="commit", timeout=timeout * 1000)
            page.wait_for_function(READY, arg=n, polling=10, timeout=timeout * 1000)
            page.evaluate(TWO_FRAMES)
            draw = time.perf_counter() - t0
        except PlaywrightTimeout:
            return dict(draw_status="timeout", draw_s=None)
        except PlaywrightError as e:
            return dict(draw_status="failed", draw_s=None, draw_error=str(e).splitlines()[0])
        err = page.evaluate("window.__peerError || null") or (errors[0] if errors else None)
        shown = page.evaluate(SHOWN)
        if err:
            return dict(draw_status="failed", draw_s=None, draw_error=err, **shown)
        return dict(draw_status="ok", draw_s=draw, **shown)
    finally:
        try:
            ctx.close()
        except Exception:
            pass


# --- the benchmark ----------------------------------------------------------------------------

def _runs_for(runs: int | Mapping[str, int] | None) -> dict[str, int]:
    if runs is None:
        return dict(DEFAULT_RUNS)
    if isinstance(runs, int):
        return {k: runs for k in PEERS}
    return {k: int(runs.get(k, DEFAULT_RUNS[k])) for k in PEERS}


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def measure_peers(sizes=(100_000, 1_000_000), runs: int | Mapping[str, int] | None = None,
                  budget: float = 300.0, *, peers=("fmc", "mc"), seed: int = 7, browser_=None,
                  log: Callable[[str], None] = lambda s: print(s, flush=True)) -> list[dict]:
    """Measure every peer at every size; one row per (peer, size), in that order.

    ``runs``: an int for every peer, or ``{"fmc": 3, "mc": 1}`` (the default). ``budget``: seconds
    allowed for one build and, separately, for one draw. ``browser_``: a Playwright Browser to
    reuse (else Debian's Chromium is started via tests/e2e/browser.py).

    Row keys: ``peer`` ("fmc"/"mc"), ``label``, ``n``, ``runs`` (builds attempted),
    ``build_status`` ("ok", "over budget", "failed", "skipped"), ``build_s`` (median),
    ``html_bytes``, ``maxrss_mb`` (median peak RSS of the build process), ``rss_before_mb``
    (its RSS just before the clock started: interpreter, folium and the points), ``add_s`` /
    ``save_s`` (median split of the build: adding the layer vs ``Map.save()``),
    ``draw_status`` ("ok", "timeout", "failed", None if not drawn), ``draw_s`` (median of the
    successful draws), ``clusters``/``shown`` (cluster icons and points accounted for in the last
    draw), ``budget``, ``progress``/``phase`` (how far a killed build got) and ``wall_s``.
    """
    from browser import browser  # tests/e2e/browser.py: Debian's Chromium via Playwright

    nruns = _runs_for(runs)
    sizes = sorted(int(s) for s in sizes)
    rows: list[dict] = []
    tmp = Path(tempfile.mkdtemp(prefix="bordermap-bench-peers-"))
    with ExitStack() as stack:
        b = browser_ if browser_ is not None else None
        for kind in peers:
            over_at: int | None = None
            for n in sizes:
                t_row = time.monotonic()
                row = dict(peer=kind, label=PEERS[kind], n=n, runs=0, budget=budget, build_status="ok",
                           build_s=None, html_bytes=None, maxrss_mb=None, rss_before_mb=None,
                           add_s=None, save_s=None, draw_status=None, draw_s=None)
                if over_at is not None:
                    row.update(build_status="skipped", note=f"over budget at {over_at:,}")
                    rows.append(row)
                    log(f"{kind} {n:,}: skipped (over budget at {over_at:,})")
                    continue
                builds, draws, mem, before, adds, saves = [], [], [], [], [], []
                for r in range(nruns[kind]):
                    out = tmp / f"{kind}-{n}-{r}.html"
                    br = build_in_child(kind, n, out, budget, seed)
                    row["runs"] += 1
                    mem.append(br["maxrss_mb"])
                    if br["status"] != "ok":
                        row.update(build_status=br["status"], progress=br.get("progress"),
                                   phase=br.get("phase"), error=br.get("error"))
                        if br.get("rss_before_mb"):
                            before.append(br["rss_before_mb"])
                        if br.get("add_s") is not None:
                            adds.append(br["add_s"])
                        log(f"{kind} {n:,} run {r + 1}: build {br['status']} after {br['wall_s']:.0f} s "
                            f"(peak {br['maxrss_mb']:.0f} MB, progress {br.get('progress')}, "
                            f"phase {br.get('phase')})")
                        out.unlink(missing_ok=True)
                        break
                    builds.append(br["build_s"])
                    before.append(br["rss_before_mb"])
                    adds.append(br["add_s"])
                    saves.append(br["save_s"])
                    row["html_bytes"] = br["html_bytes"]
                    log(f"{kind} {n:,} run {r + 1}: build {br['build_s']:.2f} s, {br['html_bytes'] / 1e6:.1f} MB, "
                        f"peak {br['maxrss_mb']:.0f} MB")
                    if b is None:
                        b = stack.enter_context(browser())
                    d = draw_once(b, out, n, budget)
                    out.unlink(missing_ok=True)
                    row["draw_status"] = d["draw_status"] if row["draw_status"] in (None, "ok") else row["draw_status"]
                    row.update({k: d[k] for k in ("clusters", "shown", "single", "draw_error") if k in d})
                    if d["draw_s"] is not None:
                        draws.append(d["draw_s"])
                    log(f"{kind} {n:,} run {r + 1}: draw {d['draw_status']}"
                        + (f" {d['draw_s']:.2f} s" if d["draw_s"] is not None else "")
                        + (f", {d.get('clusters')} clusters, {d.get('shown')} points shown" if "shown" in d else ""))
                row.update(build_s=_median(builds), maxrss_mb=_median(mem) if row["build_status"] == "ok" else max(mem),
                           rss_before_mb=_median(before), add_s=_median(adds), save_s=_median(saves),
                           draw_s=_median(draws), wall_s=time.monotonic() - t_row)
                if row["build_status"] == "over budget":
                    over_at = n
                rows.append(row)
    try:
        tmp.rmdir()
    except OSError:
        pass
    return rows


def measure_floor(b, draws: int = 5, budget: float = 60.0, seed: int = 7) -> dict:
    """The floor under every draw here: the peers' page with a single circle marker (same folium
    map, same assets, same protocol) — ``one`` — and the barest page folium makes, with no tile
    layer — ``bare``; each built once and drawn ``draws`` times. Returns, per kind, ``draw_s``
    (median; None when a draw failed), ``draws`` (each) and ``html_bytes``."""
    tmp = Path(tempfile.mkdtemp(prefix="bordermap-bench-floor-"))
    out_all = {}
    try:
        for kind in ("one", "bare"):
            out = tmp / f"{kind}.html"
            br = build_in_child(kind, 1, out, budget, seed)
            if br["status"] != "ok":
                out_all[kind] = {"draw_s": None, "draws": [], "html_bytes": None, "error": br.get("error")}
                continue
            times = [draw_once(b, out, 1, budget)["draw_s"] for _ in range(draws)]
            ok = [t for t in times if t is not None]
            out_all[kind] = {"draw_s": _median(ok) if len(ok) == len(times) else None, "draws": times,
                             "html_bytes": br["html_bytes"]}
    finally:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    return out_all


def size_text(n: float | None) -> str:
    """Bytes as '4 kB' or '4.6 MB' ('—' for none)."""
    if n is None:
        return "—"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _build_cell(r: dict) -> str:
    if r["build_status"] == "ok":
        return f"{r['build_s']:.2f} s"
    if r["build_status"] == "over budget":
        got = ""
        if r.get("phase") == "render":
            got = "; every marker added" + (f" in {r['add_s']:.0f} s" if r.get("add_s") is not None else "")
            got += ", killed while rendering"
        elif r.get("progress"):
            got = f"; {r['progress']:,} of {r['n']:,} markers added"
        return f"over budget (> {r['budget']:.0f} s{got})"
    if r["build_status"] == "skipped":
        return f"not run ({r.get('note', 'skipped')})"
    return "failed"


def _draw_cell(r: dict) -> str:
    if r["draw_status"] is None:
        return "—"
    if r["draw_status"] == "ok":
        return f"{r['draw_s']:.2f} s"
    if r["draw_status"] == "timeout":
        return f"timeout (> {r['budget']:.0f} s)"
    return f"failed ({r.get('draw_error', '')[:60]})"


def _mem_cell(r: dict) -> str:
    if r["maxrss_mb"] is None:
        return "—"
    if r["build_status"] == "over budget":
        return f"≥ {r['maxrss_mb']:.0f} MB (at kill)"
    return f"{r['maxrss_mb']:.0f} MB"


def peers_table(rows: list[dict]) -> str:
    lines = ["| plain folium layer | events | HTML (CDN-linked) | build | peak memory of the build | draw |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['label']} | {r['n']:,} | {size_text(r['html_bytes'])} | {_build_cell(r)} | "
                     f"{_mem_cell(r)} | {_draw_cell(r)} |")
    return "\n".join(lines)


def section(rows: list[dict], runs: dict[str, int], budget: float, elapsed: float, command: str) -> str:
    v = asset_versions()
    base: dict[int, float] = {}
    for r in rows:
        if r.get("rss_before_mb"):
            base[r["n"]] = max(base.get(r["n"], 0.0), r["rss_before_mb"])
    base_txt = ", ".join(f"{v:.0f} MB at {n:,}" for n, v in sorted(base.items()))
    load = os.getloadavg()
    return "\n".join([
        machine_line() + f" Load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"(other jobs share the machine; times are wall clock). The whole run took {elapsed / 60:.1f} min.",
        "",
        "The plain folium ways to show many points, for comparison with bordermap's own layer: "
        "`folium.plugins.FastMarkerCluster` with an offline `callback` making an `L.circleMarker` "
        "(its default callback needs the awesome-markers CDN assets), and `folium.plugins.MarkerCluster` "
        f"holding one `folium.CircleMarker` per point (folium {v['folium']}). Seeded synthetic points "
        "around the border towns (lon 67–75.5, lat 35–40; made with numpy at run time, "
        "`benchmarks/peers_data.py`).",
        "",
        f"**Build**: median of {runs['fmc']} (FastMarkerCluster) / {runs['mc']} (MarkerCluster) runs, each "
        "in a fresh Python process, `folium.Map()` → layer added → `Map.save()` written; a build "
        f"over {budget:.0f} s is killed. **Peak memory**: that process's `ru_maxrss` (interpreter, "
        "folium and the points included"
        + (f"; before the clock started, with the points made as a list of [lat, lon]: up to {base_txt}"
           if base else "") + "). "
        "**Draw**: a fresh headless Chromium page opens the file from disk, navigation → the counts "
        "on the `.marker-cluster` icons plus the unclustered circle markers add up to every point "
        "(the whole box is in view at zoom 7, 1600×1000) → two frames painted; one draw per build, "
        f"budget {budget:.0f} s. Clusters are drawn all at once: Leaflet.markercluster clusters every "
        "point synchronously when the layer is added to the map (`chunkedLoading` off, folium's default). "
        "Offline: folium links Leaflet, jQuery and Leaflet.markercluster from CDNs; for the draw they "
        f"were answered from the XStatic packages (Leaflet {v['leaflet']}, jQuery {v['jquery']}, "
        f"Leaflet.markercluster {v['markercluster']} — folium's HTML asks for markercluster 1.1.0) "
        "and every other request (tiles, Bootstrap, Font Awesome) was aborted. The HTML size is "
        "folium's file as saved, CDN-linked.",
        "",
        peers_table(rows),
        "",
        f"Command: `{command}`",
    ])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=DEFAULT_RUNS["fmc"], help="FastMarkerCluster runs (median)")
    ap.add_argument("--mc-runs", type=int, default=DEFAULT_RUNS["mc"], help="MarkerCluster runs (median)")
    ap.add_argument("--budget", type=float, default=300.0, help="seconds allowed per build and per draw")
    ap.add_argument("--peers", default="fmc,mc", help="which peers: fmc, mc or both")
    ap.add_argument("--no-write", action="store_true", help="print the table only; leave README.md alone")
    args = ap.parse_args()
    t0 = time.monotonic()
    runs = {"fmc": args.runs, "mc": args.mc_runs}
    rows = measure_peers([int(s) for s in args.sizes.split(",")], runs, args.budget,
                         peers=tuple(args.peers.split(",")))
    elapsed = time.monotonic() - t0
    cmd = ".venv/bin/python benchmarks/bench_peers.py" + "".join(
        f" {a}" for a in sys.argv[1:] if a != "--no-write")
    body = section(rows, runs, args.budget, elapsed, cmd)
    if not args.no_write:
        write_section(HERE / "README.md", SECTION, body)
    print(body)
    print(json.dumps(rows, indent=1, default=str), file=sys.stderr)


if __name__ == "__main__":
    main()
