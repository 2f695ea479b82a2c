"""The review page with Streamlit's AppTest (no browser): listing, evidence, reject, duplicates,
hostile files. The browser test (tests/e2e/test_review_browser.py) clicks the map and accepts."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bordermap.ingest import ingest_report, read_report

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def clash():
    text, meta = read_report(ROOT / "tests" / "data" / "ingest" / "ishkashim-clash.txt")
    return ingest_report(text, meta["date"], "Asia-Plus", "https://asiaplustj.info/en/news/test-fixture",
                         geo_dir=ROOT / "geo")


@pytest.fixture()
def project(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "events.geojson", tmp_path / "data" / "events.geojson")
    (tmp_path / "project.toml").write_text(
        'title = "Review test"\nlayers = "%s"\n\n[[datasets]]\nname = "article"\ntitle = "The article"\n'
        'path = "data/events.geojson"\n' % (ROOT / "geo"), "utf-8")
    monkeypatch.setenv("BORDERMAP_PROJECT", str(tmp_path / "project.toml"))
    monkeypatch.setenv("BORDERMAP_USER", "Page Tester")
    return tmp_path


def _write(project: Path, name: str, fc: dict) -> Path:
    folder = project / "proposals"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(fc, ensure_ascii=False), "utf-8")
    return path


def run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["mode"] = "review"
    return at.run()


def _html(at: AppTest) -> str:
    return "\n".join(e.proto.body for e in at.get("html"))


def _messages(at: AppTest, kind: str) -> str:
    """The page's messages of a kind, as read (the Markdown escapes taken off)."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in getattr(at, kind)))


def test_without_proposals_the_page_says_how_to_make_some(project):
    at = run()
    assert not at.exception
    assert "No proposals yet" in _messages(at, "info")
    assert any(b.label == "Ingest a report…" for b in at.button)


def test_the_report_with_the_selected_proposals_evidence(project, clash):
    _write(project, "clash.geojson", clash)
    at = run()
    assert not at.exception
    html = _html(at)
    assert '<mark class="bm-ev-date " title="date 0.95">early Saturday, March 5</mark>' in html
    assert ">Shidz</mark>" in html
    assert (at.query_params["file"], at.query_params["proposal"]) == ("clash.geojson", "2022-03-05-ishkashim-district")
    assert [o for o in at.selectbox(key="rv-place-2022-03-05-ishkashim-district").options] == \
        ["Nohiyai Ishqoshim (TJK, district) · 0.55", "Ishkāshim (AFG, district) · 0.46"]
    assert at.text_input(key="rv_reviewer").value == "Page Tester"


def test_reject_needs_a_reason_and_keeps_it_in_the_file(project, clash):
    path = _write(project, "clash.geojson", clash)
    at = run()
    pid = "2022-03-05-ishkashim-district"
    next(b for b in at.button if b.label == "Reject ✕").click().run()
    assert "a reason is required" in _messages(at, "error")
    assert json.loads(path.read_text("utf-8")) == clash  # nothing written
    at.text_input(key=f"rv-reason-{pid}").input("Told twice: the March 4 clash")
    next(b for b in at.button if b.label == "Reject ✕").click().run()  # one submit, as the form sends it
    assert not at.exception
    proposal = json.loads(path.read_text("utf-8"))["features"][0]["properties"]["proposal"]
    assert (proposal["status"], proposal["reason"], proposal["reviewer"]) == \
        ("rejected", "Told twice: the March 4 clash", "Page Tester")
    assert "Rejected by Page Tester" in _messages(at, "warning")


def test_a_duplicate_is_flagged_and_needs_accept_anyway(project, clash):
    events_path = project / "data" / "events.geojson"
    first = copy.deepcopy(clash)
    _write(project, "clash.geojson", first)
    at = run()
    next(b for b in at.button if b.label == "Accept ✓").click().run()
    assert not at.exception and "it is on the map now" in _messages(at, "success")
    accepted = json.loads(events_path.read_text("utf-8"))
    assert accepted["features"][-1]["properties"]["provenance"]["reviewer"] == "Page Tester"

    again = copy.deepcopy(clash)
    again["features"][0]["properties"]["id"] = again["features"][0]["id"] = "same-clash-again"
    _write(project, "clash-again.geojson", again)
    at = run()
    at.selectbox(key="rv_file").select("clash-again.geojson").run()
    next(b for b in at.button if b.label == "Accept ✓").click().run()
    assert "same-clash-again may be the event 2022-03-05-ishkashim-district" in _messages(at, "warning")
    assert json.loads(events_path.read_text("utf-8")) == accepted  # flagged before anything is saved
    next(b for b in at.button if b.label == "Accept anyway").click().run()
    assert not at.exception
    assert [f["properties"]["id"] for f in json.loads(events_path.read_text("utf-8"))["features"][-2:]] == \
        ["2022-03-05-ishkashim-district", "same-clash-again"]


def test_an_edit_the_validator_refuses_is_worded_and_not_saved(project, clash):
    path = _write(project, "clash.geojson", clash)
    at = run()
    pid = "2022-03-05-ishkashim-district"
    at.text_input(key=f"rv-title-{pid}").input("   ")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert "Nothing was saved: title must be some text" in _messages(at, "error")
    assert json.loads(path.read_text("utf-8")) == clash


def test_a_hostile_file_is_shown_as_text(project, clash):
    evil = copy.deepcopy(clash)
    p = evil["features"][0]["properties"]
    p["title"] = '<script>alert(1)</script>\u202eevil'
    p["proposal"]["place_candidates"][0]["name"] = '<img src=x onerror=alert(1)>'
    evil["report_text"] = "<script>alert(2)</script>\u202e" * 2000
    p["proposal"]["report"]["sha256"] = hashlib.sha256(evil["report_text"].encode()).hexdigest()
    _write(project, "evil.geojson", evil)
    _write(project, "broken.geojson", {"type": "FeatureCollection", "features": "nope"})
    at = run()
    at.selectbox(key="rv_file").select("evil.geojson").run()
    assert not at.exception
    html = _html(at)
    assert "<script>" not in html and "\u202e" not in html and html.count("U+202E") == 2000
    at.selectbox(key="rv_file").select("broken.geojson").run()
    assert not at.exception and "broken.geojson cannot be reviewed" in _messages(at, "error")
