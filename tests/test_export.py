"""bordermap.export without a browser: what each format carries, determinism, safe writing."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bordermap.mapping.payload import decode_inline, inline_source_of

from bordermap import render
from bordermap.dataset import Dataset, load_dataset, prepare_events
from bordermap.export import (FORMATS, as_dataset, events_attribution, export_bytes, export_csv,
                              export_geojson, export_html, export_kml, geojson_collection, selected_events,
                              suggested_filename, write_export)
from bordermap.geo import load_reference_layers
from bordermap.io.acled import ACLED_COLUMNS
from bordermap.io.files import FileExistsRefusal
from bordermap.model import DERIVED_FIELDS
from bordermap.synthetic import synthetic_collection
from bordermap.timeline import EventFilter, TimeWindow
from bordermap.validate import validate_collection

ROOT = Path(__file__).resolve().parents[1]
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
JULY = EventFilter(window=TimeWindow(date(2010, 7, 1), date(2010, 7, 31)))


@pytest.fixture(scope="module")
def layers():
    return load_reference_layers(ROOT / "geo")


@pytest.fixture(scope="module")
def ds(layers):
    """200 synthetic events over the real reference layers (fast, and independent of the data file)."""
    fc = synthetic_collection(200, seed=7)
    article = {"title": "A report", "author": "A. Author", "publisher": "Some Network", "date": "2012-07",
               "url": "https://example.org/report", "paragraphs": 10}
    return Dataset(table=prepare_events(fc["features"], layers), article=article, layers=layers)


def test_selected_events_are_the_filtered_ones_in_story_order(ds):
    chosen = selected_events(ds, JULY)
    start, end = JULY.window.start.isoformat(), JULY.window.end.isoformat()
    inside = [f for f in ds.events if f["properties"]["date_start"] <= end and f["properties"]["date_end"] >= start]
    assert chosen and [f["properties"]["id"] for f in chosen] == [f["properties"]["id"] for f in inside]
    keys = [(f["properties"]["date_start"], f["properties"]["date_end"], f["properties"]["id"]) for f in chosen]
    assert keys == sorted(keys)
    assert selected_events(ds, None) == selected_events(ds, EventFilter())


def test_as_dataset_accepts_collections_and_lists():
    fc = synthetic_collection(5)
    from_fc = as_dataset(fc)
    assert len(from_fc) == 5 and from_fc.layers is None
    assert "fatalities_low" in from_fc.events[0]["properties"]
    assert len(as_dataset(fc["features"])) == 5
    with pytest.raises(TypeError):
        as_dataset({"type": "Feature"})


# ---- HTML ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(ds):
    return export_html(ds, JULY, generated_at=WHEN)


def test_html_is_self_contained(page):
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+stylesheet", page)
    assert "cdn." not in page and "unpkg" not in page
    assert page.count("<style>") >= 2  # leaflet.css, bordermap.css
    assert "L.Icon.Default.mergeOptions" in page  # marker images as data URIs
    assert "Leaflet 1.9" in page and "jQuery" not in page  # folium's jQuery: used by nothing here
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    assert "default-src 'none'" in csp and "https:" not in csp
    assert '<meta charset="utf-8">' in page
    assert "<title>Afghan–Tajik border: events</title>" in page


def test_html_carries_only_the_selected_events(ds, page):
    inside = [f["properties"]["id"] for f in selected_events(ds, JULY)]
    header, arrays, rows = decode_inline(inline_source_of(page))
    assert [r[0] for r in rows] == inside and header["n"] == len(inside) == len(arrays["x"])
    outside = {f["properties"]["id"] for f in ds.events} - set(inside)
    assert not any(i in page for i in outside)


def test_html_footer_title_and_credits(page):
    assert "Exported 2025-01-02 03:04 UTC by bordermap" in page
    assert "Filters: 2010-07-01 to 2010-07-31" in page
    # (JS strings: the © is written \u00a9; the layers' own credits are inside their gzipped data)
    assert "\\u00a9 OpenStreetMap contributors" in page
    assert "Rivers and lakes: GSHHG/WDBII, Wessel" in page
    assert "Relief: matplotlib basemap shadedrelief.jpg (LGPL-3.0)" in page
    assert "Events: A. Author (2012), Some Network, and the sources it relays" in page
    # (the footer's own words are checked as text in the browser tests; here they are JS strings)
    assert "Events drawn from A. Author" in page and "Some Network, 2012-07 (https://example.org/report)" in page


def test_html_is_deterministic_and_online_tiles_are_an_option(ds, page):
    assert export_html(ds, JULY, generated_at=WHEN) == page
    online = export_html(ds, JULY, generated_at=WHEN, online_tiles=True)
    assert "tile.openstreetmap.org" in online
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', online).group(1)
    assert "img-src data: blob: https:" in csp and "tile.openstreetmap.org" not in page


def test_generated_at_must_be_aware(ds):
    with pytest.raises(ValueError, match="timezone-aware"):
        export_csv(ds, JULY, generated_at=datetime(2025, 1, 2))


def test_events_attribution():
    assert events_attribution(None) == "Events: bordermap events file"
    assert events_attribution({"title": "T", "author": "Thomas Ruttig", "date": "2012-07",
                               "publisher": "Afghanistan Analysts Network"}) == \
        "Events: Thomas Ruttig (2012), Afghanistan Analysts Network, and the sources it relays"


def test_html_without_events_or_layers_still_builds():
    page = export_html([], generated_at=WHEN)
    assert "0 events" in page and "Exported 2025-01-02" in page


# ---- GeoJSON, CSV, KML -----------------------------------------------------------------------


def test_geojson_validates_and_round_trips(ds):
    text = export_geojson(ds, JULY, generated_at=WHEN)
    fc = json.loads(text)
    assert [p for p in validate_collection(fc, "export.geojson") if p.severity == "error"] == []
    chosen = selected_events(ds, JULY)
    assert len(fc["features"]) == len(chosen)
    for out, f in zip(fc["features"], chosen):
        assert not set(DERIVED_FIELDS) & set(out["properties"])
        assert out["properties"] == {k: v for k, v in f["properties"].items() if k not in DERIVED_FIELDS}
        assert out["geometry"] == f["geometry"]
    assert fc["article"] == ds.article
    assert "2010-07-01 to 2010-07-31" in fc["description"]
    assert geojson_collection(ds, JULY, generated_at=WHEN) == fc


def test_geojson_export_of_the_real_data_passes_bordermap_validate(tmp_path, capsys):
    from bordermap.cli import main

    events_file = ROOT / "data" / "events.geojson"
    if not events_file.exists():
        pytest.skip("data/events.geojson not there yet")
    ds = load_dataset(events_file, ROOT / "geo")
    out = write_export("geojson", tmp_path / "events.geojson", export_geojson(ds, None, generated_at=WHEN))
    assert main(["validate", str(out)]) == 0
    assert "valid" in capsys.readouterr().out
    by_id = {f["properties"]["id"]: f for f in json.loads(events_file.read_text("utf-8"))["features"]}
    exported = json.loads(out.read_text("utf-8"))["features"]
    assert len(exported) == len(by_id)
    assert all(f == by_id[f["properties"]["id"]] for f in exported)  # as written, derived fields gone


def test_csv_has_acleds_header_and_a_row_per_selected_event(ds):
    rows = list(csv.DictReader(io.StringIO(export_csv(ds, JULY, generated_at=WHEN))))
    assert list(rows[0]) == list(ACLED_COLUMNS)
    assert [r["event_id_cnty"] for r in rows] == [f["properties"]["id"] for f in selected_events(ds, JULY)]
    assert {r["timestamp"] for r in rows} == {str(int(WHEN.timestamp()))}


def test_kml_has_a_placemark_per_selected_event(ds):
    doc = ET.fromstring(export_kml(ds, JULY, title="July", generated_at=WHEN))
    ns = "{http://www.opengis.net/kml/2.2}"
    assert doc.find(f"{ns}Document/{ns}name").text == "July"
    assert len(doc.findall(f".//{ns}Placemark")) == len(selected_events(ds, JULY))
    assert "Filters: 2010-07-01 to 2010-07-31" in doc.find(f"{ns}Document/{ns}description").text


# ---- one entry point, writing ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "geojson", "csv", "kml"])
def test_export_bytes_is_the_format_function_encoded(ds, fmt):
    direct = {"html": export_html, "geojson": export_geojson, "csv": export_csv, "kml": export_kml}[fmt]
    assert export_bytes(fmt, ds, JULY, generated_at=WHEN) == direct(ds, JULY, generated_at=WHEN).encode("utf-8")


def test_export_bytes_rejects_unknown_formats(ds):
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export_bytes("pdf", ds, JULY)


def test_write_export_refuses_to_overwrite_and_writes_atomically(tmp_path):
    target = tmp_path / "sub" / "map.csv"
    write_export("csv", target, "a,b\n")
    assert target.read_text() == "a,b\n"
    with pytest.raises(FileExistsRefusal, match="already exists; not overwriting it"):
        write_export("csv", target, "new\n")
    assert target.read_text() == "a,b\n"
    write_export("csv", target, "new\n", force=True)
    assert target.read_text() == "new\n"
    assert [p.name for p in target.parent.iterdir()] == ["map.csv"]  # no temp file left behind
    with pytest.raises(TypeError):
        write_export("png", tmp_path / "x.png", "text is not a PNG")
    with pytest.raises(ValueError):
        write_export("pdf", tmp_path / "x.pdf", b"")


def test_formats_and_suggested_filenames():
    assert set(FORMATS) == {"html", "png", "geojson", "csv", "kml"}
    assert FORMATS["png"].binary and FORMATS["kml"].mime == "application/vnd.google-earth.kml+xml"
    assert suggested_filename("csv", JULY) == "bordermap-2010-07-01-to-2010-07-31.csv"
    assert suggested_filename("html") == "bordermap-all.html"


def test_png_without_chromium_says_what_to_install(ds, monkeypatch):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    with pytest.raises(render.RendererUnavailable, match=r"apt-get install chromium"):
        export_bytes("png", ds, JULY)


def test_jinja_syntax_in_data_is_not_evaluated(ds):
    probe = '{{ "PWN" ~ "ED" }}'
    fc = synthetic_collection(2, seed=1)
    p = fc["features"][0]["properties"]
    p["title"] = p["summary"] = p["location"] = probe
    p["actors"][0]["name"] = probe
    flt = EventFilter(actor=probe)
    page = export_html(fc, flt, title=probe, generated_at=WHEN)
    assert "PWNED" not in page


def test_counts_are_written_with_thousands_separators(tmp_path):
    """'1,200 of 1,200 events' in the HTML's title box and footer and in the GeoJSON's
    description (the app writes its counts the same way)."""
    path = tmp_path / "many.geojson"
    path.write_text(json.dumps(synthetic_collection(1200, seed=3)))
    ds = load_dataset(path)
    page = export_html(ds)
    assert "1,200 of 1,200 events" in page and "1,200 events" in page
    assert "1200 of 1200" not in page
    assert "1,200 of 1,200 events" in json.loads(export_geojson(ds))["description"]
