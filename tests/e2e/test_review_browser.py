"""The review page end to end in Chromium, offline: ingest a report in the app, see its evidence
marked, choose the other bank's Ishkashim on the map, fix the date, accept — the event is in the
events file with its provenance and on the map — and reject another proposal with a reason."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from bordermap.ingest import ingest_report, read_report

from browser import map_frame, offline_page, wait_for_app

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "data" / "ingest"
AFGHAN_ISHKASHIM = "gn-7052669"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the bundled project (its events file is written to), with one report ingested."""
    base = tmp_path_factory.mktemp("review-project")
    (base / "data").mkdir()
    shutil.copy(ROOT / "data" / "events.geojson", base / "data" / "events.geojson")
    (base / "project.toml").write_text(
        'title = "Review test"\nlayers = "%s"\n\n[review]\nproposals = "proposals"\ninto = "article"\n\n'
        '[[datasets]]\nname = "article"\ntitle = "The article"\npath = "data/events.geojson"\n' % (ROOT / "geo"),
        "utf-8")
    (base / "proposals").mkdir()
    text, meta = read_report(REPORTS / "relative-dates.txt")
    fc = ingest_report(text, meta["date"], "RFE/RL", None, geo_dir=ROOT / "geo")
    (base / "proposals" / "relative-dates.geojson").write_text(json.dumps(fc), "utf-8")
    return base


@pytest.fixture(scope="module")
def server(project):
    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import AppServer

    s = AppServer({"BORDERMAP_PROJECT": str(project / "project.toml"), "BORDERMAP_USER": "E2E Reviewer"})
    yield s
    s.stop()


def _idle(page):
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def _candidate_frame(page):
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=30_000)
    for _ in range(300):
        for f in page.frames:
            if "st_folium" in f.url:
                try:
                    if f.evaluate("document.querySelectorAll('path.leaflet-interactive').length") >= 2:
                        return f
                except Exception:
                    pass
        page.wait_for_timeout(100)
    raise TimeoutError("the candidates map never drew its markers")


# A select box's choice, whether drawn as text or as its input's value.
_SELECTED = """(want) => [...document.querySelectorAll("[data-testid='stSelectbox']")].some(e =>
    (e.innerText + " " + [...e.querySelectorAll("input")].map(i => i.value + " " + (i.getAttribute("aria-label") || "")).join(" ")).includes(want))"""


def _set_date(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.click()
    box.press("Control+a")
    box.type(value)
    box.press("Enter")
    page.keyboard.press("Escape")


def test_ingest_edit_accept_and_reject(server, project, chromium, artifacts):
    page, watch = offline_page(chromium, width=1400, height=1000)
    page.goto(server.url + "?mode=review")
    wait_for_app(page)

    # Ingest a report in the app: it becomes the file under review.
    page.get_by_role("button", name="Ingest a report…").click()
    page.locator("input[type=file]").set_input_files(str(REPORTS / "ishkashim-clash.txt"))
    page.get_by_label("Published by").fill("Asia-Plus")
    page.get_by_label("Its address (optional)").fill("https://asiaplustj.info/en/news/test-fixture")
    page.get_by_role("button", name="Propose its events").click()
    page.wait_for_selector("p[dir=auto] mark.bm-ev-date >> text=early Saturday, March 5", timeout=60_000)
    _idle(page)

    # The evidence is marked where it stands in the report.
    assert page.locator("p[dir=auto] mark.bm-ev-date").first.inner_text() == "early Saturday, March 5"
    assert page.locator("p[dir=auto] mark.bm-ev-location").first.inner_text() == "Ishkashim district"
    assert page.locator("p[dir=auto] mark.bm-ev-unresolved").first.inner_text() == "Shidz"
    assert {page.locator("p[dir=auto] mark.bm-ev-fatalities").nth(i).inner_text() for i in range(2)} == {"two", "three"}

    # The other bank's Ishkashim, chosen by clicking its circle on the map.
    frame = _candidate_frame(page)
    frame.locator('path.leaflet-interactive[stroke="#0077bb"]').first.click(force=True)
    _idle(page)
    page.wait_for_function(_SELECTED, arg="Ishkāshim (AFG, district)", timeout=30_000)  # the place selector follows

    _set_date(page, "From", "2022-03-04")
    _set_date(page, "To", "2022-03-04")
    page.screenshot(path=str(artifacts / "review-before-accept.png"))
    page.get_by_role("button", name="Accept ✓").click()
    page.wait_for_selector("text=it is on the map now", timeout=60_000)
    _idle(page)
    page.screenshot(path=str(artifacts / "review-accepted.png"))

    events = json.loads((project / "data" / "events.geojson").read_text("utf-8"))
    props = events["features"][-1]["properties"]
    assert props["id"] == "2022-03-05-ishkashim-district" and props["country"] == "AFG"
    assert props["place_ids"] == [AFGHAN_ISHKASHIM] and (props["date_start"], props["date_end"]) == ("2022-03-04",) * 2
    prov = props["provenance"]
    assert prov["reviewer"] == "E2E Reviewer" and prov["report"]["source"] == "Asia-Plus"
    assert prov["report"]["url"] == "https://asiaplustj.info/en/news/test-fixture"
    assert {"place", "date_start", "date_end"} <= set(prov["edited"]) and prov["proposer"].startswith("bordermap ")

    # Reject one of another report's proposals, with a reason; it stays in its file.
    page.locator(".st-key-rv-bar [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="relative-dates.geojson").click()
    _idle(page)
    page.get_by_text("Attack at Vanj").click()
    _idle(page)
    page.get_by_role("button", name="Reject ✕").click()
    page.wait_for_selector("text=a reason is required", timeout=30_000)
    _idle(page)
    page.get_by_label("Reason to reject (required)").fill("A shepherd's killing, not a border incident")
    page.get_by_role("button", name="Reject ✕").click()
    page.wait_for_selector("text=the proposal and the reason stay in", timeout=30_000)
    rejected = json.loads((project / "proposals" / "relative-dates.geojson").read_text("utf-8"))
    vanj = next(f for f in rejected["features"] if f["properties"]["id"] == "2022-10-10-vanj")["properties"]["proposal"]
    assert (vanj["status"], vanj["reason"], vanj["reviewer"]) == ("rejected", "A shepherd's killing, not a border incident",
                                                                  "E2E Reviewer")

    # The main map sees the accepted event (its cache follows the file's content).
    page.goto(server.url + "?event=2022-03-05-ishkashim-district")
    wait_for_app(page)
    frame = map_frame(page)
    assert frame.evaluate("Bordermap.count()") == len(events["features"])
    page.wait_for_selector(f".st-key-bm-drawer-body >> text={props['title']}", timeout=30_000)
    page.screenshot(path=str(artifacts / "review-on-the-map.png"))
    assert watch.problems() == []
