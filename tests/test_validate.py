"""Every validator rule, with one small bad file per rule under tests/data/bad/."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bordermap.errors import UnreadableFileError
from bordermap.validate import count_paragraphs, validate_collection, validate_file

HERE = Path(__file__).parent
BAD = HERE / "data" / "bad"
GOOD = HERE / "data" / "good-minimal.geojson"

# file stem -> (field named in the message, pattern the message must match)
RULES = {
    "missing-title": ("title", r"is required but missing"),
    "bad-date-precision": ("date_precision", r"expected one of day, week, month, year; found 'daily'"),
    "duplicate-id": ("id", r"duplicate id: feature 0 has the same id"),
    "date-end-before-start": ("date_end", r"2012-07-21 is before date_start 2012-07-24"),
    "impossible-date": ("date_start", r"'2012-02-30' is not a calendar date"),
    "coordinates-out-of-range": ("geometry.coordinates", r"out of range: longitude must be within -180\.\.180"),
    "coordinates-swapped": ("geometry.coordinates", r"latitude and longitude look swapped"),
    "unknown-event-type": ("event_type", r"unknown ACLED event type 'Skirmish'"),
    "wrong-sub-event-type": ("sub_event_type", r"'Peaceful protest' is not a sub-type of 'Battles'"),
    "no-sources": ("sources", r"at least one source is required"),
    "article-ref-out-of-range": ("article_refs[1]", r"paragraph 99 is not in the article \(it has paragraphs 1\.\.31\)"),
    "fatalities-no-figure": ("fatalities[0]", r"a claim needs 'total' or 'low'"),
    "fatalities-low-above-high": ("fatalities[0].low", r"low \(9\) is greater than high \(3\)"),
    "fatalities-breakdown-exceeds-total": ("fatalities[0].breakdown", r"add up to 13, more than the claim's total of 10"),
    "fatalities-partial-without-counts": ("fatalities[0].counts", r"a partial count needs 'counts', saying whom it counts"),
    "fatalities-counts-without-partial": ("fatalities[0].scope", r"'counts' is for a partial count: add 'scope': 'partial'"),
    "fatalities-total-and-low-without-high": ("fatalities[0]", r"a best estimate 'total' with a 'low' needs a 'high' too"),
    "fatalities-high-without-low": ("fatalities[0]", r"'high' needs a 'low'"),
    "fatalities-unknown-source": ("fatalities[0].source", r"'Nobody' is not the name of one of this event's sources"),
    "fatalities-two-claims-one-source": ("fatalities[1].source", r"keep one claim per source"),
    "derived-field-typed": ("properties", r"unexpected field\(s\) side \(derived fields are computed"),
    "javascript-url": ("sources[0].url", r"expected an http\(s\) URL; found 'javascript:alert\(1\)'"),
    "polygon-not-closed": ("geometry", r"must end where it starts"),
    "not-a-feature-collection": ("type", r"expected 'FeatureCollection'; found 'Feature'"),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_bad_file_has_a_rule():
    stems = {p.stem for p in BAD.glob("*.geojson")} - {"not-json", "many-problems"}
    assert stems == set(RULES)


@pytest.mark.parametrize("stem", sorted(RULES))
def test_rule(stem):
    field, pattern = RULES[stem]
    path = BAD / f"{stem}.geojson"
    problems = [p for p in validate_file(path) if p.severity == "error"]
    assert len(problems) == 1, [str(p) for p in problems]
    (p,) = problems
    assert p.field == field
    assert p.file == str(path)
    import re

    assert re.search(pattern, p.message), p.message
    line = str(p)
    assert line.startswith(str(path)) and f"field '{field}'" in line and "\n" not in line
    if p.feature_index is not None:
        assert f"feature {p.feature_index} (id " in line


def test_good_minimal_file_is_valid():
    assert validate_file(GOOD) == []


def test_all_problems_reported_at_once():
    problems = validate_file(BAD / "many-problems.geojson")
    fields = [(p.feature_index, p.field) for p in problems]
    assert fields == [
        (0, "date_precision"),
        (1, "geometry.coordinates"),
        (1, "event_type"),
        (2, "sources"),
        (2, "article_refs[0]"),
    ]


def test_not_json_names_line_and_column():
    with pytest.raises(UnreadableFileError, match=r"not-json\.geojson: is not valid JSON: .*\(line 3, column 22\)"):
        validate_file(BAD / "not-json.geojson")


def test_missing_file():
    with pytest.raises(UnreadableFileError, match=r"nope\.geojson: file not found"):
        validate_file(HERE / "nope.geojson")


def test_point_outside_region_is_a_warning_not_an_error():
    fc = json.loads(GOOD.read_text())
    fc["features"][0]["geometry"]["coordinates"] = [13.4, 52.5]  # Berlin: far away, not swapped
    problems = validate_collection(fc, "x.geojson")
    assert [p.severity for p in problems] == ["warning"]
    assert "lies outside the region" in problems[0].message


def test_breakdown_may_not_exceed_high():
    fc = json.loads(GOOD.read_text())
    fc["features"][0]["properties"]["fatalities"] = [
        {"source": "Test source", "low": 1, "high": 4, "breakdown": {"civilians": 5}}]
    (p,) = validate_collection(fc, "x.geojson")
    assert "more than the claim's high of 4" in p.message


def _with_claims(*claims):
    fc = json.loads(GOOD.read_text())
    fc["features"][0]["properties"]["fatalities"] = list(claims)
    return fc


def test_best_estimate_with_bounds_is_valid():
    # UCDP GED's best/low/high as one claim
    fc = _with_claims({"source": "Test source", "total": 16, "low": 16, "high": 20, "breakdown": {"civilians": 16}})
    assert validate_collection(fc, "x.geojson") == []


def test_best_estimate_outside_its_range_is_a_warning_not_an_error():
    fc = _with_claims({"source": "Test source", "total": 21, "low": 16, "high": 20})
    (p,) = validate_collection(fc, "x.geojson")
    assert (p.severity, p.field) == ("warning", "fatalities[0].total")
    assert p.message == "the best estimate 21 lies outside its range 16..20"


def test_bounds_in_the_wrong_order_stay_an_error():
    fc = _with_claims({"source": "Test source", "total": 5, "low": 9, "high": 3})
    (p,) = validate_collection(fc, "x.geojson")  # one problem: the order, not also the best estimate
    assert (p.severity, p.field) == ("error", "fatalities[0].low")


def test_partial_count_with_counts_is_valid():
    fc = _with_claims({"source": "Test source", "total": 8, "scope": "partial", "counts": "Afghans only"},
                      {"source": "Other", "total": 42, "scope": "total"})
    fc["features"][0]["properties"]["sources"].append({"name": "Other", "kind": "media"})
    assert validate_collection(fc, "x.geojson") == []


def test_empty_counts_is_one_schema_problem():
    fc = _with_claims({"source": "Test source", "total": 8, "scope": "partial", "counts": ""})
    (p,) = validate_collection(fc, "x.geojson")
    assert p.field == "fatalities[0].counts"


def test_approximate_parts_may_exceed_the_figure_by_a_tenth():
    # RFE/RL: 'some 70' dead, of them 12 soldiers, 30 militants and 'some 30 civilians'
    parts = {"security_forces": 12, "rebels": 30, "civilians": 30}
    assert validate_collection(_with_claims({"source": "Test source", "total": 70, "approximate": True,
                                             "breakdown": parts}), "x.geojson") == []
    (exact,) = validate_collection(_with_claims({"source": "Test source", "total": 70, "breakdown": parts}), "x")
    assert exact.message == "the parts add up to 72, more than the claim's total of 70"
    parts["civilians"] = 36
    (p,) = validate_collection(_with_claims({"source": "Test source", "total": 70, "approximate": True,
                                             "breakdown": parts}), "x")
    assert (p.severity, p.field) == ("error", "fatalities[0].breakdown")
    assert p.message == "the parts add up to 78, more than the claim's approximate total of 70 allows (77 at most)"


def test_validation_does_not_mutate_input():
    fc = json.loads((BAD / "many-problems.geojson").read_text())
    before = copy.deepcopy(fc)
    validate_collection(fc, "x")
    assert fc == before


def test_count_paragraphs_counts_non_empty_lines():
    assert count_paragraphs("a\n\n b \n\n\nc\n") == 3


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "bordermap.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    "name, code",
    [("good-minimal.geojson", 0), ("bad/duplicate-id.geojson", 1), ("bad/many-problems.geojson", 1),
     ("bad/not-json.geojson", 2), ("bad/absent.geojson", 2)],
)
def test_cli_exit_codes_and_never_writes(name, code):
    path = HERE / "data" / name
    before = _digest(path) if path.exists() else None
    res = _cli("validate", str(path))
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stderr
    if before:
        assert _digest(path) == before


def test_cli_prints_one_line_per_problem():
    res = _cli("validate", str(BAD / "many-problems.geojson"))
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 6  # five problems and the summary
    assert lines[-1].endswith("5 problem(s); the file is not valid")


def test_cli_validates_bundled_dataset_by_default(root):
    res = subprocess.run([sys.executable, "-m", "bordermap.cli", "validate"], cwd=root,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "data/events.geojson: valid" in res.stdout
