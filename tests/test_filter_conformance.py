"""The filter's one definition (Python) against the hand-worked conformance cases; the browser's
time window runs against the same cases in tests/e2e/test_filter_conformance_browser.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bordermap.dataset import load_dataset
from bordermap.timeline import EventFilter, TimeWindow

HERE = Path(__file__).resolve().parent / "data" / "conformance"
ROOT = HERE.parents[2]
CASES = json.loads((HERE / "cases.json").read_text())["cases"]


def case_filter(case: dict) -> EventFilter:
    window = None
    if "from" in case:
        window = TimeWindow(date.fromisoformat(case["from"]), date.fromisoformat(case["to"]))
    return EventFilter(window=window, event_types=frozenset(case.get("types", [])),
                       confidence=frozenset(case.get("confidence", [])), sides=frozenset(case.get("sides", [])),
                       actor=case.get("actor"))


@pytest.fixture(scope="module")
def conformance():
    return load_dataset(HERE / "events.geojson", ROOT / "geo")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_python_filter_selects_what_the_case_says(conformance, case):
    rows = case_filter(case).rows(conformance.table)
    assert sorted(str(conformance.table.ids[r]) for r in rows) == case["expected"]
