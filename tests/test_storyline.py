import json
from pathlib import Path

import pytest

from bordermap.caption import caption_context
from bordermap.errors import DataFileError
from bordermap.storyline import load_storyline, validate_storyline

ROOT = Path(__file__).resolve().parents[1]
IDS = {"a", "b"}


def test_default_storyline_is_valid_against_the_dataset():
    ids = [f["properties"]["id"] for f in json.loads((ROOT / "data" / "events.geojson").read_text())["features"]]
    story = load_storyline(ROOT / "data" / "storylines" / "khorog-2012.json", ids)
    assert len(story.steps) >= 8
    assert story.steps[0].center is not None  # the border overview


def test_unknown_event_is_one_clear_line(tmp_path):
    p = tmp_path / "s.json"
    p.write_text(json.dumps({"title": "t", "steps": [{"caption": "x", "event": "a"},
                                                      {"caption": "y", "event": "nope"}]}))
    with pytest.raises(DataFileError) as info:
        load_storyline(p, IDS)
    assert str(info.value) == f"{p}: step 2: field 'event': no event with id 'nope' in the events file"


def test_every_problem_at_once():
    problems = validate_storyline({"title": "t", "steps": [{"event": "a"}, {"caption": "c"},
                                                          {"caption": "c", "event": "a", "colour": 1}]},
                                  "s.json", IDS)
    lines = [str(p) for p in problems]
    assert "s.json: step 1: field 'caption': is required but missing" in lines
    assert "s.json: step 2: field 'event': a step needs an 'event' to show or a 'view' ({center, zoom})" in lines
    assert any(line.startswith("s.json: step 3:") and "colour" in line for line in lines)


def test_caption_context_for_an_event_step():
    story = load_storyline(ROOT / "data" / "storylines" / "khorog-2012.json",
                           [f["properties"]["id"] for f in json.loads((ROOT / "data" / "events.geojson").read_text())["features"]])
    ev = next(f for f in json.loads((ROOT / "data" / "events.geojson").read_text())["features"]
              if f["properties"]["id"] == "2012-07-24-khorog-special-operation")
    ctx = caption_context(story, 2, ev)
    assert ctx["number"] == 3 and ctx["total"] == len(story.steps)
    assert "Tajik government 42" in ctx["claims"] and "BBC Persian 200" in ctx["claims"]
    assert ctx["when"].startswith("24 Jul 2012")
