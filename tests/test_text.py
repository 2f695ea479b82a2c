"""The events' text computed on columns says exactly what the scalar functions say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bordermap.dataset import load_dataset
from bordermap.mapping.payload import claim_line, correction_line, refs_line
from bordermap.mapping.text import chunk_rows, text_chunks, text_columns
from bordermap.model import fatality_label
from bordermap.panel import date_label
from bordermap.synthetic import rich_collection, synthetic_collection
from bordermap.textsafe import isolate

ROOT = Path(__file__).resolve().parents[1]
PLACE = {1: "", 2: " (approximate area)", 3: " (region only)"}


def expected_row(p: dict, article: dict | None) -> list:
    meta = f"{p['event_type']} · {p['confidence']}"
    killed = fatality_label(p["fatalities"])
    if killed:
        meta += f" · killed: {killed}"
        if len(p["fatalities"]) > 1:
            meta += f" ({len(p['fatalities'])} claims)"
    return [p["id"], p["title"], date_label(p), isolate(p["location"]) + PLACE[p["geo_precision"]], meta,
            [p.get("sub_event_type"), p.get("summary"), p.get("confidence_note"),
             [claim_line(c) for c in p.get("fatalities", [])],
             [correction_line(c) for c in p.get("corrections", [])],
             [[s["name"], s.get("url"), s.get("date")] for s in p.get("sources", [])],
             refs_line(p.get("article_refs", []), article)]]


#: Claims of every shape: partial counts alone and beside tolls, best estimates with bounds (one
#: outside its range, which UCDP has), approximate figures, lower bounds, none at all.
CLAIM_SHAPES = [
    [{"source": "W1", "total": 8, "scope": "partial", "counts": "Afghans only", "breakdown": {"afghan_nationals": 8}}],
    [{"source": "W1", "low": 10, "scope": "partial", "counts": "troops only"},
     {"source": "W2", "total": 20, "approximate": True, "scope": "partial", "counts": "civilians only"}],
    [{"source": "W1", "total": 16, "low": 16, "high": 20, "breakdown": {"security_forces": 10, "civilians": 6}}],
    [{"source": "W1", "total": 21, "low": 16, "high": 20, "scope": "partial", "counts": "troops only"}],
    [{"source": "W1", "total": 42, "scope": "total"}, {"source": "W2", "total": 9, "scope": "partial", "counts": "troops only"},
     {"source": "W3", "total": 70, "approximate": True, "breakdown": {"security_forces": 12, "rebels": 30, "civilians": 30}}],
    [{"source": "W1", "low": 5}, {"source": "W2", "low": 3, "high": 9, "approximate": True}],
    [],
]


def _claims_collection(n: int) -> dict:
    fc = synthetic_collection(n, seed=5)
    for i, f in enumerate(fc["features"]):
        f["properties"]["fatalities"] = json.loads(json.dumps(CLAIM_SHAPES[i % len(CLAIM_SHAPES)]))
        f["properties"]["sources"] = [{"name": name, "kind": "media"} for name in ("W1", "W2", "W3")]
    return fc


def _written(tmp_path, fc) -> Path:
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(fc))
    return path


@pytest.mark.parametrize("source", ["article", "hostile", "synthetic", "rich", "claims"])
def test_columns_say_what_the_scalar_functions_say(source, tmp_path):
    article_fc = json.loads((ROOT / "data" / "events.geojson").read_text())
    path = {"article": ROOT / "data" / "events.geojson",
            "hostile": ROOT / "tests" / "data" / "hostile.geojson",
            "synthetic": None, "rich": None, "claims": None}[source]
    if source == "synthetic":
        path = _written(tmp_path, synthetic_collection(700, seed=11))
    if source == "rich":
        path = _written(tmp_path, rich_collection(700, article_fc, seed=11))
    if source == "claims":
        path = _written(tmp_path, _claims_collection(300))
    ds = load_dataset(path, ROOT / "geo")
    chunks = text_chunks(text_columns(ds.table, article=ds.article, popups=True), len(ds), chunk=256)
    assert len(chunks) == -(-len(ds) // 256)
    rows = [r for c in chunks for r in chunk_rows(c)]
    assert rows == [expected_row(f["properties"], ds.article) for f in ds.events]


def test_partial_counts_labelled_in_popups_and_tooltips(tmp_path):
    ds = load_dataset(_written(tmp_path, _claims_collection(len(CLAIM_SHAPES))), ROOT / "geo")
    rows = {r[0]: r for c in text_chunks(text_columns(ds.table, popups=True), len(ds)) for r in chunk_rows(c)}
    by_shape = [rows[f"syn-5-{i:06d}"] for i in range(len(CLAIM_SHAPES))]
    assert by_shape[0][4].endswith(" · killed: at least 8, partial count")
    assert by_shape[0][5][3] == ["W1: 8 (partial: Afghans only; afghan nationals 8)"]
    assert by_shape[1][4].endswith(" · killed: at least 20, partial count (2 claims)")
    assert by_shape[1][5][3] == ["W1: at least 10 (partial: troops only)", "W2: about 20 (partial: civilians only)"]
    assert by_shape[2][4].endswith(" · killed: 16–20")
    assert by_shape[2][5][3] == ["W1: 16 (low 16, high 20; security forces 10, civilians 6)"]
    assert by_shape[4][4].endswith(" · killed: 42–70 (3 claims)")  # the troops-only 9 is not the low end
    assert "killed" not in by_shape[6][4]


def test_chunks_share_strings_within_a_chunk():
    ds = load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo")
    (chunk,) = text_chunks(text_columns(ds.table, article=ds.article, popups=True), len(ds))
    assert len(chunk["s"]) == len(set(chunk["s"]))  # each string once
    assert list(chunk["c"]["sub"]).count(chunk["c"]["sub"][0]) > 1  # a repeated sub-type is one entry
