"""Pin the key facts of ``data/events.geojson``.

Uses only ``json``, ``jsonschema`` and ``pyproj`` so it does not depend on the library code.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "events.geojson"
SCHEMA = ROOT / "src" / "bordermap" / "schemas" / "events.schema.json"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "aan-2012-clashes-in-eastern-tajikistan.txt"

GEOD = Geod(ellps="WGS84")
KHORUGH = (37.4904, 71.5534)     # lat, lon; GeoNames 1221328
IMAM_SAHIB = (37.1890, 68.9364)  # lat, lon; GeoNames 1142545


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def events(collection) -> dict[str, dict]:
    """Feature by event id."""
    return {f["properties"]["id"]: f for f in collection["features"]}


def _km(lat_lon: tuple[float, float], lon: float, lat: float) -> float:
    _, _, metres = GEOD.inv(lat_lon[1], lat_lon[0], lon, lat)
    return metres / 1000.0


def _positions(geometry: dict) -> list[list[float]]:
    coords = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [coords]
    if geometry["type"] == "LineString":
        return coords
    if geometry["type"] == "Polygon":
        return [p for ring in coords for p in ring]
    return [p for poly in coords for ring in poly for p in ring]


def _claims_by_source(props: dict) -> dict[str, dict]:
    return {c["source"]: c for c in props["fatalities"]}


def test_schema_valid(collection):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(collection)


def test_ids_unique(collection):
    ids = [f["properties"]["id"] for f in collection["features"]]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_feature_ids_match_properties(collection):
    for f in collection["features"]:
        if "id" in f:
            assert f["id"] == f["properties"]["id"]


def test_nazarov_killed_on_21_july(events):
    p = events["2012-07-21-nazarov-killed"]["properties"]
    assert p["date_start"] == p["date_end"] == "2012-07-21"
    assert p["date_precision"] == "day"
    assert "Nazarov" in p["title"]
    assert "CONFLICT" in p["location_note"]


def test_operation_starts_24_july_in_khorugh(events):
    f = events["2012-07-24-khorog-special-operation"]
    p = f["properties"]
    assert p["date_start"] == "2012-07-24"
    assert (p["event_type"], p["sub_event_type"]) == ("Battles", "Armed clash")
    assert p["confidence"] == "disputed"
    lon, lat = f["geometry"]["coordinates"]
    assert _km(KHORUGH, lon, lat) < 5


def test_operation_claims_side_by_side(events):
    p = events["2012-07-24-khorog-special-operation"]["properties"]
    claims = _claims_by_source(p)
    gov = claims["Tajik government"]
    assert gov["total"] == 42
    assert gov["breakdown"] == {"security_forces": 12, "rebels": 30}
    bbc = claims["BBC Persian"]
    assert bbc["breakdown"] == {"security_forces": 100, "civilians": 100}
    assert bbc.get("total", bbc.get("low")) == 200
    tolo = claims["Tolonews"]
    assert tolo["total"] == 8 and tolo["breakdown"] == {"afghan_nationals": 8}
    rfe = claims["RFE/RL Tajik Service (27 Jul 2012)"]
    assert rfe["total"] == 70 and rfe["approximate"] is True
    assert rfe["breakdown"] == {"security_forces": 12, "rebels": 30, "civilians": 30}
    # Never merged: one claim per source.
    sources = [c["source"] for c in p["fatalities"]]
    assert len(sources) == len(set(sources))


def test_operation_partial_counts_are_marked_and_left_out_of_the_toll(events):
    p = events["2012-07-24-khorog-special-operation"]["properties"]
    partial = {c["source"]: c["counts"] for c in p["fatalities"] if c.get("scope") == "partial"}
    assert partial == {"Tolonews": "Afghans only", "Reuters": "troops only",
                       "AFP (24 Jul 2012, via Naharnet)": "troops only", "AP (via Siasat)": "troops only",
                       "Asia-Plus (25 Jul 2012, via AFP)": "civilians only"}
    complete = [c.get("low", c.get("total")) for c in p["fatalities"] if c.get("scope", "total") == "total"]
    assert min(complete) == 42  # the lowest complete toll, where Tolonews' 8 Afghans stood before


def test_bbc_attribution_note_names_both_services(events):
    p = events["2012-07-24-khorog-special-operation"]["properties"]
    note = _claims_by_source(p)["BBC Persian"]["note"]
    assert "Persian service" in note and "Central Asian Service" in note


def test_bridge_correction_keeps_article_claim(events):
    p = events["2002-11-03-khorog-bridge-opened"]["properties"]
    assert p["date_start"] == "2002-11-03"
    (corr,) = [c for c in p["corrections"] if c["field"] == "date_start"]
    assert "2004" in corr["article_says"]
    assert "2002" in corr["correction"]
    assert corr["sources"]


def test_prison_break_correction_keeps_article_claim(events):
    p = events["2010-08-22-dushanbe-prison-break"]["properties"]
    assert p["date_start"].startswith("2010-08")
    (corr,) = [c for c in p["corrections"] if c["field"] == "date_start"]
    assert "2011" in corr["article_says"]
    assert "2010" in corr["correction"]
    assert corr["sources"]


def test_imam_sahib_event_near_imam_sahib(events):
    near = [
        eid for eid, f in events.items()
        if "imam-sahib" in eid
        and any(_km(IMAM_SAHIB, pos[0], pos[1]) < 5 for pos in _positions(f["geometry"]))
    ]
    assert "2010-afghan-operation-imam-sahib" in near
    assert "2010-08-escapees-to-imam-sahib" in near


def test_movements_run_from_origin_to_destination(events):
    flight = events["2012-07-ayombekov-reported-flight"]["geometry"]["coordinates"]
    assert _km(KHORUGH, *flight[0]) < 1          # starts in Khorugh
    escape = events["2010-08-escapees-to-imam-sahib"]["geometry"]["coordinates"]
    assert _km(IMAM_SAHIB, *escape[-1]) < 1      # ends in Imam Sahib


def test_karzai_rahmon_call_on_25_july(events):
    p = events["2012-07-25-karzai-rahmon-call"]["properties"]
    assert p["date_start"] == p["date_end"] == "2012-07-25"


@pytest.mark.parametrize("eid", ["2012-07-25-karzai-rahmon-call", "2012-07-karzai-announces-investigation"])
def test_karzai_events_not_placed_more_precisely_than_the_article(eid, events):
    # The article never says where Karzai was: country only, drawn at Kabul, and the note says so.
    p = events[eid]["properties"]
    assert (p["geo_precision"], p["location"], p["country"]) == (3, "Afghanistan", "AFG")
    assert "does not say" in p["location_note"] and "Kabul" in p["location_note"]


@pytest.mark.parametrize("eid", ["2010-08-escapees-to-imam-sahib", "2010-afghan-operation-imam-sahib"])
def test_imam_sahib_window_reaches_the_detentions_at_the_end_of_2010(eid, events):
    p = events[eid]["properties"]
    assert (p["date_start"], p["date_end"], p["date_precision"]) == ("2010-08-23", "2010-12-31", "month")
    assert "end of" in p["date_note"] and "Asia-Plus" in p["date_note"]


@pytest.mark.parametrize("region", ["soghd", "kulob"])
def test_operations_in_soghd_and_kulob_are_not_battles(region, events):
    # The article reports only that civil-war figures were 'killed or imprisoned' there.
    p = events[f"1997-2012-operations-ex-commanders-{region}"]["properties"]
    assert (p["event_type"], p["sub_event_type"]) == ("Strategic developments", "Arrests")
    assert "killed or imprisoned" in p["confidence_note"]


def test_ayombekov_spellings_kept(collection):
    aliases = set()
    for f in collection["features"]:
        for a in f["properties"]["actors"]:
            if a["name"] == "Tolib Ayombekov":
                aliases.update(a.get("aliases", []))
    assert {"Ayembekov", "Ayambekov", "Ayombekov", "Tolib Ayyombekov", "Tolibbek Ayombekov"} <= aliases


def test_claim_sources_name_event_sources(collection):
    for f in collection["features"]:
        p = f["properties"]
        names = {s["name"] for s in p["sources"]}
        for c in p["fatalities"]:
            assert c["source"] in names, (p["id"], c["source"])


def test_claims_have_a_figure_and_consistent_breakdown(collection):
    for f in collection["features"]:
        p = f["properties"]
        for c in p["fatalities"]:
            assert "total" in c or "low" in c, (p["id"], c["source"])
            if "total" in c and "low" in c:  # a best estimate with its bounds
                assert c["low"] <= c["high"], (p["id"], c["source"])
            assert ("counts" in c) == (c.get("scope") == "partial"), (p["id"], c["source"])
            cap = c.get("total", c.get("high"))
            if cap is not None and "breakdown" in c:
                # an approximate figure's parts are rounded too: up to a tenth over it
                slack = -(-cap // 10) if c.get("approximate") else 0
                assert sum(c["breakdown"].values()) <= cap + slack, (p["id"], c["source"])


def test_every_event_has_a_source(collection):
    for f in collection["features"]:
        assert f["properties"]["sources"], f["properties"]["id"]


def test_article_refs_within_paragraphs(collection):
    if not SEED.exists():
        pytest.skip(f"article text not available at {SEED}")
    paragraphs = sum(1 for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip())
    assert collection["article"]["paragraphs"] == paragraphs
    for f in collection["features"]:
        for ref in f["properties"]["article_refs"]:
            assert 1 <= ref <= paragraphs, (f["properties"]["id"], ref)
