import jsonschema

from bordermap.model import load_schema
from bordermap.synthetic import synthetic_collection
from bordermap.validate import validate_collection


def test_synthetic_events_are_valid_and_deterministic():
    fc = synthetic_collection(500, seed=3)
    assert validate_collection(fc, "synthetic") == []
    jsonschema.Draft202012Validator(load_schema()).validate(fc)  # the slow validator agrees
    assert synthetic_collection(500, seed=3) == fc
    assert len({f["properties"]["id"] for f in fc["features"]}) == 500
