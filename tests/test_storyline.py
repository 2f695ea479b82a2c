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


# ---- fuzz: a storyline file is user input ---------------------------------------------------
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from fuzzing import examples  # noqa: E402

BUNDLED_STORY = json.loads((ROOT / "data" / "storylines" / "khorog-2012.json").read_text())
BUNDLED_IDS = [f["properties"]["id"] for f in json.loads((ROOT / "data" / "events.geojson").read_text())["features"]]
_WILD = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                  st.text(max_size=20), st.lists(st.integers(), max_size=3),
                  st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                  st.sampled_from(["\u202e", "\x1b[2J\n", "<script>x</script>", "x" * 5000, "nope", BUNDLED_IDS[0]]))


@st.composite
def _stories(draw):
    story = json.loads(json.dumps(BUNDLED_STORY))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["top", "step", "view", "drop-step", "steps"]))
        if where == "top":
            story[draw(st.sampled_from(["title", "description", "events", "extra"]))] = draw(_WILD)
        elif where == "steps":
            story["steps"] = draw(_WILD)
        elif isinstance(story.get("steps"), list) and story["steps"]:
            i = draw(st.integers(0, len(story["steps"]) - 1))
            step = story["steps"][i]
            if where == "drop-step":
                del story["steps"][i]
            elif where == "view" and isinstance(step, dict):
                step["view"] = draw(st.one_of(_WILD, st.fixed_dictionaries({"center": _WILD, "zoom": _WILD})))
            elif isinstance(step, dict):
                step[draw(st.sampled_from(["caption", "title", "event", "zoom", "colour"]))] = draw(_WILD)
    return story


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_stories())
def test_any_storyline_loads_or_says_every_problem_in_lines(story):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        p = Path(folder) / "story.json"
        p.write_text(json.dumps(story, ensure_ascii=False), "utf-8")
        try:
            loaded = load_storyline(p, BUNDLED_IDS)
        except DataFileError as exc:
            lines = str(exc).splitlines()
            assert lines and all(line.startswith(str(p)) for line in lines), lines
            assert not any(ch in str(exc) for ch in "\x1b\u202e")  # echoed values are escaped
            return
        assert loaded.steps and all(isinstance(s.caption, str) for s in loaded.steps)
        assert all(s.event is None or s.event in BUNDLED_IDS for s in loaded.steps)
