"""The provenance an analyst types (a source's name, a report's address, a reviewer's name) and the
events file proposals are accepted into: one set of rules for the CLI (`ingest`, `accept`) and the
review page, each returning a sentence for a bad value rather than raising.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bordermap.errors import UnreadableFileError
from bordermap.io.files import read_json
from bordermap.textsafe import terminal_safe

#: The longest source, reviewer or claimant name, in characters (after spaces are collapsed).
MAX_NAME = 120
#: An http(s) address without spaces, quotes or angle brackets, at most 2,000 characters after the scheme.
URL_PATTERN = re.compile(r"https?://[^\s<>\"']{1,2000}")
# Control characters (tabs and newlines aside, which are spaces here), line separators, surrogates.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def clean_name(label: str, value: Any, limit: int = MAX_NAME) -> tuple[str | None, str | None]:
    """``(name, None)`` with runs of spaces collapsed, or ``(None, sentence)`` for a value that is
    empty, too long or holds control characters (pasted text's newlines and tabs are spaces)."""
    if not isinstance(value, str) or not value.split():
        return None, f"{label} must be some text, got {terminal_safe(value, 40)!r}"
    if CONTROL_CHARACTERS.search(value):
        return None, f"{label} holds control characters: give {label} in printable characters"
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        return None, f"{label} has {len(cleaned):,} characters; at most {limit:,}"
    return cleaned, None


def clean_url(label: str, value: Any) -> tuple[str | None, str | None]:
    """``(address, None)`` (surrounding spaces dropped) or ``(None, sentence)``."""
    url = value.strip() if isinstance(value, str) else value
    if not isinstance(url, str) or not URL_PATTERN.fullmatch(url):
        return None, f"{label} must be an http(s) address without spaces, got {terminal_safe(value, 60)!r}"
    return url, None


def read_events_target(path: str | Path) -> dict[str, Any]:
    """The events file proposals are accepted into: its collection, or an empty one when the file
    does not exist yet. Raises :class:`UnreadableFileError` for a file that is not a FeatureCollection."""
    path = Path(path)
    if not path.exists():
        return {"type": "FeatureCollection", "features": []}
    events = read_json(path)
    if not isinstance(events, dict) or not isinstance(events.get("features"), list):
        raise UnreadableFileError(str(path), "is not an events file (a FeatureCollection)")
    return events
