"""The events' text computed on columns says exactly what the scalar functions say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bordermap.dataset import load_dataset
from bordermap.mapping.payload import claim_line, correction_line, refs_line
from bordermap.mapping.text import chunk_rows, text_chunks, text_columns
from bordermap.panel import date_label
from bordermap.synthetic import rich_collection, synthetic_collection

ROOT = Path(__file__).resolve().parents[1]
PLACE = {1: "", 2: " (approximate area)", 3: " (region only)"}


def expected_row(p: dict, article: dict | None) -> list:
    meta = f"{p['event_type']} · {p['confidence']}"
    if p["fatalities_low"] is not None:
        lo, hi = p["fatalities_low"], p["fatalities_high"]
        meta += f" · killed: {lo if lo == hi else f'{lo}–{hi}'}"
        if len(p["fatalities"]) > 1:
            meta += f" ({len(p['fatalities'])} claims)"
    return [p["id"], p["title"], date_label(p), p["location"] + PLACE[p["geo_precision"]], meta,
            [p.get("sub_event_type"), p.get("summary"), p.get("confidence_note"),
             [claim_line(c) for c in p.get("fatalities", [])],
             [correction_line(c) for c in p.get("corrections", [])],
             [[s["name"], s.get("url"), s.get("date")] for s in p.get("sources", [])],
             refs_line(p.get("article_refs", []), article)]]


def _written(tmp_path, fc) -> Path:
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(fc))
    return path


@pytest.mark.parametrize("source", ["article", "hostile", "synthetic", "rich"])
def test_columns_say_what_the_scalar_functions_say(source, tmp_path):
    article_fc = json.loads((ROOT / "data" / "events.geojson").read_text())
    path = {"article": ROOT / "data" / "events.geojson",
            "hostile": ROOT / "tests" / "data" / "hostile.geojson",
            "synthetic": None, "rich": None}[source]
    if source == "synthetic":
        path = _written(tmp_path, synthetic_collection(700, seed=11))
    if source == "rich":
        path = _written(tmp_path, rich_collection(700, article_fc, seed=11))
    ds = load_dataset(path, ROOT / "geo")
    chunks = text_chunks(text_columns(ds.table, article=ds.article, popups=True), len(ds), chunk=256)
    assert len(chunks) == -(-len(ds) // 256)
    rows = [r for c in chunks for r in chunk_rows(c)]
    assert rows == [expected_row(f["properties"], ds.article) for f in ds.events]


def test_chunks_share_strings_within_a_chunk():
    ds = load_dataset(ROOT / "data" / "events.geojson", ROOT / "geo")
    (chunk,) = text_chunks(text_columns(ds.table, article=ds.article, popups=True), len(ds))
    assert len(chunk["s"]) == len(set(chunk["s"]))  # each string once
    assert chunk["c"]["sub"].count(chunk["c"]["sub"][0]) > 1  # a repeated sub-type is one entry
