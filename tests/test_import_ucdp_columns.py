"""The columnar UCDP importer gives what the row-by-row one gave: the same events (as dicts) and
the same problems (file, line, id, column, message, severity) for the fixtures, for 5,000
synthetic records and for records with cells changed by hypothesis. The row-by-row importer is
kept, frozen, in ``tests/ucdp_row_reference.py`` for this comparison only.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import ucdp_row_reference as reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_fuzz import HEADERS, cell_text, csv_bytes, json_bytes, rows

from bordermap.core.table import EventTable
from bordermap.importers.run import map_file
from bordermap.synthetic_exports import ucdp_rows
from fuzzing import examples

DATA = Path(__file__).parent / "data" / "import"


def by_id(features: list[dict]) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in features}


def assert_same(path: Path) -> None:
    """Both importers over ``path``: equal events, equal problems in the same order."""
    old_features, old_problems = reference.map_file(path)
    mapped = map_file("ucdp", path)
    new_features = list(EventTable.from_model_columns(mapped.model).features(derived=False))
    assert [str(p) for p in mapped.problems] == [str(p) for p in old_problems]
    assert mapped.problems == old_problems  # and the fields as found, before str() escapes and cuts them
    old, new = by_id(old_features), by_id(new_features)
    assert sorted(new) == sorted(old)
    for fid, feature in old.items():
        assert new[fid] == feature, fid


@pytest.mark.parametrize("name", ["ged231.csv", "ged201_older_order.csv", "gedevents_candidate_noheader.csv",
                                  "ucdp_api.json"])
def test_the_fixtures(name):
    assert_same(DATA / name)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_five_thousand_synthetic_records(tmp_path, fmt):
    records = list(ucdp_rows(5000, seed=11))
    path = tmp_path / f"ged.{fmt}"
    path.write_bytes(csv_bytes("ucdp", records) if fmt == "csv" else json_bytes("ucdp", records))
    assert_same(path)


def test_a_candidate_file_without_a_header(tmp_path):
    path = tmp_path / "gedevents-candidate.csv"
    path.write_bytes(csv_bytes("ucdp", rows("ucdp", 20)).split(b"\r\n", 1)[1])
    assert_same(path)


# a few cells, of any of the records, that decide more than one rule between them
LINKED = {"date_start": ["2012-07-24", "2012-07-24 00:00:00.000", "24 July 2012", "0001-01-01", "9999-12-31",
                         "9999-12-01"],
          "date_end": ["2012-07-24", "2012-07-23", "2012-08-24", "9999-12-31", "0001-01-01"],
          "date_prec": ["1", "2", "3", "4", "5", "3.0"],
          "year": ["2012", "2011", "x", ""],
          "best": ["0", "3", "12", ""], "low": ["0", "4", "20", ""], "high": ["0", "2", "40", ""],
          "deaths_a": ["", "1", "9"], "deaths_b": ["", "1", "9"], "deaths_civilians": ["", "2"],
          "deaths_unknown": ["", "5"],
          "side_a": ["", "Civilians", "unknown", "Government of Tajikistan", "Side"],
          "side_b": ["", "civilians", "Civilians", "Side", "side A", "GOVERNMENT OF AFGHANISTAN"],
          "source_office": ["", "UCDP GED", "A;B", "A; A ;B", ";", "A;UCDP GED;B"],
          "source_date": ["", "2012-07-24", "2012-07-24;2012-07-25", "2012-07-2²;x", " 2012-07-24 00:00 ; 1"],
          "code_status": ["", "Clear", "clear", "Check geography"], "event_clarity": ["", "1", "2", "3"],
          "id": ["500001", " 500001", "---", "a-b"], "country": ["", "Tajikistan", "Nowhere", "Russia (Soviet Union)"],
          "country_id": ["", "702", "365", "²"], "where_coordinates": ["", "Khorog"], "adm_1": [""], "adm_2": ["", "x"],
          "dyad_name": [""], "conflict_name": [""], "number_of_sources": ["", "-1", "3"], "relid": [""],
          "source_original": [""], "where_description": ["", " "]}
cell = st.one_of(cell_text, st.sampled_from(sorted({v for vs in LINKED.values() for v in vs})))


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(["csv", "json"]), name=st.sampled_from(["ged.csv", "gedevents-candidate.csv"]),
       changes=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(HEADERS["ucdp"]), cell), max_size=8),
       linked=st.lists(st.sampled_from(sorted(LINKED)).flatmap(
           lambda c: st.tuples(st.integers(0, 5), st.just(c), st.sampled_from(LINKED[c]))), max_size=6))
def test_records_with_cells_changed(fmt, name, changes, linked):
    records = rows("ucdp", 6)
    for i, column, value in changes + linked:
        records[i][column] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (name if fmt == "csv" else name.replace(".csv", ".json"))
        path.write_bytes(csv_bytes("ucdp", records) if fmt == "csv" else json_bytes("ucdp", records))
        assert_same(path)


def test_json_records_with_keys_of_their_own(tmp_path):
    """Records without some keys, in another order, or not objects at all."""
    records: list = rows("ucdp", 5)
    del records[1]["deaths_b"], records[1]["adm_2"]
    records[2] = dict(reversed(list(records[2].items())))
    records[3] = ["not", "an", "object"]
    path = tmp_path / "ged.json"
    path.write_text(json.dumps({"Result": records}), "utf-8")
    assert_same(path)
