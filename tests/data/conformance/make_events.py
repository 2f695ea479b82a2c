"""Write tests/data/conformance/events.geojson: twelve synthetic events chosen for the edge cases
of the filter (interval overlap at the window's edges, month- and year-precision spans, actors
known by an alias, both sides of the border and a line across it). Run from the repo root.

The expected results in cases.json were worked out by hand from this table, not by running the
filter:

| id | dates | type | confidence | side | actors |
|---|---|---|---|---|---|
| e01 | 2012-07-24 | Battles | confirmed | TJK | Tajik security forces |
| e02 | 2012-07-24 .. 2012-07-25 | Battles | disputed | TJK | Tolib Ayombekov (alias Ayambekov) |
| e03 | 2012-07-01 .. 2012-07-31 (month) | Violence against civilians | reported | TJK | - |
| e04 | 2012-01-01 .. 2012-12-31 (year) | Strategic developments | unconfirmed | AFG | Taliban |
| e05 | 2012-07-23 | Strategic developments | reported | AFG | - |
| e06 | 2012-07-26 | Protests | confirmed | TJK | Protesters (Khorugh) |
| e07 | 2012-08-01 | Battles | reported | AFG | Taliban |
| e08 | 2012-06-30 | Riots | unconfirmed | TJK | - |
| e09 | 2012-07-25 (line across the Panj) | Strategic developments | reported | both | Tolib Ayombekov |
| e10 | 2010-09-01 .. 2010-09-30 (month) | Battles | confirmed | TJK | Tajik security forces |
| e11 | 2012-07-31 | Explosions/Remote violence | disputed | AFG | - |
| e12 | 2012-07-20 .. 2012-07-26 (week) | Battles | reported | TJK | Tajik security forces |
"""

import json
from pathlib import Path

KHORUGH = [71.5534, 37.4904]
ISHKASHIM_AF = [71.5739, 36.7092]
SUBTYPE = {"Battles": "Armed clash", "Violence against civilians": "Attack",
           "Strategic developments": "Other", "Protests": "Peaceful protest", "Riots": "Mob violence",
           "Explosions/Remote violence": "Grenade"}
ROWS = [
    ("e01", "2012-07-24", "2012-07-24", "day", "Battles", "confirmed", KHORUGH, [("Tajik security forces", [])]),
    ("e02", "2012-07-24", "2012-07-25", "day", "Battles", "disputed", KHORUGH, [("Tolib Ayombekov", ["Ayambekov"])]),
    ("e03", "2012-07-01", "2012-07-31", "month", "Violence against civilians", "reported", KHORUGH, []),
    ("e04", "2012-01-01", "2012-12-31", "year", "Strategic developments", "unconfirmed", ISHKASHIM_AF, [("Taliban", [])]),
    ("e05", "2012-07-23", "2012-07-23", "day", "Strategic developments", "reported", ISHKASHIM_AF, []),
    ("e06", "2012-07-26", "2012-07-26", "day", "Protests", "confirmed", KHORUGH, [("Protesters (Khorugh)", [])]),
    ("e07", "2012-08-01", "2012-08-01", "day", "Battles", "reported", ISHKASHIM_AF, [("Taliban", [])]),
    ("e08", "2012-06-30", "2012-06-30", "day", "Riots", "unconfirmed", KHORUGH, []),
    ("e09", "2012-07-25", "2012-07-25", "day", "Strategic developments", "reported",
     [[71.60, 37.55], [71.40, 37.45]], [("Tolib Ayombekov", [])]),
    ("e10", "2010-09-01", "2010-09-30", "month", "Battles", "confirmed", KHORUGH, [("Tajik security forces", [])]),
    ("e11", "2012-07-31", "2012-07-31", "day", "Explosions/Remote violence", "disputed", ISHKASHIM_AF, []),
    ("e12", "2012-07-20", "2012-07-26", "week", "Battles", "reported", KHORUGH, [("Tajik security forces", [])]),
]


def feature(row):
    eid, d0, d1, prec, et, conf, coords, actors = row
    geom = ({"type": "LineString", "coordinates": coords} if isinstance(coords[0], list)
            else {"type": "Point", "coordinates": coords})
    return {"type": "Feature", "geometry": geom, "properties": {
        "id": eid, "title": f"Conformance event {eid}", "summary": "Synthetic event for the filter conformance test.",
        "date_start": d0, "date_end": d1, "date_precision": prec, "location": "Khorugh",
        "country": "TJK", "geo_precision": 1, "event_type": et, "sub_event_type": SUBTYPE[et],
        "actors": [{"name": n, "role": "actor1", **({"aliases": a} if a else {})} for n, a in actors],
        "fatalities": [], "sources": [{"name": "Synthetic", "kind": "other"}], "article_refs": [],
        "confidence": conf, "confidence_note": "Synthetic.", "tags": ["synthetic"]}}


if __name__ == "__main__":
    out = Path(__file__).with_name("events.geojson")
    out.write_text(json.dumps({"type": "FeatureCollection", "features": [feature(r) for r in ROWS]}, indent=1) + "\n")
    print(out)
