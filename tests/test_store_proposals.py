"""Proposals in the store (bordermap.store.proposals): ``ingest --store`` keeps them in the
proposals table, ``accept --store`` moves them into a dataset in one transaction, with the
same rules as for files (provenance, duplicates against the store's events, all or nothing)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest

from bordermap.cli import main
from bordermap.core.table import EventTable
from bordermap.ingest import AcceptRefusal, accept_proposals, ingest_report, read_report
from bordermap.project import project_for_events
from bordermap.store import StoreError, load_project_into
from bordermap.store.proposals import accept_into_store, store_proposals
from bordermap.store.records import read_event

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "tests" / "data" / "ingest" / "relative-dates.txt"
NOW = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def proposals():
    text, meta = read_report(REPORT)
    return ingest_report(text, meta["date"], "RFE/RL", "https://www.rferl.org/a/test-fixture.html", geo_dir=ROOT / "geo")


def _ids(fc):
    return [f["properties"]["id"] for f in fc["features"]]


def _rows(url: str, query: str, params=()):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def test_stored_proposals_accepted_as_into_a_file(store, proposals):
    assert store_proposals(store, proposals) == _ids(proposals)
    pid = _ids(proposals)[0]
    result = accept_into_store(store, [pid], "ingested", reviewer="A. Analyst", now=NOW)
    in_file = accept_proposals(proposals, [pid], {"type": "FeatureCollection", "features": []},
                               reviewer="A. Analyst", now=NOW)
    with psycopg.connect(store) as conn:
        event, meta = read_event(conn, pid)
    [as_read] = EventTable.from_features(in_file.events["features"]).features(derived=False)
    assert event == as_read  # provenance and all; key order too, as bordermap reads the events file
    assert json.dumps(event["properties"]["provenance"]) == json.dumps(as_read["properties"]["provenance"])
    assert meta["revision"] == 1 and meta["dataset"] == "ingested" and result.accepted == [pid]
    assert _rows(store, "SELECT action, event_id, revision FROM history") == [("insert", pid, 1)]
    assert _rows(store, "SELECT event_id FROM proposals WHERE status = 'accepted'") == [(pid,)]
    assert _rows(store, "SELECT r.decision, r.note FROM reviews r") == [("accept", "A. Analyst")]
    with pytest.raises(AcceptRefusal, match=f"no proposal has the id '{pid}'"):  # accepted once only
        accept_into_store(store, [pid], "ingested")


def test_the_same_proposals_twice_are_refused(store, proposals):
    store_proposals(store, proposals)
    with pytest.raises(StoreError, match="has an event or an open proposal with the id"):
        store_proposals(store, proposals)
    assert _rows(store, "SELECT count(*) FROM proposals") == [(len(proposals["features"]),)]


def test_a_duplicate_of_a_store_event_is_refused_unless_forced(store, proposals):
    load_project_into(store, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    store_proposals(store, proposals)
    pid = _ids(proposals)[0]
    accept_into_store(store, [pid], "ingested", now=NOW)
    again = json.loads(json.dumps(proposals))
    feature = again["features"][0]
    feature["properties"]["id"] = feature["id"] = "2022-10-05-khorog-from-another-report"
    with pytest.raises(AcceptRefusal, match=f"may duplicate the event '{pid}'"):
        accept_into_store(store, [feature["id"]], "ingested", proposals=again, now=NOW)
    assert _rows(store, "SELECT count(*) FROM events WHERE dataset = 'ingested'") == [(1,)]
    forced = accept_into_store(store, [feature["id"]], "ingested", proposals=again, now=NOW, force=True)
    assert forced.duplicates == [(feature["id"], pid)]


def test_cli_ingest_and_accept_with_the_store(store, tmp_path, capsys):
    assert main(["ingest", str(REPORT), "--store", store, "--source", "RFE/RL"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("postgresql://postgres@127.0.0.1") and "proposed event(s) from" in out
    ids = [r[0] for r in _rows(store, "SELECT event_id FROM proposals ORDER BY id")]
    assert main(["accept", ids[0], "--store", store, "--into", "ingested", "--reviewer", "Ana"]) == 0
    assert f"(dataset ingested): accepted 1 proposal(s) ({ids[0]})" in capsys.readouterr().out
    assert main(["accept", ids[0], "--store", store, "--into", "ingested"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"error: no proposal has the id '{ids[0]}'" and err[-1].endswith("are unchanged")
    # a proposals file accepted into the store: the accepted one leaves the file after the commit
    assert main(["ingest", str(REPORT), "-o", str(tmp_path / "p.geojson"), "--source", "RFE/RL"]) == 0
    capsys.readouterr()
    other = json.loads((tmp_path / "p.geojson").read_text("utf-8"))["features"][1]["properties"]["id"]
    assert main(["accept", str(tmp_path / "p.geojson"), other, "--store", store, "--into", "ingested"]) == 0
    assert other not in _ids(json.loads((tmp_path / "p.geojson").read_text("utf-8")))
    assert main(["ingest", str(REPORT), "--store", store, "-o", str(tmp_path / "q.geojson")]) == 2
    assert main(["accept", "x", "--store", store, "--into", "../events.geojson"]) == 2
    assert "--into names the store's dataset" in capsys.readouterr().err


def test_a_reader_cannot_accept(store, proposals, pg_server):
    store_proposals(store, proposals)
    with psycopg.connect(store, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'reader2'").fetchone():
            conn.execute("CREATE ROLE reader2 LOGIN IN ROLE bordermap_reader")
    reader = store.replace("postgres@", "reader2@")
    with pytest.raises(StoreError, match=r"not allowed for this user .*nothing was changed"):
        accept_into_store(reader, [_ids(proposals)[0]], "ingested")
    assert _rows(store, "SELECT count(*) FROM events") == [(0,)]
    assert _rows(store, "SELECT count(*) FROM proposals WHERE status = 'open'") == [(len(proposals["features"]),)]
