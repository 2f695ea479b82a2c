"""Accepting proposals (bordermap.ingest.accept_proposals): provenance, duplicates, all or nothing."""

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bordermap.ingest import AcceptRefusal, accept_proposals, ingest_report, read_report
from bordermap.validate import validate_collection

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def proposals():
    text, meta = read_report(ROOT / "tests" / "data" / "ingest" / "relative-dates.txt")
    return ingest_report(text, meta["date"], "RFE/RL", "https://www.rferl.org/a/test-fixture.html", geo_dir=ROOT / "geo")


@pytest.fixture()
def events():
    return json.loads((ROOT / "data" / "events.geojson").read_text("utf-8"))


def _ids(fc):
    return [f["properties"]["id"] for f in fc["features"]]


def test_accepted_events_join_with_provenance_and_leave_the_proposals(proposals, events):
    before = copy.deepcopy((proposals, events))
    pid = _ids(proposals)[0]
    result = accept_proposals(proposals, [pid], events, reviewer="A. Analyst", now=NOW)
    assert (proposals, events) == before  # inputs untouched
    assert result.accepted == [pid]
    assert _ids(result.events) == _ids(events) + [pid]
    assert pid not in _ids(result.proposals) and len(result.proposals["features"]) == len(proposals["features"]) - 1
    props = result.events["features"][-1]["properties"]
    assert "proposal" not in props and "proposed" not in props["tags"]
    assert props["provenance"] == {
        "report": {"source": "RFE/RL", "url": "https://www.rferl.org/a/test-fixture.html", "date": "2022-10-12",
                   "sha256": proposals["features"][0]["properties"]["proposal"]["report"]["sha256"]},
        "proposer": proposals["features"][0]["properties"]["proposal"]["proposer"],
        "reviewer": "A. Analyst", "accepted_at": "2026-12-02T09:30:00Z"}
    assert [p for p in validate_collection(result.events) if p.severity == "error"] == []


def test_a_duplicate_is_refused_unless_forced(proposals, events):
    first = accept_proposals(proposals, [_ids(proposals)[0]], events, now=NOW).events
    again = copy.deepcopy(proposals)
    feature = again["features"][0]
    feature["properties"]["id"] = feature["id"] = "2022-10-05-khorog-from-another-report"
    with pytest.raises(AcceptRefusal, match="may duplicate the event '2022-10-03-khorog'"):
        accept_proposals(again, [feature["id"]], first, now=NOW)
    forced = accept_proposals(again, [feature["id"]], first, now=NOW, force=True)
    assert forced.duplicates == [(feature["id"], "2022-10-03-khorog")]


def test_far_or_other_days_are_not_duplicates(proposals, events):
    ids = _ids(proposals)
    result = accept_proposals(proposals, ids, events, now=NOW)  # four incidents, none the same
    assert result.duplicates == [] and result.proposals["features"] == []


def test_every_reason_at_once_and_nothing_accepted(proposals, events):
    pid = _ids(proposals)[0]
    with pytest.raises(AcceptRefusal) as info:
        accept_proposals(proposals, ["no-such-id", "2012-07-21-nazarov-killed", pid], events)
    assert len(info.value.reasons) == 2
    assert "no proposal has the id 'no-such-id'" in info.value.reasons


def test_an_already_accepted_id_is_refused(proposals, events):
    pid = _ids(proposals)[0]
    done = accept_proposals(proposals, [pid], events, now=NOW).events
    with pytest.raises(AcceptRefusal, match="already an event"):
        accept_proposals(proposals, [pid], done, now=NOW)


def test_an_invalid_result_is_refused(proposals, events):
    broken = copy.deepcopy(proposals)
    broken["features"][0]["properties"]["date_start"] = "2022-13-40"
    with pytest.raises(AcceptRefusal, match="date_start"):
        accept_proposals(broken, [_ids(broken)[0]], events, now=NOW)
