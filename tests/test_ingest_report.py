"""Reading a report (bordermap.ingest.read_report): text, saved HTML (scripts never run), limits."""

import os
from datetime import date
from pathlib import Path

import pytest

from bordermap.ingest import MAX_REPORT_BYTES, ReportError, read_report

DATA = Path(__file__).resolve().parent / "data" / "ingest"


def test_plain_text_with_a_dateline():
    text, meta = read_report(DATA / "ishkashim-clash.txt")
    assert text.startswith("Border guards and smugglers clash near Ishkashim\n")
    assert meta == {"title": "Border guards and smugglers clash near Ishkashim", "date": date(2022, 3, 6), "url": None}


def test_saved_html_gives_the_article_text_never_its_scripts():
    text, meta = read_report(DATA / "script-page.html")
    assert "A Tajik border guard was killed in a shootout" in text
    for leaked in ("Forty soldiers", "Ten civilians", "document.write", "evil.example", "color: red", "Home | News"):
        assert leaked not in text
    assert meta["date"] == date(2022, 5, 18)
    assert meta["url"] == "https://example.org/news/khorog-border-guard"
    assert meta["title"] == "Border guard killed near Khorog"


@pytest.mark.parametrize("content, words", [
    (b"", "is empty"),
    (b"   \n\t\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"caf\xe9 in Khorog", "not UTF-8"),
    (b"12345 67890 !!! ---", "no words"),
    (b"<!DOCTYPE html><html><head><script>alert(1)</script></head><body></body></html>", "no article text"),
])
def test_bad_reports_are_one_sentence(tmp_path, content, words):
    path = tmp_path / "report.txt"
    path.write_bytes(content)
    with pytest.raises(ReportError, match=words) as info:
        read_report(path)
    assert "\n" not in str(info.value)


def test_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(MAX_REPORT_BYTES + 1)
    with pytest.raises(ReportError, match="at most 5,242,880 bytes"):
        read_report(path)


def test_not_a_file(tmp_path):
    with pytest.raises(ReportError):
        read_report(tmp_path)
    with pytest.raises(ReportError):
        read_report(tmp_path / "missing.txt")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo")
        with pytest.raises(ReportError):
            read_report(tmp_path / "fifo")


def test_windows_line_ends_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes("\ufeffTitle\r\nKHOROG, May 2, 2022 - Text here.\r\n".encode("utf-8"))
    text, meta = read_report(path)
    assert text == "Title\nKHOROG, May 2, 2022 - Text here.\n" and meta["date"] == date(2022, 5, 2)
