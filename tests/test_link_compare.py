"""What each dataset says of one event, side by side, in the panel's own words."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bordermap.links import figures_line, side_by_side

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "data" / "links"))
import link_set  # noqa: E402


@pytest.fixture(scope="module")
def evaluation_set(tmp_path_factory):
    return link_set.load(tmp_path_factory.mktemp("compare"))


def article_event(event_id: str) -> dict:
    fc = json.loads((ROOT / "data" / "events.geojson").read_text("utf-8"))
    return next(f for f in fc["features"] if f["properties"]["id"] == event_id)


def test_a_line_per_dataset_in_the_order_given(evaluation_set):
    acled, ucdp = evaluation_set.acled, evaluation_set.ucdp
    lines = side_by_side({
        "UCDP GED": ucdp.feature(ucdp.row_of("ucdp-700001")),
        "ACLED": acled.feature(acled.row_of("acled-afg51001")),
        "the article": article_event("2012-07-24-khorog-special-operation"),
    })
    assert lines == [
        "UCDP GED: 16 (low 16, high 20) · sides Government of Afghanistan, Taleban · 31 Aug 2019 · Kunduz town",
        "ACLED: 12 · sides Taliban, Military Forces of Afghanistan (2004-2021) · 31 Aug 2019 · Kunduz",
        "the article: Tajik government 42 · BBC Persian 200 · Tolonews 8 (partial: Afghans only) (+7 more) · "
        "sides Tajik security forces, Tolib Ayombekov · 24 Jul 2012 – 25 Jul 2012 · Khorog (in and around)",
    ]


def test_figures_say_whose_they_are_unless_the_dataset_gives_its_own():
    one = {"fatalities": [{"source": "ACLED", "total": 12}]}
    assert figures_line("ACLED", one) == "12"
    assert figures_line("the article", one) == "ACLED 12"
    assert figures_line("ACLED", {"fatalities": []}) == "no fatality figure"
    many = article_event("2012-07-24-khorog-special-operation")["properties"]
    assert figures_line("the article", many, limit=None).count(" · ") == len(many["fatalities"]) - 1
