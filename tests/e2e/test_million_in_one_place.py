"""The app on a million events in one place (issue 14's last edge-case dataset): a GeoParquet
file of 1,000,000 rich events all at one point opens, draws every event, counts them, moves its
timeline and opens a panel on a click, with no console error and no request off the machine.

A few minutes on two cores (a million events generated, validated and cached), so it runs in
``make fuzz`` (``BORDERMAP_FUZZ_SCALE`` of 25), not in ``make test``."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import shapely

from bordermap.dataset import load_dataset
from bordermap.io.geoparquet import write_events_parquet
from bordermap.synthetic import rich_table
from browser import map_frame, offline_page, wait_for_app
from conftest import AppServer
from fuzzing import SCALE

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(SCALE < 25, reason="a million events: run with `make fuzz` (BORDERMAP_FUZZ_SCALE=25)")]
ROOT = Path(__file__).resolve().parents[2]
N = 1_000_000
KHOROG = (71.5536, 37.4897)


@pytest.fixture(scope="module")
def one_place(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-place")
    article = load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo", use_cache=False)
    t = rich_table(N, article.table, seed=14, jitter_km=0)
    point = shapely.to_wkb(shapely.points(*KHOROG))
    t = t.set_column(t.schema.get_field_index("geometry"), "geometry", pa.array([point] * N, pa.binary()))
    path = folder / "one-place.parquet"
    write_events_parquet(t, article.article, path)
    return path, folder / "cache"


def test_a_million_events_in_one_place_open_draw_move_and_click(chromium, one_place):
    path, cache = one_place
    server = AppServer({"BORDERMAP_EVENTS": str(path), "BORDERMAP_CACHE": str(cache)})
    try:
        page, watch = offline_page(chromium, width=1400, height=900)
        page.goto(server.url)
        wait_for_app(page, timeout=900_000)
        frame = map_frame(page, timeout=900_000)
        frame.wait_for_function("() => window.Bordermap && Bordermap.layers.length && Bordermap.layers[0].ready",
                                timeout=900_000)
        assert frame.evaluate("Bordermap.layers[0].data.n") == N
        assert frame.evaluate("Bordermap.count()") == N
        # The timeline's busiest period: fewer events, all still in the one place.
        frame.locator(".bm-tl-dense").click()
        frame.wait_for_function(f"() => Bordermap.count() > 0 && Bordermap.count() < {N}", timeout=60_000)
        # A click on the place opens one of its events' panels.
        box = frame.evaluate("""() => { const p = map.latLngToContainerPoint([%f, %f]);
                                        return {x: p.x, y: p.y}; }""" % (KHOROG[1], KHOROG[0]))
        frame.locator(".leaflet-container").first.click(position=box)
        page.wait_for_selector(".bm-panel-title", timeout=60_000)
        assert watch.problems() == []
    finally:
        server.stop()
