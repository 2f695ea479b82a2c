"""ACLED CSV: exact header, one row per event, the documented mapping, read back by csv."""

from __future__ import annotations

import copy
import csv
import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bordermap.io.acled import ACLED_COLUMNS, _cell, acled_csv, interaction, to_acled_rows
from bordermap.model import derive_properties

ROOT = Path(__file__).resolve().parents[1]
#: event-standards.md §1.2, verbatim.
ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
                "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
                "notes,fatalities,tags,timestamp")
TS = 1735787045

BASE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [71.55341, 37.49046]},
    "properties": {
        "id": "2012-07-24-khorog-operation",
        "title": "Operation in Khorog",
        "summary": "Government forces attacked the group of Tolib Ayombekov in Khorog.",
        "date_start": "2012-07-24", "date_end": "2012-07-24", "date_precision": "day",
        "location": "Khorog", "admin1": "Gorno-Badakhshan", "country": "TJK", "geo_precision": 1,
        "event_type": "Battles", "sub_event_type": "Armed clash",
        "actors": [
            {"name": "Military Forces of Tajikistan", "role": "actor1", "inter": "State forces"},
            {"name": "Ayombekov group", "role": "actor2", "inter": "Political militia"},
            {"name": "Police Forces of Tajikistan", "role": "assoc_actor_1", "inter": "State forces"},
            {"name": "Civilians (Tajikistan)", "role": "mentioned", "inter": "Civilians"},
        ],
        "fatalities": [{"source": "Tajik government", "total": 42, "breakdown": {"security_forces": 12, "rebels": 30}},
                       {"source": "BBC Persian", "total": 200}],
        "sources": [{"name": "Tajik government", "kind": "official"}, {"name": "BBC Persian", "kind": "media"},
                    {"name": "GeoNames 1221328 (Khorugh)", "kind": "reference"}],
        "article_refs": [3], "confidence": "disputed", "confidence_note": "Figures differ.",
        "tags": ["khorog-2012"],
    },
}


def event(geometry=None, **props):
    f = copy.deepcopy(BASE)
    f["properties"].update(props)
    if geometry:
        f["geometry"] = geometry
    f["properties"] = derive_properties(f["properties"])
    return f


def row(**kw):
    geometry = kw.pop("geometry", None)
    return to_acled_rows([event(geometry, **kw)], timestamp=TS)[0]


def test_header_is_acleds_31_columns_in_order():
    assert ",".join(ACLED_COLUMNS) == ACLED_HEADER
    assert len(ACLED_COLUMNS) == 31
    text = acled_csv(to_acled_rows([event()], timestamp=TS))
    assert text.splitlines()[0] == ACLED_HEADER
    assert list(row()) == list(ACLED_COLUMNS)


def test_read_back_with_csv_one_row_per_event():
    events = [event(id="a-1"), event(id="b-2", summary='Quotes "here", commas, and\na new line.')]
    rows = list(csv.DictReader(io.StringIO(acled_csv(to_acled_rows(events, timestamp=TS)))))
    assert [r["event_id_cnty"] for r in rows] == ["a-1", "b-2"]
    assert rows[1]["notes"].startswith('Quotes "here", commas, and\na new line.')
    assert rows[0]["timestamp"] == str(TS) and rows[0]["latitude"] == "37.4905" and rows[0]["longitude"] == "71.5534"


def test_core_mapping():
    r = row()
    assert r["event_id_cnty"] == "2012-07-24-khorog-operation"
    assert (r["event_date"], r["year"], r["time_precision"]) == ("2012-07-24", 2012, 1)
    assert (r["disorder_type"], r["event_type"], r["sub_event_type"]) == (
        "Political violence", "Battles", "Armed clash")
    assert (r["iso"], r["region"], r["country"]) == (762, "Caucasus and Central Asia", "Tajikistan")
    assert (r["admin1"], r["admin2"], r["admin3"], r["location"]) == ("Gorno-Badakhshan", "", "", "Khorog")
    assert r["geo_precision"] == 1


def test_actors_inter_and_interaction():
    r = row()
    assert (r["actor1"], r["assoc_actor_1"], r["inter1"]) == (
        "Military Forces of Tajikistan", "Police Forces of Tajikistan", "State forces")
    assert (r["actor2"], r["assoc_actor_2"], r["inter2"]) == ("Ayombekov group", "", "Political militia")
    assert r["interaction"] == "State forces-Political militia"
    assert "Civilians (Tajikistan)" not in str(r)  # 'mentioned' actors are not ACLED actors
    assert r["civilian_targeting"] == ""


@pytest.mark.parametrize("inter1, inter2, has2, expected", [
    ("Rebel group", "State forces", True, "State forces-Rebel group"),   # lower code first
    ("State forces", None, False, "State forces only"),
    ("Civilians", "Civilians", True, "Civilians-Civilians"),
    ("External/Other forces", "Civilians", True, "Civilians-External/Other forces"),
    (None, "State forces", True, ""),
    ("State forces", None, True, ""),                                     # actor2 of unknown type
])
def test_interaction_text_form(inter1, inter2, has2, expected):
    assert interaction(inter1, inter2, has2) == expected


def test_more_actor1s_become_associates_and_civilian_targeting():
    actors = [{"name": "A", "role": "actor1", "inter": "Rebel group"}, {"name": "B", "role": "actor1"},
              {"name": "C", "role": "assoc_actor_1"}, {"name": "Civilians (Tajikistan)", "role": "actor2",
                                                       "inter": "Civilians"}]
    r = row(actors=actors, event_type="Violence against civilians", sub_event_type="Attack")
    assert (r["actor1"], r["assoc_actor_1"]) == ("A", "B; C")
    assert r["interaction"] == "Rebel group-Civilians"
    assert r["civilian_targeting"] == "Civilians targeted"
    assert row(actors=actors)["civilian_targeting"] == "Civilians targeted"  # actor2 is civilians
    r = row(actors=[{"name": "Someone", "role": "mentioned"}])
    assert (r["actor1"], r["inter1"], r["interaction"]) == ("", "", "")


def test_fatalities_lowest_claim_and_claims_side_by_side_in_notes():
    r = row()
    assert r["fatalities"] == 42
    assert r["notes"] == ("Government forces attacked the group of Tolib Ayombekov in Khorog. Claims: "
                          "Tajik government: 42 (security forces 12, rebels 30); BBC Persian: 200.")
    assert row(fatalities=[])["fatalities"] == 0
    assert row(fatalities=[{"source": "Tajik government", "low": 5, "high": 9}])["fatalities"] == 5
    assert row(fatalities=[{"source": "Tajik government", "total": 7, "low": 5, "high": 9}])["fatalities"] == 5


TROOPS = {"source": "Tajik government", "total": 9, "scope": "partial", "counts": "troops only"}


def test_a_partial_count_is_never_the_toll():
    r = row(fatalities=[TROOPS, {"source": "BBC Persian", "total": 200}])
    assert r["fatalities"] == 200 and "fatalities=" not in r["tags"]
    assert "Tajik government: 9 (partial: troops only)" in r["notes"]


def test_partial_counts_only_give_their_largest_as_a_lower_bound():
    civilians = {"source": "BBC Persian", "low": 20, "scope": "partial", "counts": "civilians only"}
    r = row(fatalities=[TROOPS, civilians])
    assert r["fatalities"] == 20  # the largest, not 9 + 20: the two counts may overlap
    assert r["tags"].endswith("; fatalities=at least, partial count (civilians only)")
    assert r["notes"].endswith("Claims: Tajik government: 9 (partial: troops only); "
                               "BBC Persian: at least 20 (partial: civilians only).")


@pytest.mark.parametrize("precision, start, end, code, tags", [
    ("day", "2012-07-24", "2012-07-24", 1, []),
    ("day", "2012-07-24", "2012-07-25", 1, ["date range=2012-07-24/2012-07-25"]),
    ("week", "2012-07-24", "2012-07-27", 2, ["date range=2012-07-24/2012-07-27"]),
    ("month", "2012-07-01", "2012-07-31", 3, ["date range=2012-07-01/2012-07-31"]),
    ("year", "1997-01-01", "2012-07-24", 3, ["date range=1997-01-01/2012-07-24", "time precision=year"]),
])
def test_dates_one_row_at_date_start(precision, start, end, code, tags):
    r = row(date_precision=precision, date_start=start, date_end=end)
    assert (r["event_date"], r["year"], r["time_precision"]) == (start, int(start[:4]), code)
    assert r["tags"] == "; ".join(["khorog-2012", "confidence=disputed"] + tags)
    multi_day_note = f"One row for {start} to {end}; ACLED codes one event per day."
    assert (multi_day_note in r["notes"]) == (precision == "day" and start != end)


def test_sources_and_source_scale():
    r = row()
    assert r["source"] == "Tajik government; BBC Persian"  # no gazetteer ('reference') sources
    assert r["source_scale"] == "National-Other"
    assert row(sources=[{"name": "UNODC", "kind": "intergovernmental"}])["source_scale"] == "International"
    assert row(sources=[{"name": "GeoNames", "kind": "reference"}])["source_scale"] == "Other"


def test_disorder_type_follows_sub_event_type():
    r = row(event_type="Protests", sub_event_type="Excessive force against protesters")
    assert r["disorder_type"] == "Political violence; Demonstrations"
    assert row(event_type="Riots", sub_event_type="Mob violence")["disorder_type"] == "Political violence"
    assert row(event_type="Riots", sub_event_type="Violent demonstration")["disorder_type"] == "Demonstrations"


def test_countries_outside_the_table_keep_their_code():
    r = row(country="IND")
    assert (r["iso"], r["country"], r["region"]) == ("", "IND", "")
    assert (row(country="AFG")["iso"], row(country="PAK")["region"]) == (4, "South Asia")


def test_non_point_geometries():
    line = {"type": "LineString", "coordinates": [[71.5534, 37.4904], [71.45, 37.61674]]}
    r = row(geometry=line)
    assert (r["latitude"], r["longitude"]) == (37.6167, 71.45)  # the destination
    assert "geometry=LineString" in r["tags"]
    square = {"type": "Polygon", "coordinates": [[[71, 37], [72, 37], [72, 38], [71, 38], [71, 37]]]}
    r = row(geometry=square)
    assert 37 < r["latitude"] < 38 and 71 < r["longitude"] < 72 and "geometry=Polygon" in r["tags"]


def test_formula_cells_are_neutralised_numbers_are_not():
    r = row(summary="=HYPERLINK(\"http://x\")", location="+cmd", admin1="@SUM(1)")
    text = acled_csv([r, row(geometry={"type": "Point", "coordinates": [-71.5, -37.4]})])
    back = list(csv.DictReader(io.StringIO(text)))
    assert back[0]["notes"].startswith("'=HYPERLINK") and back[0]["location"] == "'+cmd"
    assert back[0]["admin1"] == "'@SUM(1)"
    assert (back[1]["latitude"], back[1]["longitude"]) == ("-37.4", "-71.5")


def test_the_real_dataset_exports(root):
    from bordermap.dataset import load_dataset

    events_file = root / "data" / "events.geojson"
    if not events_file.exists():
        pytest.skip("data/events.geojson not there yet")
    ds = load_dataset(events_file, root / "geo")
    rows = list(csv.DictReader(io.StringIO(acled_csv(to_acled_rows(ds.events, timestamp=TS)))))
    assert len(rows) == len(ds.events)
    assert all(r["event_type"] and r["disorder_type"] and r["time_precision"] in "123" for r in rows)


def test_docs_describe_every_column():
    doc = (ROOT / "docs" / "exports.md").read_text("utf-8")
    missing = [c for c in ACLED_COLUMNS if f"`{c}`" not in doc]
    assert not missing, f"docs/exports.md does not describe {missing}"


@pytest.mark.parametrize("text", [
    "=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\x00=1+1", " =1", "\n\n=1",
    "\x00\x01@x", "\u200b=1", "\ufeff+1", "\u202e-1", "\xa0=1", "\x85=1", "＝1", "\t", "\r",
])
def test_formula_like_cells_are_neutralised(text):
    assert _cell("location", text) == "'" + text


@pytest.mark.parametrize("text", ["Khorog", "a=b", "1-2", "", " x", "'=1", "\x00", "e-mail@x"])
def test_other_cells_are_kept(text):
    assert _cell("location", text) == text


def test_numbers_are_not_neutralised_and_surrogates_are_replaced():
    assert _cell("fatalities", -5) == -5 and _cell("latitude", -37.5) == -37.5
    assert _cell("notes", "half \ud800 pair") == "half \ufffd pair"
    text = acled_csv(to_acled_rows([event(location="=\ud800")], timestamp=TS))
    text.encode("utf-8")
    assert list(csv.DictReader(io.StringIO(text)))[0]["location"] == "'=\ufffd"


def _formula_after_skipping(text: str) -> bool:
    """The reference rule, written independently: skip what a reader may skip, then look."""
    rest = text
    while rest and (rest[0].isspace() or unicodedata.category(rest[0]) in ("Cc", "Cf", "Zs", "Zl", "Zp")):
        rest = rest[1:]
    return text[:1] in ("\t", "\r") or rest[:1] in ("=", "+", "-", "@", "＝", "＋", "－", "＠")


@given(st.text(st.characters(codec=None, categories=None, exclude_categories=())))
@example("\x00=1+1")
@example(" \u200b@cmd")
@example("x\ud800")
def test_any_text_is_written_whole_and_never_as_a_formula(text):
    cell = _cell("notes", text)
    clean = text.translate({c: "\ufffd" for c in range(0xD800, 0xE000)})
    assert cell == ("'" + clean if _formula_after_skipping(clean) else clean)
    cell.encode("utf-8")
    out = io.StringIO(newline="")
    csv.writer(out).writerow([cell])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [cell]
