"""Analysts' decisions on links: applied, kept across a re-import, and read from JSON with
every fault worded."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from bordermap.core.table import EventTable
from bordermap.errors import Problem
from bordermap.importers.run import import_file
from bordermap.io.files import read_json
from bordermap.links import (LinkDecision, apply_decisions, candidate_links, decide, decisions_from_json,
                             decisions_to_json)

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "tests" / "data" / "links"
sys.path.insert(0, str(SET))
import link_set  # noqa: E402


def decision(a: str, b: str, status: str = "confirmed", **kw) -> LinkDecision:
    return LinkDecision(a, b, status, kw.pop("by", "analyst"), kw.pop("at", "2026-12-02T10:00:00+00:00"), **kw)


@pytest.fixture(scope="module")
def links(tmp_path_factory):
    s = link_set.load(tmp_path_factory.mktemp("decisions"))
    return candidate_links(s.acled, s.ucdp, a_name="ACLED", b_name="UCDP GED")


def pairs(links) -> dict[tuple[str, str], object]:
    return {(x.a_id, x.b_id): x for x in links}


def test_rejected_links_go_and_confirmed_ones_are_marked_and_ranked_first(links):
    false_one = ("acled-afg51030", "ucdp-700026")  # S24: ACLED's next day
    day_three = ("acled-afg51011", "ucdp-700011")  # S09: ranked third for the UCDP event
    out = apply_decisions(links, [decision(*false_one, "rejected"), decision(*day_three, note="day 3 of 4")])
    got = pairs(out)
    assert false_one not in got
    assert len(out) == len(links) - 1
    confirmed = got[day_three]
    assert (confirmed.status, confirmed.decided_by, confirmed.note) == ("confirmed", "analyst", "day 3 of 4")
    assert confirmed.rank_b == 1 and confirmed.proposed  # confirmed first among the UCDP event's links
    assert all(x.status == "proposed" for k, x in got.items() if k != day_three)


def test_a_confirmed_link_the_rules_do_not_propose_is_there_with_its_evidence(links):
    beyond = ("acled-afg51027", "ucdp-700024")  # S22: the country centroid, 400 km away
    assert beyond not in pairs(links)
    (found,) = [x for x in apply_decisions(links, [decision(*beyond)]) if (x.a_id, x.b_id) == beyond]
    assert found.status == "confirmed" and not found.proposed
    assert "km apart, beyond 150 km for precision 3" in found.reasons
    assert found.a_place.startswith("Kunduz") and found.b_dates == "2021-07-01"


def test_a_decision_applies_either_way_round_and_the_later_one_holds(links):
    pair = ("acled-afg51001", "ucdp-700001")
    out = apply_decisions(links, [decision(pair[1], pair[0], "rejected"), decision(*pair, "confirmed")])
    assert pairs(out)[pair].status == "confirmed"
    assert pair not in pairs(apply_decisions(links, [decision(pair[1], pair[0], "rejected")]))


def test_decisions_on_other_datasets_are_left_out(links):
    elsewhere = [decision("acled-afg51001", "2012-07-24-khorog-special-operation"),
                 decision("acled-afg51001", "ucdp-999999", a_dataset="ACLED", b_dataset="the article")]
    out = apply_decisions(links, elsewhere)
    assert out.id_pairs() == links.id_pairs()


def test_a_confirmed_link_to_an_event_no_longer_there_is_shown_as_such(links):
    gone = decision("acled-afg51001", "ucdp-999999", a_dataset="ACLED", b_dataset="UCDP GED")
    (found,) = [x for x in apply_decisions(links, [gone]) if x.b_id == "ucdp-999999"]
    assert found.status == "confirmed" and found.reasons == "ucdp-999999 is no longer in UCDP GED"
    assert found.a_dates == "2019-08-31" and found.b_dates == "" and not found.best


def test_decisions_survive_a_reimport_of_a_revised_export(tmp_path):
    """Import v1, decide, import v2 (records revised) over it: the decisions still apply."""
    out_acled, out_ucdp = tmp_path / "acled.geojson", tmp_path / "ucdp.geojson"
    import_file("ucdp", SET / "ucdp.csv", out_ucdp)
    import_file("acled", SET / "acled.csv", out_acled)

    def link_now():
        tables = []
        for path in (out_acled, out_ucdp):
            tables.append(EventTable.from_features(read_json(path)["features"]))
        return candidate_links(*tables, a_name="ACLED", b_name="UCDP GED")

    v1 = pairs(link_now())
    confirmed = v1[("acled-afg51001", "ucdp-700001")]
    rejected = v1[("acled-afg51030", "ucdp-700026")]
    decisions = decisions_from_json(decisions_to_json([
        decide(confirmed, "confirmed", "analyst", note="same clash", at="2026-12-02T10:00:00+00:00"),
        decide(rejected, "rejected", "analyst", note="the next day's fighting", at="2026-12-02T10:01:00+00:00"),
    ]))[0]

    rows = list(csv.DictReader(open(SET / "acled.csv", newline="", encoding="utf-8")))
    for r in rows:  # v2: S01 revised (toll, and a date the rules no longer link), AFG51030's toll revised
        if r["event_id_cnty"] == "AFG51001":
            r["event_date"], r["fatalities"] = "2019-09-03", "14"
        if r["event_id_cnty"] == "AFG51030":
            r["fatalities"] = "3"
    v2 = tmp_path / "acled_v2.csv"
    with open(v2, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    report = import_file("acled", v2, out_acled, update=True)
    assert report.changed == 2

    fresh = link_now()
    assert ("acled-afg51001", "ucdp-700001") not in pairs(fresh)  # the rules alone no longer link them
    assert ("acled-afg51030", "ucdp-700026") in pairs(fresh)  # and would propose the rejected one again
    after = pairs(apply_decisions(fresh, decisions))
    kept = after[("acled-afg51001", "ucdp-700001")]
    assert (kept.status, kept.note, kept.proposed, kept.a_fatalities) == ("confirmed", "same clash", False, "14")
    assert "3 days apart" in kept.reasons
    assert ("acled-afg51030", "ucdp-700026") not in after


# ---- the JSON form ---------------------------------------------------------------------------------

def test_decisions_round_trip_through_plain_json():
    given = [decision("acled-a", "ucdp-1", note="why"), decision("acled-b", "ucdp-2", "rejected",
                                                                   a_dataset="ACLED", b_dataset="UCDP GED")]
    data = decisions_to_json(given)
    assert data[0] == {"a_id": "acled-a", "b_id": "ucdp-1", "status": "confirmed", "by": "analyst",
                       "at": "2026-12-02T10:00:00+00:00", "note": "why"}
    assert decisions_from_json(data) == (given, [])


def test_every_fault_in_the_json_form_is_a_problem():
    data = [
        {"a_id": "acled-a", "b_id": "ucdp-1", "status": "maybe", "by": "", "at": "yesterday", "colour": "red"},
        {"a_id": "acled-a", "b_id": "acled-a", "status": "confirmed", "by": "x", "at": "2026-12-02"},
        "confirmed",
        {"a_id": "acled-b", "b_id": "ucdp-2", "status": "rejected", "by": "x", "at": "2026-12-02T10:00", "note": 3},
        {"a_id": "acled-c", "b_id": "ucdp-3", "status": "confirmed", "by": "x", "at": "2026-12-02"},
        {"a_id": "ucdp-3", "b_id": "acled-c", "status": "rejected", "by": "y", "at": "2026-12-03"},
    ]
    decisions, problems = decisions_from_json(data, "project.json")
    assert [d.a_id for d in decisions] == ["acled-c"]
    said = [str(p) for p in problems]
    assert said == [
        "project.json: link decision 0 (id 'acled-a'): field 'colour': warning: unknown field; ignored",
        "project.json: link decision 0 (id 'acled-a'): field 'by': expected a non-empty string; found ''",
        "project.json: link decision 0 (id 'acled-a'): field 'status': expected one of confirmed, rejected; "
        "found 'maybe'",
        "project.json: link decision 0 (id 'acled-a'): field 'at': expected an ISO 8601 date and time such as "
        "2026-12-02T10:15:00+00:00; found 'yesterday'",
        "project.json: link decision 1 (id 'acled-a'): field 'b_id': is the same event as a_id; a link joins "
        "two events",
        "project.json: link decision 2: expected an object with a_id, b_id, status, by, at; found str",
        "project.json: link decision 3 (id 'acled-b'): field 'note': expected a string; found 3",
        "project.json: link decision 5 (id 'ucdp-3'): field 'b_id': the same pair as link decision 4; keep one "
        "decision per pair",
    ]
    assert all(isinstance(p, Problem) for p in problems)
    assert decisions_from_json({"a_id": "x"}, "project.json")[1] == [
        Problem("project.json", None, None, "links", "expected a list of link decisions; found dict", "error",
                "link decision")]


def test_decide_refuses_an_unknown_status(links):
    with pytest.raises(ValueError, match=r"status: expected one of confirmed, rejected; found 'perhaps'"):
        decide(links[0], "perhaps", "analyst")
    made = decide(links[0], "confirmed", "analyst")
    assert made.a_dataset == "ACLED" and made.at.endswith("+00:00")
