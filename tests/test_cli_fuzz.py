"""The whole command line on mutated real events: ``validate`` and every export, as a user runs
them. Whatever the file holds, the user gets an exit code, one line per problem naming the file,
never a traceback; nothing is written from an invalid file, the input is never changed, and a file
the validator passes exports in every format."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from bordermap.cli import main
from test_rules import _collections
from fuzzing import examples

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ["geojson", "csv", "kml", "html"]


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


#: The exports that start Chromium (PNG) or play a storyline over the events (presentation):
#: a second or two each, so fewer examples.
SLOW_FORMATS = ["png", "presentation"]


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_collections(), st.sampled_from(FORMATS))
def test_validate_then_export_whatever_the_file_holds(capsys, fc, fmt):
    _validate_then_export(capsys, fc, fmt)


@settings(max_examples=examples(6), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_collections(), st.sampled_from(SLOW_FORMATS))
def test_png_and_presentation_exports_whatever_the_file_holds(capsys, fc, fmt):
    _validate_then_export(capsys, fc, fmt)


def _validate_then_export(capsys, fc, fmt):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        src = folder / "events.geojson"
        src.write_text(json.dumps(fc, ensure_ascii=False), "utf-8")
        before = src.read_bytes()
        code, out, err = _run(capsys, ["validate", str(src)])
        assert code in (0, 1), (code, out, err)
        text = out + err
        assert "Traceback" not in text
        problems = [line for line in err.splitlines() if line.strip()]
        if code == 1:
            assert problems and all(line.startswith(str(src)) or line.startswith("bordermap:") for line in problems), problems
        target = folder / ("out.html" if fmt == "presentation" else f"out.{fmt}")
        ecode, eout, eerr = _run(capsys, ["export", fmt, "--events", str(src), "--geo", str(ROOT / "geo"),
                                          "-o", str(target)])
        assert "Traceback" not in eout + eerr
        story = "data/storylines/khorog-2012.json"
        if code == 0 and fmt == "presentation" and ecode == 1:
            # A valid file without an event the storyline shows: the storyline's problems, one
            # line each, naming it; nothing written. (The file's own warnings, which name it, come
            # first, as they do for any export.)
            lines = [line for line in eerr.splitlines() if line.strip() and not line.startswith(f"warning: {src}")]
            assert lines and all(line.startswith((story, f"error: {story}")) for line in lines), lines
            assert not target.exists()
        elif code == 0:
            assert ecode == 0 and target.exists() and target.stat().st_size > 0, (eout, eerr)
        else:
            assert ecode != 0 and not target.exists(), (ecode, eout, eerr)
        assert sorted(p.name for p in folder.iterdir()) == sorted({"events.geojson", target.name} if ecode == 0
                                                                   else {"events.geojson"})
        assert src.read_bytes() == before


HOSTILE = ["\u202e", "\x1b[2J", "\n", "<script>", "x" * 10_000, "{{7*7}}", "'; DROP", "\udcff"]


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FORMATS), st.dictionaries(
    st.sampled_from(["--from", "--to", "--type", "--confidence", "--side", "--actor", "--title"]),
    st.one_of(st.sampled_from(HOSTILE + ["2012-07-20", "2012-13-01", "Battles", "confirmed", "both"]),
              st.text(st.characters(exclude_categories=["Cs"]), max_size=20)), max_size=3))
def test_export_options_are_user_input(capsys, fmt, options):
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out.{fmt}"
        argv = ["export", fmt, "--events", str(ROOT / "data" / "events.geojson"), "--geo", str(ROOT / "geo"),
                "-o", str(target)]
        for k, v in options.items():
            argv += [f"{k}={v}"]
        try:
            code, out, err = _run(capsys, argv)
        except SystemExit as exc:  # argparse's own usage error
            code, (out, err) = exc.code, capsys.readouterr()
        assert code in (0, 1, 2), (code, err)
        assert "Traceback" not in out + err
        # one line per problem, each printable: nothing from the options reaches the terminal raw
        assert not any(ch in err for ch in "\x1b\u202e"), err
        if code != 0:
            assert not target.exists()
