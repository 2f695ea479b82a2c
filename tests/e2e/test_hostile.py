"""Hostile text through every field and every export: nothing runs, everything reads as written.

``tests/data/hostile.geojson`` (made by ``tests/data/make_hostile.py``) is a valid events file
whose every text field carries markup, quotes, entities and right-to-left text. The HTML export
is opened offline in Chromium, every popup and tooltip is opened, and the page must show the
strings verbatim with ``window.__pwned`` never set. A second collection, built in memory and
fed to the export functions without validation, adds ``javascript:`` and ``data:`` URLs to show
the renderer itself only links http(s). KML, ACLED CSV and GeoJSON must carry the strings back
unchanged.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bordermap.dataset import Dataset, load_dataset, prepare_events
from bordermap.model import DERIVED_FIELDS
from bordermap.export import export_csv, export_geojson, export_html, export_kml
from bordermap.geo import ReferenceLayers, load_reference_layers
from bordermap.io.files import read_json

from browser import offline_page

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "data"))
from make_hostile import PIECES, TEMPLATE, collection, hostile  # noqa: E402

pytestmark = pytest.mark.e2e
HOSTILE_FILE = ROOT / "tests" / "data" / "hostile.geojson"
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
KML = "{http://www.opengis.net/kml/2.2}"
#: Jinja syntax in data. folium/branca render every element's output a second time as a Jinja
#: template, so unless the mapping layer neutralises it, '{{7*7}}' shows as '49' — and '{{ ... }}'
#: can run arbitrary Python while the map is built (server-side template injection).
BAD_URLS = ("javascript:window.__pwned=1", "JaVaScRiPt:window.__pwned=1",
            "data:text/html,<script>window.__pwned=1</script>", " javascript:window.__pwned=1")


def test_hostile_file_is_current_and_valid():
    assert read_json(HOSTILE_FILE) == json.loads(json.dumps(collection())), \
        "tests/data/hostile.geojson is stale: run tests/data/make_hostile.py"
    load_dataset(HOSTILE_FILE, ROOT / "geo")  # raises if invalid


def _hostile_reference(layers: ReferenceLayers) -> ReferenceLayers:
    """The real border and countries, with hostile place and bridge names."""
    places = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [71.3, 37.3]},
         "properties": {"id": "p1", "name": hostile("place"), "alt_names": [hostile("alt")]}}]}
    bridges = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [71.2, 37.2]},
         "properties": {"id": "b1", "name": hostile("bridge"), "opened": hostile("opened"),
                        "funder": hostile("funder"), "joins_tj": hostile("tj"), "joins_af": hostile("af"),
                        "precision": hostile("precision")}}]}
    raw = {**layers.raw, "places": places, "bridges": bridges}
    return ReferenceLayers(border=layers.border, countries=layers.countries, raw=raw)


@pytest.fixture(scope="module")
def validated():
    """The hostile file, validated and loaded like the app loads it, with hostile places/bridges."""
    ds = load_dataset(HOSTILE_FILE, ROOT / "geo")
    return Dataset(table=ds.table, article=ds.article, layers=_hostile_reference(ds.layers))


@pytest.fixture(scope="module")
def unvalidated():
    """The same events with javascript:/data: URLs, never validated (the validator refuses them)."""
    fc = copy.deepcopy(collection())
    for i, f in enumerate(fc["features"]):
        for j, s in enumerate(f["properties"]["sources"]):
            s["url"] = BAD_URLS[(i + j) % len(BAD_URLS)]
        for c in f["properties"]["corrections"]:
            c["sources"][0]["url"] = BAD_URLS[i % len(BAD_URLS)]
    fc["article"]["url"] = BAD_URLS[0]
    layers = load_reference_layers(ROOT / "geo")
    return Dataset(table=prepare_events(fc["features"], layers), article=fc["article"], layers=layers)


_OPEN_EVERYTHING = """async () => {
  const out = {popups: [], tooltips: [], refTooltips: [], hrefs: []};
  const layer = Bordermap.layers[0], map = layer.group._map;
  const text = (overlay) => {
    const el = overlay && overlay.getElement();
    return el ? el.textContent : null;
  };
  // Every event's tooltip and popup, as hovering and clicking it build them.
  for (let i = 0; i < layer.data.n; i++) {
    out.tooltips.push((await layer.tipElement(i)).textContent);
    const pop = await layer.openPopup(i);
    out.popups.push(pop.textContent);
    pop.querySelectorAll('a').forEach(a => out.hrefs.push(a.getAttribute('href')));
    map.closePopup();
  }
  // Reference layers: tooltips bound per feature, or to a whole layer group.
  map.eachLayer(l => {
    if (l === layer.group || !l.getTooltip || !l.getTooltip()
        || l.getTooltip().options.permanent) return;
    const targets = l.getLayers ? l.getLayers() : [l];
    targets.forEach(t => {
      if (t.getTooltip && t.getTooltip() && t !== l) return;  // reached on its own
      const at = t.getLatLng ? t.getLatLng() : t.getBounds().getCenter();
      if (t === l) l.openTooltip(at); else t.fire('mouseover', {latlng: at}, true);
      out.refTooltips.push(text(l.getTooltip()) || '');
      l.closeTooltip();
    });
  });
  return out;
}"""

_INJECTED = """() => ({
  pwned: window.__pwned,
  onerror: document.querySelectorAll('[onerror]').length,
  onmouseover: document.querySelectorAll('[onmouseover]').length,
  imgX: document.querySelectorAll('img[src="x"]').length,
  badLinks: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
              .filter(h => !/^https?:\\/\\//i.test(h) && !h.startsWith('#')),  // '#': Leaflet's buttons
  scriptsInBody: document.querySelectorAll('.leaflet-container script').length,
})"""


def _shown(text: str, where: str) -> bool:
    """``text`` appears verbatim in ``where`` — apart from its Jinja piece, which has its own
    test (:func:`test_template_syntax_in_data_is_shown_not_evaluated`)."""
    return all(part in where for part in text.split(TEMPLATE))


def _open(chromium, tmp_path: Path, page_html: str):
    path = tmp_path / "hostile.html"
    path.write_text(page_html, "utf-8")
    page, watch = offline_page(chromium, width=1400, height=1000)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bordermap && Bordermap.layers.length > 0 && Bordermap.layers[0].ready")
    return page, watch


def _assert_nothing_ran(page, watch) -> None:
    page.wait_for_timeout(300)  # onerror handlers fire asynchronously
    injected = page.evaluate(_INJECTED)
    assert injected == {"pwned": None, "onerror": 0, "onmouseover": 0, "imgX": 0, "badLinks": [],
                        "scriptsInBody": 0}, injected
    assert watch.problems() == []


def test_html_export_shows_hostile_text_verbatim_and_runs_none_of_it(chromium, tmp_path, validated):
    title = hostile("map-title")
    page, watch = _open(chromium, tmp_path, export_html(validated, title=title, generated_at=WHEN))
    seen = page.evaluate(_OPEN_EVERYTHING)
    assert len(seen["popups"]) == len(seen["tooltips"]) == 3
    for i, (popup, tooltip) in enumerate(zip(seen["popups"], seen["tooltips"]), start=1):
        assert _shown(hostile(f"title{i}"), tooltip) and _shown(hostile(f"location{i}"), tooltip)
        for field in (f"title{i}", f"summary{i}", f"confidence-note{i}", f"source-a{i}", f"source-b{i}",
                      f"claim-note{i}", f"says{i}", f"correction{i}", f"corr-source{i}",
                      f"location{i}", "article-title"):
            assert _shown(hostile(field), popup), f"popup {i} does not show {field} verbatim"
        # Breakdown keys are labels: claim_line writes 'security_forces' as 'security forces'.
        assert _shown(hostile(f"party{i}").replace("_", " "), popup)
    # Source URLs are http(s) with a break-out attempt: they stay links, attribute intact.
    assert seen["hrefs"] and all(h.startswith("https://example.org/") and "<script>" in h for h in seen["hrefs"])
    assert any(_shown(hostile("bridge"), t) and _shown(hostile("funder"), t) for t in seen["refTooltips"])

    text = page.evaluate("() => document.body.textContent")
    for piece in PIECES:
        if piece != TEMPLATE:
            assert piece in text
    assert _shown(hostile("place"), page.locator(".bm-place-label").first.text_content())
    assert _shown(title, page.locator(".bm-title h1").text_content())
    assert page.title() == title
    footer = page.locator(".bm-footer").text_content()
    assert all(_shown(hostile(x), footer) for x in ("article-title", "author", "publisher"))
    attribution = page.locator(".leaflet-control-attribution").text_content()
    assert _shown(hostile("author"), attribution) and _shown(hostile("publisher"), attribution)
    _assert_nothing_ran(page, watch)


def test_template_syntax_in_data_is_shown_not_evaluated(chromium, tmp_path, validated):
    page, watch = _open(chromium, tmp_path, export_html(validated, title=hostile("map-title"), generated_at=WHEN))
    seen = page.evaluate(_OPEN_EVERYTHING)
    shown = " ".join(seen["popups"] + seen["tooltips"] + seen["refTooltips"]
                     + [page.locator(".leaflet-container").text_content()])
    assert "&lt;b&gt; 49 " not in shown
    for i in (1, 2, 3):
        assert hostile(f"title{i}") in shown and hostile(f"summary{i}") in shown
    for label in ("map-title", "place", "bridge", "funder", "article-title", "author", "publisher"):
        assert hostile(label) in shown, label
    assert page.title() == hostile("map-title")


def test_only_http_urls_become_links_even_without_validation(chromium, tmp_path, unvalidated):
    page, watch = _open(chromium, tmp_path, export_html(unvalidated, generated_at=WHEN))
    seen = page.evaluate(_OPEN_EVERYTHING)
    assert seen["hrefs"] == []
    for i, popup in enumerate(seen["popups"], start=1):
        assert _shown(hostile(f"source-a{i}"), popup) and _shown(hostile(f"source-b{i}"), popup)  # plain text
    _assert_nothing_ran(page, watch)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [v for k, v in attrs if k == "href"]

    def handle_data(self, data):
        self.parts.append(data)


@pytest.mark.parametrize("data_name", ["validated", "unvalidated"])
def test_kml_keeps_hostile_text_verbatim_and_inert(data_name, request):
    ds = request.getfixturevalue(data_name)
    root = ET.fromstring(export_kml(ds, title=hostile("kml-title"), generated_at=WHEN))
    assert root.find(f"{KML}Document/{KML}name").text == hostile("kml-title")
    marks = root.findall(f".//{KML}Placemark")
    assert len(marks) == 3
    for i, pm in enumerate(marks, start=1):
        assert pm.find(f"{KML}name").text == hostile(f"title{i}")
        data = {d.get("name"): d.find(f"{KML}value").text for d in pm.iter(f"{KML}Data")}
        assert data["summary"] == hostile(f"summary{i}")
        assert data["location"] == hostile(f"location{i}")
        assert hostile(f"actor1-{i}") in data["actors"]
        # Google Earth renders the description as HTML: only our own tags, data as text.
        parsed = _Text()
        parsed.feed(pm.find(f"{KML}description").text)
        assert set(parsed.tags) <= {"h3", "p", "b", "ul", "li", "a"}
        text = "".join(parsed.parts)
        for field in (f"title{i}", f"summary{i}", f"source-a{i}", f"claim-note{i}", f"correction{i}"):
            assert hostile(field) in text
        assert all(h.startswith("https://") for h in parsed.hrefs)
        if data_name == "unvalidated":
            assert parsed.hrefs == []


@pytest.mark.parametrize("data_name", ["validated", "unvalidated"])
def test_csv_and_geojson_keep_hostile_text_verbatim(data_name, request):
    ds = request.getfixturevalue(data_name)
    rows = list(csv.DictReader(io.StringIO(export_csv(ds, generated_at=WHEN))))
    assert len(rows) == 3
    for i, row in enumerate(rows, start=1):
        assert row["notes"].startswith(hostile(f"summary{i}"))
        assert hostile(f"claim-note{i}") in row["notes"]
        assert row["actor1"] == hostile(f"actor1-{i}")
        assert row["actor2"] == hostile(f"actor2-{i}")
        assert row["assoc_actor_1"] == hostile(f"assoc{i}")
        assert row["location"] == hostile(f"location{i}")
        assert row["admin1"] == hostile(f"admin1-{i}")
        assert row["source"] == f"{hostile(f'source-a{i}')}; {hostile(f'source-b{i}')}"
        assert hostile(f"tag{i}") in row["tags"]

    out = json.loads(export_geojson(ds, generated_at=WHEN))
    source = {f["properties"]["id"]: f for f in ds.events}
    for f in out["features"]:
        original = {k: v for k, v in source[f["properties"]["id"]]["properties"].items()
                    if k not in DERIVED_FIELDS}
        assert f["properties"] == original
    assert out["article"] == ds.article
