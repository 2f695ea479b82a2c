"""At 100,000 events the map shows exactly the events the core selects: 20 random windows and
filter combinations, counted in the browser (a standalone export, the same event layer as the
app) and in Python."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from bordermap.dataset import Dataset, prepare_events
from bordermap.export import export_html
from bordermap.geo import load_reference_layers
from bordermap.mapping.event_layer import category_bits, filter_to_js, inline_mask
from bordermap.model import CONFIDENCE_LEVELS, EVENT_TYPES
from bordermap.synthetic import synthetic_collection
from bordermap.timeline import EventFilter, TimeWindow, span

from browser import offline_page

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
N = 100_000


@pytest.fixture(scope="module")
def big():
    layers = load_reference_layers(ROOT / "geo")
    fc = synthetic_collection(N, seed=42)
    return Dataset(table=prepare_events(fc["features"], layers), article=None, layers=layers)


def random_filters(ds: Dataset, k: int = 20, seed: int = 9) -> list[EventFilter]:
    rng = random.Random(seed)
    whole = span(ds.table)
    actors = ds.table.actors()
    out = []
    for _ in range(k):
        start = whole.start + timedelta(days=rng.randrange(whole.days))
        end = min(whole.end, start + timedelta(days=rng.choice([0, 1, 6, 30, 120, 400])))
        out.append(EventFilter(
            window=TimeWindow(start, end) if rng.random() < 0.85 else None,
            event_types=frozenset(rng.sample(list(EVENT_TYPES), rng.choice([0, 0, 1, 2]))),
            confidence=frozenset(rng.sample(list(CONFIDENCE_LEVELS), rng.choice([0, 0, 1, 3]))),
            sides=frozenset(rng.sample(["TJK", "AFG", "both"], rng.choice([0, 0, 1]))),
            actor=rng.choice(actors) if rng.random() < 0.25 else None,
        ))
    return out


def test_map_count_equals_core_count(chromium, big, tmp_path):
    path = tmp_path / "big.html"
    path.write_text(export_html(big), "utf-8")
    page, watch = offline_page(chromium)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bordermap && Bordermap.layers.length && Bordermap.layers[0].ready",
                           timeout=120_000)
    assert page.evaluate("Bordermap.count()") == N
    for flt in random_filters(big):
        js = filter_to_js(flt, mask=inline_mask(category_bits(flt, big.table)))
        shown = page.evaluate("async (f) => { Bordermap.apply(f); return await Bordermap.pending; }", js)
        assert shown == len(flt.rows(big.table)), flt.describe()
    assert watch.problems() == []
