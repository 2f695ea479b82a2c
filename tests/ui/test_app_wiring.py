"""Page wiring with Streamlit's AppTest (no browser): widgets, URL state, panel, errors."""

from __future__ import annotations

from datetime import date

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bordermap.dataset import load_dataset
from bordermap.mapping.payload import chunk_rows, decode_events
from bordermap.synthetic import synthetic_collection

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

    # the payload and the layers gzipped once (Streamlit's server sends application/gzip as it is)
    import gzip

    urls = re.findall(r'"/app/static/vendor/(data/[0-9a-f]+\.json\.gz)"', args["script"])
    assert len(urls) == 7  # relief, countries, lakes, rivers, border, bridges, places
    layers = [json.loads(gzip.decompress((ROOT / "static" / "vendor" / u).read_bytes())) for u in urls]
    assert {layer.get("type") for layer in layers} >= {"FeatureCollection"}
    events_url = re.search(r'"url":"/app/static/vendor/(data/[0-9a-f]+-[\w-]+/events\.bin\.gz)"',
                           args["script"]).group(1)
    payload = gzip.decompress((ROOT / "static" / "vendor" / events_url).read_bytes())
    assert payload[:4] == b"BMEV"
    header, arrays = decode_events(payload)
    movements = [i for i, kind in enumerate(ds.table.geometry_kind) if kind != 0]
    assert movements and arrays["shapeRow"].tolist() == movements  # lines and areas travel as arrays
    assert "shapes" not in header
    chunk = json.loads((ROOT / "static" / "vendor" / events_url.replace("events.bin.gz", "c0.json")).read_text())
    assert [row[0] for row in chunk_rows(chunk)] == list(ds.table.ids)  # the text chunks, in the payload's row order
    assert len(args["script"]) < 40_000
    assert "Bordermap.apply" in args["feature_group"]
    assert "Bordermap.timeline" in args["script"]
    assert args["returned_objects"] == ["last_geocoder_result"]


def test_time_window_from_url_reaches_the_map_script(ds):
    at = run({"from": "2012-07-20", "to": "2012-07-31"})
    assert not at.exception
    assert at.session_state["win"][0].isoformat() == "2012-07-20"
    fg = component(at)["feature_group"]
    assert '"t0": 15541' in fg  # 2012-07-20 as days since 1970-01-01
    assert "2012-07-20 to 2012-07-31" in " ".join(c.value for c in at.caption)


def test_base_map_is_identical_across_filter_changes():
    """Within a session the base map script stays the same while filters and the window change
    (st_folium keys the iframe on it: a change would rebuild the map)."""
    at = run()
    a = component(at)
    next(w for w in at.multiselect if w.label == "Event type").select("Battles").run()
    at.session_state["map"] = {"last_geocoder_result": {"bordermap": 1, "nonce": 0, "picks": 0,
                                                        "window": ["2012-07-20", "2012-07-31"]}}
    at.run()
    assert not at.exception
    assert at.session_state["win"][0].isoformat() == "2012-07-20"
    b = component(at)
    assert a["key"] == b["key"] and a["script"] == b["script"]
    assert a["feature_group"] != b["feature_group"]


def test_a_narrow_window_opens_the_timeline_zoomed_to_it():
    args = component(run({"from": "2012-07-20", "to": "2012-07-31"}))
    assert '"initial": {"axis": [15534, 15552], "grow": false' in args["script"]  # 13 to 31 July 2012 (the record ends on the 31st)
    args = component(run({"from": "2012-07-20", "to": "2012-07-31", "axis": "2012-06-01..2012-07-31",
                          "step": "month", "grow": "1", "speed": "4"}))
    assert '"initial": {"axis": [15492, 15552], "grow": true, "speed": 4.0, "step": "month"}' in args["script"]
    assert '"initial": {"axis": null' in component(run())["script"]  # the whole span: the whole axis


def test_selected_event_from_url_fills_the_panel(ds):
    first = ds.table.properties(0)
    at = run({"event": first["id"]})
    html = " ".join(h.proto.body for h in at.get("html"))
    assert first["title"].replace("'", "&#39;").replace('"', "&#34;") in html or first["title"] in html
    assert "Fatalities, as claimed" in html


def map_reports(at: AppTest, **value) -> AppTest:
    """What the map's script sends through st_folium (see Bordermap.picked / setWindow)."""
    at.session_state["map"] = {"last_geocoder_result": {"bordermap": 1, "nonce": 0, "window": None, "picks": 0,
                                                      "picked": None, **value}}
    return at.run()


def test_map_pick_selects_the_event(ds):
    row = len(ds.table) - 1
    target = ds.table.properties(row)
    at = map_reports(run(), picked=row, picks=1)
    assert at.session_state["selected"] == target["id"]
    assert at.query_params["event"] in (target["id"], [target["id"]])


def test_window_moved_in_the_map_reaches_count_and_url(ds):
    at = map_reports(run(), window=["2012-07-20", "2012-07-31"])
    assert not at.exception
    assert at.session_state["win"][0].isoformat() == "2012-07-20"
    assert "2012-07-20 to 2012-07-31" in " ".join(c.value for c in at.caption)
    assert at.query_params["from"] in ("2012-07-20", ["2012-07-20"])
    # The map's own script is unchanged (the iframe keeps its view); only the small filter script moved.
    assert '"t0": 15541' in component(at)["feature_group"]


def test_window_report_from_before_a_button_press_is_ignored(ds):
    at = run({"from": "2012-07-30", "to": "2012-07-31"})
    # The first event is years before the window: stepping to it widens the window (Python sets it).
    [b for b in at.button if b.label.startswith("Next event")][0].click().run()
    widened = at.session_state["win"]
    assert widened[0] < date(2012, 7, 30) and at.session_state["win_nonce"] == 1
    at = map_reports(at, window=["1995-01-01", "1995-02-01"], nonce=0)  # stale: the step made nonce 1
    assert at.session_state["win"] == widened


def test_next_button_steps_in_time_order(ds):
    at = run()
    next_btn = [b for b in at.button if b.label.startswith("Next event")][0]
    next_btn.click().run()
    assert at.session_state["selected"] == ds.table.ids[0]
    [b for b in at.button if b.label.startswith("Next event")][0].click().run()
    assert at.session_state["selected"] == ds.table.ids[1]


def _write(tmp_path, features):
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_events_all_on_one_day_open_the_map(monkeypatch, tmp_path):
    fc = synthetic_collection(20, seed=3)
    for f in fc["features"]:
        f["properties"].update(date_start="2012-07-24", date_end="2012-07-24", date_precision="day")
    monkeypatch.setenv("BORDERMAP_EVENTS", str(_write(tmp_path, fc["features"])))
    at = run()
    assert not at.exception
    assert "20 of 20 events" in " ".join(c.value for c in at.caption)
    component(at)


def test_only_region_level_events_open_the_map(monkeypatch, tmp_path):
    fc = synthetic_collection(15, seed=5)
    for f in fc["features"]:
        f["properties"]["geo_precision"] = 3
    monkeypatch.setenv("BORDERMAP_EVENTS", str(_write(tmp_path, fc["features"])))
    at = run()
    assert not at.exception
    assert "15 of 15 events" in " ".join(c.value for c in at.caption)
    component(at)


def test_only_year_precision_events_open_the_map_and_the_timeline(monkeypatch, tmp_path):
    fc = synthetic_collection(12, seed=6)
    for i, f in enumerate(fc["features"]):
        year = 2000 + i % 3
        f["properties"].update(date_start=f"{year}-01-01", date_end=f"{year}-12-31", date_precision="year")
    monkeypatch.setenv("BORDERMAP_EVENTS", str(_write(tmp_path, fc["features"])))
    at = run({"from": "2001-03-01", "to": "2001-03-31"})
    assert not at.exception
    # a month inside 2001 overlaps the 2001 events (never silently dropped)
    assert "4 of 12 events" in " ".join(c.value for c in at.caption)
    assert '"initial": {"axis": [' in component(at)["script"]


def test_many_events_in_one_place_open_the_map(monkeypatch, tmp_path):
    fc = synthetic_collection(3000, seed=7)
    for f in fc["features"]:
        f["geometry"] = {"type": "Point", "coordinates": [71.55, 37.49]}
    monkeypatch.setenv("BORDERMAP_EVENTS", str(_write(tmp_path, fc["features"])))
    at = run()
    assert not at.exception
    assert "3,000 of 3,000 events" in " ".join(c.value for c in at.caption)


def test_one_event_opens_the_map(monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERMAP_EVENTS", str(_write(tmp_path, synthetic_collection(1, seed=4)["features"])))
    at = run()
    assert not at.exception
    assert "1 of 1 events" in " ".join(c.value for c in at.caption)


def test_no_events_is_said_plainly(monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERMAP_EVENTS", str(_write(tmp_path, [])))
    at = run()
    assert not at.exception
    assert any("has no events to show" in w.value for w in at.warning)


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
    assert any("bridges.geojson" in w.value.replace("\\", "") for w in at.warning)  # Markdown-escaped


def test_bad_window_in_url_is_ignored():
    at = run({"from": "2012-02-30", "to": "not-a-date"})
    assert not at.exception
    lo, hi = at.session_state["win"]
    assert (lo.year, hi.year) == (1992, 2012)
