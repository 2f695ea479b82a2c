"""io.files: reading within limits, never blocking; writing all or nothing, never over a file.

The signal tests run a child Python whose ``os.write`` is slowed down, so that it can be stopped
in the middle of a write.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
from write_faults import appears_at_fsync
from hypothesis import given, settings
from hypothesis import strategies as st

from bordermap.errors import UnreadableFileError, UnwritableFileError
from bordermap.io import files
from bordermap.io.files import (MAX_DEPTH, FileExistsRefusal, check_destination, read_json, write_bytes_atomic,
                                write_json_atomic)
from fuzzing import examples

ROOT = Path(__file__).resolve().parents[1]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def within(seconds: float, fn, unblock=lambda: None):
    """Run ``fn`` in a thread; fail (after ``unblock``ing it) if it takes longer than ``seconds``."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        unblock()
        worker.join(5)
        pytest.fail(f"still running after {seconds} s: it blocked")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# --- reading -------------------------------------------------------------------------------------


def test_reads_json_with_a_bom(tmp_path):
    path = tmp_path / "a.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": [1, 2.5, "\\ud83d\\ude00 \\\\ud800"]}')
    assert read_json(path) == {"a": [1, 2.5, "\U0001f600 \\ud800"]}


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "events.geojson"
    os.mkfifo(fifo)

    def unblock():  # the blocked reader gets EOF
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    with pytest.raises(UnreadableFileError, match=r"events\.geojson: is a named pipe \(FIFO\), not a regular file"):
        within(5, lambda: read_json(fifo), unblock)


def test_a_device_and_a_folder_are_refused(tmp_path):
    with pytest.raises(UnreadableFileError, match=r"^/dev/null: is a device, not a regular file; expected a JSON"):
        read_json("/dev/null")
    with pytest.raises(UnreadableFileError, match=r": is a directory, expected a JSON file$"):
        read_json(tmp_path)


def test_dev_zero_is_refused_at_once_not_read_forever():
    # In a child with 1 GiB of address space, so that a reader that tries cannot take the machine.
    code = textwrap.dedent("""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from bordermap.errors import UnreadableFileError
        from bordermap.io.files import read_json
        try:
            read_json("/dev/zero")
        except UnreadableFileError as exc:
            print(exc)
    """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "/dev/zero: is a device, not a regular file; expected a JSON file"


def test_missing_and_not_utf8(tmp_path):
    with pytest.raises(UnreadableFileError, match=r"nope\.json: file not found$"):
        read_json(tmp_path / "nope.json")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(UnreadableFileError, match=r"file not found \(a folder in its path is a file\)"):
        read_json(tmp_path / "afile" / "x.json")
    (tmp_path / "latin1.json").write_bytes(b'{\n"a":\n"caf\xe9"}')
    with pytest.raises(UnreadableFileError, match=r"latin1\.json: is not UTF-8 text \(byte 11, line 3\)"):
        read_json(tmp_path / "latin1.json")


def test_size_limit_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "a.json"
    path.write_text('{"a": "' + "x" * 100 + '"}')
    monkeypatch.setenv("BORDERMAP_MAX_INPUT_BYTES", "50")
    with pytest.raises(UnreadableFileError, match=r"a\.json: is 109 bytes; the most bordermap reads is 50 bytes "
                                                  r"\(set BORDERMAP_MAX_INPUT_BYTES to change it\)"):
        read_json(path)
    monkeypatch.setenv("BORDERMAP_MAX_INPUT_BYTES", "109")
    assert read_json(path) == {"a": "x" * 100}
    monkeypatch.setenv("BORDERMAP_MAX_INPUT_BYTES", "2GB")
    with pytest.raises(UnreadableFileError, match="BORDERMAP_MAX_INPUT_BYTES='2GB' is not a positive whole number"):
        read_json(path)
    monkeypatch.delenv("BORDERMAP_MAX_INPUT_BYTES")
    assert files.max_input_bytes() == 2 * 1024**3


def test_a_file_that_grows_while_read_is_cut_off(tmp_path, monkeypatch):
    path = tmp_path / "a.json"
    path.write_text("[" + "1," * 50 + "1]")
    real_stat, real_fstat = os.stat, os.fstat

    def small(result: os.stat_result) -> os.stat_result:  # as it was when it had 10 bytes
        return os.stat_result((*result[:6], 10, *result[7:]))

    monkeypatch.setattr(files.os, "stat", lambda p, *a, **k: small(real_stat(p, *a, **k)))
    monkeypatch.setattr(files.os, "fstat", lambda fd: small(real_fstat(fd)))
    monkeypatch.setenv("BORDERMAP_MAX_INPUT_BYTES", "60")
    with pytest.raises(UnreadableFileError, match="a.json: grew past 60 bytes while read; the most bordermap reads"):
        read_json(path)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 100_000])
def test_deep_nesting_is_a_sentence_not_a_recursion_error(tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text('{"a":\n' + "[" * depth + "]" * depth + "}")
    with pytest.raises(UnreadableFileError, match=rf"deep\.json: is nested more than {MAX_DEPTH} levels deep "
                                                  rf"\(line 2, column {MAX_DEPTH}\); the most bordermap reads"):
        read_json(path)
    path.write_text("[" * MAX_DEPTH + '"[[[["' + "]" * MAX_DEPTH)  # brackets in a string do not count
    assert read_json(path)


def test_an_integer_too_long_to_convert_is_a_sentence(tmp_path):
    path = tmp_path / "big.json"
    digits = sys.get_int_max_str_digits() + 1
    path.write_text('{"s": "' + "9" * digits + '", "f": 1.' + "5" * digits + ',\n "n": -' + "7" * digits + "}")
    with pytest.raises(UnreadableFileError, match=rf"big\.json: has an integer of {digits:,} digits "
                                                  rf"\(line 2, column 7\); the most bordermap reads is"):
        read_json(path)


def test_a_lone_surrogate_escape_is_refused(tmp_path):
    path = tmp_path / "s.json"
    line2 = '  "ok \\ud83d\\ude00, \\\\ud800 is text, \\uD800 is not"}'
    path.write_text('{"title":\n' + line2)
    column = line2.index("\\uD800") + 1
    with pytest.raises(UnreadableFileError, match=rf"s\.json: is not valid JSON text: the escape \\uD800 "
                                                  rf"\(line 2, column {column}\) is half of a UTF-16 surrogate pair"):
        read_json(path)


@settings(max_examples=examples(200), deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_read_or_give_one_sentence(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(content)
        try:
            read_json(path)
        except UnreadableFileError as exc:
            assert str(exc).startswith(str(path) + ": ") and "\n" not in str(exc)


@settings(max_examples=examples(200), deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
       | st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                      lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4),
                      max_leaves=20).map(lambda v: json.dumps(v).encode("utf-8")))
def test_the_fast_reader_reads_what_the_exact_one_reads_and_refuses_in_its_words(content):
    # orjson first (events files), the standard library's words for any refusal; integers of
    # 64 bits or less come back exact (longer ones as floats: the events loader re-reads exactly).
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(content)
        outcomes = []
        for fast in (False, True):
            try:
                outcomes.append(("ok", read_json(path, fast=fast)))
            except UnreadableFileError as exc:
                outcomes.append(("refused", str(exc)))
        exact, fast = outcomes
        if exact[0] == "ok" and fast[0] == "ok":
            # Compared as written, not with ==: NaN (which both read) is not equal to itself.
            if json.dumps(fast[1]) != json.dumps(exact[1]):
                assert any(abs(int(t)) >= 2 ** 64
                           for t in __import__("re").findall(r"-?\d{20,}", content.decode("utf-8", "replace")))
        else:
            assert exact == fast


@pytest.mark.parametrize("figure", [2 ** 53, 1234567890123456789012345, 1.2345678901234568e+24])
def test_a_figure_past_what_a_browser_holds_exactly_is_one_problem(tmp_path, figure):
    # A count past 2**53 - 1 (JavaScript's exact integers) was valid, then every load crashed in
    # Arrow; the fast reader also turns 25 digits into a float. One sentence either way, from
    # validate and from an export, nothing written.
    fc = json.loads(Path("data/events.geojson").read_text())
    fc["features"][0]["properties"]["fatalities"][0]["total"] = figure
    path = tmp_path / "big.geojson"
    path.write_text(json.dumps(fc))
    bm = [sys.executable, "-m", "bordermap.cli"]
    for args in (["validate", str(path)], ["export", "geojson", "--events", str(path), "-o", str(tmp_path / "o.geojson")]):
        run = subprocess.run(bm + args, capture_output=True, text=True, env={**os.environ, "BORDERMAP_CACHE": str(tmp_path / "c")})
        out = run.stdout + run.stderr
        assert run.returncode == 1 and "Traceback" not in out, out
        assert ("feature 0 (id '2012-07-21-nazarov-killed'): field 'fatalities[0].total': value is greater than "
                "the maximum of 9,007,199,254,740,991 (the largest whole number a browser holds exactly)") in out
    assert not (tmp_path / "o.geojson").exists()


# --- writing -------------------------------------------------------------------------------------


def test_a_file_that_appears_during_the_write_is_not_replaced(tmp_path, monkeypatch):
    target = tmp_path / "events.csv"
    appears_at_fsync(monkeypatch, target, "someone else's file")
    with pytest.raises(FileExistsRefusal, match=r"events\.csv: already exists; not overwriting it"):
        write_bytes_atomic(target, b"ours")
    assert target.read_text() == "someone else's file"
    assert leftovers(tmp_path) == []


def test_force_replaces_and_keeps_the_mode(tmp_path):
    target = tmp_path / "e.csv"
    write_bytes_atomic(target, b"one")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    target.chmod(0o640)
    with pytest.raises(FileExistsRefusal):
        write_bytes_atomic(target, b"two")
    write_bytes_atomic(target, b"two", force=True)
    assert target.read_bytes() == b"two" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_is_not_written_through(tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(FileExistsRefusal):
        write_bytes_atomic(link, b"x")
    assert not (tmp_path / "elsewhere.csv").exists()


def test_without_hard_links_it_still_never_replaces(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "link", no_links)
    target = tmp_path / "fat.csv"
    write_bytes_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    with pytest.raises(FileExistsRefusal):
        write_bytes_atomic(target, b"other")
    assert target.read_bytes() == b"data" and leftovers(tmp_path) == []


def test_a_long_name_still_has_room_for_its_temp_file(tmp_path):
    target = tmp_path / ("n" * 250 + ".csv")
    write_bytes_atomic(target, b"x")
    assert target.read_bytes() == b"x" and leftovers(tmp_path) == []


def test_missing_folders_are_created(tmp_path):
    target = tmp_path / "a" / "b" / "c.json"
    write_json_atomic(target, {"ok": True})
    assert json.loads(target.read_text()) == {"ok": True}


@pytest.mark.parametrize("below", ["", "sub/deeper"])
def test_a_file_where_the_folder_should_be(tmp_path, below):
    (tmp_path / "afile").write_text("keep")
    target = tmp_path / "afile" / below / "x.csv"
    with pytest.raises(UnwritableFileError, match=rf"^cannot write {target}: its folder {tmp_path / 'afile'} "
                                                  r"is a file, not a folder$"):
        write_bytes_atomic(target, b"x")
    assert (tmp_path / "afile").read_text() == "keep"


def test_a_folder_is_not_a_file_name(tmp_path):
    with pytest.raises(UnwritableFileError, match=r": it is a folder; give a file name$"):
        check_destination(tmp_path, force=True)


def test_a_folder_that_cannot_be_created(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(UnwritableFileError, match=rf"cannot write {tmp_path}/new/x\.csv: cannot create its folder "
                                                  rf"{tmp_path}/new \(no permission to create files in {tmp_path}\); "
                                                  r"nothing was written$"):
        write_bytes_atomic(tmp_path / "new" / "x.csv", b"x")


@pytest.mark.parametrize("err, words", [
    (errno.EACCES, "no permission to create files in {folder}"),
    (errno.EROFS, "{folder} is on a read-only file system"),
    (errno.ENOSPC, r"no space left on the device \(the disk is full\)"),
])
def test_a_folder_that_cannot_take_the_temp_file(tmp_path, monkeypatch, err, words):
    def refuse(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    target = tmp_path / "x.csv"
    with pytest.raises(UnwritableFileError, match=rf"^cannot write {target}: {words.format(folder=tmp_path)}; "
                                                  r"nothing was written$"):
        write_bytes_atomic(target, b"x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    with pytest.raises(UnwritableFileError, match=rf"no permission to create files in {folder}; nothing was written"):
        write_bytes_atomic(folder / "x.csv", b"x")


@pytest.mark.parametrize("failing", ["write", "fsync"])
@pytest.mark.parametrize("existing", [True, False])
def test_a_full_disk_leaves_nothing_and_keeps_the_old_file(tmp_path, monkeypatch, failing, existing):
    target = tmp_path / "e.csv"
    if existing:
        target.write_bytes(b"old")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, failing, full)
    with pytest.raises(UnwritableFileError, match=rf"^cannot write {target}: no space left on the device "
                                                  r"\(the disk is full\); nothing was written$"):
        write_bytes_atomic(target, b"new" * 1000, force=True)
    monkeypatch.undo()
    assert (target.read_bytes() if existing else target.exists()) == (b"old" if existing else False)
    assert leftovers(tmp_path) == []


def test_signal_handlers_are_put_back(tmp_path):
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    write_bytes_atomic(tmp_path / "x", b"x")
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_writes_from_another_thread_need_no_signal_handlers(tmp_path):
    target = tmp_path / "t.csv"
    within(10, lambda: write_bytes_atomic(target, b"from a thread"))
    assert target.read_bytes() == b"from a thread"


# --- signals (a child process, slowed down) ------------------------------------------------------

CHILD = textwrap.dedent("""
    import os, signal, sys, time
    from bordermap.errors import WriteInterrupted
    from bordermap.io import files

    # A process started from a terminal: SIGHUP at its default (under nohup, as CI may run, it
    # is inherited as ignored, and the writer rightly leaves an ignored signal ignored).
    if os.environ.get("KEEP_SIGHUP") != "1":
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    # and SIGINT as Python sets it up under a terminal (a job started with '&' by a script
    # inherits it ignored, and Python then leaves it ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    real_write, real_link, started = os.write, os.link, sys.argv[2]

    def slow_write(fd, data):  # 4 kB every 20 ms, and say when the write has begun
        if not os.path.exists(started):
            open(started, "w").close()
        time.sleep(0.02)
        return real_write(fd, bytes(data[:4096]))

    def link_then_signal(src, dst):  # a signal while the file is put in place waits for it
        os.kill(os.getpid(), int(os.environ["SIGNAL_AT_LINK"]))
        return real_link(src, dst)

    files.os.write = slow_write
    if os.environ.get("SIGNAL_AT_LINK"):
        files.os.write = real_write
        files.os.link = link_then_signal
    try:
        files.write_bytes_atomic(sys.argv[1], b"n" * 4_000_000, force=sys.argv[3] == "force")
    except WriteInterrupted as exc:
        print(exc, file=sys.stderr)
        sys.exit(128 + exc.signum)
    print("written")
""")


def start_child(target: Path, started: Path, mode: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(target), str(started), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


def wait_for(path: Path, child: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the child never started writing"
        time.sleep(0.01)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_mid_write_removes_the_temp_and_keeps_the_old_file(tmp_path, sig):
    target, started = tmp_path / "events.csv", tmp_path / "started"
    target.write_text("the older file")
    child = start_child(target, started, "force")
    wait_for(started, child)
    child.send_signal(sig)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 128 + sig, err
    assert f"interrupted by {signal.Signals(sig).name}" in err and "Traceback" not in err
    assert target.read_text() == "the older file"
    assert leftovers(tmp_path) == []


def test_an_ignored_sighup_stays_ignored_and_the_write_completes(tmp_path):
    # nohup: the user asked for SIGHUP to be ignored, so the writer does not take it over.
    target, started = tmp_path / "events.csv", tmp_path / "started"
    target.write_text("the older file")
    child = subprocess.Popen([sys.executable, "-c", CHILD.replace("time.sleep(0.02)", "time.sleep(0.0005)"),
                              str(target), str(started), "force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, "KEEP_SIGHUP": "1"},
                             preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    wait_for(started, child)
    child.send_signal(signal.SIGHUP)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0 and "written" in out, err
    assert target.read_bytes() == b"n" * 4_000_000
    assert leftovers(tmp_path) == []


def test_sigkill_mid_write_can_leave_only_a_hidden_temp_never_a_partial_file(tmp_path):
    target, started = tmp_path / "events.csv", tmp_path / "started"
    target.write_text("the older file")
    child = start_child(target, started, "force")
    wait_for(started, child)
    child.kill()
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert target.read_text() == "the older file"
    assert all(name.startswith(".events.csv.") for name in leftovers(tmp_path))  # documented in docs/limits.md


def test_a_signal_while_the_file_is_put_in_place_waits_until_it_is(tmp_path):
    target, started = tmp_path / "events.csv", tmp_path / "started"
    child = start_child(target, started, "new", SIGNAL_AT_LINK=str(int(signal.SIGTERM)))
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGTERM  # the default action, once the file was complete
    assert target.read_bytes() == b"n" * 4_000_000
    assert leftovers(tmp_path) == []
