"""The *Export this view* menu with Streamlit's AppTest: the map view the page reports reaches the
HTML and PNG exports when the user picks it, and only then."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from bordermap.ui.exports import FRAME_CHOICES


def menu_script():
    from pathlib import Path

    import streamlit as st

    from bordermap.dataset import load_project_dataset
    from bordermap.project import load_project
    from bordermap.timeline import EventFilter
    from bordermap.ui.exports import export_menu

    root = Path(st.session_state["root"])
    ds = load_project_dataset(load_project(root / "project.toml"))
    export_menu(ds, EventFilter(), view=st.session_state.get("view"))


@pytest.fixture
def downloads(monkeypatch):
    """The deferred download callables the menu registers, by file suffix (last run wins)."""
    seen: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        seen[str(file_name).rsplit(".", 1)[-1]] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return seen


def run(view=None) -> AppTest:
    from pathlib import Path

    at = AppTest.from_function(menu_script, default_timeout=60)
    at.session_state["root"] = str(Path(__file__).resolve().parents[2])
    if view is not None:
        at.session_state["view"] = view
    return at.run()


def frame_in(html: bytes) -> dict:
    """The frame the exported map opens on (FitView's options)."""
    m = re.search(r"frame = (\{.*?\});", html.decode("utf-8"), re.S)
    assert m, "no FitView in the export"
    return json.loads(re.sub(r",(\s*[\]}])", r"\1", m.group(1)))  # folium's JS literal has trailing commas


def test_without_a_view_there_is_no_choice_and_maps_frame_the_events(downloads):
    at = run()
    assert not at.exception and len(at.radio) == 0
    assert len(at.get("download_button")) == 5
    frame = frame_in(downloads["html"]())
    assert frame["maxZoom"] == 10  # the events' box (at most zoom 10), not a view someone gave


@pytest.mark.parametrize("view", [(71.0, 37.0, 72.5, 38.0),
                                  {"_southWest": {"lat": 37.0, "lng": 71.0}, "_northEast": {"lat": 38.0, "lng": 72.5}}])
def test_the_current_map_view_reaches_html_and_png(downloads, view):
    at = run(view)
    assert not at.exception
    (radio,) = at.radio
    assert tuple(radio.options) == FRAME_CHOICES and radio.value == "selected events"
    assert frame_in(downloads["html"]())["bounds"] != [[37.0, 71.0], [38.0, 72.5]]
    radio.set_value("current map view").run()
    assert not at.exception
    assert frame_in(downloads["html"]())["bounds"] == [[37.0, 71.0], [38.0, 72.5]]
    # The PNG is drawn from the same HTML: its deferred callable carries the same view.
    assert downloads["png"].keywords == {"view": downloads["html"].keywords["view"]}
    assert "view" not in downloads["csv"].keywords  # the table formats have no map


def test_an_unusable_view_is_ignored_with_a_note(downloads):
    at = run((72.5, 37.0, 71.0, 38.0))  # west east of east
    assert not at.exception and len(at.radio) == 0
    assert any("not a box on Earth" in c.value for c in at.caption)
    assert frame_in(downloads["html"]())["maxZoom"] == 10
