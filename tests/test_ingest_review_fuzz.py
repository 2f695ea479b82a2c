"""The review page's entry points on hostile proposals files: markup and scripts in every field,
bidi overrides, offsets that point anywhere, huge text, edits of any shape. Whatever the file
holds: the report is escaped HTML with no bidi control left to act, a refusal is a ReviewError
(or an unreadable file) worded in sentences, and the input is never changed."""

from __future__ import annotations

import copy
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from bordermap.errors import UnreadableFileError
from bordermap.ingest import ingest_report, read_report
from bordermap.ingest import review as rv
from fuzzing import examples

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "\u202eexe.txt", "\u2066x\u2069",
           "&amp;", "{{ 7*7 }}", "\x00\x1b[2J", "\ud800", "خروغ", "Хорог", "a" * 5000]
text_st = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def clash():
    text, meta = read_report(ROOT / "tests" / "data" / "ingest" / "ishkashim-clash.txt")
    return ingest_report(text, meta["date"], "Asia-Plus", None, geo_dir=ROOT / "geo")


def _assert_safe_html(html: str) -> None:
    assert "<script" not in html and "<img" not in html  # markup from data is text, never tags
    assert not _BIDI.search(html) and "\x00" not in html and "\x1b" not in html


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(report=st.one_of(text_st, st.lists(text_st, max_size=8).map("\n".join)),
       evidence=st.lists(st.tuples(text_st, st.integers(-5, 400), st.integers(-5, 400), text_st, text_st), max_size=6),
       keep_hash=st.booleans())
def test_the_report_is_escaped_whatever_the_file_says(clash, report, evidence, keep_hash):
    fc = copy.deepcopy(clash)
    fc["report_text"] = report
    proposal = fc["features"][0]["properties"]["proposal"]
    for field, start, end, sentence, match in evidence:
        proposal["evidence"].setdefault(field, []).append(
            {"text": report[start:end] if keep_hash and 0 <= start < end else sentence, "start": start, "end": end,
             "confidence": 0.5, "match": match})
    before = copy.deepcopy(fc)
    view = rv.report_view(fc)
    html = rv.render_report(view, rv.evidence_marks(fc["features"][0], view), focus=evidence[0][0] if evidence else None)
    _assert_safe_html(html)
    assert fc == before


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(
    st.sampled_from(list(rv.EDITABLE) + ["id", "proposal", "__class__"]),
    st.one_of(text_st, st.integers(-10, 10), st.none(), st.booleans(), st.floats(allow_nan=True),
              st.lists(st.dictionaries(st.sampled_from(["source", "total", "low", "high", "approximate", "note"]),
                                       st.one_of(text_st, st.integers(-3, 50), st.none(), st.floats()),
                                       max_size=5), max_size=4)),
    max_size=6))
@example(changes={"place": None, "fatalities": [{"total": float("inf")}]})  # found by CI: int(inf) raised
@example(changes={"fatalities": [{"low": float("-inf"), "high": 1e300}], "geo_precision": float("inf")})
@example(changes={"geo_precision": 2.7})
@example(changes={"geo_precision": True})
def test_any_edit_is_applied_valid_or_refused_in_sentences(clash, changes):
    before = copy.deepcopy(clash)
    pid = clash["features"][0]["properties"]["id"]
    try:
        out = rv.edit_proposal(clash, pid, changes, reviewer="fuzz")
    except rv.ReviewError as exc:
        assert exc.problems and all(p and "\n" not in p for p in exc.problems)
    else:
        from bordermap.validate import validate_collection

        assert [p for p in validate_collection(out) if p.severity == "error"] == []
    assert clash == before


@settings(max_examples=examples(30), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.sampled_from(["", "{", "[]", "null", '{"type": "FeatureCollection", "features": {}}',
                     '{"type": "FeatureCollection", "features": [1, "x", null]}']),
    st.recursive(st.none() | st.booleans() | st.integers() | text_st,
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text_st, inner, max_size=4),
                 max_leaves=20).map(lambda v: json.dumps({"type": "FeatureCollection", "features": [v]}))))
def test_a_file_that_is_not_proposals_is_refused_in_one_sentence(body):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.geojson"
        path.write_text(body, "utf-8", errors="surrogatepass")
        try:
            fc = rv.read_proposals(path)
        except UnreadableFileError as exc:
            assert "\n" not in str(exc) and "p.geojson" in str(exc)
            return
        view = rv.report_view(fc)
        for f in fc["features"]:
            if isinstance(f, dict):
                _assert_safe_html(rv.render_report(view, rv.evidence_marks(f, view)))


def test_huge_text_is_not_shown_whole(clash):
    fc = dict(clash, report_text="x " * 400_000)
    view = rv.report_view(fc)
    assert not view.complete and "more than a report may have" in view.note
