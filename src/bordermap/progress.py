"""A progress bar on the terminal for long CLI work (opening a large file, validating it).

The library reports ``progress(fraction, message)`` (:data:`bordermap.dataset.Progress`); the CLI
draws it on standard error when that is a terminal, and says nothing when it is a file or a pipe
(so logs and tests see only the result lines).
"""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

from bordermap.textsafe import terminal_safe

__all__ = ["terminal_progress"]

_WIDTH = 28


def terminal_progress(stream: TextIO | None = None, *, every: float = 0.2) -> Callable[[float, str], None] | None:
    """A ``progress`` callback drawing ``[#####·····]  42%  message`` on ``stream`` (stderr),
    redrawn at most every ``every`` seconds and cleared when done; None if not a terminal."""
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        return None
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        fraction = min(max(fraction, 0.0), 1.0)
        if fraction < 1.0 and now - last[0] < every:
            return
        last[0] = now
        if fraction >= 1.0:
            stream.write("\r\x1b[2K")  # clear the line: the result line follows
        else:
            filled = int(fraction * _WIDTH)
            stream.write(f"\r\x1b[2K[{'#' * filled}{'·' * (_WIDTH - filled)}] {fraction:4.0%}  "
                         f"{terminal_safe(message, 60)}")
        stream.flush()

    return progress
