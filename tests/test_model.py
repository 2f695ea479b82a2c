import re
from pathlib import Path

from bordermap.model import (ACLED_TIME_PRECISION, DATE_PRECISIONS, DERIVED_FIELDS, EVENT_TYPES,
                             derive_properties, fatality_range, load_schema)

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
        {"source": "Tolonews", "low": 8},
    ]
    assert fatality_range(claims) == (8, 200)
    assert fatality_range([]) == (None, None)
    assert fatality_range([{"source": "x", "low": 3, "high": 9}]) == (3, 9)


def test_derive_properties_returns_a_copy():
    props = {"id": "a", "fatalities": [{"source": "s", "total": 4}]}
    out = derive_properties(props)
    assert out["fatalities_low"] == out["fatalities_high"] == 4
    assert "fatalities_low" not in props
