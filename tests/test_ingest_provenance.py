"""The provenance an analyst types, one set of rules for the CLI and the review page."""

from __future__ import annotations

import json

import pytest

from bordermap.cli import main
from bordermap.errors import UnreadableFileError
from bordermap.ingest.provenance import MAX_NAME, clean_name, clean_url, read_events_target
from bordermap.ingest.review import ReviewError, ingest_into


@pytest.mark.parametrize("value, expected", [("Asia-Plus", "Asia-Plus"), ("  RFE/RL\n Tajik  service\t", "RFE/RL Tajik service"),
                                             ("Хорог ньюс", "Хорог ньюс"), ("x" * MAX_NAME, "x" * MAX_NAME)])
def test_a_name_is_kept_with_its_spaces_collapsed(value, expected):
    assert clean_name("--source", value) == (expected, None)


@pytest.mark.parametrize("value, words", [("", "some text"), ("   ", "some text"), (None, "some text"), (3, "some text"),
                                          ("a\x1b[2Jb", "control characters"), ("a\u2028b", "control characters"),
                                          ("a\ud800", "control characters"), ("x" * (MAX_NAME + 1), "at most 120")])
def test_a_bad_name_gets_one_sentence(value, words):
    name, problem = clean_name("--source", value)
    assert name is None and words in problem and "\n" not in problem and "\x1b" not in problem


@pytest.mark.parametrize("value", ["https://www.khaama.com/x?y=1", " http://asiaplustj.info/news ", "http://a.b/" + "p" * 1990])
def test_an_http_address_is_kept(value):
    assert clean_url("--url", value) == (value.strip(), None)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://x.org/a", "https://a b", "https://a\"onmouseover=x",
                                   "https://", "http://a/" + "p" * 2001, None, "file:///etc/passwd"])
def test_a_bad_address_gets_one_sentence(value):
    url, problem = clean_url("--url", value)
    assert url is None and "http(s) address" in problem and "\n" not in problem


def test_the_events_target_is_empty_when_missing_and_refused_when_not_a_collection(tmp_path):
    assert read_events_target(tmp_path / "new.geojson") == {"type": "FeatureCollection", "features": []}
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps([1, 2]))
    with pytest.raises(UnreadableFileError, match="not an events file"):
        read_events_target(bad)


def test_cli_and_page_refuse_the_same_source_with_the_same_sentence(tmp_path, capsys):
    report = tmp_path / "r.txt"
    report.write_text("Two soldiers were killed in Khorog on Monday, officials said.")
    code = main(["ingest", str(report), "-o", str(tmp_path / "p.geojson"), "--source", "bad\x07name"])
    err = capsys.readouterr().err
    assert code == 2 and "--source holds control characters" in err
    assert not (tmp_path / "p.geojson").exists()
    with pytest.raises(ReviewError, match="the source holds control characters"):
        ingest_into(tmp_path / "proposals", report.read_bytes(), "r.txt", source="bad\x07name")
    assert not (tmp_path / "proposals").exists()
