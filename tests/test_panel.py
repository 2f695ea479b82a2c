"""The detail panel and the briefing card: complete, and everything from data escaped."""

import json
from pathlib import Path

from bordermap.panel import border_label, contested_line, date_label, render_panel

ROOT = Path(__file__).resolve().parents[1]
EVENTS = {f["properties"]["id"]: f for f in json.loads((ROOT / "data" / "events.geojson").read_text())["features"]}


def test_panel_shows_contested_claims_side_by_side_and_corrections():
    html = render_panel(EVENTS["2012-07-24-khorog-special-operation"])
    assert "Tajik government" in html and "BBC Persian" in html
    assert ">42<" in html and ">200<" in html
    assert ">8 (partial: Afghans only)<" in html and ">about 20 (partial: troops only)<" in html
    assert ("the range of the complete tolls is 42–200: partial counts (one group only) are left out."
            in html)
    bridge = render_panel(EVENTS["2002-11-03-khorog-bridge-opened"])
    assert "The article says:" in bridge and "2004" in bridge and "2002" in bridge


def test_panel_escapes_data_and_links_only_http():
    f = json.loads(json.dumps(EVENTS["2012-07-25-karzai-rahmon-call"]))
    p = f["properties"]
    p["title"] = '<script>alert(1)</script>"'
    p["summary"] = '<img src=x onerror="alert(1)">'
    p["sources"] = [{"name": "<b>x</b>", "kind": "media", "url": "javascript:alert(1)"},
                    {"name": "ok", "kind": "media", "url": "https://example.org/a?b=1&c=2"}]
    html = render_panel(f)
    assert "<script>" not in html and "<b>x</b>" not in html
    assert html.count("<img") == html.count('<img class="bm-swatch" alt=""') == 1  # only the type's own marker
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html
    assert 'href="javascript' not in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html


def test_panel_with_partial_counts_only_says_there_is_no_toll():
    f = json.loads(json.dumps(EVENTS["2012-07-24-khorog-special-operation"]))
    f["properties"]["fatalities"] = [c for c in f["properties"]["fatalities"] if c.get("scope") == "partial"]
    html = render_panel(f)
    assert "none is a complete toll: the partial counts show only that at least 20 died." in html
    assert ">at least 20 (partial: civilians only)<" in html


def test_labels():
    p = EVENTS["2010-07-ozodegon-cattle-theft"]["properties"]
    assert date_label(p) == "Jul 2010 (month only)"
    assert date_label({"date_start": "1992-01-01", "date_end": "1997-12-31", "date_precision": "year"}) == "1992–1997 (years only)"
    assert border_label({"side": "TJK", "distance_to_border_km": 2.6, "nearest_crossing": "tem-demogan",
                         "nearest_crossing_km": 6.1}, {"tem-demogan": "Tem–Demogan bridge"}) == \
        "Tajik side; 2.6 km from the border; nearest bridge: Tem–Demogan bridge, 6 km"
    line = contested_line(EVENTS["2012-07-24-khorog-special-operation"]["properties"], limit=2)
    assert line.startswith("Tajik government 42 · BBC Persian 200") and line.endswith("more)")


def test_panel_isolates_every_value_so_no_override_reorders_the_next():
    import re

    f = json.loads(json.dumps(EVENTS["2012-07-25-karzai-rahmon-call"]))
    p = f["properties"]
    p["sources"] = [{"name": "\u202eevil wire", "kind": "media", "url": "https://example.org/\u202e"},
                    {"name": "Reuters", "kind": "media"}]
    p["actors"] = [{"name": "Тест \u202e", "aliases": ["خاروغ", "Khorog"]}]
    html = render_panel(f)
    # each value in its own <bdi>: the override ends where the name ends
    assert "<bdi>\u202eevil wire</bdi>" in html and "<bdi>Reuters</bdi>" in html
    assert "<bdi>خاروغ</bdi>, <bdi>Khorog</bdi>" in html
    # attributes are never wrapped (a <bdi> inside href or class would break the markup)
    for attr in re.findall(r'(?:href|class|style)="([^"]*)"', html):
        assert "<" not in attr and "bdi" not in attr


def test_the_type_badge_shows_the_type_marker_as_on_the_map():
    import base64
    import re

    from bordermap.mapping.style import TYPE_COLORS, TYPE_SHAPES, marker_svg

    f = EVENTS["2012-07-24-khorog-special-operation"]
    html = render_panel(f)
    src = re.search(r'<span class="bm-badge bm-type"[^>]*><img class="bm-swatch" alt="" width="\d+" height="\d+" '
                    r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)">', html)
    assert src, html[:600]
    event_type = f["properties"]["event_type"]
    assert base64.b64decode(src.group(1)).decode() == marker_svg(TYPE_SHAPES[event_type], fill=TYPE_COLORS[event_type],
                                                                 stroke="#333", width=1.2, r=5)
    odd = json.loads(json.dumps(f))
    odd["properties"]["event_type"] = "<b>Unheard of</b>"  # no shape, no image; the name escaped
    html = render_panel(odd)
    assert "bm-swatch" not in html and "&lt;b&gt;Unheard of&lt;/b&gt;" in html
