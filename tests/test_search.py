"""bordermap.search: places in any script or spelling, events by their words, any text safe."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bordermap.gazetteer import Place, ascii_key, consonant_key
from bordermap.search import (MAX_QUERY_CHARS, EventIndex, GazetteerFileError, PlaceIndex, clean_query,
                              load_place_index, search)
from fuzzing import examples

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = json.loads((ROOT / "geo" / "gazetteer.json").read_text(encoding="utf-8"))
PERSIAN_KHOROG = next(n for p in GAZETTEER["places"] if p["id"] == "khorugh"
                      for n in p["alt_names"] if "\u0600" <= n[0] <= "\u06ff" and n != "خاروغ")


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return load_place_index(ROOT / "geo")


@pytest.fixture(scope="module")
def events(ds) -> EventIndex:
    return EventIndex(ds.table)


# ---- keys --------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Хорог", "Khorog", "KHOROG!", "khorog", "Khoróg"])
def test_ascii_key_meets_across_scripts_and_case(spelling):
    assert ascii_key(spelling) == "khorog"


def test_consonant_key_drops_vowels_and_doubles():
    assert consonant_key("Khorog") == consonant_key("Khoroog") == consonant_key("Khurug") == "khrg"


# ---- places ------------------------------------------------------------------------------

def test_geonames_persian_name_is_the_one_searched():
    assert PERSIAN_KHOROG == "خروغ"


@pytest.mark.parametrize("query", ["Хорог", PERSIAN_KHOROG, "خاروغ", "Khorugh", "Khorog", "khorog",
                                   "  KHOROG ", "Khorg", "Khoorog", "Xorog"])
def test_khorog_first_in_any_script(places, query):
    found = places.search(query)
    assert found and found[0].id == "khorugh", [r.label for r in found]
    assert found[0].kind == "place" and (found[0].lon, found[0].lat) == (71.5534, 37.4904)
    assert found[0].detail.startswith("TJK, GBAO")


def test_a_typo_still_finds_khorog_below_exact_matches(places):
    found = places.search("Khorpg")
    assert found[0].id == "khorugh" and found[0].score < 0.8


@pytest.mark.parametrize("query", ["Ishkashim", "Ишкашим", "ishkashem"])
def test_ishkashim_returns_both_banks(places, query):
    top = places.search(query, limit=4)
    assert {r.id for r in top[:2]} == {"ishkoshim", "ishkashim-af"}, [r.label for r in top]
    assert {r.detail.split(",")[0] for r in top} == {"TJK", "AFG"}


def test_prefix_finds_places_starting_so(places):
    found = places.search("Ishk", limit=10)
    assert {"ishkoshim", "ishkashim-af"} <= {r.id for r in found}
    assert all(r.score < 1.0 for r in found)


def test_project_places_and_larger_places_first_on_a_tie(places):
    found = places.search("Kunduz", limit=5)
    assert found[0].id == "kunduz" and found[0].score == 1.0
    assert {r.detail.split(" · ")[1] for r in found if r.score == 1.0} >= {"city", "province", "district"}


def test_provinces_come_with_a_box_and_persian_names(places):
    found = places.search("ولایت بدخشان")
    assert found[0].detail.startswith("AFG, Badakhshan") and found[0].bbox is not None
    west, south, east, north = found[0].bbox
    assert west <= found[0].lon <= east and south <= found[0].lat <= north


def test_limit_and_unknown(places):
    assert len(places.search("a", limit=3)) <= 3
    assert places.search("Qwxzvbn") == []
    assert places.search("Khorog", limit=0) == []


def test_a_place_without_coordinates_is_not_a_result():
    index = PlaceIndex([Place(id="x", name="Nowhere", country="TJK"),
                        Place(id="y", name="Somewhere", country="AFG", lon=70.0, lat=37.0)])
    assert len(index) == 1 and [r.id for r in index.search("somewhere")] == ["y"]
    assert index.search("nowhere") == []


def test_missing_or_broken_gazetteer_is_one_sentence(tmp_path):
    with pytest.raises(GazetteerFileError, match=r"gazetteer\.json is missing; build it with"):
        load_place_index(tmp_path)
    (tmp_path / "gazetteer.json").write_text("{", encoding="utf-8")
    with pytest.raises(GazetteerFileError, match="could not be read"):
        load_place_index(tmp_path)
    (tmp_path / "gazetteer.json").write_text('{"places": 3}', encoding="utf-8")
    with pytest.raises(GazetteerFileError, match="expected an object with a 'places' list"):
        load_place_index(tmp_path)


# ---- events ------------------------------------------------------------------------------

def expected_rows(ds, *words: str) -> list[int]:
    """Rows whose title or summary has a word starting with each word — computed the plain way."""
    import re
    rows = []
    for i, (title, summary) in enumerate(zip(ds.table.table["title"].to_pylist(),
                                             ds.table.table["summary"].to_pylist())):
        text = f"{title or ''} {summary or ''}".lower()
        if all(re.search(rf"(?<![^\W_]){re.escape(w)}", text) for w in words):
            rows.append(i)
    return rows


@pytest.mark.parametrize("words", [("nazarov",), ("bridge",), ("khorog", "killed"), ("drug",), ("ayombekov",)])
def test_event_words_find_the_right_events(ds, events, words):
    want = expected_rows(ds, *words)
    assert want, "the article should mention it"
    found = events.search(" ".join(w.upper() for w in words), limit=1000)
    assert sorted(r.row for r in found) == want
    assert events.count(" ".join(words)) == len(want)
    for r in found:
        assert r.kind == "event" and r.id == ds.table.table["id"][r.row].as_py()
        assert r.label == ds.table.table["title"][r.row].as_py()


def test_event_title_matches_first_and_detail_is_the_date(ds, events):
    found = events.search("khorog", limit=1000)
    titles = [("khorog" in r.label.lower()) for r in found]
    assert titles == sorted(titles, reverse=True) and titles[0] and not titles[-1]
    nazarov = events.search("Nazarov killed")[0]
    assert nazarov.id == "2012-07-21-nazarov-killed" and nazarov.detail == "2012-07-21"


def test_word_start_not_inside_a_word(events):
    assert events.search("azarov") == []  # Nazarov: 'azarov' starts no word


def test_events_share_no_state_between_texts(ds):
    table = ds.table.take(np.array([0, 0, 1]))  # two rows with the same text
    index = EventIndex(table)
    first = ds.table.table["title"][0].as_py().split()[0]
    assert {r.row for r in index.search(first, limit=10)} >= {0, 1}


def test_search_puts_exact_places_before_events_and_obeys_limit(places, events):
    found = search("Khorog", places, events, limit=5)
    assert found[0].kind == "place" and found[0].id == "khorugh"
    assert len(found) == 5 and {r.kind for r in found[1:]} == {"event"}
    assert search("Khorog", None, None) == []


# ---- any text ----------------------------------------------------------------------------

def test_clean_query_caps_and_strips_what_is_not_text():
    assert clean_query("\u200fKhorog\u202e\x00\ud800") == "Khorog"
    assert len(clean_query("x" * 100_000)) == MAX_QUERY_CHARS
    assert clean_query(None) == ""


NASTY = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())),
    st.sampled_from(["\ud800", "\udfff\ud800", "\u200f\u202eخروغ", "\x00\x1b[31m", "(((", "*" * 50,
                     "\\", "[a-", "%s%n", "x" * 100_000, "Хорог " * 20_000]),
)


@settings(max_examples=examples(300), deadline=None)
@given(query=NASTY)
def test_any_text_never_raises(places, events, query):
    for result in search(query, places, events, limit=7):
        assert result.kind in ("place", "event") and 0 <= result.score <= 1
    assert len(search(query, places, events, limit=7)) <= 7


def test_event_words_fold_case_and_diacritics_both_ways(ds):
    table = ds.table.table
    titles = table["title"].to_pylist()
    titles[0] = "Clashes in RŬSHON and Qal'ai-Khumb"
    events = EventIndex(type(ds.table).from_arrow(table.set_column(table.schema.get_field_index("title"), "title",
                                                                    pa.array(titles))))
    for query in ("rushon", "Rŭshon", "RUSHON khumb"):
        assert [r.row for r in events.search(query)] == [0], query
    assert events.search("qal ai")[0].row == 0
    assert events.search("ushon") == []


def _plain_fold(text: str) -> str:
    import unicodedata
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if unicodedata.category(ch) != "Mn")


@settings(max_examples=examples(150), deadline=None)
@given(titles=st.lists(st.text(alphabet="abzkÉé -'", max_size=12), min_size=36, max_size=36),
       query=st.text(alphabet="abzkéE -", min_size=1, max_size=6))
def test_event_search_agrees_with_a_plain_word_start_match(ds, titles, query):
    import re
    table = ds.table.table
    table = table.set_column(table.schema.get_field_index("title"), "title", pa.array(titles))
    table = table.set_column(table.schema.get_field_index("summary"), "summary", pa.nulls(len(titles), pa.string()))
    index = EventIndex(type(ds.table).from_arrow(table))
    words = [w for w in re.split(r"[^\w]+", _plain_fold(query)) if w]
    want = [i for i, t in enumerate(titles)
            if words and all(re.search(rf"(?:^|[^\w]){re.escape(w)}", _plain_fold(t)) for w in words)]
    assert index.count(query) == len(want)
    assert sorted(r.row for r in index.search(query, limit=100)) == want
