"""Page wiring with Streamlit's AppTest (no browser): widgets, URL state, panel, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bordermap.dataset import load_dataset
from bordermap.timeline import ordered

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo")


def run(query: dict | None = None, env: dict | None = None, monkeypatch=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def component(at: AppTest) -> dict:
    comps = [c for c in at.get("component_instance") if c.proto.component_name == "streamlit_folium.st_folium"]
    assert len(comps) == 1
    return json.loads(comps[0].proto.json_args)


def test_page_builds_offline_map_with_every_event(ds):
    at = run()
    assert not at.exception
    args = component(at)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links), links
    # The events and layers are served as files; the script that is re-sent on every rerun is small.
    import re

    urls = re.findall(r'"/app/static/vendor/(data/[0-9a-f]+\.json)"', args["script"])
    assert len(urls) == 5  # events + countries, border, bridges, places
    served = [json.loads((ROOT / "static" / "vendor" / u).read_text()) for u in urls]
    payload = next(d for d in served if "ids" not in d and "id" in d and isinstance(d["id"], list))
    assert payload["id"] == [f["properties"]["id"] for f in ds.events]
    assert len(args["script"]) < 40_000
    assert "Bordermap.apply" in args["feature_group"]
    assert set(args["returned_objects"]) == {"last_active_drawing", "last_object_clicked_count"}


def test_time_window_from_url_reaches_the_map_script(ds):
    at = run({"from": "2012-07-20", "to": "2012-07-31"})
    assert not at.exception
    assert at.slider(key="win").value[0].isoformat() == "2012-07-20"
    fg = component(at)["feature_group"]
    assert '"t0": 15541' in fg  # 2012-07-20 as days since 1970-01-01
    assert "2012-07-20 to 2012-07-31" in " ".join(c.value for c in at.caption)


def test_base_map_is_identical_across_filter_changes():
    """Same base map script => same component key => the iframe is not remounted."""
    a = component(run())
    b = component(run({"from": "2012-07-20", "to": "2012-07-31", "type": ["Battles"]}))
    assert a["key"] == b["key"] and a["script"] == b["script"]
    assert a["feature_group"] != b["feature_group"]


def test_selected_event_from_url_fills_the_panel(ds):
    first = ordered(ds.events)[0]["properties"]
    at = run({"event": first["id"]})
    html = " ".join(h.proto.body for h in at.get("html"))
    assert first["title"].replace("'", "&#39;").replace('"', "&#34;") in html or first["title"] in html
    assert "Fatalities, as claimed" in html


def test_map_click_selects_the_event(ds):
    target = ordered(ds.events)[-1]["properties"]
    at = run()
    key = component(at)["key"]
    at.session_state[key] = {"last_active_drawing": {"type": "Feature", "properties": {"id": target["id"]},
                                                     "geometry": {"type": "Point", "coordinates": [71.5, 37.5]}},
                             "last_object_clicked_count": 1}
    at.run()
    assert at.session_state["selected"] == target["id"]
    assert at.query_params["event"] in (target["id"], [target["id"]])


def test_next_button_steps_in_time_order(ds):
    seq = ordered(ds.events)
    at = run()
    next_btn = [b for b in at.button if b.label.startswith("Next event")][0]
    next_btn.click().run()
    assert at.session_state["selected"] == seq[0]["properties"]["id"]
    [b for b in at.button if b.label.startswith("Next event")][0].click().run()
    assert at.session_state["selected"] == seq[1]["properties"]["id"]


def test_invalid_events_file_shows_problems_not_a_traceback(monkeypatch):
    monkeypatch.setenv("BORDERMAP_EVENTS", str(ROOT / "tests" / "data" / "bad" / "many-problems.geojson"))
    at = run()
    assert not at.exception
    assert any("has problems" in e.value for e in at.error)
    code = " ".join(c.value for c in at.code)
    assert "latitude and longitude look swapped" in code and "expected one of day, week, month, year" in code


def test_missing_optional_geo_layer_is_named(monkeypatch, tmp_path):
    for name in ("border", "countries", "places"):
        (tmp_path / f"{name}.geojson").write_bytes((ROOT / "geo" / f"{name}.geojson").read_bytes())
    monkeypatch.setenv("BORDERMAP_GEO", str(tmp_path))
    at = run()
    assert not at.exception
    assert any("bridges.geojson" in w.value for w in at.warning)


def test_bad_window_in_url_is_ignored():
    at = run({"from": "2012-02-30", "to": "not-a-date"})
    assert not at.exception
    lo, hi = at.slider(key="win").value
    assert (lo.year, hi.year) == (1992, 2012)
