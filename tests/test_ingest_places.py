"""Place mentions -> ranked gazetteer candidates (bordermap.ingest.places), without spaCy."""

import re
from pathlib import Path

import pytest

from bordermap.ingest.places import find_places, geo_precision
from bordermap.search import load_place_index

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def index():
    return load_place_index(ROOT / "geo")


def _places(text, index):
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.?", text) if m.group(0).strip()]
    return find_places(text, sentences, [1] * len(sentences), index)


def _mention(text, name, index):
    return next(m for m in _places(text, index) if m.text.startswith(name))


@pytest.mark.parametrize("spelling", ["Ishkashim", "Eshkashem", "Ишкашим"])
def test_every_spelling_of_ishkashim_finds_both_banks(index, spelling):
    m = _mention(f"Shots were fired in {spelling} on Monday.", spelling, index)
    assert m.ambiguous
    assert {c.place.country for c in m.candidates} == {"TJK", "AFG"}


def test_cues_choose_the_bank_and_keep_every_candidate(index):
    afghan = _mention("Taliban fighters clashed with gunmen in the Afghan town of Ishkashim.", "Ishkashim", index)
    assert afghan.best.place.id == "ishkashim-af"
    assert "called Afghan next to the name" in afghan.best.why
    tajik = _mention("Tajik border guards were attacked in Ishkashim, GBAO.", "Ishkashim", index)
    assert tajik.best.place.country == "TJK"
    assert {c.place.id for c in afghan.candidates} == {c.place.id for c in tajik.candidates}
    assert all(0 <= c.score <= 1 for c in afghan.candidates)


def test_the_paragraph_cues_when_the_sentence_has_none(index):
    text = "Afghan police said the men came from Badakhshan province. They were stopped in Ishkashim."
    m = _mention(text, "Ishkashim", index)
    assert m.best.place.country == "AFG"


def test_darvoz_and_fayzabad_are_ambiguous(index):
    assert {c.place.country for c in _mention("Gunmen fired on Darvoz.", "Darvoz", index).candidates} == {"TJK", "AFG"}
    fayz = _mention("People protested in Fayzabad, in Afghanistan's Badakhshan province.", "Fayzabad", index)
    assert fayz.ambiguous and fayz.best.place.id == "fayzabad-badakhshan"


def test_precision_follows_acled(index):
    town = _mention("Guards clashed in Khorog.", "Khorog", index)
    near = _mention("Guards clashed near Khorog.", "Khorog", index)
    district = _mention("Guards clashed in Ishkashim district.", "Ishkashim", index)
    province = _mention("Fighting was reported in Badakhshan province.", "Badakhshan", index)
    assert geo_precision(town, town.best.place) == 1
    assert geo_precision(near, near.best.place) == 2
    assert district.best.place.kind == "district" and geo_precision(district, district.best.place) == 2
    assert geo_precision(province, province.best.place) == 3


def test_unknown_villages_are_kept_unresolved(index):
    found = _places("Gunmen attacked the village of Gushkhona in Darvoz district.", index)
    names = {m.text: m.resolved for m in found}
    assert names.get("Gushkhona") is False
    assert any(m.resolved and m.text.startswith("Darvoz") for m in found)


def test_words_that_are_not_places_are_not_places(index):
    found = _places("No one was hurt. The Panj river rose. When they left, nobody followed.", index)
    assert found == []
