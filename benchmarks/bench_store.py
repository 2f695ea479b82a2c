"""The team store on a throwaway PostgreSQL/PostGIS (tests/pg_server.py), at ``--events`` synthetic
events: ``db load``, the store read as the app's Dataset (beside the same file read uncached),
``db dump``, a time-window count and a map-box count in SQL (the indexes the app's queries will
use), one event's lookup, and one edit (read + save_event). Writes the 'Store' section of
benchmarks/README.md.

    .venv/bin/python benchmarks/bench_store.py [--events 100000]
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
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).parent))
from machine import machine_line, write_section  # noqa: E402
from pg_server import PgServer  # noqa: E402

from bordermap.dataset import load_project_dataset  # noqa: E402
from bordermap.project import project_for_events  # noqa: E402
from bordermap.store import (connect, dump_store, init_schema, load_project_into, load_store_dataset,  # noqa: E402
                             read_for_edit, save_event)
from bordermap.store.records import read_event  # noqa: E402
from bordermap.synthetic import synthetic_collection  # noqa: E402


def _once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _median_ms(fn, runs: int = 20) -> float:
    return statistics.median(_once(fn) for _ in range(runs)) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    args = ap.parse_args()
    n = args.events
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    events = work / "events.geojson"
    events.write_text(json.dumps(synthetic_collection(n, seed=5)), "utf-8")
    project = project_for_events(events, ROOT / "geo")
    server = PgServer()
    server.start()
    rows = []
    try:
        url = server.create_database("bench")
        with connect(url) as conn:
            init_schema(conn)
        files = _once(lambda: load_project_dataset(project, use_cache=False))
        load_project_dataset(project)  # cached now: the load below reads the cache, as a second open would
        rows.append(("`db load` (file cached; one transaction, COPY)", f"{_once(lambda: load_project_into(url, project)):.1f} s"))
        holder = {}
        rows.append(("the store as a Dataset (`load_store_dataset`)",
                     f"{_once(lambda: holder.setdefault('ds', load_store_dataset(url, layers=ROOT / 'geo'))):.1f} s"))
        rows.append(("the same file read, uncached (`load_project_dataset`)", f"{files:.1f} s"))
        rows.append(("`db dump` (GeoJSON as `export geojson` writes it)",
                     f"{_once(lambda: dump_store(url, work / 'dump', force=True)):.1f} s"))
        ds = holder["ds"]
        event_id = ds.table.id_of(len(ds) // 2)
        with connect(url, autocommit=True) as conn:
            window = "SELECT count(*) FROM events WHERE day_start <= %s AND day_end >= %s"
            d0 = int(ds.table.t0[len(ds) // 2])
            rows.append(("a 31-day window's count (SQL, day index)",
                         f"{_median_ms(lambda: conn.execute(window, (d0 + 30, d0)).fetchone()):.1f} ms"))
            box = "SELECT count(*) FROM events WHERE geom && ST_MakeEnvelope(71.0, 37.0, 72.0, 38.0, 4326)"
            rows.append(("a map box's count (SQL, GiST index)", f"{_median_ms(lambda: conn.execute(box).fetchone()):.1f} ms"))
            rows.append(("one event by id, with claims, sources, actors", f"{_median_ms(lambda: read_event(conn, event_id)):.1f} ms"))

            def edit() -> None:
                event, rev = read_for_edit(conn, event_id)
                save_event(conn, event, rev, "bench")
            rows.append(("one edit: `read_for_edit` + `save_event` (validated, history)", f"{_median_ms(edit):.1f} ms"))
    finally:
        server.destroy()
    body = "\n".join([machine_line(), "", f"`bench_store.py --events {n}` on a throwaway PostgreSQL "
                      f"(fsync off) on the same machine:", "", "| step | time |", "|---|---|",
                      *[f"| {a} | {b} |" for a, b in rows]])
    print(body)
    write_section(ROOT / "benchmarks" / "README.md", "Store", body)


if __name__ == "__main__":
    main()
