"""The terminal progress bar: drawn only on a terminal, escaped, cleared at the end."""

import io

from bordermap.progress import terminal_progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_nothing_on_a_pipe_or_file():
    assert terminal_progress(io.StringIO()) is None


def test_bar_is_drawn_escaped_and_cleared():
    out = _Tty()
    progress = terminal_progress(out, every=0)
    progress(0.5, "Checking events\x1b[2J 10 of 20")
    progress(1.0, "done")
    text = out.getvalue()
    assert "[" + "#" * 14 + "·" * 14 + "]  50%" in text
    assert "\x1b[2J" not in text and "\\x1b[2J" in text  # data from the file cannot clear the screen
    assert text.endswith("\r\x1b[2K")
