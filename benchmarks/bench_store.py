"""The team store on a throwaway PostgreSQL/PostGIS (tests/pg_server.py, fsync off), at each of
``--events`` rich synthetic events (GeoParquet, cached as a second open would be): ``db load``
(one transaction, COPY from the Arrow columns), the store read as the app's Dataset, the map's
payload built from it, ``db dump``, and the app's bounded queries in SQL — a 31-day window's
count and ids (day index), a map box's count (GiST), one event by id with its claims, sources
and actors (a click), one edit. ``--million`` then grows the largest store to 1,000,000 events
in SQL (copies of its rows under new ids) and times the window and the click there.
``--before-src DIR`` also times ``db load`` with the bordermap in DIR/src (e.g. the commit
before the Arrow COPY: ``git archive 8722f83 src | tar -x -C DIR``). Writes the 'Store'
section of benchmarks/README.md.

    .venv/bin/python benchmarks/bench_store.py [--events 20000,100000] [--million] [--before-src DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).parent))
from machine import machine_line, write_section  # noqa: E402
from pg_server import PgServer  # noqa: E402

RUNS = 3

#: Timed in a subprocess (so that --before-src can run an older bordermap): db load of PROJECT
#: into fresh databases, RUNS times; prints the seconds as JSON.
_LOAD_TIMER = """
import json, sys, time
import psycopg
from bordermap.dataset import load_project_dataset
from bordermap.project import project_for_events
from bordermap.store import connect, init_schema, load_project_into
path, geo, admin, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
project = project_for_events(path, geo)
load_project_dataset(project)
out = []
for i in range(runs):
    name = f"timer_{i}_{time.monotonic_ns()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE tmpl_postgis')
    url = admin.rsplit("/", 1)[0] + "/" + name
    with connect(url) as conn:
        init_schema(conn)
    t0 = time.perf_counter()
    load_project_into(url, project)
    out.append(time.perf_counter() - t0)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}"')
print(json.dumps(out))
"""


#: Timed in a subprocess (so that --before-src can run an older bordermap): the store at URL opened
#: as the app's Dataset with an empty cache (a first open), RUNS times; prints the seconds as JSON.
_READ_TIMER = """
import json, os, shutil, sys, tempfile, time
from bordermap.store import load_store_dataset
url, geo, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = []
for i in range(runs):
    os.environ["BORDERMAP_CACHE"] = cache = tempfile.mkdtemp(prefix="bench-read-")
    t0 = time.perf_counter()
    load_store_dataset(url, layers=geo)
    out.append(time.perf_counter() - t0)
    shutil.rmtree(cache)
print(json.dumps(out))
"""


def _read_times(src: Path, url: str) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", _READ_TIMER, url, str(ROOT / "geo"), str(RUNS)],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _median_ms(fn, runs: int = 20) -> float:
    return statistics.median(_once(fn) for _ in range(runs)) * 1000


def _load_times(src: Path, events: Path, server: PgServer) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", _LOAD_TIMER, str(events), str(ROOT / "geo"), server.url(), str(RUNS)],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _grow(url: str, target: int) -> float:
    """Copies of the store's events (and their lists) under new ids: ``target // count`` times as many."""
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        have = conn.execute("SELECT count(*) FROM events").fetchone()[0]

        def columns(table: str) -> list[str]:
            return [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                               "AND is_generated = 'NEVER' ORDER BY ordinal_position", (table,))]
        for k in range(1, target // have):
            for table, key in (("events", "id"), ("claims", "event_id"), ("sources", "event_id"), ("actors", "event_id")):
                cols = columns(table)
                picked = ", ".join(f"{c} || '~{k}'" if c == key else c for c in cols)
                conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {picked} FROM {table} "
                             f"WHERE {key} NOT LIKE '%%~%%'")
            conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


def _queries(url: str, ds, rows: list[tuple[str, str]], label: str) -> None:
    """The app's questions as the library asks them (bordermap.store.queries, records.read_event)."""
    import psycopg

    from bordermap.store.queries import Box, count_events, event_ids, timeline_bars
    from bordermap.store.records import read_event
    from bordermap.timeline import EventFilter, TimeWindow

    event_id = ds.table.id_of(len(ds) // 2)
    d0 = ds.table.feature(len(ds) // 2)["properties"]["date_start"]
    start = date.fromisoformat(d0)
    month = EventFilter(window=TimeWindow(start, start + timedelta(days=30)))
    battles = EventFilter(window=month.window, event_types=frozenset({"Battles"}),
                          confidence=frozenset({"confirmed", "reported"}))
    box = Box(71.0, 37.0, 72.0, 38.0)
    with psycopg.connect(url, autocommit=True) as conn:
        total = count_events(conn)
        in_window = count_events(conn, month)
        rows.append((f"{label}: a 31-day window's count and ids (≤ 10,000; {in_window:,} of {total:,} events)",
                     f"{_median_ms(lambda: (count_events(conn, month), event_ids(conn, month))):.1f} ms"))
        rows.append((f"{label}: the same window, Battles, confirmed or reported: count and ids",
                     f"{_median_ms(lambda: (count_events(conn, battles), event_ids(conn, battles))):.1f} ms"))
        rows.append((f"{label}: a map box's count (GiST)", f"{_median_ms(lambda: count_events(conn, box=box)):.1f} ms"))
        rows.append((f"{label}: the timeline's monthly bars for the window (whole record)",
                     f"{_median_ms(lambda: timeline_bars(conn, month, 'month'), runs=5):.1f} ms"))
        rows.append((f"{label}: a click: one event by id with claims, sources, actors",
                     f"{_median_ms(lambda: read_event(conn, event_id)):.1f} ms"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", default="20000,100000")
    ap.add_argument("--million", action="store_true")
    ap.add_argument("--before-src", metavar="DIR")
    ap.add_argument("--read-only", action="store_true",
                    help="only the store's read (first open, before/after) and its reopen: no load timing, dump, "
                         "queries or edit; prints the rows without writing benchmarks/README.md")
    args = ap.parse_args()
    from bordermap.dataset import load_project_dataset
    from bordermap.io.geoparquet import write_events_parquet
    from bordermap.mapping.payload import encode_events
    from bordermap.project import load_project, project_for_events
    from bordermap.store import connect, dump_store, init_schema, load_project_into, load_store_dataset, read_for_edit, save_event
    from bordermap.synthetic import rich_table

    sizes = [int(s) for s in args.events.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    os.environ["BORDERMAP_CACHE"] = str(work / "cache")  # a cache of its own: the user's is not touched
    article = load_project_dataset(load_project(ROOT / "project.toml"))
    server = PgServer()
    server.start()
    rows: list[tuple[str, str]] = []
    started = time.monotonic()
    try:
        server.create_database("tmpl_postgis")
        for n in sizes:
            events = work / f"rich{n}.parquet"
            write_events_parquet(rich_table(n, article.table, seed=7), article.article, events)
            project = project_for_events(events, ROOT / "geo")
            load_project_dataset(project)  # cached: a load reads the cache, as a second open would
            label = f"{n:,}"
            if args.read_only:
                url = server.create_database(f"bench{n}", template="tmpl_postgis")
                with connect(url) as conn:
                    init_schema(conn)
                load_project_into(url, project)
                if args.before_src:
                    before = _read_times(Path(args.before_src) / "src", url)
                    rows.append((f"{label}: the store's first open before (a dict per event), median of {RUNS}",
                                 f"{statistics.median(before):.1f} s"))
                after = _read_times(ROOT / "src", url)
                rows.append((f"{label}: the store's first open (`load_store_dataset`, COPY per table as CSV), "
                             f"median of {RUNS}", f"{statistics.median(after):.1f} s"))
                load_store_dataset(url, layers=ROOT / "geo")
                rows.append((f"{label}: the same, the store unchanged (from the local cache)",
                             f"{_median_ms(lambda: load_store_dataset(url, layers=ROOT / 'geo'), runs=RUNS):.0f} ms"))
                continue
            if args.before_src:
                before = _load_times(Path(args.before_src) / "src", events, server)
                rows.append((f"{label}: `db load` before (a dict per event, then COPY)", f"{statistics.median(before):.1f} s"))
            after = _load_times(ROOT / "src", events, server)
            rows.append((f"{label}: `db load` (COPY from the Arrow columns)", f"{statistics.median(after):.1f} s"))
            url = server.create_database(f"bench{n}", template="tmpl_postgis")
            with connect(url) as conn:
                init_schema(conn)
            load_project_into(url, project)
            holder = {}
            rows.append((f"{label}: the store as the app's Dataset (`load_store_dataset`)",
                         f"{_once(lambda: holder.setdefault('ds', load_store_dataset(url, layers=ROOT / 'geo'))):.1f} s"))
            ds = holder["ds"]
            rows.append((f"{label}: the same, the store unchanged (from the local cache)",
                         f"{_median_ms(lambda: load_store_dataset(url, layers=ROOT / 'geo'), runs=RUNS):.0f} ms"))
            rows.append((f"{label}: the map's payload from that Dataset (`encode_events`)",
                         f"{_median_ms(lambda: encode_events(ds.table), runs=RUNS):.0f} ms"))
            rows.append((f"{label}: `db dump`", f"{_once(lambda: dump_store(url, work / f'dump{n}', force=True)):.1f} s"))
            _queries(url, ds, rows, label)
            with connect(url, autocommit=True) as conn:
                event_id = ds.table.id_of(len(ds) // 3)

                def edit() -> None:
                    event, rev = read_for_edit(conn, event_id)
                    save_event(conn, event, rev, "bench")
                rows.append((f"{label}: one edit (`read_for_edit` + `save_event`: validated, history)", f"{_median_ms(edit):.0f} ms"))
        if args.million:
            grow = _grow(url, 1_000_000)  # 100,000 x 10
            rows.append((f"1,000,000 (the {sizes[-1]:,} copied in SQL): growing the store", f"{grow:.0f} s"))
            _queries(url, ds, rows, "1,000,000")
    finally:
        server.destroy()
    took = (time.monotonic() - started) / 60
    if args.read_only:
        print(machine_line())
        print("\n".join(f"| {a} | {b} |" for a, b in rows))
        print(f"took {took:.1f} min")
        return
    body = "\n".join([
        machine_line(), "",
        f"`bench_store.py --events {args.events}{' --million' if args.million else ''}` on a throwaway PostgreSQL "
        f"(fsync off) on the same machine, while other work ran on it (2 cores shared: figures are upper bounds). "
        f"Rich synthetic events (GeoParquet, cached). `db load`: median of {RUNS} runs; queries: median of 20. "
        f"The whole run took {took:.1f} min.", "",
        "| step | time |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows], "",
        f"Command: `.venv/bin/python benchmarks/bench_store.py --events {args.events}"
        f"{' --million' if args.million else ''}{' --before-src DIR' if args.before_src else ''}`"])
    print(body)
    write_section(ROOT / "benchmarks" / "README.md", "Store", body)


if __name__ == "__main__":
    main()
