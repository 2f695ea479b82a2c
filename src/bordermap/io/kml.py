"""Events as KML 2.2 for Google Earth: one Placemark per event, styled by event type.

Built with :mod:`xml.etree.ElementTree`, so every text is XML-escaped. Google Earth shows a
placemark's ``description`` as HTML, so the description is built as HTML with every data value
HTML-escaped first (and only ``http(s)`` URLs become links); the XML layer then escapes that
HTML once more, which is the CDATA-free form the KML spec allows. A ``BalloonStyle`` shows only
that description, so Google Earth never renders the raw ``ExtendedData`` values as HTML.
Characters XML cannot hold (C0 controls other than tab and line breaks, U+FFFE, U+FFFF) and lone
surrogates become U+FFFD; a carriage return is written ``&#13;``, so it is read back as CR, not LF.

Per placemark:

* ``name`` — the event title (plain text);
* ``TimeSpan`` — ``begin`` = ``date_start``, ``end`` = ``date_end`` (inclusive days, as in the model);
* ``styleUrl`` — ``#type-<n>``, one style per ACLED event type (the map's colours);
* ``description`` — escaped HTML: date, place, type, confidence, summary, the fatality claims side
  by side, corrections, sources with links;
* ``ExtendedData`` — the event's fields as plain text (``Data name=... <value>``), for tools that
  read them back;
* the geometry: ``Point``, ``LineString``, ``Polygon`` or, for a MultiPolygon, a
  ``MultiGeometry`` of Polygons.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from typing import Any, Iterable, Mapping, Sequence

from bordermap.mapping.payload import claim_line, correction_line
from bordermap.mapping.style import TYPE_COLORS

__all__ = ["KML_NS", "EXTENDED_FIELDS", "to_kml", "kml_color", "type_style_id"]

KML_NS = "http://www.opengis.net/kml/2.2"
_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"  # Google Earth's own palette

#: Fields written to each placemark's ExtendedData (lists and dicts as readable text).
EXTENDED_FIELDS: tuple[str, ...] = (
    "id", "title", "summary", "date_start", "date_end", "date_precision", "date_note", "location",
    "admin1", "country", "geo_precision", "location_note", "event_type", "sub_event_type", "actors",
    "fatalities", "fatalities_low", "fatalities_high", "sources", "confidence", "confidence_note",
    "corrections", "tags", "side", "distance_to_border_km", "nearest_crossing", "nearest_crossing_km",
)


def kml_color(hex_rgb: str, alpha: int = 0xFF) -> str:
    """``#RRGGBB`` -> KML's ``aabbggrr``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha:02x}{b}{g}{r}".lower()


def type_style_id(event_type: str) -> str:
    """A stable, XML-safe style id per event type (``type-0`` ... ``type-5``; ``type-x`` else)."""
    types = list(TYPE_COLORS)
    return f"type-{types.index(event_type)}" if event_type in types else "type-x"


# Characters XML 1.0 forbids (ElementTree would write them and make the file unreadable), and
# lone surrogates, which are no character and cannot be encoded as UTF-8: each becomes U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: Any = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{KML_NS}}}{tag}", {k: _NOT_XML.sub("\ufffd", v) for k, v in attrib.items()})
    if text is not None:
        el.text = _NOT_XML.sub("\ufffd", str(text))
    return el


def _text(value: Any) -> str:
    """A field as plain text: lists one item per line, claims/sources/actors readable."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, dict):
        if "role" in value and "name" in value:  # an actor
            extra = ", ".join(x for x in (value["role"], value.get("inter")) if x)
            aliases = f"; also {', '.join(value['aliases'])}" if value.get("aliases") else ""
            return f"{value['name']} ({extra}{aliases})"
        if "source" in value:  # a fatality claim
            return claim_line(value)
        if "article_says" in value:
            return correction_line(value)
        if "kind" in value and "name" in value:  # a source
            return " — ".join(str(x) for x in (value["name"], value.get("url"), value.get("date")) if x)
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _safe_url(url: Any) -> str | None:
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


def _description(p: Mapping[str, Any]) -> str:
    """The balloon as HTML; every data value is escaped here, before the XML layer escapes again."""
    e = html.escape
    when = p["date_start"] if p["date_start"] == p["date_end"] else f"{p['date_start']} to {p['date_end']}"
    parts = [
        f"<h3>{e(p['title'])}</h3>",
        f"<p>{e(when)} ({e(p['date_precision'])} precision) · {e(p['location'])} · "
        f"{e(p['event_type'])} / {e(p['sub_event_type'])}</p>",
        f"<p>{e(p['summary'])}</p>",
        f"<p>Confidence: {e(p['confidence'])} — {e(p.get('confidence_note', ''))}</p>",
    ]
    if p.get("fatalities"):
        parts.append("<p><b>Fatalities, as claimed (side by side, not averaged)</b></p><ul>"
                     + "".join(f"<li>{e(claim_line(c))}</li>" for c in p["fatalities"]) + "</ul>")
    if p.get("corrections"):
        parts.append("<p><b>Corrections</b></p><ul>"
                     + "".join(f"<li>{e(correction_line(c))}</li>" for c in p["corrections"]) + "</ul>")
    if p.get("sources"):
        items = []
        for s in p["sources"]:
            url = _safe_url(s.get("url"))
            name = f'<a href="{e(url, quote=True)}">{e(s["name"])}</a>' if url else e(s["name"])
            items.append(f"<li>{name}{' (' + e(s['date']) + ')' if s.get('date') else ''}</li>")
        parts.append("<p><b>Sources</b></p><ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def _coords(positions: Sequence[Sequence[float]]) -> str:
    return " ".join(f"{round(x[0], 6)!r},{round(x[1], 6)!r}" for x in positions)


def _polygon(parent: ET.Element, rings: Sequence[Sequence[Sequence[float]]]) -> None:
    poly = _sub(parent, "Polygon")
    for i, ring in enumerate(rings):
        boundary = _sub(poly, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
        _sub(_sub(boundary, "LinearRing"), "coordinates", _coords(ring))


def _geometry(parent: ET.Element, geometry: Mapping[str, Any]) -> None:
    kind, c = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coords([c]))
    elif kind == "LineString":
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", 1)
        _sub(line, "coordinates", _coords(c))
    elif kind == "Polygon":
        _polygon(parent, c)
    elif kind == "MultiPolygon":
        multi = _sub(parent, "MultiGeometry")
        for rings in c:
            _polygon(multi, rings)
    else:  # the schema allows no other type
        raise ValueError(f"cannot write a {kind} geometry to KML")


def _styles(doc: ET.Element) -> None:
    for event_type, color in {**TYPE_COLORS, None: "#777777"}.items():
        style = _sub(doc, "Style", id=type_style_id(event_type) if event_type else "type-x")
        icon = _sub(style, "IconStyle")
        _sub(icon, "color", kml_color(color))
        _sub(icon, "scale", "1.0")
        _sub(_sub(icon, "Icon"), "href", _ICON)
        line = _sub(style, "LineStyle")
        _sub(line, "color", kml_color(color))
        _sub(line, "width", "3")
        poly = _sub(style, "PolyStyle")
        _sub(poly, "color", kml_color(color, 0x55))
        _sub(_sub(style, "BalloonStyle"), "text", "$[description]")


def _placemark(folder: ET.Element, feature: Mapping[str, Any]) -> None:
    p = feature["properties"]
    pm = _sub(folder, "Placemark", id=f"event-{p['id']}")
    _sub(pm, "name", p["title"])
    _sub(pm, "description", _description(p))
    span = _sub(pm, "TimeSpan")
    _sub(span, "begin", p["date_start"])
    _sub(span, "end", p["date_end"])
    _sub(pm, "styleUrl", "#" + type_style_id(p["event_type"]))
    data = _sub(pm, "ExtendedData")
    for name in EXTENDED_FIELDS:
        if p.get(name) in (None, "", []):
            continue
        d = _sub(data, "Data", name=name)
        _sub(d, "value", _text(p[name]))
    _geometry(pm, feature["geometry"])


def to_kml(events: Iterable[Mapping[str, Any]], *, name: str, description: str = "") -> str:
    """A KML 2.2 document (UTF-8 text with XML declaration) of the events.

    Parameters
    ----------
    events
        Event Features in the project's model.
    name
        The document's name (shown in Google Earth's Places panel).
    description
        Plain text about the export (time, filters, attributions); escaped for Google Earth.
    """
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _sub(root, "Document")
    _sub(doc, "name", name)
    if description:
        _sub(doc, "description", html.escape(description).replace("\n", "<br>"))
    _styles(doc)
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Events")
    for feature in events:
        _placemark(folder, feature)
    # ElementTree writes a CR in text as it is, and XML readers turn it into LF (XML 1.0 §2.11);
    # as a character reference it survives. Attributes already have theirs escaped.
    body = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
