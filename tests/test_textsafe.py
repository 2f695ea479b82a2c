"""terminal_safe: data shown on a terminal can neither forge a line nor send an escape sequence."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bordermap.textsafe import echo, terminal_safe

#: Every character terminal_safe must escape (docs/limits.md).
UNSAFE = ({chr(c) for c in range(0x20)} | {"\x7f"} | {chr(c) for c in range(0x80, 0xA0)}
          | set("\u061c\u200e\u200f\u2028\u2029") | {chr(c) for c in range(0x202A, 0x202F)}
          | {chr(c) for c in range(0x2066, 0x206A)} | {chr(c) for c in range(0xD800, 0xE000)})

any_text = st.text(st.characters(codec=None, categories=None, exclude_categories=()))
printable_text = st.text(st.characters(codec=None, categories=None, exclude_categories=()).filter(
    lambda ch: ch not in UNSAFE))


@pytest.mark.parametrize("text, shown", [
    ("x\n/tmp/a.geojson: valid", "x\\n/tmp/a.geojson: valid"),
    ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),
    ("tab\there\rcr", "tab\\there\\rcr"),
    ("\x00\x07\x7f\x85\x9b", "\\x00\\x07\\x7f\\x85\\x9b"),
    ("invoice\u202egpj.exe", "invoice\\u202egpj.exe"),
    ("\u2066isolate\u2069 \u200f", "\\u2066isolate\\u2069 \\u200f"),
    ("line\u2028separator", "line\\u2028separator"),
    ("half \ud800 pair \udcff", "half \\ud800 pair \\udcff"),
    ("Хорог, خاروغ, 霍罗格 — ok", "Хорог, خاروغ, 霍罗格 — ok"),
    (42, "42"),
])
def test_escapes_controls_and_keeps_printable_text(text, shown):
    assert terminal_safe(text) == shown


def test_long_values_are_cut_with_their_length():
    shown = terminal_safe("y" * 10_000, 80)
    assert shown == "y" * 80 + "…(10000 characters)"
    assert terminal_safe("y" * 80, 80) == "y" * 80
    assert terminal_safe("\x1b" * 100, 10) == "\\x1b\\x1b…(100 characters)"  # an escape is never cut in half
    assert terminal_safe("ab\n", 3) == "ab…(3 characters)"  # the escape made it too long


def test_echo_prints_one_safe_line(capsys):
    echo("a\nb\x1b[31m")
    assert capsys.readouterr().out == "a\\nb\\x1b[31m\n"


@given(any_text)
def test_never_outputs_a_control_character(text):
    shown = terminal_safe(text)
    assert not UNSAFE & set(shown)
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in shown)
    assert len(shown.splitlines()) <= 1
    shown.encode("utf-8")  # no lone surrogate left: printing cannot raise


@given(printable_text)
def test_printable_text_round_trips(text):
    assert terminal_safe(text) == text


@given(any_text)
def test_is_idempotent(text):
    once = terminal_safe(text)
    assert terminal_safe(once) == once


@given(any_text, st.integers(min_value=0, max_value=50))
def test_cut_text_is_a_prefix_of_the_whole(text, limit):
    whole, cut = terminal_safe(text), terminal_safe(text, limit)
    if cut == whole:
        assert len(whole) <= limit
    else:
        kept, suffix = cut.rsplit("…(", 1)
        assert whole.startswith(kept) and len(kept) <= limit
        assert suffix == f"{len(text)} characters)"


def test_a_right_to_left_override_stays_inside_its_value():
    import unicodedata

    from bordermap.textsafe import isolate

    assert isolate("Reuters") == "Reuters"  # left-to-right text unchanged
    for hostile in ("\u202eevil", "\u202bembedded", "\u2067open isolate", "خاروغ", "Хорог \u202e"):
        wrapped = isolate(hostile)
        # the value whole inside one isolate: its PDI ends any embedding or override the value
        # opened (UAX #9, rule X6a), so nothing after it is reordered
        assert wrapped == "\u2068" + hostile + "\u2069"
    line = "Sources cited: " + "; ".join(isolate(n) for n in ("\u202eevil", "Reuters"))
    assert line.endswith("; Reuters") and unicodedata.bidirectional(line[-1]) == "L"


def test_the_export_footer_isolates_each_source(tmp_path):
    from bordermap.export import export_bytes
    from bordermap.synthetic import synthetic_collection

    fc = synthetic_collection(2, seed=3)
    fc["features"][0]["properties"]["sources"] = [{"name": "\u202eevil wire", "kind": "media"}]
    fc["features"][0]["properties"]["fatalities"] = []
    page = export_bytes("html", fc).decode("utf-8")
    # the footer travels as a JSON string in the page's script, its controls escaped
    assert r"\u2068\u202eevil wire\u2069; Synthetic wire" in page


def test_the_bidi_class_covers_every_right_to_left_code_point():
    import re
    import unicodedata

    from bordermap.textsafe import BIDI_SENSITIVE_CLASS

    sensitive = {"R", "AL", "AN", "RLE", "LRE", "RLO", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}
    rx = re.compile(BIDI_SENSITIVE_CLASS)
    missed = [hex(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
              and unicodedata.bidirectional(chr(c)) in sensitive and not rx.match(chr(c))]
    assert missed == []
    assert not rx.search("Khorog Хорог Ishkashim 12 ") and rx.search("خاروغ") and rx.search("a\u202eb")
