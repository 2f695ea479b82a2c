"""Text from data made safe to show on one terminal line.

A value read from a file or the command line can hold anything: a newline that forges a second
"valid" line, an escape sequence that clears the screen or recolours what follows, a bidi override
that shows ``txt.exe`` as ``exe.txt``, a lone surrogate that makes ``print`` raise. Every message
that echoes data passes it through :func:`terminal_safe` first, which writes such characters as
Python-style escapes (``\\n``, ``\\x1b``, ``\\u202e``) and cuts long values to a readable length.
Printable text, in any script, passes unchanged.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

__all__ = ["terminal_safe", "echo", "isolate", "BIDI_SENSITIVE_CLASS", "ID_LIMIT", "VALUE_LIMIT", "LINE_LIMIT"]

#: Characters a value shows as ``\...``: C0 controls, DEL, C1 controls, the bidi embeddings,
#: overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+061C, U+200E, U+200F), the
#: line and paragraph separators (``str.splitlines`` breaks on them) and lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

#: Default cut for an id or a field name echoed in a message.
ID_LIMIT = 80
#: Default cut for a message that quotes a value.
VALUE_LIMIT = 400
#: Default cut for one whole line printed by the CLI.
LINE_LIMIT = 4000


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: Any, limit: int | None = None) -> str:
    """``text`` as one printable line: control characters escaped, cut after ``limit`` characters.

    Parameters
    ----------
    text
        Anything; it is shown as ``str(text)``.
    limit
        The most characters of the escaped text kept (``None``: no cut). A longer value ends with
        ``…(N characters)``, ``N`` being the length of the original text; an escape is never cut
        in half.

    Returns
    -------
    str
        Text with no C0/C1 control, DEL, bidi control, line separator or lone surrogate, safe to
        print on a terminal and to encode as UTF-8. Applying it again changes nothing (with no
        ``limit``), so a message may be made safe at each layer it passes.
    """
    text = str(text)
    if limit is None or len(text) <= limit:
        safe = _UNSAFE.sub(_escape, text)
        if limit is None or len(safe) <= limit:
            return safe
    # Escapes only lengthen text, so the first ``limit`` characters are all that can be kept.
    kept: list[str] = []
    size = 0
    for ch in text[:limit]:
        piece = _UNSAFE.sub(_escape, ch)
        if size + len(piece) > limit:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept) + f"…({len(text)} characters)"


def echo(message: Any, file: TextIO | None = None, limit: int | None = LINE_LIMIT) -> None:
    """Print ``message`` as one safe line (see :func:`terminal_safe`) on ``file`` (stdout)."""
    print(terminal_safe(message, limit), file=file if file is not None else sys.stdout)


#: Characters that can reorder the text around them: right-to-left letters and digits (the
#: Hebrew, Arabic, Syriac, Thaana, NKo … blocks and their presentation forms, the astral
#: right-to-left blocks) and the bidi marks, embeddings, overrides and isolates. A superset of
#: the code points whose bidi class is R, AL, AN or a bidi control (tests/test_textsafe.py checks
#: every code point); a few extra unassigned ones only cost an isolate. One pattern for Python's
#: ``re`` and Arrow's RE2 (the characters themselves, no escapes).
BIDI_SENSITIVE_CLASS = "[" + "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in (
    (0x0590, 0x08FF), (0x200F, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069), (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF), (0x10800, 0x10FFF), (0x1E800, 0x1EFFF))) + "]"
_BIDI_SENSITIVE = re.compile(BIDI_SENSITIVE_CLASS)
FSI, PDI = "\u2068", "\u2069"


def isolate(text: str) -> str:
    """A value from data made safe to join into a line of other values: wrapped in FIRST STRONG
    ISOLATE ... POP DIRECTIONAL ISOLATE (U+2068, U+2069) when it holds right-to-left letters or
    bidi controls, so a right-to-left override in one source's name cannot reverse the next
    one's. Left-to-right text is returned as it is."""
    if _BIDI_SENSITIVE.search(text):
        # the PDI also ends any embedding or override the value opened (UAX #9, rule X6a)
        return FSI + text + PDI
    return text
