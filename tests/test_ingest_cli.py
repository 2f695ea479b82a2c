"""``bordermap ingest`` and ``bordermap accept`` as a user runs them, fuzzed: whatever the report
or the options hold, an exit code and one clear line per problem, never a traceback; nothing
written on an error; what is written passes ``bordermap validate``."""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bordermap.cli import main
from fuzzing import examples

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ingest"
GEO = str(ROOT / "geo")


def _run(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage error
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert not any(ch in out + err for ch in "\x1b\u202e\x00")
    return code, out, err


def test_ingest_then_validate_then_accept(capsys, tmp_path):
    out = tmp_path / "proposals.geojson"
    code, text, err = _run(capsys, ["ingest", str(DATA / "ishkashim-clash.txt"), "-o", str(out), "--source", "Asia-Plus",
                                    "--url", "https://asiaplus.tj/test-fixture", "--geo", GEO])
    assert code == 0, err
    assert "1 proposed event(s)" in text and "1 with an ambiguous place, 1 place name(s) not in the gazetteer" in text
    assert _run(capsys, ["validate", str(out)])[0] == 0
    # the output is never overwritten without --force
    code, _, err = _run(capsys, ["ingest", str(DATA / "ishkashim-clash.txt"), "-o", str(out), "--geo", GEO])
    assert code != 0 and "already exists" in err
    events = tmp_path / "events.geojson"
    pid = json.loads(out.read_text())["features"][0]["id"]
    code, text, err = _run(capsys, ["accept", str(out), pid, "--into", str(events), "--reviewer", "A. Analyst"])
    assert code == 0, err
    assert f"accepted 1 proposal(s) ({pid}); 1 event(s) now; 0 proposal(s) left" in text
    assert _run(capsys, ["validate", str(events)])[0] == 0
    assert json.loads(events.read_text())["features"][0]["properties"]["provenance"]["reviewer"] == "A. Analyst"


def test_accept_refuses_a_duplicate_and_changes_nothing(capsys, tmp_path):
    out, events = tmp_path / "p.geojson", tmp_path / "events.geojson"
    _run(capsys, ["ingest", str(DATA / "province-only.txt"), "-o", str(out), "--geo", GEO])
    fc = json.loads(out.read_text())
    twin = json.loads(json.dumps(fc["features"][0]))
    twin["id"] = twin["properties"]["id"] = "the-same-clash-again"
    fc["features"].append(twin)
    out.write_text(json.dumps(fc))
    pid = fc["features"][0]["id"]
    assert _run(capsys, ["accept", str(out), pid, "--into", str(events)])[0] == 0
    before = (out.read_bytes(), events.read_bytes())
    code, _, err = _run(capsys, ["accept", str(out), "the-same-clash-again", "--into", str(events)])
    assert code == 1 and f"may duplicate the event '{pid}'" in err and "nothing accepted" in err
    assert (out.read_bytes(), events.read_bytes()) == before
    code, _, err = _run(capsys, ["accept", str(out), "the-same-clash-again", "--into", str(events), "--force"])
    assert code == 0 and "may duplicate" in err


BAD_REPORTS = {
    "binary": b"\x7fELF\x02\x01\x01\x00\x00\x00",
    "empty": b"",
    "latin-1": b"Gunmen killed two in Khorog, caf\xe9 owner said.",
    "html-script-only": b"<html><head><script>while(true){}</script></head><body><script>x()</script></body></html>",
}


def test_bad_reports_one_line_exit_2_nothing_written(capsys, tmp_path):
    for name, content in BAD_REPORTS.items():
        report = tmp_path / f"{name}.txt"
        report.write_bytes(content)
        out = tmp_path / "out.geojson"
        code, _, err = _run(capsys, ["ingest", str(report), "-o", str(out), "--geo", GEO])
        assert code == 2, (name, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), (name, err)
        assert not out.exists()


HOSTILE = ["\u202e", "\x1b[2J", "\n", "<script>", "x" * 5_000, "{{7*7}}", "'; DROP", "2012-02-30", "javascript:x",
           "https://ok.example/a b", "2022-03-06", "Asia-Plus", "https://ok.example/x"]


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["--date", "--source", "--url"]),
                       st.one_of(st.sampled_from(HOSTILE), st.text(st.characters(exclude_categories=["Cs"]), max_size=20)),
                       max_size=3))
def test_ingest_options_are_user_input(capsys, options):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "p.geojson"
        argv = ["ingest", str(DATA / "fayzabad.txt"), "-o", str(out), "--geo", GEO]
        argv += [f"{k}={v}" for k, v in options.items()]
        code, _, err = _run(capsys, argv)
        assert code in (0, 2), err
        if code == 0:
            assert _run(capsys, ["validate", str(out)])[0] == 0
        else:
            assert not out.exists() and len(err.strip().splitlines()) == 1


_WORDS = ["Tajik", "Afghan", "border guards", "Taliban", "killed", "two", "dozens", "wounded", "near", "Ishkashim",
          "Khorog", "Darvoz", "Fayzabad", "district", "province", "on Monday", "last week", "the previous day",
          "March 5", "said", "officials", "residents", "according to", ",", ".", "\n", "\n\n", "Ишкашим", "اشکاشم",
          "<p>", "</p>", "<script>", "village of Xyz", "at least", "10 to 15", "2022-03-01", "\u202e", "\t"]


@settings(max_examples=examples(30), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=12)), max_size=60),
       st.sampled_from([".txt", ".html"]))
def test_ingest_whatever_the_report_holds(capsys, words, suffix):
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / f"report{suffix}"
        report.write_bytes(" ".join(words).encode("utf-8", "replace"))
        out = Path(folder) / "p.geojson"
        code, _, err = _run(capsys, ["ingest", str(report), "-o", str(out), "--date", "2022-03-09", "--geo", GEO])
        assert code in (0, 2), err
        if code == 0:
            assert _run(capsys, ["validate", str(out)])[0] == 0
            fc = json.loads(out.read_text("utf-8"))
            for f in fc["features"]:
                assert f["properties"]["date_end"] <= "2022-03-09"
        else:
            assert not out.exists()


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(["2022-10-03-khorog", "2022-10-10-vanj", "nope", "2012-07-21-nazarov-killed"]),
                          st.text(max_size=10)), min_size=1, max_size=3),
       st.sampled_from(["none", "bundled", "garbage", "not-a-collection"]),
       st.booleans())
def test_accept_whatever_the_ids_and_files(capsys, ids, target, force):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        proposals = folder / "p.geojson"
        shutil.copy(_proposals_file(), proposals)
        events = folder / "events.geojson"
        if target == "bundled":
            shutil.copy(ROOT / "data" / "events.geojson", events)
        elif target == "garbage":
            events.write_bytes(b"{not json")
        elif target == "not-a-collection":
            events.write_text("[1, 2]")
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        argv = ["accept", str(proposals), *ids, "--into", str(events)] + (["--force"] if force else [])
        code, _, err = _run(capsys, argv)
        assert code in (0, 1, 2), err
        if code == 0:
            assert _run(capsys, ["validate", str(events)])[0] == 0
        else:
            assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


_CACHE: dict[str, Path] = {}


def _proposals_file() -> Path:
    if "p" not in _CACHE:
        folder = Path(tempfile.mkdtemp(prefix="bordermap-ingest-"))
        main(["ingest", str(DATA / "relative-dates.txt"), "-o", str(folder / "p.geojson"), "--geo", GEO])
        _CACHE["p"] = folder / "p.geojson"
    return _CACHE["p"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_accept_keeps_both_files_as_they_were(capsys, tmp_path, signum):
    """Killed while it writes the events file: the events and the proposals are as before, no
    temp file is left (the same atomic writer as every export; tests/write_faults.py)."""
    from write_faults import signal_during_write

    out, events, started = tmp_path / "p.geojson", tmp_path / "events.geojson", tmp_path / "started"
    events.write_bytes((ROOT / "data" / "events.geojson").read_bytes())
    _run(capsys, ["ingest", str(DATA / "province-only.txt"), "-o", str(out), "--geo", GEO])
    pid = json.loads(out.read_text())["features"][0]["id"]
    before = (out.read_bytes(), events.read_bytes())
    code, stdout, err = signal_during_write(["accept", str(out), pid, "--into", str(events)], started, signum)
    assert code == 128 + signum, (code, err)
    assert "Traceback" not in err and f"{events}: not written" in err
    assert (out.read_bytes(), events.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.geojson", "p.geojson", "started"]
