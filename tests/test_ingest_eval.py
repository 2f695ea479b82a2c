"""bordermap.ingest_eval: pairing proposals with gold events and the figures per field, on
hand-made pairs; and the recorded figures of the real pipeline on the labelled set, which a
change may not lower by more than MARGIN."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bordermap.ingest_eval import (
    FIELDS, PLACE_KM, Claim, Counts, EventView, claimant_matches, count_claim_matches, evaluate, field_hits,
    figures, gold_views, haversine_km, load_eval_set, match_events, proposal_views, score_report, total_counts,
)

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "benchmarks" / "ingest_eval.json"
MARGIN = 0.05
"""How far below its recorded figure an F1 may fall before the regression test fails."""

ISHKOSHIM = (71.6133, 36.7248)      # Tajik bank
ISHKASHIM_AF = (71.5739, 36.7092)   # Afghan bank, ~4 km away
KHORUGH = (71.5534, 37.4904)


def feature(lon=None, lat=None, *, country="TJK", d0="2021-07-05", d1=None, precision="day",
            et="Battles", st="Armed clash", claims=()):
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None else None
    return {"type": "Feature", "geometry": geometry, "properties": {
        "country": country, "date_start": d0, "date_end": d1 or d0, "date_precision": precision,
        "event_type": et, "sub_event_type": st,
        "fatalities": [{"source": s, "total": n} for s, n in claims]}}


def gold(lon, lat, *, country="TJK", d0="2021-07-05", d1=None, precision="day", et="Battles",
         st="Armed clash", claims=()):
    return {"lon": lon, "lat": lat, "country": country, "date_start": d0, "date_end": d1 or d0,
            "date_precision": precision, "event_type": et, "sub_event_type": st,
            "fatalities": [{"source": s, "claimant_keys": keys, "figure": n} for s, keys, n in claims]}


def score(features, golds, report_id="r"):
    return score_report(report_id, proposal_views({"features": features}), gold_views({"gold": golds}))


def f1s(s):
    return {f: round(c.f1, 3) for f, c in s.counts.items()}


def test_a_perfect_proposal_scores_one_everywhere():
    g = gold(*KHORUGH, claims=[("Tajik officials", ["official"], 42)])
    s = score([feature(*KHORUGH, claims=[("Tajik government officials", 42)])], [g])
    assert f1s(s) == {f: 1.0 for f in FIELDS}
    assert s.pairs == [(0, 0)]


def test_nothing_proposed_is_recall_and_precision_zero_and_nothing_at_all_is_perfect():
    s = score([], [gold(*KHORUGH)])
    assert s.counts["place_10km"] == Counts(0, 0, 1)
    assert s.counts["place_10km"].precision == 0.0 and s.counts["place_10km"].f1 == 0.0
    empty = score([], [])
    assert all(c.f1 == 1.0 for c in empty.counts.values())


def test_an_extra_proposal_costs_precision_only():
    s = score([feature(*KHORUGH), feature(69.0991, 37.2363, d0="2016-03-05")], [gold(*KHORUGH)])
    c = s.counts["event"]
    assert (c.tp, c.proposed, c.gold) == (1, 2, 1)
    assert c.recall == 1.0 and c.precision == 0.5


def test_place_is_right_within_ten_km_and_not_beyond():
    lon, lat = KHORUGH
    step = 1 / 111.195  # one km of latitude, in degrees
    near = score([feature(lon, lat + (PLACE_KM - 0.1) * step)], [gold(lon, lat)])
    far = score([feature(lon, lat + (PLACE_KM + 0.1) * step)], [gold(lon, lat)])
    assert near.counts["place_10km"].tp == 1
    assert far.counts["place_10km"].tp == 0 and far.pairs == [(0, 0)]  # still paired: same day


def test_the_wrong_ishkashim_is_near_enough_but_on_the_wrong_bank():
    hits = field_hits(proposal_views({"features": [feature(*ISHKASHIM_AF, country="AFG")]})[0],
                      gold_views({"gold": [gold(*ISHKOSHIM)]})[0])
    assert hits["place_10km"] and not hits["bank"] and not hits["event"]


def test_an_unresolved_place_pairs_by_its_date_and_is_wrong_on_place():
    s = score([feature(country=None)], [gold(*KHORUGH)])
    assert s.pairs == [(0, 0)]
    assert s.counts["place_10km"].tp == 0 and s.counts["bank"].tp == 0 and s.counts["date_day"].tp == 1


def test_dates_exact_overlap_and_precision_are_separate():
    g = gold(*KHORUGH, d0="2018-04-16", d1="2018-04-22", precision="week")
    hits = field_hits(proposal_views({"features": [feature(*KHORUGH, d0="2018-04-20", precision="day")]})[0],
                      gold_views({"gold": [g]})[0])
    assert (hits["date_day"], hits["date_overlap"], hits["date_precision"]) == (False, True, False)
    assert hits["event_core"] and not hits["event"]
    same = field_hits(proposal_views({"features": [feature(*KHORUGH, d0="2018-04-16", d1="2018-04-22",
                                                           precision="week")]})[0], gold_views({"gold": [g]})[0])
    assert same["date_day"] and same["date_precision"]


def test_sub_type_counts_only_under_the_right_type():
    hits = field_hits(proposal_views({"features": [feature(*KHORUGH, et="Strategic developments",
                                                           st="Armed clash")]})[0],
                      gold_views({"gold": [gold(*KHORUGH)]})[0])
    assert not hits["event_type"] and not hits["sub_event_type"]


def test_pairing_follows_places_when_several_events_share_a_day():
    darvoz, vanj, khorugh = (70.789, 38.4537), (71.4547, 38.3708), KHORUGH
    golds = [gold(*darvoz), gold(*vanj), gold(*khorugh)]
    s = score([feature(*khorugh), feature(*darvoz), feature(*vanj)], golds)
    assert s.pairs == [(1, 0), (2, 1), (0, 2)]
    assert s.counts["place_10km"].tp == 3


def test_no_pair_without_a_shared_day_or_a_place_within_fifty_km():
    s = score([feature(69.0991, 37.2363, d0="2016-03-06")], [gold(*KHORUGH, d0="2016-03-05")])
    assert s.pairs == []
    close = score([feature(*ISHKASHIM_AF, d0="2016-03-06")], [gold(*ISHKOSHIM, d0="2016-03-05")])
    assert close.pairs == [(0, 0)] and close.counts["date_day"].tp == 0


def test_claims_need_figure_and_claimant():
    g = gold(*KHORUGH, claims=[("Tajik security officials", ["official", "security"], 5),
                               ("Local residents", ["resident"], 3)])
    right = score([feature(*KHORUGH, claims=[("security officials", 5), ("local residents", 3)])], [g])
    assert right.counts["claims"] == Counts(2, 2, 2) and right.counts["event"].tp == 1
    swapped = score([feature(*KHORUGH, claims=[("security officials", 3), ("local residents", 5)])], [g])
    assert swapped.counts["claims"].tp == 0 and swapped.counts["claim_figures"].tp == 2
    extra = score([feature(*KHORUGH, claims=[("security officials", 5), ("local residents", 3),
                                             ("RFE/RL", 2)])], [g])
    assert extra.counts["claims"] == Counts(2, 3, 2) and extra.counts["event"].tp == 0
    assert extra.counts["event_core"].tp == 1


def test_a_claim_is_matched_once_and_by_its_total_or_else_its_floor():
    gold_claims = [Claim("BBC", 200, ("bbc",))]
    assert count_claim_matches([Claim("BBC", 200), Claim("BBC Persian", 200)], gold_claims) == 1
    views = proposal_views({"features": [{"type": "Feature", "geometry": None, "properties": {
        "fatalities": [{"source": "BBC", "low": 200, "high": 250}, {"source": "x"}, "junk"]}}]})
    assert [c.figure for c in views[0].claims] == [200, None]


def test_claimant_keys_match_whole_words_any_case_or_accent():
    assert claimant_matches("Associated Press", ["ap", "associated press"])
    assert not claimant_matches("Japan's embassy", ["ap"])
    assert claimant_matches("Tajik Border-Guard Service", ["border-guard"])
    assert claimant_matches("Radio Ozodí sources", ["ozodi", "source"])
    assert claimant_matches("Tajik officials", ["official"]) and claimant_matches("Reuters's source", ["reuters"]) and claimant_matches("per Reuters's", ["reuters"])
    assert not claimant_matches("", ["official"])


def test_haversine_km():
    assert haversine_km(71.0, 37.0, 71.0, 38.0) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(*ISHKOSHIM, *ISHKASHIM_AF) == pytest.approx(3.9, abs=0.2)


def test_unreadable_proposals_still_count_as_proposals():
    views = proposal_views({"features": [None, {"geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
                                                "properties": {"date_start": "not a date", "country": 7}}]})
    assert len(views) == 2 and all(v.lon is None and v.country is None and v.date_start is None for v in views)
    assert proposal_views("not a collection") == []


def test_totals_and_figures_add_reports_up():
    a = score([feature(*KHORUGH)], [gold(*KHORUGH)], "a")
    b = score([], [gold(*KHORUGH)], "b")
    total = total_counts([a, b])
    assert total["event"] == Counts(1, 1, 2)
    fig = figures(total)["event"]
    assert fig == {"precision": 1.0, "recall": 0.5, "f1": 0.667, "tp": 1, "proposed": 1, "gold": 2}


def test_evaluate_runs_a_proposer_over_reports():
    reports = [{"id": "one", "gold": [gold(*KHORUGH)]}, {"id": "two", "gold": [gold(*ISHKOSHIM)]}]
    seen = []

    def propose(report):
        seen.append(report["id"])
        return {"type": "FeatureCollection", "features": [feature(*KHORUGH)]}

    scores = evaluate(reports, propose)
    assert seen == ["one", "two"] and [s.counts["place_10km"].tp for s in scores] == [1, 0]


def test_the_labelled_set_scores_itself_perfectly():
    """The gold events written back as proposals are a perfect proposer: checks the views agree."""
    reports = load_eval_set(ROOT / "tests" / "data" / "ingest_eval" / "reports")

    def echo(report):
        return {"type": "FeatureCollection", "features": [
            feature(g["lon"], g["lat"], country=g["country"], d0=g["date_start"], d1=g["date_end"],
                    precision=g["date_precision"], et=g["event_type"], st=g["sub_event_type"],
                    claims=[(c["source"], c["figure"]) for c in g["fatalities"]]) for g in report["gold"]]}

    total = total_counts(evaluate(reports, echo))
    assert {f: c.f1 for f, c in total.items()} == {f: 1.0 for f in FIELDS}


@pytest.mark.skipif(not RECORDED.exists() or importlib.util.find_spec("bordermap.ingest") is None,
                    reason="no recorded figures, or no bordermap.ingest on this branch")
def test_no_f1_falls_more_than_the_margin_below_the_recorded_figures():
    sys_path = str(ROOT / "benchmarks")
    import sys
    sys.path.insert(0, sys_path)
    try:
        from bench_ingest_eval import run_set
    finally:
        sys.path.remove(sys_path)
    recorded = json.loads(RECORDED.read_text("utf-8"))["figures"]
    now = figures(total_counts(run_set()[0]))
    fallen = {f: (recorded[f]["f1"], now[f]["f1"]) for f in recorded if now[f]["f1"] < recorded[f]["f1"] - MARGIN}
    assert not fallen, f"F1 fell more than {MARGIN} below the recorded figures (recorded, now): {fallen}"
