"""The exported presentation in Chromium at 1280x720, offline: walked with the keys a clicker sends."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bordermap.presentation import export_presentation

from browser import offline_page

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
STORYLINE = ROOT / "data" / "storylines" / "khorog-2012.json"
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
READY = "() => window.Bordermap && Bordermap.player && Bordermap.player.index() >= 0"


@pytest.fixture(scope="module")
def presentation(ds, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("presentation") / "khorog.html"
    path.write_text(export_presentation(ds, STORYLINE, generated_at=WHEN), "utf-8")
    return path


def open_presentation(chromium, path: Path, fragment: str = ""):
    page, watch = offline_page(chromium, width=1280, height=720)
    page.goto(path.as_uri() + fragment)
    page.wait_for_function(READY)
    return page, watch


def expected_title(step, by_id) -> str:
    return step.title or by_id[step.event]["properties"]["title"]


def wait_step(page, number: int, title: str) -> None:
    try:
        page.wait_for_function("(n) => Bordermap.player.index() === n - 1", arg=number, timeout=10_000)
        page.locator(".bm-card-title", has_text=title).wait_for(timeout=5_000)
    except Exception as exc:
        shown = page.locator(".bm-card-title").inner_text()
        raise AssertionError(f"expected step {number} {title!r}, the card shows {shown!r}") from exc


def wait_settled(page) -> list[float]:
    """Until the fly-to has ended (the centre stops moving)."""
    last = None
    for _ in range(60):
        page.wait_for_timeout(150)
        c = page.evaluate("() => { const c = Bordermap.map.getCenter(); return [c.lat, c.lng]; }")
        if last and abs(c[0] - last[0]) < 1e-7 and abs(c[1] - last[1]) < 1e-7:
            return c
        last = c
    return last


def font_px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def check_step(page, i: int, step, by_id) -> None:
    """The card, the map and the URL all say step ``i + 1``."""
    wait_step(page, i + 1, expected_title(step, by_id))
    center = wait_settled(page)
    total = page.evaluate("Bordermap.player.count")
    assert f"step {i + 1} of {total}" in page.locator(".bm-card-step").inner_text().lower()
    assert page.locator(".bm-card-caption").inner_text() == step.caption
    assert page.locator(".bm-card-title").inner_text() == expected_title(step, by_id)
    assert font_px(page, ".bm-card-title") >= 28
    for sel in (".bm-card-step", ".bm-card-meta", ".bm-card-caption", ".bm-card-claims", ".bm-card-source",
                ".bm-card-conf", ".bm-present-nav button"):
        if page.locator(sel).count():
            assert font_px(page, sel) >= 18, sel
    assert page.evaluate("location.hash") == f"#step={i + 1}"
    if step.event:
        p = by_id[step.event]["properties"]
        assert p["location"] in page.locator(".bm-card-meta").inner_text()
        assert page.evaluate("Bordermap.state.selected") == list(by_id).index(step.event)
        assert page.evaluate("Bordermap.state.dim") is True
        inside = page.evaluate("(id) => { const b = Bordermap.map.getBounds().pad(-0.2);"
                               " return b.contains(Bordermap.layers[0].bounds(id).getCenter()); }", list(by_id).index(step.event))
        assert inside, f"step {i + 1}: map centre {center} is not on {step.event}"
    else:
        assert page.evaluate("Bordermap.state.selected") is None
        assert abs(center[0] - step.center[0]) < 0.05 and abs(center[1] - step.center[1]) < 0.05


def test_walk_the_presentation_with_the_keyboard(chromium, presentation, story, ds, artifacts):
    by_id = ds.by_id()
    page, watch = open_presentation(chromium, presentation)
    assert page.title() == story.title
    # The map and the card share the window; the card does not cover the map.
    layout = page.evaluate("""() => {
      const m = Bordermap.map.getContainer().getBoundingClientRect();
      const c = document.querySelector('.bm-present-card').getBoundingClientRect();
      return {mapW: m.width, mapH: m.height, mapRight: m.right, cardLeft: c.left, cardW: c.width};
    }""")
    assert layout["mapH"] == 720 and layout["mapRight"] <= layout["cardLeft"] + 1
    assert layout["mapW"] + layout["cardW"] >= 1279
    assert page.locator(".bm-present-prev").is_disabled()

    keys = ["ArrowRight", "PageDown"]
    shots = {1, 3, len(story.steps)}
    for i, step in enumerate(story.steps):
        check_step(page, i, step, by_id)
        if i + 1 in shots:
            page.screenshot(path=str(artifacts / f"presentation-step-{i + 1:02d}.png"))
        if i < len(story.steps) - 1:
            page.keyboard.press(keys[i % 2])
    assert page.locator(".bm-present-next").is_disabled()
    page.keyboard.press("ArrowRight")  # past the end: stays on the last step
    wait_step(page, len(story.steps), expected_title(story.steps[-1], by_id))

    last = len(story.steps) - 1
    for k, key in enumerate(["ArrowLeft", "PageUp", "ArrowLeft"]):
        page.keyboard.press(key)
        check_step(page, last - k - 1, story.steps[last - k - 1], by_id)

    # The buttons step too, and the keys still work while the map has the focus.
    page.locator(".bm-present-prev").click()
    wait_step(page, last - 4 + 1, expected_title(story.steps[last - 4], by_id))
    page.mouse.click(300, 300)
    page.keyboard.press("PageDown")
    check_step(page, last - 3, story.steps[last - 3], by_id)

    footer = page.locator(".bm-footer").inner_text()
    assert "Exported 2025-01-02 03:04 UTC by bordermap" in footer
    assert "© OpenStreetMap contributors" in footer
    if ds.article:
        assert ds.article["title"] in footer
    assert page.locator(".bm-legend details").get_attribute("open") is None  # legend collapsed
    assert page.evaluate("Bordermap.count()") == len(ds)
    assert page.locator(".bm-place-label").count() > 0
    assert watch.problems() == []


def test_opening_at_a_step_resumes_there(chromium, presentation, story, ds):
    by_id = ds.by_id()
    page, watch = open_presentation(chromium, presentation, "#step=4")
    check_step(page, 3, story.steps[3], by_id)
    page.keyboard.press("PageDown")
    check_step(page, 4, story.steps[4], by_id)
    # Editing the hash (or the browser's back/forward over it) moves the presentation too.
    page.evaluate("location.hash = '#step=2'")
    check_step(page, 1, story.steps[1], by_id)
    assert watch.problems() == []


def test_card_text_from_data_stays_text(chromium, tmp_path, ds):
    """A hostile caption and title show as typed, run nothing and add no element."""
    event = ds.events[0]["properties"]["id"]
    hostile = "<img src=x onerror=\"window.pwned=1\"> </script><script>window.pwned=2</script> {{ 7*7 }} &amp;"
    path = tmp_path / "story.json"
    path.write_text(json.dumps({"title": "T </title><b>x</b>", "steps": [
        {"event": event, "title": hostile, "caption": hostile},
        {"view": {"center": [37.5, 70.0], "zoom": 6}, "caption": "second"}]}), "utf-8")
    page_file = tmp_path / "hostile.html"
    page_file.write_text(export_presentation(ds, path, generated_at=WHEN), "utf-8")
    page, watch = open_presentation(chromium, page_file)
    assert page.locator(".bm-card-caption").inner_text() == hostile
    assert page.locator(".bm-card-title").inner_text() == hostile
    assert page.evaluate("window.pwned === undefined")
    assert page.locator(".bm-present-card img, .bm-present-card script").count() == 0
    assert page.title() == "T </title><b>x</b>"
    assert watch.problems() == []
