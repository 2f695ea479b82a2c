"""Linking records of one event across datasets: the rules at their boundaries, the score, the
ranking, the search against a brute-force check, and the quality on the hand-built set."""

from __future__ import annotations

import csv
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from bordermap.core.table import EventTable
from bordermap.links import (DATE_TOLERANCE_DAYS, EARTH_RADIUS_KM, RADIUS_KM, TYPE_CLASSES, TYPE_COMPATIBILITY,
                             WEIGHTS, LinkRules, candidate_links, link_quality, pair_links)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "data" / "links"))
import link_set  # noqa: E402

KHORUGH = (71.5534, 37.4904)


def event(eid: str, start: str, end: str | None = None, *, precision: str = "day", where=KHORUGH, gp: int = 1,
          kind: str = "Battles", actors=(), deaths=None, violence: int | None = None,
          location: str = "Khorugh") -> dict:
    props = {"id": eid, "date_start": start, "date_end": end or start, "date_precision": precision,
             "geo_precision": gp, "event_type": kind, "location": location,
             "actors": [{"name": n, "role": "actor1" if i == 0 else "actor2"} for i, n in enumerate(actors)],
             "fatalities": [] if deaths is None else [{"source": "X", "total": deaths}]}
    if violence is not None:
        props["original"] = {"type_of_violence": str(violence)}
    geometry = None if where is None else {"type": "Point", "coordinates": list(where)}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def table(*features) -> EventTable:
    return EventTable.from_features(list(features))


def north(km: float, of=KHORUGH) -> tuple[float, float]:
    """A point ``km`` north of ``of`` on the sphere the rules measure on."""
    return of[0], of[1] + math.degrees(km / EARTH_RADIUS_KM)


def link(a: dict, b: dict):
    return candidate_links(table(a), table(b), a_name="A", b_name="B")


# ---- the time rule -----------------------------------------------------------------------------

@pytest.mark.parametrize("precision, start_b, linked", [
    ("day", "2020-05-11", True),   # a day apart: within the 1-day tolerance
    ("day", "2020-05-12", False),  # two days: beyond it
    ("week", "2020-05-12", True),  # a week-precision side: 2 days
    ("week", "2020-05-13", False),
    ("month", "2020-05-13", True),  # 3 days
    ("month", "2020-05-14", False),
    ("year", "2020-05-17", True),  # 7 days
    ("year", "2020-05-18", False),
])
def test_dates_meet_within_the_tolerance_of_the_less_precise_date(precision, start_b, linked):
    a = event("a-1", "2020-05-01", "2020-05-10", precision=precision)
    b = event("b-1", start_b)
    assert (len(link(a, b)) == 1) is linked
    assert (len(link(b, a)) == 1) is linked  # either way round


def test_overlapping_intervals_link_and_say_so():
    (found,) = link(event("a-1", "2012-07-24"), event("b-1", "2012-07-21", "2012-07-27"))
    assert found.reasons.startswith("dates overlap (24 Jul 2012 / 21 Jul 2012 – 27 Jul 2012); 0.0 km apart, "
                                    "within 10 km for precision 1; both Battles")
    assert found.gap_days == 0


# ---- the place rule ----------------------------------------------------------------------------

@pytest.mark.parametrize("gp_a, gp_b, km, linked", [
    (1, 1, 9.9, True), (1, 1, 10.1, False),
    (1, 2, 24.9, True), (2, 1, 25.1, False),  # the less precise side decides
    (3, 1, 149.0, True), (1, 3, 151.0, False),
    (2, 2, 24.9, True), (3, 3, 150.5, False),
])
def test_places_are_near_within_the_radius_of_the_less_precise(gp_a, gp_b, km, linked):
    found = link(event("a-1", "2020-05-01", gp=gp_a), event("b-1", "2020-05-01", gp=gp_b, where=north(km)))
    assert (len(found) == 1) is linked
    if linked:
        assert found[0].distance_km == pytest.approx(km, abs=1e-6)
        radius = RADIUS_KM[max(gp_a, gp_b)]
        assert f"{km:.1f} km apart, within {radius:g} km for precision {max(gp_a, gp_b)}" in found[0].reasons


def test_an_event_without_a_place_is_never_linked():
    assert len(link(event("a-1", "2020-05-01"), event("b-1", "2020-05-01", where=None))) == 0


def test_distance_is_on_the_sphere_across_the_antimeridian():
    a = event("a-1", "2020-05-01", where=(179.99, 0.0))
    b = event("b-1", "2020-05-01", where=(-179.99, 0.0))
    (found,) = link(a, b)
    assert found.distance_km == pytest.approx(math.radians(0.02) * EARTH_RADIUS_KM, rel=1e-6)


# ---- the type rule -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind, violence, other, linked", [
    ("Battles", 1, "Battles", True),
    ("Battles", 1, "Explosions/Remote violence", True),
    ("Battles", 1, "Protests", False),
    ("Battles", 1, "Violence against civilians", False),  # state-based conflict is not one-sided
    ("Battles", 2, "Riots", True),  # non-state: communal clashes
    ("Violence against civilians", 3, "Violence against civilians", True),
    ("Violence against civilians", 3, "Explosions/Remote violence", True),
    ("Violence against civilians", 3, "Battles", False),
    ("Protests", None, "Riots", True),
    ("Strategic developments", None, "Strategic developments", True),  # any type with itself
    ("Strategic developments", None, "Battles", False),
])
def test_types_must_be_compatible(kind, violence, other, linked):
    ucdp = event("u-1", "2020-05-01", kind=kind, violence=violence)
    assert (len(link(event("a-1", "2020-05-01", kind=other), ucdp)) == 1) is linked


def test_the_compatibility_table_names_real_classes_and_weighs_at_most_one():
    assert all(x in TYPE_CLASSES and y in TYPE_CLASSES and 0 < w <= 1 for (x, y), w in TYPE_COMPATIBILITY.items())


# ---- the score -----------------------------------------------------------------------------------

def test_actors_and_figures_raise_the_score_but_are_never_required():
    base = event("u-1", "2020-05-01", actors=("Government of Afghanistan", "Taleban"), deaths=16)
    bare = link(event("a-1", "2020-05-01"), base)[0]
    agree = link(event("a-1", "2020-05-01", actors=("Taliban", "Military Forces of Afghanistan"), deaths=16), base)[0]
    differ = link(event("a-1", "2020-05-01", actors=("Jamaat Ansarullah",), deaths=200), base)[0]
    assert differ.score < bare.score < agree.score <= 1
    assert "actors in common: taliban" in agree.reasons  # Taleban: one letter off
    assert "fatalities 16 / 16" in agree.reasons
    assert "no actor in common" in differ.reasons


def test_a_nearer_sharper_pair_scores_higher():
    a = event("a-1", "2020-05-01")
    same = link(a, event("b-1", "2020-05-01"))[0].score
    next_day = link(a, event("b-1", "2020-05-02"))[0].score
    farther = link(a, event("b-1", "2020-05-01", where=north(8)))[0].score
    in_a_week = link(a, event("b-1", "2020-04-28", "2020-05-04", precision="week"))[0].score
    assert same > max(next_day, farther, in_a_week)
    assert 0 <= min(next_day, farther, in_a_week)


# ---- ranking -------------------------------------------------------------------------------------

def test_every_candidate_is_kept_and_ranked_best_first_with_mutual_best_marked():
    acled = table(event("a-1", "2020-05-01", deaths=3), event("a-2", "2020-05-01", where=north(3), deaths=9))
    ucdp = table(event("u-1", "2020-05-01", deaths=3), event("u-2", "2020-05-01", where=north(3), deaths=9))
    links = candidate_links(acled, ucdp, a_name="ACLED", b_name="UCDP GED")
    assert len(links) == 4
    ranks = {(x.a_id, x.b_id): (x.rank_a, x.rank_b, x.best) for x in links}
    assert ranks == {("a-1", "u-1"): (1, 1, True), ("a-1", "u-2"): (2, 2, False),
                     ("a-2", "u-1"): (2, 2, False), ("a-2", "u-2"): (1, 1, True)}
    assert [x.b_id for x in links.of_event("a-2")] == ["u-2", "u-1"]
    assert [x.a_id for x in links.of_event("u-1")] == ["a-1", "a-2"]
    assert links.best_only().id_pairs() == [("a-1", "u-1"), ("a-2", "u-2")]
    assert len(links.top()) == 2


def test_one_long_event_against_several_days_ranks_each_day_first_for_itself():
    ucdp = table(event("u-1", "2020-09-01", "2020-09-04", deaths=40))
    acled = table(*(event(f"a-{d}", f"2020-09-0{d}", deaths=10) for d in (1, 2, 3)))
    links = candidate_links(acled, ucdp, a_name="ACLED", b_name="UCDP GED")
    assert sorted(x.rank_a for x in links) == [1, 1, 1]  # each ACLED day: UCDP's event first
    assert sorted(x.rank_b for x in links) == [1, 2, 3]
    assert sum(x.best for x in links) == 1
    assert len(links.top()) == 3


def test_rules_reject_impossible_numbers():
    with pytest.raises(ValueError, match=r"radius_km: expected a radius of at least 0.01 km"):
        LinkRules(radius_km={1: 10.0, 2: 25.0})
    with pytest.raises(ValueError, match=r"type_compatibility: unknown type class\(es\) \['Skirmish'\]"):
        LinkRules(type_compatibility={("Skirmish", "Battles"): 1.0})
    with pytest.raises(ValueError, match=r"weights: expected .* adding up to 1"):
        LinkRules(weights={"time": 1, "place": 1, "type": 0, "actors": 0, "fatalities": 0})
    wider = LinkRules(date_tolerance_days=dict(DATE_TOLERANCE_DAYS, day=2))
    a, b = table(event("a-1", "2020-05-01")), table(event("b-1", "2020-05-03"))
    assert len(candidate_links(a, b, a_name="A", b_name="B", rules=wider)) == 1


# ---- the search finds exactly what a brute-force check finds --------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from datetime import date

    from bordermap.importers.run import import_file
    from bordermap.importers.ucdp import COLUMNS
    from bordermap.io.acled import ACLED_COLUMNS
    from bordermap.io.geoparquet import read_events_parquet
    from bordermap.synthetic_exports import acled_rows, ucdp_rows

    folder = tmp_path_factory.mktemp("links-synthetic")
    out = []
    for kind, header, rows in (("acled", ACLED_COLUMNS, acled_rows(500, seed=3, start=date(2018, 1, 1), days=200)),
                               ("ucdp", COLUMNS, ucdp_rows(500, seed=3, start=date(2018, 1, 1), days=200))):
        src = folder / f"{kind}.csv"
        with open(src, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows([r[c] for c in header] for r in rows)
        import_file(kind, src, folder / f"{kind}.parquet")
        out.append(EventTable.from_model_columns(read_events_parquet(folder / f"{kind}.parquet")[0]))
    return out


@pytest.mark.parametrize("chunk", [None, 7])
def test_the_search_finds_every_pair_a_brute_force_check_finds(synthetic, chunk, monkeypatch):
    import bordermap.links.match as match

    if chunk:  # pairs handled a few at a time: the chunk boundaries lose nothing
        monkeypatch.setattr(match, "_PAIR_CHUNK", chunk)
    acled, ucdp = synthetic
    links = candidate_links(acled, ucdp, a_name="ACLED", b_name="UCDP GED")
    ia, ib = np.meshgrid(np.arange(len(acled)), np.arange(len(ucdp)), indexing="ij")
    every = pair_links(links, ia.ravel(), ib.ravel())
    proposed = every.filter(every["proposed"])
    assert 500 < len(links) < every.num_rows / 100  # a real test: many links, far from all pairs
    assert set(links.id_pairs()) == set(zip(proposed["a_id"].to_pylist(), proposed["b_id"].to_pylist()))
    by_pair = dict(zip(zip(proposed["a_id"].to_pylist(), proposed["b_id"].to_pylist()),
                       proposed["score"].to_pylist()))
    assert all(by_pair[(x.a_id, x.b_id)] == x.score for x in links)


def test_ranks_are_each_events_order_by_score(synthetic):
    acled, ucdp = synthetic
    links = candidate_links(acled, ucdp, a_name="ACLED", b_name="UCDP GED")
    rows, score, rank = links.column("a_row"), links.column("score"), links.column("rank_a")
    for row in np.unique(rows)[:200]:
        mine = np.flatnonzero(rows == row)
        assert sorted(rank[mine]) == list(range(1, len(mine) + 1))
        assert np.all(np.diff(score[mine][np.argsort(rank[mine])]) <= 0)


# ---- how well it does on the hand-built set (not a timed test) ------------------------------------

#: Just below what was measured (docs/links.md, benchmarks/README.md "Links"): a regression fails.
FLOORS = {"all": (0.80, 0.95), "top": (0.89, 0.95), "best": (0.99, 0.88)}


@pytest.fixture(scope="module")
def evaluation_set(tmp_path_factory):
    return link_set.load(tmp_path_factory.mktemp("link-set"))


def test_the_evaluation_set_is_built_from_its_script(tmp_path):
    link_set.build(tmp_path)
    for name in ("acled.csv", "ucdp.csv", "truth.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "tests" / "data" / "links" / name).read_bytes(), name
    readme = (ROOT / "tests" / "data" / "links" / "README.md").read_text("utf-8")
    assert {s.code for s in link_set.scenarios()} == set(re.findall(r"\| (S\d\d) \|", readme))
    every = link_set.scenarios()
    assert f"| `acled.csv` | {sum(len(s.acled) for s in every)} records" in readme
    assert f"| `ucdp.csv` | {sum(len(s.ucdp) for s in every)} records" in readme
    assert f"the {sum(len(s.same) for s in every)} true pairs" in readme


@pytest.mark.parametrize("which", sorted(FLOORS))
def test_precision_and_recall_on_the_evaluation_set_stay_above_their_floors(evaluation_set, which):
    links = candidate_links(evaluation_set.acled, evaluation_set.ucdp, a_name="ACLED", b_name="UCDP GED")
    chosen = {"all": links, "top": links.top(), "best": links.best_only()}[which]
    quality = link_quality(chosen.id_pairs(), evaluation_set.truth)
    precision, recall = FLOORS[which]
    assert quality.precision >= precision and quality.recall >= recall, quality


def test_the_docs_state_the_rules_numbers_and_the_measured_quality(evaluation_set):
    docs = (ROOT / "docs" / "links.md").read_text("utf-8")
    for precision, days in DATE_TOLERANCE_DAYS.items():
        assert f"| {precision} | {days} day{'s' if days != 1 else ''} |" in docs
    for precision, km in RADIUS_KM.items():
        assert f"| {precision} | {km:g} km |" in docs
    for (x, y), weight in TYPE_COMPATIBILITY.items():
        assert f"| {x} | {y} | {weight:.1f} |" in docs
    for part, weight in WEIGHTS.items():
        assert f"| {part} | {weight:.2f} |" in docs
    links = candidate_links(evaluation_set.acled, evaluation_set.ucdp, a_name="ACLED", b_name="UCDP GED")
    table = link_set.quality_table(links, evaluation_set.truth)
    assert "\n".join(table) in docs, "\n".join(table)
