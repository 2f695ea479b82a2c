"""Generate tests/data/bad/*.geojson: one small file per validator rule, each breaking one rule.

Run from the repo root: ``.venv/bin/python tests/data/make_bad_files.py``. The files are
committed so a reader can open them; this script is how they were made.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

OUT = Path(__file__).parent / "bad"

GOOD_EVENT = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [71.5534, 37.4904]},
    "properties": {
        "id": "good-event",
        "title": "A valid test event in Khorugh",
        "summary": "A synthetic event used to build one broken file per validation rule.",
        "date_start": "2012-07-24",
        "date_end": "2012-07-24",
        "date_precision": "day",
        "location": "Khorugh",
        "admin1": "Gorno-Badakhshan",
        "country": "TJK",
        "geo_precision": 1,
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actors": [{"name": "Military Forces of Tajikistan", "role": "actor1", "inter": "State forces"}],
        "fatalities": [{"source": "Test source", "total": 3}],
        "sources": [{"name": "Test source", "kind": "media", "url": "https://example.org/a"}],
        "article_refs": [8],
        "confidence": "reported",
        "confidence_note": "Synthetic.",
    },
}


def collection(*events):
    return {
        "type": "FeatureCollection",
        "article": {"title": "Test article", "url": "https://example.org/article", "paragraphs": 31},
        "features": list(events),
    }


def variant(**changes):
    ev = copy.deepcopy(GOOD_EVENT)
    for key, value in changes.items():
        if key == "geometry":
            ev["geometry"] = value
        elif value is None:
            ev["properties"].pop(key, None)
        else:
            ev["properties"][key] = value
    return ev


CASES = {
    "missing-title": collection(variant(title=None)),
    "bad-date-precision": collection(variant(date_precision="daily")),
    "duplicate-id": collection(variant(), variant(title="Another event with the same id")),
    "date-end-before-start": collection(variant(date_start="2012-07-24", date_end="2012-07-21")),
    "impossible-date": collection(variant(date_start="2012-02-30", date_end="2012-03-01")),
    "coordinates-out-of-range": collection(variant(geometry={"type": "Point", "coordinates": [271.55, 37.49]})),
    "coordinates-swapped": collection(variant(geometry={"type": "Point", "coordinates": [37.4904, 71.5534]})),
    "unknown-event-type": collection(variant(event_type="Skirmish")),
    "wrong-sub-event-type": collection(variant(sub_event_type="Peaceful protest")),
    "no-sources": collection(variant(sources=[], fatalities=[])),
    "article-ref-out-of-range": collection(variant(article_refs=[8, 99])),
    "fatalities-no-figure": collection(variant(fatalities=[{"source": "Test source", "note": "many"}])),
    "fatalities-low-above-high": collection(variant(fatalities=[{"source": "Test source", "low": 9, "high": 3}])),
    "fatalities-breakdown-exceeds-total": collection(variant(fatalities=[
        {"source": "Test source", "total": 10, "breakdown": {"security_forces": 8, "rebels": 5}}])),
    "fatalities-partial-without-counts": collection(variant(fatalities=[
        {"source": "Test source", "total": 3, "scope": "partial"}])),
    "fatalities-counts-without-partial": collection(variant(fatalities=[
        {"source": "Test source", "total": 3, "counts": "troops only"}])),
    "fatalities-total-and-low-without-high": collection(variant(fatalities=[
        {"source": "Test source", "total": 3, "low": 1}])),
    "fatalities-high-without-low": collection(variant(fatalities=[{"source": "Test source", "high": 3}])),
    "fatalities-unknown-source": collection(variant(fatalities=[{"source": "Nobody", "total": 1}])),
    "fatalities-two-claims-one-source": collection(variant(fatalities=[
        {"source": "Test source", "total": 1}, {"source": "Test source", "total": 2}])),
    "derived-field-typed": collection(variant(side="TJK")),
    "javascript-url": collection(variant(sources=[{"name": "Test source", "kind": "media",
                                                   "url": "javascript:alert(1)"}])),
    "polygon-not-closed": collection(variant(geometry={"type": "Polygon", "coordinates": [
        [[70.0, 39.0], [71.0, 39.0], [71.0, 39.5], [70.0, 39.4]]]})),
    "not-a-feature-collection": {"type": "Feature", "features": []},
    "many-problems": collection(
        variant(date_precision="daily"),
        variant(id="second", event_type="Skirmish", geometry={"type": "Point", "coordinates": [37.49, 71.55]}),
        variant(id="third", sources=[], fatalities=[], article_refs=[0]),
    ),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in CASES.items():
        (OUT / f"{name}.geojson").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    (OUT / "not-json.geojson").write_text('{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature",,}\n ]\n}\n', "utf-8")
    (Path(__file__).parent / "good-minimal.geojson").write_text(
        json.dumps(collection(GOOD_EVENT), indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
