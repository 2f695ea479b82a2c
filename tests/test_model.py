import re
from pathlib import Path

from bordermap.model import (ACLED_TIME_PRECISION, DATE_PRECISIONS, DERIVED_FIELDS, EVENT_TYPES, claim_figure,
                             derive_properties, fatality_label, fatality_range, load_schema, partial_floor)

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"


def test_taxonomy_is_acleds_six_types_and_25_subtypes():
    assert len(EVENT_TYPES) == 6
    assert sum(len(v) for v in EVENT_TYPES.values()) == 25


def test_every_schema_field_is_documented():
    doc = DOC.read_text()
    documented = set(re.findall(r"`([a-z_0-9]+)`", doc))
    schema = load_schema()
    event_fields = set(schema["$defs"]["event"]["properties"])
    top_fields = set(schema["properties"])
    assert event_fields | top_fields <= documented, sorted((event_fields | top_fields) - documented)
    assert set(DERIVED_FIELDS) <= documented


def test_schema_rejects_derived_fields():
    props = load_schema()["$defs"]["event"]["properties"]
    assert not set(DERIVED_FIELDS) & set(props)


def test_precision_maps_cover_every_precision():
    assert set(ACLED_TIME_PRECISION) == set(DATE_PRECISIONS)


def test_fatality_range_keeps_claims_apart_and_never_averages():
    claims = [
        {"source": "Tajik government", "total": 42, "breakdown": {"security_forces": 12, "rebels": 30}},
        {"source": "BBC Persian", "total": 200, "breakdown": {"security_forces": 100, "civilians": 100}},
        {"source": "Asia-Plus", "low": 8},
    ]
    assert fatality_range(claims) == (8, 200)
    assert fatality_range([]) == (None, None)
    assert fatality_range([{"source": "x", "low": 3, "high": 9}]) == (3, 9)


TOLO = {"source": "Tolonews", "total": 8, "scope": "partial", "counts": "Afghans only"}


def test_partial_counts_never_feed_the_range():
    gov = {"source": "Tajik government", "total": 42, "scope": "total"}
    troops = {"source": "Reuters", "total": 9, "scope": "partial", "counts": "troops only"}
    assert fatality_range([gov, TOLO, troops]) == (42, 42)
    assert fatality_range([TOLO, troops]) == (None, None)
    assert partial_floor([TOLO, troops]) == 9  # the largest, never their sum
    assert partial_floor([{"source": "AFP", "low": 10, "high": 30, "scope": "partial", "counts": "troops only"}]) == 10
    assert partial_floor([gov]) is None


def test_best_estimate_with_bounds_spans_its_range():
    ucdp = {"source": "UCDP GED", "total": 16, "low": 16, "high": 20}
    assert fatality_range([ucdp]) == (16, 20)
    assert fatality_range([ucdp, {"source": "x", "total": 18}]) == (16, 20)
    assert fatality_range([ucdp, {"source": "x", "total": 12}]) == (12, 20)


def test_claim_figure_says_what_qualifies_a_number():
    assert claim_figure({"source": "s", "total": 16, "low": 16, "high": 20}) == "16 (low 16, high 20)"
    assert claim_figure(TOLO) == "8 (partial: Afghans only)"
    assert claim_figure(TOLO, "afghan nationals 8", "") == "8 (partial: Afghans only; afghan nationals 8)"
    assert claim_figure({"source": "s", "total": 70, "approximate": True}) == "about 70"
    assert claim_figure({"source": "s", "low": 10, "scope": "partial", "counts": "troops only"}) == \
        "at least 10 (partial: troops only)"
    assert claim_figure({"source": "s", "total": 42, "scope": "total"}) == "42"


def test_fatality_label():
    assert fatality_label([{"source": "a", "total": 42}, {"source": "b", "total": 200}, TOLO]) == "42–200"
    assert fatality_label([TOLO]) == "at least 8, partial count"
    assert fatality_label([]) == ""


def test_derive_properties_returns_a_copy():
    props = {"id": "a", "fatalities": [{"source": "s", "total": 4}]}
    out = derive_properties(props)
    assert out["fatalities_low"] == out["fatalities_high"] == 4
    assert "fatalities_low" not in props
