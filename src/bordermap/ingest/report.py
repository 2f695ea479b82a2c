"""Reading a report: plain text or a saved HTML page, within firm limits.

A report is UTF-8 text (a byte-order mark is dropped) or an HTML page saved from a browser.
HTML is parsed, never run: trafilatura (lxml underneath) keeps the main text and drops scripts,
styles, navigation and comments; htmldate finds the page's publication date in its markup, both
offline. Refused, each with one sentence: not a regular file, empty, over
:data:`MAX_REPORT_BYTES`, binary (NUL bytes, or not UTF-8), an HTML page with no text.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from bordermap.errors import UnreadableFileError
from bordermap.ingest.dates import parse_dateline
from bordermap.io.files import read_bytes

__all__ = ["MAX_REPORT_BYTES", "MAX_REPORT_CHARS", "ReportError", "read_report", "report_from_bytes"]

#: The largest report file read (a saved news page with its markup is well under 1 MB).
MAX_REPORT_BYTES = 5 * 1024 * 1024
#: The longest report text processed (about 40,000 words; a long news story has 2,000).
MAX_REPORT_CHARS = 300_000

_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I | re.S)


class ReportError(UnreadableFileError):
    """A report that cannot be ingested (exit code 2 in the CLI)."""


def read_report(path: str | os.PathLike) -> tuple[str, dict]:
    """Read a report file.

    Returns
    -------
    text : str
        The report's text (for HTML, the extracted main text); evidence offsets point into it.
    meta : dict
        ``title`` (str or None), ``date`` (a :class:`datetime.date` or None: the page's date or
        the text's dateline) and ``url`` (the page's canonical URL, or None).

    Raises
    ------
    ReportError
        Missing, not a regular file, empty, too large, binary, or HTML without text.
    """
    p = Path(path)
    try:
        size = os.stat(p).st_size
    except OSError:
        size = 0  # read_bytes words the error
    if size > MAX_REPORT_BYTES:
        raise ReportError(str(p), f"is {size:,} bytes; a report may be at most {MAX_REPORT_BYTES:,} bytes")
    try:
        data = read_bytes(p, MAX_REPORT_BYTES)
    except UnreadableFileError as exc:
        raise ReportError(exc.path, exc.reason) from None
    return report_from_bytes(data, str(p), html=p.suffix.lower() in (".html", ".htm", ".xhtml") or None)


def report_from_bytes(data: bytes, name: str = "<report>", html: bool | None = None) -> tuple[str, dict]:
    """:func:`read_report` on bytes already read (``html``: None to tell by the content)."""
    if not data.strip():
        raise ReportError(name, "is empty; a report needs some text")
    if b"\x00" in data[:65536]:
        raise ReportError(name, "is a binary file (it has NUL bytes); give a text or HTML report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(name, f"is not UTF-8 text (byte {exc.start:,} cannot be decoded); "
                                "save the report as UTF-8") from None
    if html is None:
        html = bool(_HTML.match(data[:4096]))
    if html:
        return _from_html(text, name)
    text = _clean(text)
    if len(text) > MAX_REPORT_CHARS:
        raise ReportError(name, f"has {len(text):,} characters of text; a report may have at most {MAX_REPORT_CHARS:,}")
    if not re.search(r"[^\W\d_]{2,}", text):
        raise ReportError(name, "has no words; a report needs some text")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return text, {"title": first[:160] or None, "date": parse_dateline(text), "url": None}


def _clean(text: str) -> str:
    """Line ends made ``\\n``; control characters other than tab and newline made spaces (offsets kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(" " if (ord(ch) < 32 and ch not in "\n\t") or 0x7f <= ord(ch) < 0xa0 or ch in "\u2028\u2029" else ch
                   for ch in text)


def _from_html(markup: str, name: str) -> tuple[str, dict]:
    import trafilatura
    from htmldate import find_date

    try:
        extracted = trafilatura.extract(markup, output_format="txt", include_comments=False, include_tables=False,
                                        favor_precision=True, with_metadata=False, deduplicate=False)
        if not extracted:
            extracted = trafilatura.extract(markup, output_format="txt", include_comments=False, include_tables=False,
                                            favor_recall=True)
        metadata = trafilatura.extract_metadata(markup)
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        raise ReportError(name, f"could not be read as HTML ({type(exc).__name__})") from None
    text = _clean(extracted or "")
    if not re.search(r"[^\W\d_]{2,}", text):
        raise ReportError(name, "is an HTML page with no article text; save the article page itself")
    if len(text) > MAX_REPORT_CHARS:
        raise ReportError(name, f"has {len(text):,} characters of text; a report may have at most {MAX_REPORT_CHARS:,}")
    found: date | None = None
    try:
        iso = find_date(markup, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
        found = date.fromisoformat(iso) if iso else None
    except (ValueError, TypeError):
        found = None
    title = getattr(metadata, "title", None) if metadata is not None else None
    url = getattr(metadata, "url", None) if metadata is not None else None
    if url and not re.match(r"^https?://", url):
        url = None
    return text, {"title": (title or "").strip()[:160] or None, "date": found or parse_dateline(text), "url": url}
