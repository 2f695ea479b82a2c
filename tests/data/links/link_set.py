"""The hand-built link evaluation set: ACLED-layout and UCDP-GED-layout records around the border,
and which pairs are the same event (decided by hand, scenario by scenario; see README.md).

    .venv/bin/python tests/data/links/link_set.py      # rewrites acled.csv, ucdp.csv, truth.csv

:func:`load` imports the two CSVs with ``bordermap.importers.run.import_file`` (as a user would)
and returns both tables and the true pairs as event ids; the tests and
``benchmarks/bench_links.py`` use it. Every record is synthetic: made-up reports on real towns
(GeoNames points from geo/places.geojson), never a copy of an ACLED or UCDP row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: name -> (lon, lat, country ISO3, admin1). Towns from geo/places.geojson; the last three are
#: the kind of centroid UCDP codes a province-only or country-only record at (approximate).
PLACES = {
    "Kunduz": (68.857, 36.729, "AFG", "Kunduz"),
    "Imam Sahib": (68.9364, 37.189, "AFG", "Kunduz"),
    "Sher Khan Bandar": (68.6053, 37.1946, "AFG", "Kunduz"),
    "Panji Poyon": (68.5772, 37.1944, "TJK", "Khatlon"),
    "Fayzabad": (70.58, 37.1166, "AFG", "Badakhshan"),
    "Ishkashim": (71.5739, 36.7092, "AFG", "Badakhshan"),
    "Ishkoshim": (71.6133, 36.7248, "TJK", "Gorno-Badakhshan"),
    "Khorugh": (71.5534, 37.4904, "TJK", "Gorno-Badakhshan"),
    "Shighnan": (71.45, 37.6167, "AFG", "Badakhshan"),
    "Nusay": (70.8041, 38.4435, "AFG", "Badakhshan"),
    "Qal'ai Khumb": (70.789, 38.4537, "TJK", "Gorno-Badakhshan"),
    "Maymay": (71.0384, 38.4086, "AFG", "Badakhshan"),
    "Vanj": (71.4547, 38.3708, "TJK", "Gorno-Badakhshan"),
    "Rushon": (71.5575, 37.9449, "TJK", "Gorno-Badakhshan"),
    "Sar-e Sang": (70.8006, 36.21, "AFG", "Badakhshan"),
    "Kulob": (69.7845, 37.9146, "TJK", "Khatlon"),
    "Gharm": (70.3745, 39.0287, "TJK", "Districts of Republican Subordination"),
    "Badakhshan province": (70.9, 36.75, "AFG", "Badakhshan"),
    "Gorno-Badakhshan province": (72.9, 38.2, "TJK", "Gorno-Badakhshan"),
    "Afghanistan": (67.71, 33.94, "AFG", ""),
}
_COUNTRY = {"AFG": ("4", "Afghanistan", "700"), "TJK": ("762", "Tajikistan", "702")}

TALIBAN = ("Taliban", "Rebel group")
ANA = ("Military Forces of Afghanistan (2004-2021)", "State forces")
ANP = ("Police Forces of Afghanistan (2004-2021)", "State forces")
TJ_ARMY = ("Military Forces of Tajikistan (1994-)", "State forces")
TJ_POLICE = ("Police Forces of Tajikistan (1994-)", "State forces")
IS_K = ("Islamic State (Afghanistan)", "Rebel group")
ANSAR = ("Jamaat Ansarullah", "Rebel group")
GUNMEN_AF = ("Unidentified Armed Group (Afghanistan)", "Political militia")
GUNMEN_TJ = ("Unidentified Armed Group (Tajikistan)", "Political militia")
CIVILIANS_AF = ("Civilians (Afghanistan)", "Civilians")
PROTESTERS_TJ = ("Protesters (Tajikistan)", "Protesters")
PROTESTERS_AF = ("Protesters (Afghanistan)", "Protesters")
RIOTERS_TJ = ("Rioters (Tajikistan)", "Rioters")
NOBODY = ("", "")

_DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
             "Violence against civilians": "Political violence", "Protests": "Demonstrations",
             "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
_INTER_ORDER = ("State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters",
                "Civilians", "External/Other forces")


@dataclass
class Scenario:
    code: str
    what: str
    acled: list[dict[str, str]] = field(default_factory=list)
    ucdp: list[dict[str, str]] = field(default_factory=list)
    same: list[tuple[str, str]] = field(default_factory=list)  # (event_id_cnty, UCDP id)


def acled(eid: str, day: str, types: tuple[str, str], actor1, actor2, place: str, fatalities: int, note: str,
          *, gp: int = 1, tp: int = 1) -> dict[str, str]:
    lon, lat, iso3, admin1 = PLACES[place]
    iso, country, _ = _COUNTRY[iso3]
    event_type, sub = types
    inters = sorted((i for i in (actor1[1], actor2[1]) if i), key=_INTER_ORDER.index)
    return {
        "event_id_cnty": eid, "event_date": day, "year": day[:4], "time_precision": str(tp),
        "disorder_type": _DISORDER[event_type], "event_type": event_type, "sub_event_type": sub,
        "actor1": actor1[0], "assoc_actor_1": "", "inter1": actor1[1], "actor2": actor2[0], "assoc_actor_2": "",
        "inter2": actor2[1], "interaction": "-".join(inters) if actor2[0] else f"{actor1[1]} only",
        "civilian_targeting": "Civilians targeted" if actor2[1] == "Civilians" else "",
        "iso": iso, "region": "Caucasus and Central Asia", "country": country, "admin1": admin1, "admin2": "",
        "admin3": "", "location": place, "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}",
        "geo_precision": str(gp), "source": "Synthetic wire", "source_scale": "National",
        "notes": f"Synthetic record for bordermap's link evaluation: {note}. Not a real report.",
        "fatalities": str(fatalities), "tags": "", "timestamp": "1700000000",
    }


def ucdp(uid: str, start: str, end: str, violence: int, side_a: str, side_b: str, place: str,
         best: int, low: int, high: int, *, wp: int = 1, dp: int = 1) -> dict[str, str]:
    lon, lat, iso3, admin1 = PLACES[place]
    _, country, gw = _COUNTRY[iso3]
    a = best // 2 if violence != 3 else 0
    civilians = best if violence == 3 else 0
    return {
        "id": uid, "relid": f"{iso3}-{start[:4]}-{violence}-{uid}", "year": start[:4], "active_year": "1",
        "code_status": "Clear", "type_of_violence": str(violence), "conflict_dset_id": "333",
        "conflict_new_id": "333",
        "conflict_name": f"{country}: Government" if violence == 1 else f"{side_a} - {side_b}",
        "dyad_dset_id": "700", "dyad_new_id": "700", "dyad_name": f"{side_a} - {side_b}",
        "side_a_dset_id": "1", "side_a_new_id": "1", "side_a": side_a,
        "side_b_dset_id": "9999" if violence == 3 else "2", "side_b_new_id": "1" if violence == 3 else "2",
        "side_b": side_b, "number_of_sources": "2", "source_article": '"Synthetic wire"',
        "source_office": "Synthetic wire", "source_date": start, "source_headline": f"Fighting near {place}",
        "source_original": "", "where_prec": str(wp),
        "where_coordinates": place if wp >= 4 else f"{place} town", "where_description": "",
        "adm_1": f"{admin1} province" if admin1 else "", "adm_2": "", "latitude": f"{lat:.6f}",
        "longitude": f"{lon:.6f}", "geom_wkt": f"POINT ({lon:.6f} {lat:.6f})", "priogrid_gid": "",
        "country": country, "country_id": gw, "region": "Asia", "event_clarity": "1", "date_prec": str(dp),
        "date_start": f"{start} 00:00:00.000", "date_end": f"{end} 00:00:00.000",
        "deaths_a": str(a), "deaths_b": str(best - a - civilians), "deaths_civilians": str(civilians),
        "deaths_unknown": "0", "best": str(best), "high": str(high), "low": str(low),
        "gwnoa": gw if side_a.startswith("Government") else "", "gwnob": "",
    }


BATTLE = ("Battles", "Armed clash")
GOV_AF, GOV_TJ, TALEBAN, IS, CIV = "Government of Afghanistan", "Government of Tajikistan", "Taleban", "IS", "Civilians"


def scenarios() -> list[Scenario]:
    """Every scenario, its records and its true pairs, as decided by hand."""
    return [
        Scenario("S01", "the same clash, same day and town, figures 12 vs 16 (16-20)",
                 [acled("AFG51001", "2019-08-31", BATTLE, TALIBAN, ANA, "Kunduz", 12, "a clash in Kunduz")],
                 [ucdp("700001", "2019-08-31", "2019-08-31", 1, GOV_AF, TALEBAN, "Kunduz", 16, 16, 20)],
                 [("AFG51001", "700001")]),
        Scenario("S02", "a night clash: UCDP dates it 4 Oct, ACLED 5 Oct (the day it was reported)",
                 [acled("AFG51002", "2019-10-05", BATTLE, TALIBAN, ANA, "Imam Sahib", 4, "a night clash")],
                 [ucdp("700002", "2019-10-04", "2019-10-04", 1, GOV_AF, TALEBAN, "Imam Sahib", 5, 5, 5)],
                 [("AFG51002", "700002")]),
        Scenario("S03", "two clashes in one town two days apart, each in both datasets",
                 [acled("AFG51003", "2019-10-12", BATTLE, TALIBAN, ANA, "Imam Sahib", 3, "the first of two clashes"),
                  acled("AFG51004", "2019-10-14", BATTLE, TALIBAN, ANP, "Imam Sahib", 7, "the second clash")],
                 [ucdp("700003", "2019-10-12", "2019-10-12", 1, GOV_AF, TALEBAN, "Imam Sahib", 3, 3, 4),
                  ucdp("700004", "2019-10-14", "2019-10-14", 1, GOV_AF, TALEBAN, "Imam Sahib", 8, 7, 9)],
                 [("AFG51003", "700003"), ("AFG51004", "700004")]),
        Scenario("S04", "same town a week apart: two events, each in one dataset only",
                 [acled("AFG51005", "2020-03-02", BATTLE, TALIBAN, ANA, "Fayzabad", 2, "a clash UCDP did not record")],
                 [ucdp("700005", "2020-03-09", "2020-03-09", 1, GOV_AF, TALEBAN, "Fayzabad", 3, 3, 3)]),
        Scenario("S05", "same day in the two Ishkashims, 4 km apart across the river: two different events",
                 [acled("AFG51006", "2020-05-10", BATTLE, TALIBAN, ANA, "Ishkashim", 3, "a clash on the Afghan bank"),
                  acled("TJK6001", "2020-05-10", BATTLE, TJ_ARMY, ANSAR, "Ishkoshim", 1,
                        "a border incident on the Tajik bank")],
                 [ucdp("700006", "2020-05-10", "2020-05-10", 1, GOV_AF, TALEBAN, "Ishkashim", 4, 3, 5),
                  ucdp("700007", "2020-05-10", "2020-05-10", 1, GOV_TJ, "Jamaat Ansarullah", "Ishkoshim", 1, 1, 1)],
                 [("AFG51006", "700006"), ("TJK6001", "700007")]),
        Scenario("S06", "same day in Khorugh and in Shighnan, 17 km apart: different events",
                 [acled("TJK6002", "2021-05-20", BATTLE, TJ_ARMY, GUNMEN_TJ, "Khorugh", 0, "a shoot-out, no deaths"),
                  acled("AFG51007", "2021-05-20", BATTLE, TALIBAN, ANA, "Shighnan", 6, "fighting near Shighnan",
                        gp=2)],
                 [ucdp("700008", "2021-05-20", "2021-05-20", 1, GOV_AF, TALEBAN, "Shighnan", 6, 6, 6)],
                 [("AFG51007", "700008")]),
        Scenario("S07", "UCDP knows only the province (its centroid, 50 km off); ACLED the town",
                 [acled("AFG51008", "2020-06-15", BATTLE, TALIBAN, ANA, "Fayzabad", 5, "an attack on Fayzabad")],
                 [ucdp("700009", "2020-06-15", "2020-06-15", 1, GOV_AF, TALEBAN, "Badakhshan province", 7, 5, 9,
                       wp=4)],
                 [("AFG51008", "700009")]),
        Scenario("S08", "UCDP at the centroid of Gorno-Badakhshan, 121 km from ACLED's Rushon",
                 [acled("TJK6003", "2020-11-05", BATTLE, TJ_ARMY, GUNMEN_TJ, "Rushon", 2, "a clash in Rushon")],
                 [ucdp("700010", "2020-11-05", "2020-11-05", 1, GOV_TJ, "Jamaat Ansarullah",
                       "Gorno-Badakhshan province", 2, 2, 3, wp=4)],
                 [("TJK6003", "700010")]),
        Scenario("S09", "a four-day UCDP event, 1-4 Sep, and ACLED's three days of it; a later clash on 7 Sep",
                 [acled("AFG51009", "2020-09-01", BATTLE, TALIBAN, ANA, "Kunduz", 10, "day one of an offensive"),
                  acled("AFG51010", "2020-09-02", BATTLE, TALIBAN, ANA, "Kunduz", 15, "day two"),
                  acled("AFG51011", "2020-09-03", BATTLE, TALIBAN, ANA, "Kunduz", 8, "day three"),
                  acled("AFG51012", "2020-09-07", BATTLE, TALIBAN, ANP, "Kunduz", 2, "a separate later clash")],
                 [ucdp("700011", "2020-09-01", "2020-09-04", 1, GOV_AF, TALEBAN, "Kunduz", 40, 35, 60, wp=2, dp=2)],
                 [("AFG51009", "700011"), ("AFG51010", "700011"), ("AFG51011", "700011")]),
        Scenario("S10", "a protest, a clash and an abduction in Kunduz on one day; UCDP has the clash",
                 [acled("AFG51013", "2020-10-10", ("Protests", "Peaceful protest"), PROTESTERS_AF, NOBODY, "Kunduz",
                        0, "a protest"),
                  acled("AFG51014", "2020-10-10", BATTLE, TALIBAN, ANA, "Kunduz", 9, "a clash"),
                  acled("AFG51015", "2020-10-10", ("Violence against civilians", "Abduction/forced disappearance"),
                        TALIBAN, CIVILIANS_AF, "Kunduz", 0, "an abduction")],
                 [ucdp("700012", "2020-10-10", "2020-10-10", 1, GOV_AF, TALEBAN, "Kunduz", 11, 9, 14)],
                 [("AFG51014", "700012")]),
        Scenario("S11", "an air strike (ACLED) is state-based conflict in UCDP",
                 [acled("AFG51016", "2021-01-20", ("Explosions/Remote violence", "Air/drone strike"), ANA, TALIBAN,
                        "Imam Sahib", 9, "an air strike")],
                 [ucdp("700013", "2021-01-20", "2021-01-20", 1, GOV_AF, TALEBAN, "Imam Sahib", 11, 9, 11)],
                 [("AFG51016", "700013")]),
        Scenario("S12", "violence against civilians (ACLED) is one-sided violence (UCDP)",
                 [acled("AFG51017", "2021-02-11", ("Violence against civilians", "Attack"), TALIBAN, CIVILIANS_AF,
                        "Fayzabad", 2, "civilians killed")],
                 [ucdp("700014", "2021-02-11", "2021-02-11", 3, TALEBAN, CIV, "Fayzabad", 2, 2, 2)],
                 [("AFG51017", "700014")]),
        Scenario("S13", "a roadside bomb against civilians: ACLED explosion, UCDP one-sided",
                 [acled("AFG51018", "2021-03-03", ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
                        GUNMEN_AF, CIVILIANS_AF, "Kunduz", 4, "a roadside bomb")],
                 [ucdp("700015", "2021-03-03", "2021-03-03", 3, IS, CIV, "Kunduz", 4, 4, 4)],
                 [("AFG51018", "700015")]),
        Scenario("S14", "ACLED knows only the week (12-18 Jul), UCDP the day (13 Jul)",
                 [acled("AFG51019", "2020-07-15", BATTLE, TALIBAN, ANA, "Maymay", 3, "fighting some time that week",
                        gp=2, tp=2)],
                 [ucdp("700016", "2020-07-13", "2020-07-13", 1, GOV_AF, TALEBAN, "Maymay", 3, 3, 3)],
                 [("AFG51019", "700016")]),
        Scenario("S15", "both know only the month (April 2020)",
                 [acled("AFG51020", "2020-04-15", BATTLE, TALIBAN, ANA, "Sar-e Sang", 6, "clashes in April",
                        gp=2, tp=3)],
                 [ucdp("700017", "2020-04-01", "2020-04-30", 1, GOV_AF, TALEBAN, "Sar-e Sang", 6, 6, 6, wp=3, dp=4)],
                 [("AFG51020", "700017")]),
        Scenario("S16", "a fight between two armed groups: ACLED battle, UCDP non-state conflict",
                 [acled("AFG51021", "2020-02-20", BATTLE, TALIBAN, IS_K, "Imam Sahib", 6, "Taliban against IS")],
                 [ucdp("700018", "2020-02-20", "2020-02-20", 2, IS, TALEBAN, "Imam Sahib", 6, 6, 8)],
                 [("AFG51021", "700018")]),
        Scenario("S17", "a clash and a grenade attack in Kunduz on one day, both in both datasets",
                 [acled("AFG51022", "2021-04-05", BATTLE, TALIBAN, ANA, "Kunduz", 3, "a checkpoint attacked"),
                  acled("AFG51023", "2021-04-05", ("Explosions/Remote violence", "Grenade"), IS_K, CIVILIANS_AF,
                        "Kunduz", 1, "a grenade thrown in a market")],
                 [ucdp("700019", "2021-04-05", "2021-04-05", 1, GOV_AF, TALEBAN, "Kunduz", 3, 3, 3),
                  ucdp("700020", "2021-04-05", "2021-04-05", 3, IS, CIV, "Kunduz", 1, 1, 1)],
                 [("AFG51022", "700019"), ("AFG51023", "700020")]),
        Scenario("S18", "the same clash with very different figures: 2 vs 20 (18-25)",
                 [acled("AFG51024", "2020-12-01", BATTLE, TALIBAN, ANA, "Nusay", 2, "a clash in Nusay")],
                 [ucdp("700021", "2020-12-01", "2020-12-01", 1, GOV_AF, TALEBAN, "Nusay", 20, 18, 25, wp=2)],
                 [("AFG51024", "700021")]),
        Scenario("S19", "the same day across the river in Qal'ai Khumb, 1.8 km from S18: another event",
                 [acled("TJK6004", "2020-12-01", BATTLE, TJ_ARMY, GUNMEN_AF, "Qal'ai Khumb", 1,
                        "shots at the border")]),
        Scenario("S20", "ACLED events that UCDP does not record (no deaths, or not organised violence)",
                 [acled("TJK6005", "2020-08-08", ("Protests", "Peaceful protest"), PROTESTERS_TJ, NOBODY, "Kulob", 0,
                        "a protest"),
                  acled("TJK6006", "2021-11-25", ("Protests", "Protest with intervention"), PROTESTERS_TJ, TJ_POLICE,
                        "Khorugh", 0, "a protest dispersed"),
                  acled("TJK6007", "2019-06-01", ("Strategic developments", "Arrests"), TJ_POLICE, NOBODY, "Gharm",
                        0, "arrests"),
                  acled("TJK6008", "2019-09-09", BATTLE, TJ_ARMY, GUNMEN_AF, "Panji Poyon", 0, "smugglers fired on"),
                  acled("TJK6009", "2021-09-15", ("Riots", "Mob violence"), RIOTERS_TJ, NOBODY, "Vanj", 0, "a brawl"),
                  acled("AFG51025", "2019-12-12", ("Strategic developments", "Looting/property destruction"),
                        TALIBAN, NOBODY, "Fayzabad", 0, "a shop looted")]),
        Scenario("S21", "a clash at Sher Khan Bandar in both; Tajik troops on alert across the bridge (2.5 km) "
                        "the same day; a UCDP record from before the ACLED records",
                 [acled("AFG51026", "2021-06-22", BATTLE, TALIBAN, ANA, "Sher Khan Bandar", 8, "the port attacked"),
                  acled("TJK6010", "2021-06-22", ("Strategic developments", "Other"), TJ_ARMY, NOBODY, "Panji Poyon",
                        0, "troops put on alert")],
                 [ucdp("700023", "2021-06-22", "2021-06-22", 1, GOV_AF, TALEBAN, "Sher Khan Bandar", 8, 8, 10),
                  ucdp("700022", "2017-04-04", "2017-04-04", 1, GOV_AF, TALEBAN, "Kunduz", 9, 9, 9)],
                 [("AFG51026", "700023")]),
        Scenario("S22", "UCDP knows only the country (its centroid, 400 km away): a miss the rules accept",
                 [acled("AFG51027", "2021-07-01", BATTLE, TALIBAN, ANA, "Kunduz", 5, "a clash in Kunduz")],
                 [ucdp("700024", "2021-07-01", "2021-07-01", 1, GOV_AF, TALEBAN, "Afghanistan", 5, 5, 5, wp=6)],
                 [("AFG51027", "700024")]),
        Scenario("S23", "ACLED knows only the province (coded at its capital, Fayzabad), UCDP the place, 103 km off",
                 [acled("AFG51028", "2021-08-03", BATTLE, TALIBAN, ANA, "Fayzabad", 4, "fighting somewhere in "
                        "Badakhshan", gp=3)],
                 [ucdp("700025", "2021-08-03", "2021-08-03", 1, GOV_AF, TALEBAN, "Sar-e Sang", 4, 4, 4)],
                 [("AFG51028", "700025")]),
        Scenario("S24", "fighting on 3 and 4 May: ACLED records both days, UCDP only the 3rd",
                 [acled("AFG51029", "2021-05-03", BATTLE, TALIBAN, ANA, "Imam Sahib", 2, "a clash"),
                  acled("AFG51030", "2021-05-04", BATTLE, TALIBAN, ANA, "Imam Sahib", 1, "fighting again next day")],
                 [ucdp("700026", "2021-05-03", "2021-05-03", 1, GOV_AF, TALEBAN, "Imam Sahib", 2, 2, 2)],
                 [("AFG51029", "700026")]),
        Scenario("S25", "another clash in Badakhshan the day of S07, 60 km from the province centroid",
                 [acled("AFG51031", "2020-06-15", BATTLE, TALIBAN, ANA, "Ishkashim", 1,
                        "a clash UCDP did not record")]),
        Scenario("S26", "a clash in Fayzabad in the month of S15, 103 km from Sar-e Sang, in both",
                 [acled("AFG51032", "2020-04-20", BATTLE, TALIBAN, ANA, "Fayzabad", 3, "a clash in Fayzabad")],
                 [ucdp("700027", "2020-04-20", "2020-04-20", 1, GOV_AF, TALEBAN, "Fayzabad", 3, 3, 3)],
                 [("AFG51032", "700027")]),
    ]


def build(folder: Path = HERE) -> None:
    """Write acled.csv, ucdp.csv (the importers' layouts) and truth.csv."""
    from bordermap.importers.ucdp import COLUMNS
    from bordermap.io.acled import ACLED_COLUMNS
    from bordermap.synthetic_exports import _csv  # the synthetic exports' CSV writer

    def _write(path: Path, header, rows) -> None:
        path.write_text(_csv(tuple(header), rows), encoding="utf-8", newline="")

    all_ = scenarios()
    for s in all_:  # each record says which scenario it belongs to
        for r in s.acled:
            r["notes"] = r["notes"].replace("evaluation:", f"evaluation ({s.code}):")
        for r in s.ucdp:
            r["source_headline"] = f"{r['source_headline']} (bordermap link evaluation {s.code})"
    _write(folder / "acled.csv", ACLED_COLUMNS, [r for s in all_ for r in s.acled])
    _write(folder / "ucdp.csv", COLUMNS, [r for s in all_ for r in s.ucdp])
    _write(folder / "truth.csv", ("acled_event_id_cnty", "ucdp_id", "scenario", "what"),
           [{"acled_event_id_cnty": a, "ucdp_id": u, "scenario": s.code, "what": s.what}
            for s in all_ for a, u in s.same])


@dataclass
class LinkSet:
    acled: object  # EventTable
    ucdp: object
    truth: list[tuple[str, str]]  # (acled event id, UCDP event id) as the model names them
    scenario_of: dict[tuple[str, str], str]  # true pair -> its scenario


def load(workdir: Path, folder: Path = HERE) -> LinkSet:
    """Import the set's CSVs into ``workdir`` and read them back as tables, with the true pairs."""
    from bordermap.core.table import EventTable
    from bordermap.importers.common import slug_id
    from bordermap.importers.run import import_file
    from bordermap.io.geoparquet import read_events_parquet

    tables = []
    for kind in ("acled", "ucdp"):
        out = Path(workdir) / f"links-{kind}.parquet"
        import_file(kind, folder / f"{kind}.csv", out, force=True)
        tables.append(EventTable.from_model_columns(read_events_parquet(out)[0]))
    with open(folder / "truth.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    truth = [(slug_id("acled", r["acled_event_id_cnty"]), slug_id("ucdp", r["ucdp_id"])) for r in rows]
    return LinkSet(tables[0], tables[1], truth, {pair: r["scenario"] for pair, r in zip(truth, rows)})


#: The link subsets measured, as the tables name them.
SUBSETS = {"all": "every candidate", "top": "top (first for either event)", "best": "mutual best"}


def quality_table(links, truth) -> list[str]:
    """Precision, recall and F1 of every candidate, the top links and the mutual best ones, as
    the Markdown table docs/links.md and benchmarks/README.md show (a test compares them)."""
    from bordermap.links import link_quality

    lines = ["| links | proposed | true | false | missed | precision | recall | F1 |",
             "|---|---|---|---|---|---|---|---|"]
    for name, chosen in (("all", links), ("top", links.top()), ("best", links.best_only())):
        q = link_quality(chosen.id_pairs(), truth)
        lines.append(f"| {SUBSETS[name]} | {len(chosen)} | {q.true_positives} | {q.false_positives} | "
                     f"{q.false_negatives} | {q.precision:.3f} | {q.recall:.3f} | {q.f1:.3f} |")
    return lines


if __name__ == "__main__":
    build()
    print(f"wrote {HERE / 'acled.csv'}, {HERE / 'ucdp.csv'}, {HERE / 'truth.csv'}")
