"""The CLI under faults: hostile data, bad bytes, a race, a full disk, a signal. Every case is one
sentence per problem, escaped, and never a traceback, a partial file or a replaced one."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from write_faults import appears_at_fsync, signal_during_write

from bordermap import cli
from bordermap.cli import main
from bordermap.errors import Problem
from bordermap.io import files

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "data" / "good-minimal.geojson"
GEO = str(ROOT / "geo")
FORGED = "x\n/tmp/events.geojson: valid\x1b[2J\x1b[H"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def no_raw_controls(text: str) -> bool:
    return not any(ch in text for ch in "\x1b\x00\r\x9b\u202e") and all(
        line == "" or line.isprintable() for line in text.split("\n"))


def events_file(tmp_path: Path, **props) -> Path:
    fc = json.loads(GOOD.read_text("utf-8"))
    fc["features"][0]["properties"].update(props)
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(fc), "utf-8")
    return path


def test_data_cannot_forge_a_valid_line_or_clear_the_screen(capsys, tmp_path):
    path = events_file(tmp_path, id=FORGED, **{"bogus\x1b[31m\nname": 1}, event_type="Bat\u202etles\x9b")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1 and out == "" and no_raw_controls(err)
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith(f"{path}: ") for line in lines)
    assert "valid" not in [line.rsplit(": ", 1)[-1] for line in lines]
    assert "unexpected field(s) bogus\\x1b[31m\\nname" in lines[0]


def test_a_long_id_is_cut_in_every_line(capsys, tmp_path):
    path = events_file(tmp_path, id="y" * 10_000)
    code, _, err = run(capsys, "validate", str(path))
    assert code == 1
    for line in err.splitlines()[:-1]:
        assert f"(id '{'y' * 80}…(10000 characters)')" in line and len(line) < 1000


def test_a_problem_found_twice_is_printed_once(capsys, monkeypatch, tmp_path):
    a, b = Problem("f", 0, "a", "title", "missing"), Problem("f", 1, "b", "title", "missing")
    monkeypatch.setattr(cli, "validate_path", lambda path, progress=None: [a, b, a])
    code, _, err = run(capsys, "validate", "f")
    assert code == 1 and err.splitlines() == [str(a), str(b), "f: 2 problem(s); the file is not valid"]


def test_unreadable_inputs_are_one_sentence(capsys, tmp_path):
    deep = tmp_path / "deep.geojson"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    big = tmp_path / "big.geojson"
    big.write_text('{"n": ' + "1" * 5000 + "}")
    for path, words in [(tmp_path, "is a directory"), (deep, "is nested more than 64 levels deep (line 1, column 65)"),
                        (big, "has an integer of 5,000 digits (line 1, column 7)")]:
        code, _, err = run(capsys, "validate", str(path))
        assert code == 2 and err.startswith(f"error: {path}: {words}") and err.count("\n") == 1


def _limited() -> None:  # a child that tries to read /dev/zero whole stops at 4 GiB
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_special_files_are_refused_without_blocking(tmp_path, kind):
    path = tmp_path / "fifo.geojson" if kind == "fifo" else Path("/dev/zero")
    if kind == "fifo":
        os.mkfifo(path)
    # In a child with a time and memory limit: a reader that blocked or read forever fails, not hangs.
    res = subprocess.run([sys.executable, "-m", "bordermap.cli", "validate", str(path)], capture_output=True,
                         text=True, timeout=60, preexec_fn=_limited)
    words = "is a named pipe (FIFO), not a regular file" if kind == "fifo" else "is a device, not a regular file"
    assert (res.returncode, res.stderr) == (2, f"error: {path}: {words}; expected a JSON file\n")


def test_bad_bytes_in_title_are_a_usage_error(capsys, tmp_path):
    out = tmp_path / "t.kml"
    with pytest.raises(SystemExit) as exit_:
        main(["export", "kml", "-o", str(out), "--events", str(GOOD), "--geo", GEO, "--title", "a\udcffb"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and not out.exists()
    assert err.splitlines()[-1] == ("bordermap export: error: argument --title: 'a\\udcffb' is not UTF-8 text "
                                    "(byte 0xff at character 2); give it in UTF-8 (check the terminal's encoding)")


def test_bad_bytes_from_a_real_command_line(tmp_path):
    bad_name = os.fsencode(tmp_path) + b"/\xff.geojson"
    Path(os.fsdecode(bad_name)).write_bytes(GOOD.read_bytes())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    res = subprocess.run([sys.executable, "-m", "bordermap.cli", "export", "kml", "-o", str(tmp_path / "t.kml"),
                          "--events", str(GOOD), "--geo", GEO, "--title", b"caf\xe9"], capture_output=True, env=env)
    assert res.returncode == 2 and b"Traceback" not in res.stderr
    assert b"argument --title: 'caf\\udce9' is not UTF-8 text (byte 0xe9 at character 4)" in res.stderr
    res = subprocess.run([sys.executable, "-m", "bordermap.cli", "validate", bad_name], capture_output=True, env=env)
    assert (res.returncode, res.stdout) == (0, os.fsencode(tmp_path) + b"/\\udcff.geojson: valid\n")


def test_options_and_unknown_arguments_are_echoed_escaped(capsys, tmp_path):
    out = tmp_path / "e.csv"
    code, stdout, err = run(capsys, "export", "csv", "-o", str(out), "--events", str(GOOD), "--geo", GEO,
                            "--actor", "\x1b[31mred\n")
    assert code == 0 and no_raw_controls(stdout + err) and "actor: \\x1b[31mred\\n" in stdout
    with pytest.raises(SystemExit):
        main(["validate", str(GOOD), "extra\x1b[2J"])
    assert "unrecognized arguments: extra\\x1b[2J" in capsys.readouterr().err


def test_invalid_data_in_export_is_every_problem_once_then_a_count(capsys, tmp_path):
    path = events_file(tmp_path, id=FORGED, title="", event_type="Skirmish")
    out = tmp_path / "e.csv"
    code, _, err = run(capsys, "export", "csv", "-o", str(out), "--events", str(path), "--geo", GEO)
    lines = err.splitlines()
    assert code == 1 and not out.exists() and no_raw_controls(err) and len(lines) == len(set(lines)) >= 3
    assert lines[-1] == f"error: {path}: {len(lines) - 1} problem(s); nothing was written"


def test_output_below_a_file_is_one_sentence_before_any_work(capsys, tmp_path):
    (tmp_path / "afile").write_text("keep")
    out = tmp_path / "afile" / "x.csv"
    code, _, err = run(capsys, "export", "csv", "-o", str(out), "--events", str(tmp_path / "none.geojson"))
    assert (code, err) == (2, f"error: cannot write {out}: its folder {tmp_path / 'afile'} is a file, not a folder\n")


def test_a_full_disk_is_one_sentence_and_leaves_nothing(capsys, tmp_path, monkeypatch):
    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", full)
    out = tmp_path / "e.csv"
    code, _, err = run(capsys, "export", "csv", "-o", str(out), "--events", str(GOOD), "--geo", GEO)
    assert (code, err) == (2, f"error: cannot write {out}: no space left on the device (the disk is full); "
                              "nothing was written\n")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_during_the_export_survives(capsys, tmp_path, monkeypatch):
    out = tmp_path / "e.csv"
    appears_at_fsync(monkeypatch, out, "someone else's")
    code, _, err = run(capsys, "export", "csv", "-o", str(out), "--events", str(GOOD), "--geo", GEO)
    assert (code, err) == (1, f"error: {out}: already exists; not overwriting it (use --force to replace it)\n")
    assert out.read_text() == "someone else's" and [p.name for p in tmp_path.iterdir()] == ["e.csv"]


def test_sigterm_during_an_export(tmp_path):
    out, started = tmp_path / "e.csv", tmp_path / "started"
    out.write_text("the older export")
    code, stdout, err = signal_during_write(["export", "csv", "-o", str(out), "--force", "--events", str(GOOD),
                                             "--geo", GEO], started, signal.SIGTERM)
    assert code == 128 + signal.SIGTERM and stdout == ""
    assert err == (f"error: {out}: not written: interrupted by SIGTERM; an earlier file of that name "
                   "is unchanged\n")
    assert out.read_text() == "the older export" and sorted(p.name for p in tmp_path.iterdir()) == ["e.csv", "started"]


def test_a_storyline_with_problems_is_reported_once_each(capsys, tmp_path):
    story = tmp_path / "story.json"
    story.write_text(json.dumps({"title": "t", "steps": [{"event": FORGED, "caption": "c"}] * 2}))
    code, _, err = run(capsys, "export", "presentation", "-o", str(tmp_path / "p.html"), "--events", str(GOOD),
                       "--geo", GEO, "--storyline", str(story))
    assert code == 1 and no_raw_controls(err) and not (tmp_path / "p.html").exists()
    assert err.splitlines()[-1].startswith(f"error: {story}: ") and "nothing was written" in err



@pytest.fixture
def tiny_disk(tmp_path):
    """A real 64 kB tmpfs (the kernel says ENOSPC, not a mock); skipped where mounting is not
    allowed (not root, no CAP_SYS_ADMIN)."""
    import shutil
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    if not shutil.which("mount") or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                                                     capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_really_full_disk_keeps_the_older_file_and_leaves_no_temp(capsys, tiny_disk):
    out = tiny_disk / "map.html"
    out.write_text("the older export")
    code, stdout, err = run(capsys, "export", "html", "-o", str(out), "--force", "--events", str(GOOD), "--geo", GEO)
    assert code == 2, (stdout, err, [(p.name, p.stat().st_size) for p in tiny_disk.iterdir()])
    assert err == f"error: cannot write {out}: no space left on the device (the disk is full); nothing was written\n"
    assert out.read_text() == "the older export"
    assert [p.name for p in tiny_disk.iterdir()] == ["map.html"], "no temp file left behind"
    # and an import into it (an export far larger than the disk): the same sentence, nothing half-written
    from bordermap.synthetic_exports import acled_csv_text

    export = tiny_disk.parent / "acled.csv"
    export.write_text(acled_csv_text(500), "utf-8")
    code, _, err = run(capsys, "import", "acled", str(export), "-o", str(tiny_disk / "acled.geojson"))
    assert code == 2 and "no space left on the device" in err and "Traceback" not in err
    assert [p.name for p in tiny_disk.iterdir()] == ["map.html"]
