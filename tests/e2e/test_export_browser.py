"""The HTML and PNG exports in a real Chromium with every network request blocked."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from bordermap.cli import main
from bordermap.dataset import Dataset, load_dataset, prepare_events
from bordermap.export import export_html, export_png, selected_events
from bordermap.geo import load_reference_layers
from bordermap.synthetic import synthetic_collection
from bordermap.timeline import EventFilter, TimeWindow

from browser import offline_page

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
READY = "() => window.Bordermap && Bordermap.layers.length > 0 && typeof Bordermap.layers[0].count === 'function'"


@pytest.fixture(scope="module")
def ds():
    events = ROOT / "data" / "events.geojson"
    if events.exists():
        return load_dataset(events, ROOT / "geo")
    layers = load_reference_layers(ROOT / "geo")  # until the article's data lands
    fc = synthetic_collection(80, seed=5)
    return Dataset(table=prepare_events(fc["features"], layers), article=None, layers=layers)


@pytest.fixture(scope="module")
def window(ds):
    """A month holding some but not all events."""
    starts = sorted(f["properties"]["date_start"] for f in ds.events)
    mid = date.fromisoformat(starts[len(starts) // 2])
    return TimeWindow(mid.replace(day=1), mid.replace(day=28))


def open_export(chromium, tmp_path, page_html, name="map.html", width=1400, height=1000):
    path = tmp_path / name
    path.write_text(page_html, "utf-8")
    page, watch = offline_page(chromium, width=width, height=height)
    page.goto(path.as_uri())
    page.wait_for_function(READY)
    page.wait_for_timeout(200)  # the slider applies its window on the next tick
    return page, watch


def test_html_export_draws_offline_with_everything_on_it(chromium, tmp_path, ds):
    page, watch = open_export(chromium, tmp_path, export_html(ds, generated_at=WHEN))
    assert page.evaluate("Bordermap.count()") == len(ds)
    drawn = page.evaluate("""() => {
      const l = Bordermap.layers[0], map = l.group._map, rows = l.visibleRows();
      const inView = rows.filter(r => map.getBounds().intersects(l.bounds(r))).length;
      return {visible: rows.length, inView: inView, points: l.drawnRows().length,
              canvases: document.querySelectorAll('canvas.bm-events-canvas').length};
    }""")
    assert drawn["visible"] == len(ds) and drawn["canvases"] == 1 and drawn["points"] > 0
    assert drawn["inView"] == len(ds)  # the view is fitted to the events
    assert page.locator(".bm-title h1").inner_text() == "Afghan–Tajik border: events"
    assert "Legend" in page.locator(".bm-legend").inner_text()
    footer = page.locator(".bm-footer").inner_text()
    assert "Exported 2025-01-02 03:04 UTC by bordermap" in footer and "Filters: all events" in footer
    assert "© OpenStreetMap contributors" in footer
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "© OpenStreetMap contributors" in attribution and "Events:" in attribution
    if ds.article:
        assert ds.article["title"] in footer
    # Reference layers: the border and the place labels are drawn.
    assert page.locator(".bm-place-label").count() > 0
    assert watch.problems() == []


def test_time_slider_changes_what_is_shown(chromium, tmp_path, ds):
    page, watch = open_export(chromium, tmp_path, export_html(ds, generated_at=WHEN))
    total = len(ds)
    slider, whole = page.locator(".bm-slider input[type=range]"), page.locator("#bm-all")
    assert whole.is_checked() and slider.is_disabled()
    assert page.locator(".bm-slider-count").inner_text() == f"{total} events shown"
    whole.uncheck()
    first = page.evaluate("Bordermap.count()")
    label = page.locator(".bm-slider-label").inner_text()
    assert 0 < first < total
    steps = int(slider.get_attribute("max")) + 1
    counts = set()
    for _ in range(min(steps - 1, 12)):
        slider.focus()
        slider.press("ArrowRight")
        counts.add(page.evaluate("Bordermap.count()"))
    assert page.locator(".bm-slider-label").inner_text() != label
    assert counts and all(0 < c < total for c in counts)
    assert page.locator(".bm-slider-count").inner_text().endswith("shown")
    whole.check()
    assert page.evaluate("Bordermap.count()") == total
    assert watch.problems() == []


def test_exported_window_and_filters_are_what_opens(chromium, tmp_path, ds, window):
    flt = EventFilter(window=window)
    expected = selected_events(ds, flt)
    page, watch = open_export(chromium, tmp_path, export_html(ds, flt, generated_at=WHEN))
    assert page.evaluate("Bordermap.count()") == len(expected)
    assert page.evaluate("Bordermap.visibleRows()") == list(range(len(expected)))  # the file holds just these
    assert f"Filters: {flt.describe()}" in page.locator(".bm-footer").inner_text()
    assert page.locator(".bm-slider-label").inner_text().startswith(window.start.isoformat())
    assert watch.problems() == []


def test_popup_shows_details_and_sources_as_links(chromium, tmp_path, ds):
    page, watch = open_export(chromium, tmp_path, export_html(ds, generated_at=WHEN))
    first = selected_events(ds)[0]["properties"]
    page.evaluate("""() => { const l = Bordermap.layers[0], map = l.group._map;
      map.fire('click', {containerPoint: l.containerPoint(0), latlng: l.anchor(0)}); }""")
    page.locator(".leaflet-popup-content .bm-pop").wait_for(timeout=5000)
    popup = page.evaluate("""() => { const el = document.querySelector('.leaflet-popup-content');
      return {text: el.innerText, links: [...el.querySelectorAll('a')].map(a => [a.href, a.target, a.rel])}; }""")
    assert first["title"] in popup["text"] and first["summary"][:40] in popup["text"]
    linked = [s for s in first["sources"] if s.get("url")]
    assert len(popup["links"]) == len(linked)
    assert all(h.startswith(("http://", "https://")) and t == "_blank" and "noopener" in r
               for h, t, r in popup["links"])
    assert watch.problems() == []


def test_clicking_an_event_opens_its_popup(chromium, tmp_path, ds):
    page, watch = open_export(chromium, tmp_path, export_html(ds, generated_at=WHEN))
    point = page.evaluate("""() => {
      const l = Bordermap.layers[0], map = l.group._map;
      const pts = l.drawnRows().map(r => [r, l.containerPoint(r)]);
      let best = null, gap = -1;
      for (const [i, p] of pts) {
        let g = Infinity;
        for (const [j, q] of pts) if (j !== i) g = Math.min(g, p.distanceTo(q));
        if (g > gap && p.x > 60 && p.y > 120 && p.x < map.getSize().x - 300 && p.y < map.getSize().y - 250) {
          best = [i, p.x, p.y]; gap = g;
        }
      }
      const rect = map.getContainer().getBoundingClientRect();
      return best && {row: best[0], x: best[1] + rect.left, y: best[2] + rect.top};
    }""")
    if point:
        point["title"] = selected_events(ds)[point["row"]]["properties"]["title"]
    assert point, "no isolated point event to click"
    page.mouse.click(point["x"], point["y"])
    page.locator(".leaflet-popup-content").wait_for(timeout=5000)
    assert point["title"] in page.locator(".leaflet-popup-content").inner_text()
    assert watch.problems() == []


def test_online_tiles_are_offered_not_loaded(chromium, tmp_path, ds):
    page, watch = open_export(chromium, tmp_path, export_html(ds, online_tiles=True, generated_at=WHEN))
    page.locator(".leaflet-control-layers").hover()
    assert "(online)" in page.locator(".leaflet-control-layers").inner_text()
    assert watch.problems() == []  # nothing fetched until a tile layer is picked


def png_image(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_png_export_is_the_map_at_the_chosen_size(ds):
    img = png_image(export_png(ds, generated_at=WHEN))
    assert img.size == (1600, 1000)
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 500  # a drawn map, not a blank page
    small = png_image(export_png(ds, size=(800, 500), generated_at=WHEN))
    assert small.size == (800, 500)


def test_png_from_the_cli(capsys, tmp_path):
    out = tmp_path / "map.png"
    events = ROOT / "data" / "events.geojson"
    if not events.exists():
        events = tmp_path / "events.geojson"
        events.write_text(json.dumps(synthetic_collection(30)), "utf-8")
    code = main(["export", "png", "-o", str(out), "--events", str(events), "--geo", str(ROOT / "geo"),
                 "--size", "1000x700"])
    assert code == 0, capsys.readouterr().err
    assert png_image(out.read_bytes()).size == (1000, 700)
