"""The browser's filter against the hand-worked conformance cases (the Python side:
tests/test_filter_conformance.py). Python turns the categories into a row mask and the window
into day numbers; the page compares numbers — this checks it selects exactly what the cases say."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bordermap.export import export_html
from bordermap.mapping.event_layer import category_bits, filter_to_js, inline_mask

from browser import offline_page

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_filter_conformance import CASES, case_filter, conformance  # noqa: E402,F401  (fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def page(chromium, conformance, tmp_path_factory):
    path = tmp_path_factory.mktemp("conformance") / "map.html"
    path.write_text(export_html(conformance), "utf-8")
    page, watch = offline_page(chromium)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bordermap && Bordermap.layers.length && Bordermap.layers[0].ready")
    yield page
    assert watch.problems() == []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_browser_filter_selects_what_the_case_says(page, conformance, case):
    flt = case_filter(case)
    js = filter_to_js(flt, mask=inline_mask(category_bits(flt, conformance.table)))
    rows = page.evaluate("""async (f) => {
        Bordermap.apply(f);
        await Bordermap.pending;  // a new mask is decoded before it applies
        return Bordermap.layers[0].visibleRows();
      }""", js)
    assert sorted(str(conformance.table.ids[r]) for r in rows) == case["expected"]
