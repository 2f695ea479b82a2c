"""Briefing mode at 1280x720 in Chromium, offline, walked with the keyboard like a clicker."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bordermap.dataset import load_dataset
from bordermap.storyline import load_storyline

from browser import map_frame, offline_page, wait_for_app

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def story_and_data():
    ds = load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo")
    story = load_storyline(ROOT / "data" / "storylines" / "khorog-2012.json",
                           list(ds.table.ids))
    return story, ds


def card_title(page) -> str:
    return page.locator(".bm-card-title").inner_text().strip()


def wait_title(page, expected: str, timeout=15000):
    try:
        page.locator(".bm-card-title", has_text=expected).wait_for(timeout=timeout)
    except Exception as exc:
        raise AssertionError(f"card shows {card_title(page)!r} at {page.url}, expected {expected!r}") from exc


def font_px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def map_center(frame) -> tuple[float, float]:
    return tuple(frame.evaluate("(() => { const c = map.getCenter(); return [c.lat, c.lng]; })()"))


def wait_settled(page, frame):
    """Until the fly-to animation has ended (the centre stops moving)."""
    last = None
    for _ in range(60):
        page.wait_for_timeout(150)
        c = map_center(frame)
        if last and abs(c[0] - last[0]) < 1e-6 and abs(c[1] - last[1]) < 1e-6:
            return c
        last = c
    return last


def test_walk_the_default_storyline_with_the_keyboard(app_server, chromium, story_and_data, artifacts):
    story, ds = story_and_data
    by_id = ds.by_id()
    page, watch = offline_page(chromium, width=1280, height=720)
    page.goto(app_server.url + "?mode=brief")
    wait_for_app(page)
    frame = map_frame(page)

    # No Streamlit chrome, big type.
    assert page.locator("[data-testid='stSidebar']").is_hidden()
    assert page.locator("header[data-testid='stHeader']").is_hidden()

    keys = ["ArrowRight", "PageDown"]
    for i, step in enumerate(story.steps):
        expected = step.title or by_id[step.event]["properties"]["title"]
        wait_title(page, expected)
        center = wait_settled(page, frame)
        assert font_px(page, ".bm-card-title") >= 28
        for sel in (".bm-card-caption", ".bm-card-meta", ".bm-card-step"):
            if page.locator(sel).count():
                assert font_px(page, sel) >= 18, sel
        assert step.caption in page.locator(".bm-card-caption").inner_text()
        if step.event:
            p = by_id[step.event]["properties"]
            assert p["location"] in page.locator(".bm-card-meta").inner_text()
            assert frame.evaluate("Bordermap.state.selected") == ds.table.row_of(step.event)
            # The map is centred on the event (its anchor is inside the middle of the view).
            inside = frame.evaluate("(id) => { const b = map.getBounds().pad(-0.2);"
                                    " return b.contains(Bordermap.layers[0].bounds(id).getCenter()); }", ds.table.row_of(step.event))
            assert inside, f"step {i + 1}: map centre {center} is not on {step.event}"
        assert parse_qs(urlparse(page.url).query)["step"] == [str(i + 1)]
        page.screenshot(path=str(artifacts / f"brief-step-{i + 1:02d}.png"))
        if i < len(story.steps) - 1:
            wait_for_app(page)
            page.keyboard.press(keys[i % 2])

    # Back with ← and PageUp.
    wait_for_app(page)
    page.keyboard.press("ArrowLeft")
    wait_title(page, story.steps[-2].title or by_id[story.steps[-2].event]["properties"]["title"])
    wait_for_app(page)
    page.keyboard.press("PageUp")
    wait_title(page, story.steps[-3].title or by_id[story.steps[-3].event]["properties"]["title"])
    assert watch.problems() == []


def test_reopen_at_a_step_after_a_dropped_call(app_server, chromium, story_and_data):
    story, ds = story_and_data
    step = story.steps[3]
    page, watch = offline_page(chromium, width=1280, height=720)
    page.goto(app_server.url + "?mode=brief&step=4")
    wait_for_app(page)
    map_frame(page)
    wait_title(page, step.title or ds.by_id()[step.event]["properties"]["title"])
    assert "step 4 of" in page.locator(".bm-card-step").inner_text().lower()
    # Keys work while the map has focus too (a briefer clicks the map, then uses the clicker).
    page.locator('iframe[title="streamlit_folium.st_folium"]').click(position={"x": 200, "y": 200})
    page.keyboard.press("PageDown")
    nxt = story.steps[4]
    wait_title(page, nxt.title or ds.by_id()[nxt.event]["properties"]["title"])
    assert watch.problems() == []
