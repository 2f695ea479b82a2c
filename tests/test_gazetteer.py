"""bordermap.gazetteer: spellings, same-named places and the messages users see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bordermap.gazetteer import (
    AmbiguousPlaceError,
    Gazetteer,
    Place,
    UnknownPlaceError,
    normalise_name,
)

PLACES = Path(__file__).resolve().parents[1] / "geo" / "places.geojson"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_feature_collection(json.loads(PLACES.read_text(encoding="utf-8")))


@pytest.fixture
def tiny() -> Gazetteer:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "id": "qalai-khumb",
                    "name": "Qal'ai Khumb",
                    "alt_names": ["Kalai-Khumb"],
                    "country": "TJK",
                    "admin1": "GBAO",
                    "homonyms": [],
                },
                "geometry": {"type": "Point", "coordinates": [70.789, 38.4537]},
            }
        ],
    }
    return Gazetteer.from_feature_collection(fc)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Qal'ai Khumb", "qalai-khumb"),
        ("Kŭlob", "KULOB"),
        ("Shērkhān Bandar", "sherkhanbandar"),
        ("Qal’ai Khumb", "Qal'ai Khumb"),
    ],
)
def test_normalise_name_folds_case_diacritics_apostrophes_and_hyphens(a, b):
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize("spelling", ["Khorugh", "Khorog", "KHOROG", "Xorog", "khorug", "Хорог"])
def test_spellings_of_khorugh(gazetteer, spelling):
    assert [p.id for p in gazetteer.resolve(spelling)] == ["khorugh"]


def test_ishkoshim_is_the_tajik_town(gazetteer):
    place = gazetteer.lookup("Ishkoshim")
    assert (place.id, place.country, place.admin1) == ("ishkoshim", "TJK", "GBAO")


@pytest.mark.parametrize("spelling", ["Ishkashim", "Ishkashem", "ishkashim"])
def test_ishkashim_names_both_banks(gazetteer, spelling):
    assert sorted(p.country for p in gazetteer.resolve(spelling)) == ["AFG", "TJK"]


def test_ambiguous_lookup_lists_candidates_with_country(gazetteer):
    with pytest.raises(AmbiguousPlaceError) as err:
        gazetteer.lookup("Ishkashim")
    assert str(err.value) == (
        "'Ishkashim' is ambiguous: Ishkashim (AFG, Badakhshan) or Ishkoshim (TJK, GBAO); "
        "pass country='AFG' or country='TJK'"
    )
    assert {p.id for p in err.value.candidates} == {"ishkashim-af", "ishkoshim"}


def test_country_chooses_between_banks(gazetteer):
    assert gazetteer.lookup("Ishkashim", country="AFG").id == "ishkashim-af"
    assert gazetteer.lookup("Eshkashem").id == "ishkashim-af"
    assert gazetteer.lookup("ishkashim", country="tjk").id == "ishkoshim"


def test_fayzabad_is_ambiguous_three_ways_though_one_has_coordinates(gazetteer):
    found = gazetteer.resolve("Fayzabad")
    assert len(found) == 3
    assert [p.lon is not None for p in found].count(True) == 1
    with pytest.raises(AmbiguousPlaceError, match=r"Fayzobod \(TJK, DRS\)") as err:
        gazetteer.lookup("Faizabad")
    assert "Fayzabad (AFG, Badakhshan)" in str(err.value)
    assert "Fayzabad (AFG, Faryab)" in str(err.value)


def test_same_country_homonyms_are_told_apart_by_id(gazetteer):
    with pytest.raises(
        AmbiguousPlaceError, match="pass a place id: fayzabad-badakhshan, fayzabad-faryab"
    ):
        gazetteer.lookup("Fayzabad", country="AFG")
    assert gazetteer.lookup("fayzabad-badakhshan").lat == pytest.approx(37.1166)


def test_unknown_place_suggests_close_names(gazetteer):
    with pytest.raises(UnknownPlaceError, match=r"unknown place 'Khorogg'; did you mean Khorugh\?"):
        gazetteer.lookup("Khorogg")


def test_known_name_in_the_wrong_country(gazetteer):
    with pytest.raises(
        UnknownPlaceError, match=r"no place called 'Khorugh' in AFG.*Khorugh \(TJK, GBAO\)"
    ):
        gazetteer.lookup("Khorugh", country="AFG")


def test_every_listed_place_resolves(gazetteer):
    for place in gazetteer:
        assert place in gazetteer.resolve(place.name)
        for alt in place.alt_names:
            assert place in gazetteer.resolve(alt)


def test_tiny_inline_gazetteer(tiny):
    (place,) = tiny.resolve("Kalai Khumb")
    assert place == Place(
        id="qalai-khumb",
        name="Qal'ai Khumb",
        country="TJK",
        admin1="GBAO",
        alt_names=("Kalai-Khumb",),
        lon=70.789,
        lat=38.4537,
    )
    assert place.label == "Qal'ai Khumb (TJK, GBAO)"
    assert tiny.resolve("Khorog") == []


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="duplicate place id 'x'"):
        Gazetteer([Place(id="x", name="A", country="TJK"), Place(id="x", name="B", country="AFG")])
