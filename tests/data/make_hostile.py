"""Write tests/data/hostile.geojson: a *valid* events file whose every text field is hostile.

Each text carries markup that would run if any view put it in the page as HTML
(``<script>``, ``<img onerror=...>``), quotes of both kinds, an HTML entity that must stay
literal, a template expression, and right-to-left text with a right-to-left override
(U+202E). Source URLs are http(s) (the validator rejects anything else) but try to break out of
an ``href`` attribute; tests add ``javascript:`` URLs in memory, bypassing validation.

Run from the repo root: ``.venv/bin/python tests/data/make_hostile.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("hostile.geojson")

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
QUOTES = "\"'`"
ENTITY = "&amp; &lt;b&gt;"
TEMPLATE = "{{7*7}} ${7*7}"
RTL = "مرحبا \u202e"
#: Every hostile piece; tests check each shows verbatim.
PIECES = (SCRIPT, IMG, QUOTES, ENTITY, TEMPLATE, RTL)


def hostile(label: str) -> str:
    """A hostile text that still says which field it is in."""
    return f"{label} {SCRIPT} {IMG} {QUOTES} {ENTITY} {TEMPLATE} {RTL} end"


def hostile_url(n: int) -> str:
    return f'https://example.org/{n}?q="><script>window.__pwned=1</script>&x=\'onmouseover=\'window.__pwned=1'


def _event(i: int, geometry: dict, event_type: str, sub: str, date_precision: str, dates: tuple[str, str],
           geo_precision: int) -> dict:
    src_a, src_b = hostile(f"source-a{i}"), hostile(f"source-b{i}")
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "id": f"hostile-{i}",
            "title": hostile(f"title{i}"),
            "summary": hostile(f"summary{i}"),
            "date_start": dates[0],
            "date_end": dates[1],
            "date_precision": date_precision,
            "date_note": hostile(f"date-note{i}"),
            "location": hostile(f"location{i}"),
            "admin1": hostile(f"admin1-{i}"),
            "country": "TJK",
            "geo_precision": geo_precision,
            "location_note": hostile(f"location-note{i}"),
            "event_type": event_type,
            "sub_event_type": sub,
            "actors": [
                {"name": hostile(f"actor1-{i}"), "role": "actor1", "inter": "State forces",
                 "aliases": [hostile(f"alias{i}")], "note": hostile(f"actor-note{i}")},
                {"name": hostile(f"actor2-{i}"), "role": "actor2", "inter": "Civilians"},
                {"name": hostile(f"assoc{i}"), "role": "assoc_actor_1"},
            ],
            "fatalities": [
                {"source": src_a, "total": 3, "breakdown": {hostile(f"party{i}"): 3},
                 "note": hostile(f"claim-note{i}")},
                {"source": src_b, "low": 5, "high": 9},
            ],
            "sources": [
                {"name": src_a, "kind": "media", "url": hostile_url(i), "date": "2012-07",
                 "relayed_by": hostile(f"relay{i}"), "note": hostile(f"source-note{i}")},
                {"name": src_b, "kind": "official"},
            ],
            "article_refs": [1],
            "confidence": "disputed",
            "confidence_note": hostile(f"confidence-note{i}"),
            "corrections": [{"field": hostile(f"field{i}"), "article_says": hostile(f"says{i}"),
                             "correction": hostile(f"correction{i}"),
                             "sources": [{"name": hostile(f"corr-source{i}"), "url": hostile_url(100 + i)}]}],
            "tags": [hostile(f"tag{i}")],
        },
    }


def collection() -> dict:
    square = [[71.50, 37.45], [71.60, 37.45], [71.60, 37.55], [71.50, 37.55], [71.50, 37.45]]
    return {
        "type": "FeatureCollection",
        "name": hostile("name"),
        "description": hostile("description"),
        "article": {"title": hostile("article-title"), "author": hostile("author"),
                    "publisher": hostile("publisher"), "date": "2012-07",
                    "url": "https://example.org/article?\"><script>window.__pwned=1</script>",
                    "paragraphs": 3},
        "features": [
            _event(1, {"type": "Point", "coordinates": [71.5534, 37.4904]}, "Battles", "Armed clash", "day",
                   ("2012-07-24", "2012-07-24"), 1),
            _event(2, {"type": "LineString", "coordinates": [[71.5534, 37.4904], [71.45, 37.6167]]},
                   "Strategic developments", "Change to group/activity", "week", ("2012-07-24", "2012-07-27"), 2),
            _event(3, {"type": "Polygon", "coordinates": [square]}, "Violence against civilians", "Attack",
                   "month", ("2012-08-01", "2012-08-31"), 3),
        ],
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(collection(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {OUT}")
