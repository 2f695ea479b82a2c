"""The review page's core (bordermap.ingest.review): edits, rejections, acceptance, the report's
evidence as HTML; inputs never changed, nothing written when refused."""

import copy
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bordermap.ingest import ingest_report, read_report
from bordermap.ingest import review as rv
from bordermap.validate import validate_collection

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)
AFGHAN_ISHKASHIM = "gn-7052669"


def _ingest(name, source, url=None, **kw):
    text, meta = read_report(ROOT / "tests" / "data" / "ingest" / name)
    return ingest_report(text, meta["date"], source, url, geo_dir=ROOT / "geo", **kw)


@pytest.fixture(scope="module")
def clash():
    """Ishkashim (both banks), an unresolved village, two claimants: one proposal."""
    return _ingest("ishkashim-clash.txt", "Asia-Plus", "https://asiaplustj.info/en/news/test-fixture")


@pytest.fixture(scope="module")
def several():
    return _ingest("relative-dates.txt", "RFE/RL", "https://www.rferl.org/a/test-fixture.html")


@pytest.fixture()
def events():
    return json.loads((ROOT / "data" / "events.geojson").read_text("utf-8"))


def _pid(fc, n=0):
    return fc["features"][n]["properties"]["id"]


def _props(fc, n=0):
    return fc["features"][n]["properties"]


def test_ingest_keeps_the_report_text_the_evidence_indexes(clash):
    text = clash["report_text"]
    for f in clash["features"]:
        for items in f["properties"]["proposal"]["evidence"].values():
            assert all(text[e["start"]:e["end"]] == e["text"] for e in items)
    assert "report_text" not in _ingest("ishkashim-clash.txt", "Asia-Plus", keep_text=False)


def test_choosing_another_candidate_moves_the_event(clash):
    before = copy.deepcopy(clash)
    out = rv.edit_proposal(clash, _pid(clash), {"place": AFGHAN_ISHKASHIM}, reviewer="A. Analyst", now=NOW)
    assert clash == before  # the input is never changed
    f = out["features"][0]
    p = f["properties"]
    assert f["geometry"] == {"type": "Point", "coordinates": [71.5739, 36.7092]}
    assert (p["country"], p["admin1"], p["place_ids"], p["geo_precision"]) == ("AFG", "Badakhshan", [AFGHAN_ISHKASHIM], 2)
    assert p["location"] == "Ishkāshim" and p["title"] == "Armed clash at Ishkāshim"  # the wording follows
    assert "(AFG), 5 Mar 2022" in p["summary"]
    assert p["proposal"]["edited"] == ["place", "location"]
    assert (p["proposal"]["reviewer"], p["proposal"]["reviewed_at"]) == ("A. Analyst", "2026-12-02T09:30:00Z")
    assert [x for x in validate_collection(out) if x.severity == "error"] == []


def test_dates_type_and_claims_are_edited_and_new_claimants_become_sources(clash):
    out = rv.edit_proposal(clash, _pid(clash), {
        "date_start": "2022-03-04", "date_end": "2022-03-04", "date_precision": "day",
        "event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack",
        "fatalities": [{"source": "Officials", "total": 2}, {"source": "Radio Ozodi", "low": 3, "high": "5"},
                       {"source": "", "total": None}]}, now=NOW)
    p = _props(out)
    assert (p["date_start"], p["date_end"]) == ("2022-03-04", "2022-03-04")
    assert p["date_note"].startswith("set by the reviewer (the proposer read 2022-03-05..2022-03-05 (day)")
    assert p["sub_event_type"] == "Shelling/artillery/missile attack"
    assert p["fatalities"] == [{"source": "Officials", "total": 2}, {"source": "Radio Ozodi", "low": 3, "high": 5}]
    assert {"name": "Radio Ozodi", "kind": "media", "relayed_by": "Asia-Plus"} in p["sources"]
    assert p["proposal"]["edited"] == ["date_start", "date_end", "event_type", "sub_event_type", "fatalities"]


def test_a_reviewers_own_title_is_kept_when_other_fields_change(clash):
    mine = rv.edit_proposal(clash, _pid(clash), {"title": "Clash at Shidz"}, now=NOW)
    again = rv.edit_proposal(mine, _pid(mine), {"place": AFGHAN_ISHKASHIM}, now=NOW)
    assert _props(again)["title"] == "Clash at Shidz"
    assert _props(again)["proposal"]["edited"] == ["place", "location", "title"]


def test_unchanged_values_are_not_edits(clash):
    p = _props(clash)
    out = rv.edit_proposal(clash, _pid(clash), {k: p[k] for k in ("date_start", "date_end", "event_type",
                                                                   "sub_event_type", "fatalities", "confidence")})
    assert out == clash


def test_every_problem_is_one_sentence_and_nothing_changes(clash):
    before = copy.deepcopy(clash)
    with pytest.raises(rv.ReviewError) as info:
        rv.edit_proposal(clash, _pid(clash), {
            "place": "gn-0", "date_start": "2022-03-09", "date_end": "5 March", "event_type": "Battles",
            "sub_event_type": "Grenade", "fatalities": [{"source": "Officials", "total": "two"}],
            "confidence": "sure", "colour": "red"})
    problems = info.value.problems
    assert problems == [
        "cannot edit 'colour'; the fields a reviewer edits are " + ", ".join(rv.EDITABLE),
        "the place 'gn-0' is not one of this proposal's candidates with a position; they are: "
        "gn-8220896 (Nohiyai Ishqoshim), gn-7052669 (Ishkāshim)",
        "date_end must be a date written YYYY-MM-DD, got '5 March'",
        "date_start 2022-03-09 is after the report's date 2022-03-06: a report tells of what happened before it",
        "sub_event_type 'Grenade' is not one of Battles's: Government regains territory, "
        "Non-state actor overtakes territory, Armed clash",
        "claim 1: total must be a whole number of deaths, got 'two'",
        "confidence must be one of confirmed, reported, disputed, unconfirmed, got 'sure'",
    ]
    assert clash == before


def test_the_validator_words_what_the_rules_here_do_not(clash):
    with pytest.raises(rv.ReviewError, match=r"field 'fatalities\[0\]\.low': low \(5\) is greater than high \(2\)"):
        rv.edit_proposal(clash, _pid(clash), {"fatalities": [{"source": "Officials", "low": 5, "high": 2}]})
    with pytest.raises(rv.ReviewError, match="date_end 2022-03-01 is before date_start 2022-03-04"):
        rv.edit_proposal(clash, _pid(clash), {"date_start": "2022-03-04", "date_end": "2022-03-01"})


@pytest.mark.parametrize("figure, bound", [(1e300, "greater than the maximum of 9,007,199,254,740,991 (the largest"),
                                            ("99999999999999999999", "greater than the maximum"),
                                            (2 ** 60, "greater than the maximum"), (-4, "less than the minimum of 0")])
def test_a_whole_number_out_of_range_is_the_validators_to_word(clash, figure, bound):
    # 1e300 is a whole number to the page's rules; the schema bounds a toll (JSON's safe integers)
    before = copy.deepcopy(clash)
    with pytest.raises(rv.ReviewError) as info:
        rv.edit_proposal(clash, _pid(clash), {"fatalities": [{"source": "Officials", "total": figure}]})
    assert len(info.value.problems) == 1
    assert "field 'fatalities[0].total'" in info.value.problems[0] and bound in info.value.problems[0]
    assert clash == before


def test_reject_keeps_the_proposal_with_its_reason(clash):
    out = rv.reject_proposal(clash, _pid(clash), "  The same clash as\nyesterday's report ", reviewer="A. Analyst", now=NOW)
    proposal = _props(out)["proposal"]
    assert (proposal["status"], proposal["reason"]) == ("rejected", "The same clash as yesterday's report")
    assert (proposal["reviewer"], proposal["reviewed_at"]) == ("A. Analyst", "2026-12-02T09:30:00Z")
    assert rv.pending(out) == [] and len(out["features"]) == 1
    with pytest.raises(rv.ReviewError, match="is rejected, not pending"):
        rv.edit_proposal(out, _pid(out), {"confidence": "confirmed"})
    back = rv.reopen_proposal(out, _pid(out), now=NOW)
    assert _props(back)["proposal"]["status"] == "proposed" and "reason" not in _props(back)["proposal"]


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * (rv.MAX_REASON + 1)])
def test_a_rejection_needs_a_reason(clash, reason):
    with pytest.raises(rv.ReviewError, match="reason"):
        rv.reject_proposal(clash, _pid(clash), reason)


def test_unknown_id(clash):
    with pytest.raises(rv.ReviewError, match="no proposal has the id 'nope'"):
        rv.edit_proposal(clash, "nope", {})


def test_accept_writes_both_files_with_provenance(tmp_path, clash):
    proposals, events = tmp_path / "p.geojson", tmp_path / "events.geojson"
    edited = rv.edit_proposal(clash, _pid(clash), {"place": AFGHAN_ISHKASHIM}, reviewer="A. Analyst", now=NOW)
    rv.write_proposals(proposals, edited)
    result = rv.accept_into(proposals, _pid(clash), events, reviewer="A. Analyst", now=NOW)
    written = json.loads(events.read_text("utf-8"))
    assert written == result.events
    props = written["features"][0]["properties"]
    assert props["provenance"] == {
        "report": {"source": "Asia-Plus", "url": "https://asiaplustj.info/en/news/test-fixture", "date": "2022-03-06",
                   "sha256": clash["features"][0]["properties"]["proposal"]["report"]["sha256"]},
        "proposer": clash["features"][0]["properties"]["proposal"]["proposer"],
        "reviewer": "A. Analyst", "edited": ["place", "location"], "accepted_at": "2026-12-02T09:30:00Z"}
    assert props["country"] == "AFG" and "ingested" in props["tags"]
    left = json.loads(proposals.read_text("utf-8"))
    assert left["features"] == [] and left["report_text"] == clash["report_text"]


def test_a_duplicate_is_flagged_before_anything_is_written(tmp_path, several, events):
    path = tmp_path / "events.geojson"
    first = rv.accept_reviewed(several, _pid(several), events, now=NOW).events
    path.write_text(json.dumps(first), "utf-8")
    again = copy.deepcopy(several)
    again["features"][0]["properties"]["id"] = again["features"][0]["id"] = "same-clash-other-report"
    warnings = rv.duplicate_warnings(again, "same-clash-other-report", first["features"])
    assert warnings and warnings[0].startswith(f"same-clash-other-report may be the event {_pid(several)} (")
    proposals = tmp_path / "p.geojson"
    rv.write_proposals(proposals, again)
    stamps = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in (path, proposals)}
    with pytest.raises(rv.ReviewError, match="may duplicate the event .*accept it anyway if it is another event"):
        rv.accept_into(proposals, "same-clash-other-report", path, now=NOW)
    assert {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in (path, proposals)} == stamps
    forced = rv.accept_into(proposals, "same-clash-other-report", path, now=NOW, force=True)
    assert forced.duplicates == [("same-clash-other-report", _pid(several))]


def test_a_rejected_proposal_cannot_be_accepted(several, events):
    out = rv.reject_proposal(several, _pid(several), "not on the border")
    with pytest.raises(rv.ReviewError, match="is not a pending proposal"):
        rv.accept_reviewed(out, _pid(several), events)


def test_the_report_with_its_evidence_marked(clash):
    view = rv.report_view(clash)
    assert view.complete and view.segments == ((0, clash["report_text"]),)
    marks = rv.evidence_marks(clash["features"][0], view)
    fields = {m.field for m in marks if m.strong}
    assert fields == {"actors", "event_type", "location", "date", "fatalities", "injuries", "unresolved"}
    html = rv.render_report(view, marks, focus="date")
    assert '<mark class="bm-ev-date bm-focus" title="date 0.95">early Saturday, March 5</mark>' in html
    assert '<mark class="bm-ev-unresolved ' in html and ">Shidz</mark>" in html
    assert html.count('<p dir="auto">') == 4  # a paragraph a line of the report
    assert '<mark class="bm-ev-location">place</mark>' in html  # the legend


def test_without_the_text_only_the_evidence_sentences_show(clash):
    bare = {k: v for k, v in clash.items() if k != "report_text"}
    view = rv.report_view(bare)
    assert not view.complete and "does not keep the report's text" in view.note
    assert all(clash["report_text"][o:o + len(t)] == t for o, t in view.segments)
    changed = dict(clash, report_text=clash["report_text"].replace("two", "ten"))
    assert "SHA-256 differs" in rv.report_view(changed).note
    html = rv.render_report(view, rv.evidence_marks(clash["features"][0], view))
    assert "bm-report-partial" in html and "early Saturday, March 5</mark>" in html


def test_hostile_text_is_escaped_and_bidi_controls_shown(clash):
    text = '<script>alert(1)</script> \u202eevil\u202c "x" & <b>y</b>\x07'
    view = rv.ReportView(((0, text),), True)
    feature = {"properties": {"proposal": {"evidence": {"x\"><img src=x onerror=alert(1)>": [
        {"text": text[:25], "start": 0, "end": 25, "confidence": 0.5, "match": "script"}]}}}}
    html = rv.render_report(view, rv.evidence_marks(feature, view))
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;/script&gt;" in html and '<span class="bm-ctl">U+202E</span>' in html and "\u202e" not in html
    assert "\x07" not in html and 'class="bm-ev-ximgsrcxonerroralert1 "' in html


def test_read_proposals_refuses_what_is_not_one(tmp_path):
    for name, body, words in [("list.geojson", "[]", "not a proposals file"),
                              ("events.geojson", (ROOT / "data" / "events.geojson").read_text("utf-8"), "has no proposals"),
                              ("bad.geojson", "{", "not valid JSON")]:
        (tmp_path / name).write_text(body, "utf-8")
        with pytest.raises(Exception, match=words):
            rv.read_proposals(tmp_path / name)
