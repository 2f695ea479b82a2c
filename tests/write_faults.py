"""Shared fault injection for the tests of writers."""

from __future__ import annotations

from pathlib import Path


def appears_at_fsync(monkeypatch, path: Path, text: str) -> None:
    """Make ``text`` appear at ``path`` while a writer syncs its temp file: another program
    creating the output between bordermap's check and its rename."""
    import os

    from bordermap.io import files

    real_fsync = os.fsync

    def meanwhile(fd):
        if not path.exists():
            path.write_text(text)
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", meanwhile)


#: A ``bordermap`` command whose writes go 16 bytes every 20 ms once it writes its file, and that
#: creates the file named by ``$STARTED`` then (so a test knows when to send a signal).
SLOW_CLI = """
import os, sys, time
from bordermap.cli import main
from bordermap.io import files

real_write, started = os.write, os.environ["STARTED"]

def slow_write(fd, data):
    if not os.path.exists(started):
        open(started, "w").close()
    time.sleep(0.02)
    return real_write(fd, bytes(data[:16]))

files.os.write = slow_write
sys.exit(main(sys.argv[1:]))
"""


def signal_during_write(argv: list[str], started: Path, signum: int) -> tuple[int, str, str]:
    """Run ``bordermap ARGV`` slowly (:data:`SLOW_CLI`), send ``signum`` once it writes its file;
    return its exit code, stdout and stderr."""
    import os
    import subprocess
    import sys
    import time

    child = subprocess.Popen([sys.executable, "-c", SLOW_CLI, *argv], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "STARTED": str(started)})
    deadline = time.monotonic() + 60
    while not started.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the command never started writing"
        time.sleep(0.01)
    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=30)
    return child.returncode, stdout, stderr
