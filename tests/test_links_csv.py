"""Links as CSV: one row per link with both events, safe against spreadsheet formulas."""

from __future__ import annotations

import csv
import io

from bordermap.core.table import EventTable
from bordermap.io.links_csv import LINK_CSV_COLUMNS, links_csv
from bordermap.links import LinkDecision, apply_decisions, candidate_links


def event(eid: str, location: str, deaths: int, kind: str = "Battles") -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [71.5534, 37.4904]},
            "properties": {"id": eid, "date_start": "2012-07-24", "date_end": "2012-07-24", "date_precision": "day",
                           "geo_precision": 1, "event_type": kind, "location": location,
                           "fatalities": [{"source": "X", "total": deaths}]}}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_link_with_both_events():
    a = EventTable.from_features([event("acled-tjk1", "Khorugh", 12)])
    b = EventTable.from_features([event("ucdp-1", "Khorugh town", 16)])
    links = candidate_links(a, b, a_name="ACLED", b_name="UCDP GED")
    text = links_csv(links)
    assert text.startswith(",".join(LINK_CSV_COLUMNS) + "\r\n")
    (row,) = rows(text)
    assert row == {
        "a_dataset": "ACLED", "a_id": "acled-tjk1", "b_dataset": "UCDP GED", "b_id": "ucdp-1",
        "score": f"{links[0].score:.3f}", "rank_a": "1", "rank_b": "1", "best": "yes", "status": "proposed",
        "proposed": "yes", "reasons": links[0].reasons, "a_dates": "2012-07-24", "b_dates": "2012-07-24",
        "a_place": "Khorugh (37.4904, 71.5534)", "b_place": "Khorugh town (37.4904, 71.5534)",
        "a_fatalities": "12", "b_fatalities": "16", "decided_by": "", "decided_at": "", "note": "",
    }


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised():
    a = EventTable.from_features([event("acled-tjk1", '=HYPERLINK("http://x","click")', 1)])
    b = EventTable.from_features([event("ucdp-1", "\u200b+SUM(A1)", 1)])
    links = candidate_links(a, b, a_name="@ACLED", b_name="UCDP GED")
    links = apply_decisions(links, [LinkDecision("acled-tjk1", "ucdp-1", "confirmed", "-analyst",
                                                 "2026-12-02T10:00:00+00:00", "\t=cmd|' /C calc'!A0")])
    (row,) = rows(links_csv(links))
    assert row["a_place"].startswith("'=HYPERLINK(")
    assert row["b_place"].startswith("'\u200b+SUM")
    assert row["a_dataset"] == "'@ACLED"
    assert row["decided_by"] == "'-analyst" and row["note"] == "'\t=cmd|' /C calc'!A0"
    assert row["status"] == "confirmed" and row["decided_at"] == "2026-12-02T10:00:00+00:00"
    assert row["score"][0].isdigit()


def test_no_links_is_a_header_alone():
    empty = EventTable.from_features([])
    assert links_csv(candidate_links(empty, empty, a_name="A", b_name="B")) == ",".join(LINK_CSV_COLUMNS) + "\r\n"
