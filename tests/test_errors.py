"""Problems and errors: one printable line each, data escaped and cut, a problem reported once."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bordermap.errors import (DataFileError, Problem, UnreadableFileError, UnwritableFileError, WriteInterrupted,
                              unique_problems)

any_text = st.text(st.characters(codec=None, categories=None, exclude_categories=()))


def test_line_format():
    assert str(Problem("f.geojson", 3, "abc", "title", "missing")) == \
        "f.geojson: feature 3 (id 'abc'): field 'title': missing"
    assert str(Problem("f.geojson", None, None, "", "not a FeatureCollection")) == \
        "f.geojson: not a FeatureCollection"
    assert str(Problem("s.json", 2, None, "event", "unknown", severity="warning", item="step")) == \
        "s.json: step 2: field 'event': warning: unknown"


def test_data_cannot_forge_a_line_or_send_escapes():
    forged = "x\n/tmp/events.geojson: valid\x1b[2J\x1b[H"
    line = str(Problem("e.geojson", 0, forged, "bogus\x1b[31m\nname", f"found {forged}\u202e"))
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert line == ("e.geojson: feature 0 (id 'x\\n/tmp/events.geojson: valid\\x1b[2J\\x1b[H'): "
                    "field 'bogus\\x1b[31m\\nname': found x\\n/tmp/events.geojson: valid\\x1b[2J\\x1b[H\\u202e")


def test_long_values_are_cut():
    line = str(Problem("e.geojson", 0, "y" * 10_000, "z" * 5_000, "w" * 20_000))
    assert f"(id '{'y' * 80}…(10000 characters)')" in line
    assert f"field '{'z' * 80}…(5000 characters)'" in line
    assert line.endswith("…(20000 characters)") and len(line) < 700


def test_a_problem_is_reported_once_in_order():
    a, b = Problem("f", 0, "a", "title", "missing"), Problem("f", 1, "b", "title", "missing")
    assert unique_problems([a, b, a, b, a]) == [a, b]
    err = DataFileError("f", [b, a, b])
    assert err.problems == [b, a] and str(err).splitlines() == [str(b), str(a)]


def test_errors_keep_what_they_were_given_and_print_it_escaped():
    err = UnreadableFileError("bad\x1b[2J\udcff.json", "file not found")
    assert err.path == "bad\x1b[2J\udcff.json"
    assert str(err) == "bad\\x1b[2J\\udcff.json: file not found"
    assert str(UnwritableFileError("o\n.csv", "the disk is full")) == "cannot write o\\n.csv: the disk is full"
    interrupted = WriteInterrupted("out.csv", 15, "SIGTERM")
    assert interrupted.signum == 15 and "interrupted by SIGTERM" in str(interrupted)


@given(any_text, st.none() | st.integers(0, 10**6), st.none() | any_text, any_text, any_text)
def test_every_problem_is_one_printable_line(file, index, fid, field, message):
    line = str(Problem(file, index, fid, field, message))
    assert len(line.splitlines()) == 1
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in line)
    assert not set(line) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    line.encode("utf-8")


def test_every_bordermap_error_survives_pickling_with_its_words_and_fields():
    # Errors cross from the first-load child process (bordermap.first_load) through a queue.
    import pickle

    from bordermap.errors import (BordermapError, DataFileError, Problem, UnreadableFileError,
                                  UnwritableFileError, WriteInterrupted)

    problem = Problem("f.geojson", 3, "x-1", "date_start", "not a date")
    for exc in (UnreadableFileError("a.json", "file not found"), UnwritableFileError("b", "full"),
                WriteInterrupted("c", 15, "SIGTERM"), DataFileError("f.geojson", [problem]),
                BordermapError("plain")):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.__dict__ == exc.__dict__
