"""KML: parsed back with ElementTree and compared with the events it came from."""

from __future__ import annotations

import copy
import html
import xml.etree.ElementTree as ET

import pytest

from bordermap.io.kml import EXTENDED_FIELDS, KML_NS, kml_color, to_kml, type_style_id
from bordermap.mapping.style import TYPE_COLORS
from bordermap.model import derive_properties

K = f"{{{KML_NS}}}"
POINT = {"type": "Point", "coordinates": [71.5534, 37.4904]}
LINE = {"type": "LineString", "coordinates": [[71.5534, 37.4904], [71.5078, 37.5242], [71.45, 37.6167]]}
SQUARE = [[71.5, 37.4], [71.6, 37.4], [71.6, 37.5], [71.5, 37.5], [71.5, 37.4]]
HOLE = [[71.52, 37.42], [71.55, 37.42], [71.55, 37.45], [71.52, 37.42]]
POLYGON = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
MULTI = {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[70, 36], [70.1, 36], [70.1, 36.1], [70, 36]]]]}


def event(i: int, geometry: dict, **props) -> dict:
    p = {
        "id": f"event-{i}", "title": f"Event {i} & <friends>", "summary": f"Summary {i}: what happened.",
        "date_start": "2012-07-24", "date_end": "2012-07-27", "date_precision": "week",
        "location": "Khorog", "admin1": "Gorno-Badakhshan", "country": "TJK", "geo_precision": 2,
        "event_type": "Battles", "sub_event_type": "Armed clash",
        "actors": [{"name": "Military Forces of Tajikistan", "role": "actor1", "inter": "State forces",
                    "aliases": ["Tajik army"]}],
        "fatalities": [{"source": "Tajik government", "total": 42}, {"source": "BBC Persian", "low": 100, "high": 200}],
        "sources": [{"name": "Tajik government", "kind": "official", "url": "https://example.org/gov"},
                    {"name": "BBC Persian", "kind": "media", "url": "javascript:alert(1)"}],
        "article_refs": [3], "confidence": "reported", "confidence_note": "One side only.",
        "tags": ["khorog-2012", "test"],
    }
    p.update(props)
    return {"type": "Feature", "geometry": copy.deepcopy(geometry), "properties": derive_properties(p)}


EVENTS = [event(1, POINT), event(2, LINE, event_type="Strategic developments",
                                 sub_event_type="Change to group/activity"),
          event(3, POLYGON, event_type="Violence against civilians", sub_event_type="Attack"),
          event(4, MULTI, date_precision="day", date_end="2012-07-24", fatalities=[])]


@pytest.fixture(scope="module")
def doc():
    return ET.fromstring(to_kml(EVENTS, name="Test & <export>", description="Exported now\nFilters: all"))


def coords(text: str) -> list[list[float]]:
    return [[float(x) for x in pair.split(",")] for pair in text.split()]


def test_document(doc):
    assert doc.tag == f"{K}kml"
    d = doc.find(f"{K}Document")
    assert d.find(f"{K}name").text == "Test & <export>"
    assert html.unescape(d.find(f"{K}description").text) == "Exported now<br>Filters: all"
    assert to_kml(EVENTS, name="x").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_one_placemark_per_event_with_name_time_and_data(doc):
    marks = doc.findall(f".//{K}Placemark")
    assert len(marks) == len(EVENTS)
    for pm, f in zip(marks, EVENTS):
        p = f["properties"]
        assert pm.find(f"{K}name").text == p["title"]
        assert pm.find(f"{K}TimeSpan/{K}begin").text == p["date_start"]
        assert pm.find(f"{K}TimeSpan/{K}end").text == p["date_end"]
        data = {d.get("name"): d.find(f"{K}value").text for d in pm.iter(f"{K}Data")}
        assert set(data) <= set(EXTENDED_FIELDS)
        for field in ("id", "title", "summary", "date_precision", "location", "admin1", "country",
                      "event_type", "sub_event_type", "confidence", "confidence_note"):
            assert data[field] == p[field]
        assert data["geo_precision"] == str(p["geo_precision"])
        assert data["tags"] == "khorog-2012\ntest"
        assert data["actors"] == "Military Forces of Tajikistan (actor1, State forces; also Tajik army)"
        if p["fatalities"]:
            assert data["fatalities"] == "Tajik government: 42\nBBC Persian: 100–200"
            assert (data["fatalities_low"], data["fatalities_high"]) == ("42", "200")
        else:
            assert "fatalities" not in data
        assert data["sources"].splitlines()[0] == "Tajik government — https://example.org/gov"


def test_styles_per_event_type(doc):
    styles = {s.get("id"): s for s in doc.iter(f"{K}Style")}
    for event_type, color in TYPE_COLORS.items():
        s = styles[type_style_id(event_type)]
        assert s.find(f"{K}IconStyle/{K}color").text == kml_color(color)
        assert s.find(f"{K}BalloonStyle/{K}text").text == "$[description]"
    for pm, f in zip(doc.iter(f"{K}Placemark"), EVENTS):
        assert pm.find(f"{K}styleUrl").text == "#" + type_style_id(f["properties"]["event_type"])
    assert kml_color("#D55E00") == "ff005ed5" and kml_color("#0072B2", 0x55) == "55b27200"


def test_geometries_round_trip(doc):
    marks = doc.findall(f".//{K}Placemark")
    assert coords(marks[0].find(f"{K}Point/{K}coordinates").text) == [POINT["coordinates"]]
    assert coords(marks[1].find(f"{K}LineString/{K}coordinates").text) == LINE["coordinates"]
    poly = marks[2].find(f"{K}Polygon")
    assert coords(poly.find(f"{K}outerBoundaryIs/{K}LinearRing/{K}coordinates").text) == SQUARE
    assert coords(poly.find(f"{K}innerBoundaryIs/{K}LinearRing/{K}coordinates").text) == HOLE
    polys = marks[3].findall(f"{K}MultiGeometry/{K}Polygon")
    assert [coords(p.find(f"{K}outerBoundaryIs/{K}LinearRing/{K}coordinates").text) for p in polys] == \
        [SQUARE, MULTI["coordinates"][1][0]]


def test_description_is_escaped_html_and_links_only_http(doc):
    desc = doc.find(f".//{K}Placemark/{K}description").text
    assert "<h3>Event 1 &amp; &lt;friends&gt;</h3>" in desc
    assert '<a href="https://example.org/gov">Tajik government</a>' in desc
    assert "javascript:" not in desc and "<li>BBC Persian</li>" in desc
    assert "Tajik government: 42" in desc and "BBC Persian: 100–200" in desc


def test_text_xml_cannot_hold_is_replaced_not_fatal():
    text = to_kml([event(1, POINT, title="bell \x07 and form feed \x0c")], name="x")
    pm = ET.fromstring(text).find(f".//{K}Placemark")
    assert pm.find(f"{K}name").text == "bell \ufffd and form feed \ufffd"


def test_carriage_returns_survive_an_xml_reader():
    text = to_kml([event(1, POINT, title="one\rtwo\r\nthree", summary="a\rb")], name="doc\rname")
    doc = ET.fromstring(text)
    assert "\r" not in text  # a raw CR would be read back as LF (XML 1.0 §2.11)
    assert doc.find(f"{K}Document/{K}name").text == "doc\rname"
    pm = doc.find(f".//{K}Placemark")
    assert pm.find(f"{K}name").text == "one\rtwo\r\nthree"
    data = {d.get("name"): d.find(f"{K}value").text for d in pm.iter(f"{K}Data")}
    assert data["summary"] == "a\rb"


def test_a_lone_surrogate_becomes_a_replacement_character():
    text = to_kml([event(1, POINT, title="half \ud800 pair")], name="title \udcff")
    text.encode("utf-8")  # a writer that kept it would fail here
    doc = ET.fromstring(text)
    assert doc.find(f"{K}Document/{K}name").text == "title \ufffd"
    assert doc.find(f".//{K}Placemark/{K}name").text == "half \ufffd pair"
