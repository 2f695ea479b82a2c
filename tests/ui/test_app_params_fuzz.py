"""Every query parameter of the app is user input (a pasted permalink): any value opens the map,
never an exception; values that do not parse are ignored, not half-applied."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from streamlit.testing.v1 import AppTest
from fuzzing import examples

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

NAMES = ["from", "to", "type", "conf", "side", "dataset", "actor", "event", "axis", "step", "grow", "speed"]
HOSTILE = st.sampled_from([
    "", "2012-07-20", "2012-02-30", "9999-12-31", "0001-01-01", "2012-07-31..2012-07-01", "1900-01-01..2100-01-01",
    "Battles", "battles", "confirmed", "afghanistan", "both", "nowhere", "\u202e", "\x00", "\n\x1b[2J",
    "<script>window.__pwned=1</script>", "{{7*7}}", "x" * 5000, "-1", "1e309", "nan", "month", "1", "4",
    "2012-07-24-khorog-special-operation", "../../etc/passwd",
])
# (No lone surrogates: a URL carries UTF-8, so the browser turns one into U+FFFD before the app
# sees it, and AppTest cannot encode one at all.)
VALUES = st.one_of(HOSTILE, st.text(st.characters(exclude_categories=["Cs"]), max_size=30))


def run(params: dict[str, list[str]]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v if len(v) > 1 else v[0]
    return at.run()


def map_count(at: AppTest) -> int:
    return sum(1 for c in at.get("component_instance") if c.proto.component_name == "streamlit_folium.st_folium")


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NAMES), st.lists(VALUES, min_size=1, max_size=3), max_size=6))
def test_any_permalink_opens_the_map(params):
    at = run(params)
    assert not at.exception, (params, at.exception)
    assert map_count(at) == 1
    lo, hi = at.session_state["win"]
    assert lo <= hi


def test_the_worst_values_of_each_parameter_at_once():
    at = run({name: ["\ufffd\u202e<script>", "x" * 5000] for name in NAMES})
    assert not at.exception
    assert map_count(at) == 1
