#!/usr/bin/env python
"""Build bordermap's reference layers under geo/ from pinned, public inputs.

    .venv/bin/python scripts/build_geo.py [--out DIR]

Inputs: the timezone polygons shipped in the PyPI packages ``timezonefinder`` and
``timezonefinder-data`` (timezone-boundary-builder, built from OpenStreetMap; ODbL), and the
bridge and place tables below, transcribed from shared/reference/geography.md with their
sources. Output is deterministic: the same package versions give byte-identical files
(tests/test_build_geo.py checks it).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

REPO = Path(__file__).resolve().parents[1]
try:
    from bordermap.geo import PROJECTED_CRS, border_distance_km
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(REPO / "src"))
    from bordermap.geo import PROJECTED_CRS, border_distance_km

DECIMALS = 5  # ≈ 1 m
UTM42N = "EPSG:32642"  # the CRS of the length figures in geography.md §6
# Zones whose union is each country's outline (timezone-boundary-builder follows national
# borders in this region). CHN and PAK are clipped to CLIP_BOX; the box lies outside every
# unclipped neighbour (AFG reaches 29.38° N, KGZ 80.19° E), so clipping adds no vertex to
# a shared edge and the layer stays a valid coverage.
COUNTRIES = {
    "AFG": ("Afghanistan", ("Asia/Kabul",)),
    "CHN": ("China", ("Asia/Shanghai", "Asia/Urumqi")),
    "KGZ": ("Kyrgyzstan", ("Asia/Bishkek",)),
    "PAK": ("Pakistan", ("Asia/Karachi",)),
    "TJK": ("Tajikistan", ("Asia/Dushanbe",)),
    "TKM": ("Turkmenistan", ("Asia/Ashgabat",)),
    "UZB": ("Uzbekistan", ("Asia/Samarkand", "Asia/Tashkent")),
}
CLIPPED = {"CHN", "PAK"}
CLIP_BOX = (60.0, 29.0, 81.0, 44.0)
# Douglas-Peucker tolerance (degrees, ≈ 150–200 m here) for every country edge except the
# AFG–TJK one, which is kept vertex for vertex so it coincides with border.geojson.
SIMPLIFY_TOLERANCE_DEG = 0.002
SIZE_BUDGET_BYTES = 1_000_000  # border.geojson + countries.geojson

GN = "https://www.geonames.org/{}"
GN_SOURCE = "GeoNames {} (cities500, CC-BY 4.0), " + GN

# --------------------------------------------------------------------------------------
# Places: shared/reference/geography.md §1. Coordinates are (lat, lon) as printed there.

PLACES = [
    dict(
        id="khorugh",
        name="Khorugh",
        alt_names=[
            "Khorog",
            "Khorug",
            "Xorog",
            "Horog",
            "Khoroq",
            "Khorogh",
            "Хорог",
            "Хоруғ",
            "خاروغ",
        ],
        country="TJK",
        admin1="GBAO",
        geonames_id=1221328,
        kind="town",
        lat=37.4904,
        lon=71.5534,
        coord_source=GN_SOURCE.format(1221328, 1221328),
        precision="exact",
        note="Seat of GBAO and of Shughnon district; confluence of the Gunt and Panj; Tem "
        "microdistrict at its north end. Wikipedia's infobox point (37.4917, 71.5558) is "
        "≈250 m away.",
    ),
    dict(
        id="ishkoshim",
        name="Ishkoshim",
        alt_names=["Ishkashim", "Ishkashem", "Ishqoshim", "Ишкашим", "Ишкошим", "Nud"],
        country="TJK",
        admin1="GBAO",
        geonames_id=1221614,
        kind="town",
        lat=36.7248,
        lon=71.6133,
        coord_source=GN_SOURCE.format(1221614, 1221614),
        precision="exact",
        note="Seat of Ishkoshim district, 104 km south of Khorog (ru-Wikipedia). Wikipedia "
        "(36.7272, 71.6117) agrees within ~300 m. 'Ishkashim' is used for the towns on both "
        "banks; the Afghan one is ishkashim-af.",
    ),
    dict(
        id="ishkashim-af",
        name="Ishkashim",
        alt_names=["Eshkashem", "Ishkashem", "Ashkāsham", "اشکاشم"],
        country="AFG",
        admin1="Badakhshan",
        geonames_id=1148268,
        kind="town",
        lat=36.7092,
        lon=71.5739,
        coord_source="en-Wikipedia 'Ishkashim, Afghanistan', 36°42′33″N 71°34′26″E "
        "(mirror http://gutenberg.us/articles/eng/Ishkashim,_Afghanistan)",
        precision="exact",
        note="Seat of Ishkashim district. CONFLICT (minor): GeoNames 1148268 'Ashkāsham' is "
        "36.6833, 71.5333, a coarse minute-rounded point ~4.5 km SW; de-Wikipedia "
        "36°43′N 71°34′E. The Wikipedia value is used.",
    ),
    dict(
        id="imam-sahib",
        name="Imam Sahib",
        alt_names=[
            "Imam Saheb",
            "Emam Saheb",
            "Imam Sakhib",
            "Hazrat Imam",
            "Hazrat-i Imam",
            "Khwaja Imam Saiyid",
        ],
        country="AFG",
        admin1="Kunduz",
        geonames_id=1142545,
        kind="town",
        lat=37.1890,
        lon=68.9364,
        coord_source=GN_SOURCE.format(1142545, 1142545),
        precision="exact",
        note="Seat of Imam Sahib district, which includes Sher Khan Bandar.",
    ),
    dict(
        id="rasht-valley",
        name="Rasht valley",
        alt_names=["Rasht", "Karategin", "Karotegin", "Qarategin", "Gharm region", "Водии Рашт"],
        country="TJK",
        admin1="DRS",
        geonames_id=None,
        kind="valley",
        lat=39.0863,
        lon=70.7011,
        coord_source="en-Wikipedia 'Rasht Valley', 39°05′11″N 70°42′04″E "
        "(mirror https://findatwiki.com/Rasht_Valley)",
        precision="nominal",
        note="A valley and region (districts Lakhsh, Rasht, Roghun, Tavildara, Tojikobod, "
        "Nurobod), so the point is nominal. Gharm Oblast existed from the 1920s to 1955.",
    ),
    dict(
        id="gharm",
        name="Gharm",
        alt_names=["Garm", "Rasht"],
        country="TJK",
        admin1="DRS",
        geonames_id=1221740,
        kind="town",
        lat=39.0287,
        lon=70.3745,
        coord_source=GN_SOURCE.format(1221740, 1221740),
        precision="exact",
        note="Seat of Rasht district (renamed from Gharm in 2001); GeoNames' primary name is "
        "'Rasht'.",
    ),
    dict(
        id="dushanbe",
        name="Dushanbe",
        alt_names=["Stalinabad", "Duschanbe", "Douchanbé"],
        country="TJK",
        admin1="Dushanbe",
        geonames_id=1221874,
        kind="capital",
        lat=38.5358,
        lon=68.7790,
        coord_source=GN_SOURCE.format(1221874, 1221874),
        precision="exact",
        note="Capital of Tajikistan; Stalinabad 1929–61.",
    ),
    dict(
        id="kabul",
        name="Kabul",
        alt_names=["Kaboul", "Kabol"],
        country="AFG",
        admin1="Kabul",
        geonames_id=1138958,
        kind="capital",
        lat=34.5281,
        lon=69.1723,
        coord_source=GN_SOURCE.format(1138958, 1138958),
        precision="exact",
        note="Capital of Afghanistan.",
    ),
    dict(
        id="kunduz",
        name="Kunduz",
        alt_names=["Qunduz", "Kondoz", "Konduz"],
        country="AFG",
        admin1="Kunduz",
        geonames_id=1135689,
        kind="city",
        lat=36.7290,
        lon=68.8570,
        coord_source=GN_SOURCE.format(1135689, 1135689),
        precision="exact",
        note="Capital of Kunduz province.",
    ),
    dict(
        id="fayzabad-badakhshan",
        name="Fayzabad",
        alt_names=["Faizabad", "Feyzabad", "Fayzobod"],
        country="AFG",
        admin1="Badakhshan",
        geonames_id=1142170,
        kind="city",
        lat=37.1166,
        lon=70.5800,
        coord_source=GN_SOURCE.format(1142170, 1142170),
        precision="exact",
        note="Capital of Badakhshan province. Not to be confused with Fayzobod (TJK, DRS, "
        "GeoNames 1221774) or Fayzabad (Faryab, AFG); those are listed under homonyms "
        "without coordinates, which geography.md does not give.",
        homonyms=[
            dict(
                id="fayzobod-drs",
                name="Fayzobod",
                alt_names=["Fayzabad", "Faizabad"],
                country="TJK",
                admin1="DRS",
                geonames_id=1221774,
                kind="town",
            ),
            dict(
                id="fayzabad-faryab",
                name="Fayzabad",
                alt_names=["Faizabad", "Feyzabad"],
                country="AFG",
                admin1="Faryab",
                geonames_id=None,
                kind="town",
            ),
        ],
    ),
    dict(
        id="rushon",
        name="Rushon",
        alt_names=["Rushan", "Rŭshon", "Kala-i-Wamar", "Qal'ai Vamar"],
        country="TJK",
        admin1="GBAO",
        geonames_id=1220685,
        kind="town",
        lat=37.9449,
        lon=71.5575,
        coord_source=GN_SOURCE.format(1220685, 1220685),
        precision="exact",
        note="Seat of Rushon district.",
    ),
    dict(
        id="vanj",
        name="Vanj",
        alt_names=["Vanch", "Kala-i-Vanch", "Rokharv"],
        country="TJK",
        admin1="GBAO",
        geonames_id=1220210,
        kind="town",
        lat=38.3708,
        lon=71.4547,
        coord_source=GN_SOURCE.format(1220210, 1220210),
        precision="exact",
        note="Seat of Vanj district. The Vanj bridge is at Khumrogi village, not at Vanj town.",
    ),
    dict(
        id="qalai-khumb",
        name="Qal'ai Khumb",
        alt_names=[
            "Kalai-Khumb",
            "Kalaikhum",
            "Qalaikhumb",
            "Kala-i-Khumb",
            "Qala-i-Khum",
            "Darvoz",
            "Darvaz",
        ],
        country="TJK",
        admin1="GBAO",
        geonames_id=1221559,
        kind="town",
        lat=38.4537,
        lon=70.7890,
        coord_source=GN_SOURCE.format(1221559, 1221559),
        precision="exact",
        note="Seat of Darvoz district, which has no point of its own; 'Darvaz' also names the "
        "Afghan district across the river (see nusay).",
    ),
    dict(
        id="nusay",
        name="Nusay",
        alt_names=["Nusai", "Nesay Darwaz", "Darwaz", "Darvaz"],
        country="AFG",
        admin1="Badakhshan",
        geonames_id=1131591,
        kind="town",
        lat=38.4435,
        lon=70.8041,
        coord_source=GN_SOURCE.format(1131591, 1131591),
        precision="exact",
        note="~1.8 km from Qal'ai Khumb across the Panj. CONFLICT on which Afghan Darwaz district "
        "it heads: 'Darwaz – capital Nusay' (https://wiki.kidzsearch.com/wiki/Badakhshan_Province) "
        "vs 'Darwaz-e-Payin (Mamay)' in a public district mapping table.",
    ),
    dict(
        id="maymay",
        name="Maymay",
        alt_names=["Mamay", "Māymay", "Mahmai", "Mohi-May"],
        country="AFG",
        admin1="Badakhshan",
        geonames_id=1133657,
        kind="town",
        lat=38.4086,
        lon=71.0384,
        coord_source=GN_SOURCE.format(1133657, 1133657),
        precision="exact",
        note="Darwaz(-e Payan)/Maymay district; the Vanj bridge 'connects Vanj District with "
        "Mohi-May Vulusvoli' (AKDN).",
    ),
    dict(
        id="shighnan",
        name="Shighnan",
        alt_names=["Shughnan", "Sheghnan", "Ноҳияи Шиғнони"],
        country="AFG",
        admin1="Badakhshan",
        geonames_id=None,
        kind="district",
        lat=37.6167,
        lon=71.4500,
        coord_source="en-Wikipedia 'Shighnan District' infobox, 37°37′N 71°27′E "
        "(https://en.wikipedia.org/wiki/Shighnan_District)",
        precision="nominal",
        note="A nominal district point, not the district centre (whose coordinates are "
        "UNVERIFIED). Opposite Khorugh is the Demogan bridgehead of the Tem–Demogan bridge "
        "(37.5242, 71.5078 per geography.md, which lies ~200 m on the Tajik side of the "
        "border line).",
    ),
    dict(
        id="panji-poyon",
        name="Panji Poyon",
        alt_names=["Nizhniy Pyandzh", "Nizhny Panj", "Nizhni Pyandzh", "Kizyl-Kala", "Qizil Qala"],
        country="TJK",
        admin1="Khatlon",
        geonames_id=1220910,
        kind="town",
        lat=37.1944,
        lon=68.5772,
        coord_source=GN_SOURCE.format(1220910, 1220910),
        precision="exact",
        note="Qumsangir district (Asia-Plus 2007). The bridge is ~2.5 km E of this point. Shares "
        "the historic name 'Qizil Qala' with Sher Khan Bandar.",
    ),
    dict(
        id="sher-khan-bandar",
        name="Sher Khan Bandar",
        alt_names=[
            "Shir Khan Bandar",
            "Sherkhan Bandar",
            "Shērkhān Bandar",
            "Qizil Qala",
            "Qezel Qal'eh",
        ],
        country="AFG",
        admin1="Kunduz",
        geonames_id=None,
        kind="crossing",
        lat=37.1946,
        lon=68.6053,
        coord_source="Crossing/port end of the Panji Poyon bridge, en-Wikipedia bridge infobox "
        "(mirror https://wikimili.com/en/Tajik–Afghan_bridge_at_Panji_Poyon)",
        precision="exact",
        note="In Imam Sahib district. CONFLICT: the fr/ca-Wikipedia (Wikidata) town point "
        "37.1833, 68.4169 (https://wikiland.org/fr/Shir_Khan_Bandar) lies ~17 km W of the "
        "bridge although the same article puts the port 8 km NW of the town; it looks "
        "wrong and is not used.",
    ),
    dict(
        id="kulob",
        name="Kulob",
        alt_names=["Kulyab", "Kulab", "Kŭlob"],
        country="TJK",
        admin1="Khatlon",
        geonames_id=1221194,
        kind="city",
        lat=37.9146,
        lon=69.7845,
        coord_source=GN_SOURCE.format(1221194, 1221194),
        precision="exact",
        note="",
    ),
    dict(
        id="khujand",
        name="Khujand",
        alt_names=["Khodzhent", "Khojend", "Leninabad", "Leninobod"],
        country="TJK",
        admin1="Sughd",
        geonames_id=1514879,
        kind="city",
        lat=40.2826,
        lon=69.6222,
        coord_source=GN_SOURCE.format(1514879, 1514879),
        precision="exact",
        note="Capital of Sughd province; Leninabad in Soviet times.",
    ),
    dict(
        id="murghob",
        name="Murghob",
        alt_names=["Murghab", "Murgab", "Pamirski Post"],
        country="TJK",
        admin1="GBAO",
        geonames_id=1220962,
        kind="town",
        lat=38.1702,
        lon=73.9667,
        coord_source=GN_SOURCE.format(1220962, 1220962),
        precision="exact",
        note="Seat of Murghob district.",
    ),
    dict(
        id="panjshir-valley",
        name="Panjshir valley",
        alt_names=["Panjshir", "Panjsher", "Panjsheer", "Darra-yi Panjshēr"],
        country="AFG",
        admin1="Panjshir",
        geonames_id=None,
        kind="valley",
        lat=35.2667,
        lon=69.4667,
        coord_source="en-Wikipedia 'Panjshir Valley', 35°16′N 69°28′E (mirror "
        "https://kiwix.lema.org/wikipedia_en_all_mini_2024-02/A/Panjshir_Valley)",
        precision="nominal",
        note="Panjshir province was created in April 2004 (formerly Parwan). Provincial capital "
        "Bazarak: GeoNames 1429434, 35.3129, 69.5152.",
    ),
    dict(
        id="sar-e-sang",
        name="Sar-e Sang",
        alt_names=["Sar-i Sang", "Sar-e-Sang", "Ladjuar Medam", "Lajur Madan"],
        country="AFG",
        admin1="Badakhshan",
        geonames_id=None,
        kind="mine",
        lat=36.2100,
        lon=70.8006,
        coord_source="Mindat-derived locality page https://collection-place.com/locality/11 "
        "(36°12′36″N 70°48′02″E)",
        precision="exact",
        note="Lapis lazuli mines in the Kokcha valley, Kuran wa Munjan district; agrees with "
        "de-Wikipedia 36°13′N 70°48′E. CONFLICT: an older de-Wikipedia revision gave "
        "36°52′N 71°31′E, near Ishkashim, which is wrong.",
    ),
    dict(
        id="kuh-i-lal",
        name="Kuh-i-Lal",
        alt_names=["Kuhi-Lal", "Koohi Lal", "Kukhilal", "Kul-i-Lal"],
        country="TJK",
        admin1="GBAO",
        geonames_id=None,
        kind="mine",
        lat=37.14,
        lon=71.55,
        coord_source="UNVERIFIED placeholder, not from any source: interpolated from '47 km from "
        "Khorugh along the road to Ishkashim' (https://explorepamir.com/kuhi-lal/)",
        precision="approximate",
        note="Spinel ('balas ruby') mines in Ishkoshim district on the right (Tajik) bank; the "
        "village is ~200 m above the river, the mine ~8 km beyond it. The article's Pamir "
        "'rubies' are strictly spinel; the true-ruby mine is 'Snezhny' in Murghob district.",
    ),
]

# Bridgeheads that are places in their own right; their point is the bridge's published one.
# Only Tem: the published Tem–Demogan point lies ~200 m on the Tajik side of the line, so it
# cannot stand for Demogan (AFG), which therefore has no point of its own.
BRIDGEHEADS = [
    dict(
        id="tem",
        name="Tem",
        alt_names=[],
        country="TJK",
        admin1="GBAO",
        kind="crossing",
        bridge="tem-demogan",
        note="Microdistrict at the north end of Khorugh; the point is the Tem–Demogan bridge's.",
    ),
]

# --------------------------------------------------------------------------------------
# Bridges standing in 2012: shared/reference/geography.md §2. ``at`` is a published
# (lat, lon); ``between`` names the two places whose midpoint, moved to the nearest point
# of the border line, stands in for a bridge with no published coordinate.

BRIDGES = [
    dict(
        id="tem-demogan",
        name="Tem–Demogan bridge",
        alt_names=["Khorog bridge", "Khorugh bridge", "Tem bridge", "Demogan bridge"],
        opened="2002-11-03",
        funder="AKDN (US$400,000 incl. border posts, link road, small market)",
        length_m=135,
        joins_tj="Tem (Khorugh, Shughnon district, GBAO)",
        joins_af="Demogan (Shighnan district, Badakhshan)",
        at=(37.5242, 71.5078),
        coord_source="en-Wikipedia 'Tem, Tajikistan' (37°31′27″N 71°30′28″E) and ru-Wikipedia",
        sources=[
            (
                "AKDN press release",
                "https://www.akdn.org/press-release/aga-khan-and-tajik-and-afghan-leaders-open-bridge-afghanistan",
            ),
            ("AKDN release (copy)", "http://ismaili.net/timeline/2002/20021103akdn.html"),
            ("AFP, 2 Nov 2002", "http://ismaili.net/timeline/2002/20021102afp.html"),
            ("BBC Monitoring, 31 Oct 2002", "http://ismaili.net/timeline/2002/20021031bbc.html"),
            (
                "en-Wikipedia 'Tem, Tajikistan' (mirror)",
                "https://alem.dynip.sapo.pt/wiki/content/wikipedia_en_all_maxi_2024-01/A/Tem%2C_Tajikistan",
            ),
            (
                "ru-Wikipedia (mirror)",
                "https://perceptiosv.com/Афгано-таджикский_мост_(Тем—Демоган)",
            ),
        ],
        note="CORRECTION: the article's 'inaugurated in 2004' is contradicted by every source; "
        "opened 3 Nov 2002 by Rahmonov, the Aga Khan and Afghan VP Hedayat Amin Arsala "
        "(2004 is the Darvaz bridge). Suspension bridge, 135 m × 3.5 m, 25 t. Spelled "
        "'Demorgan' by Asia-Plus/ismailimail in 2006.",
    ),
    dict(
        id="darvaz",
        name="Darvaz bridge (Ruzvai–Nusay)",
        alt_names=["Darvoz bridge", "Darwaz bridge", "Ruzvai bridge", "Ruzvat bridge"],
        opened="2004-07",
        funder="AKDN",
        length_m=None,
        joins_tj="Ruzvai (Darvoz district, GBAO, ~5 km from Qal'ai Khumb)",
        joins_af="Nusay (Darwaz district, Badakhshan)",
        between=("qalai-khumb", "nusay"),
        sources=[
            (
                "Asia-Plus via ismailimail, 31 Oct 2006",
                "https://ismailimail.blog/2006/10/31/aga-khan-and-president-rahmonov-inaugurate-reconstructed-bridge-in-ishkashim-asiaplus-tajikistan/",
            ),
            (
                "US cable 06KABUL3683",
                "https://theworldtomorrow.wikileaks.org/plusd/cables/06KABUL3683_a.html",
            ),
            (
                "Tajik MFA, Tajik–Afghan state border",
                "https://mid.tj/index.php/en/main/view/149/tajik-afghan-state-border",
            ),
            (
                "Central Asia News, 2016 (Ruzvat market)",
                "https://central.asia-news.com/en_GB/articles/cnmi_ca/features/2016/11/03/feature-01",
            ),
            ("AFP 2024 via BSS", "https://www.bssnews.net/business/190553"),
            (
                "gilanik.fr ('5 km from Kalaï Khum')",
                "https://gilanik.fr/ouzbekistan-tadjikistan-kirghizistan/portraits-afghans",
            ),
        ],
        note="Opened July 2004 (one low-grade source: 6 July 2004). No published coordinate "
        "(UNVERIFIED): placed on the border where it is nearest to the midpoint of "
        "Qal'ai Khumb and Nusay; the crossing is at Ruzvai, ~5 km from Qal'ai Khumb, so "
        "the real site may be several km away. A weak source's '135 m' may be copied from "
        "Tem (UNVERIFIED). 'Khumrogi' is the Vanj bridge site, not Darvaz.",
    ),
    dict(
        id="ishkashim",
        name="Ishkashim bridge",
        alt_names=["Ishkoshim bridge", "Eshkashem bridge"],
        opened="2006-10-31",
        funder="AKDN (US$350,100)",
        length_m=99.3,
        joins_tj="Ishkoshim (GBAO)",
        joins_af="Ishkashim/Eshkashem (Badakhshan)",
        between=("ishkoshim", "ishkashim-af"),
        sources=[
            (
                "Asia-Plus via ismailimail, 31 Oct 2006",
                "https://ismailimail.blog/2006/10/31/aga-khan-and-president-rahmonov-inaugurate-reconstructed-bridge-in-ishkashim-asiaplus-tajikistan/",
            ),
            (
                "Asia-Plus, 1 Nov 2006",
                "https://asiaplustj.info/en/news/tajikistan/power/20061101/akdn-fund-construction-two-other-bridges-across-panj-river-tajikistan",
            ),
            ("Aga Khan speech, 2006", "https://cms.the.ismaili/node/66851"),
            ("de-Wikipedia 'Ishkashim' (mirror)", "https://de.zxc.wiki/wiki/Ishkashim"),
        ],
        note="Reconstruction of an older bridge, opened 31 Oct 2006 by Rahmonov, the Aga Khan and "
        "Afghan 2nd VP Karim Khalili; 99.3 m × 4.5 m, capacity raised from 10 to 30 t; three "
        "truss spans over river arms with an island market. No published coordinate "
        "(UNVERIFIED): placed on the border where it is nearest to the midpoint of the two "
        "Ishkashims. The Aga Khan's 2006 speech also names a 'Langar' bridge, not otherwise "
        "documented (UNVERIFIED).",
    ),
    dict(
        id="vanj",
        name="Vanj bridge (Khumrogi)",
        alt_names=["Khumrogi bridge", "Vanch bridge"],
        opened="2011-08-16",
        funder="AKDN (US$2.6 m project; co-funders UNVERIFIED)",
        length_m=216,
        joins_tj="Khumrogi (Vanj district, GBAO)",
        joins_af="Maymay ('Mohi-May') district, Badakhshan",
        between=("vanj", "maymay"),
        sources=[
            (
                "AKDN press release",
                "https://www.akdn.org/press-release/tajik-and-afghan-officials-inaugurate-vanj-bridge-built-akdn-part-cross-border",
            ),
            ("Asia-Plus (copy)", "https://forum.ismaili.net/viewtopic.php?t=7921"),
        ],
        note="Opened 16 Aug 2011 by Rahmon, with Afghan Minister of Borders and Tribal Affairs "
        "Asadullah Khalid; 216 m suspension span. No published coordinate and Khumrogi is "
        "not in GeoNames cities500 (UNVERIFIED): placed on the border where it is nearest to "
        "the midpoint of Vanj town and Maymay, so the real site may be many km away. A "
        "second Vanj bridge (2015) is claimed by one weak source only (UNVERIFIED).",
    ),
    dict(
        id="panji-poyon",
        name="Panji Poyon – Sher Khan Bandar bridge",
        alt_names=[
            "Dusti bridge",
            "Friendship bridge",
            "Nizhniy Pyandzh bridge",
            "Tajik–Afghan bridge at Panji Poyon",
        ],
        opened="2007-08-26",
        funder="United States (US Army Corps of Engineers), US$37 m of ~US$38 m; Norway, Japan "
        "and the EU also named",
        length_m=672,
        joins_tj="Panji Poyon / Nizhniy Panj (Qumsangir district, Khatlon)",
        joins_af="Sher Khan Bandar (Imam Sahib district, Kunduz)",
        at=(37.1946, 68.6053),
        coord_source="en-Wikipedia bridge infobox",
        sources=[
            (
                "VOA editorial, Sep 2007",
                "https://editorials.voa.gov/a/a-41-2007-09-07-voa1-84658387/1481677.html",
            ),
            (
                "AFP via DNA India",
                "https://dnaindia.com/world/report-bridge-opens-between-tajikistan-afghanistan-1117873/amp",
            ),
            (
                "Asia-Plus, 15 Dec 2007",
                "https://www.asiaplustj.info/en/news/tajikistan/20071215/opening-tajik-afghan-border-promotes-development-trade-between-two-countries",
            ),
            (
                "IRIN, 20 Jun 2005",
                "http://www.irinnews.org/news/2005/06/20/new-bridge-provide-key-economic-link",
            ),
            ("en-Wikipedia (mirror)", "https://wikimili.com/en/Tajik–Afghan_bridge_at_Panji_Poyon"),
            (
                "ru-Wikipedia (mirror)",
                "https://russianwiki.com/wiki/Афгано-таджикский_мост_в_Нижнем_Пяндже",
            ),
        ],
        note="Opened 26 Aug 2007 by Rahmon, Karzai and US Commerce Secretary Carlos Gutierrez; "
        "open to traffic 26 Oct 2007 per the customs chief; foundation stone 18 Jun 2005; "
        "built by Rizzani de Eccher. 672 m × 11.6 m (IRIN: 11.5 m). CONFLICT on cost: "
        "US$37 m of $38 m (AFP, Asia-Plus, VOA) vs ~$40 m (Wikipedia); $29 m planned in "
        "2005 (VOA Persian). CONFLICT (minor) on position: ru-Wikipedia 37.1944, 68.6022, "
        "≈250 m W of the en-Wikipedia point used.",
    ),
]

README_TEMPLATE = """\
# geo/ — reference layers

Built by `scripts/build_geo.py`; do not edit by hand. To rebuild (byte-identical output
for the same package versions; `tests/test_build_geo.py` checks it):

    .venv/bin/python scripts/build_geo.py            # writes geo/
    .venv/bin/python scripts/build_geo.py --out DIR  # writes elsewhere

Inputs: timezonefinder {tzf}, timezonefinder-data {tzf_data} (PyPI; the `build-geo` extra),
shapely {shapely} / GEOS {geos}, pyproj {pyproj}; the bridge and place tables in the script,
transcribed from `shared/reference/geography.md` with their sources. All files are GeoJSON
(RFC 7946, EPSG:4326, lon/lat) with coordinates rounded to {decimals} decimals (≈1 m),
features sorted by id, one feature per line; each has a top-level `metadata` member with
its provenance.

## Licences
* `border.geojson`, `countries.geojson`: derived from OpenStreetMap via
  timezone-boundary-builder and timezonefinder — **ODbL 1.0, "© OpenStreetMap contributors"**.
  Credit it wherever the layers are shown or shipped.
* `places.geojson`: coordinates from GeoNames (`cities500`, **CC-BY 4.0**, "GeoNames") where
  `coord_source` says so; the others from the Wikipedia pages and sites it names.
* `bridges.geojson`: facts from the sources listed in each feature's `sources`; two points
  are published (Wikipedia), three are derived from the border line (see below).

Boundaries are the de facto lines that OpenStreetMap and the time zones follow; they say
nothing about disputed claims (Kashmir, Aksai Chin).

## border.geojson
The Afghanistan–Tajikistan border: the shared boundary of the `Asia/Kabul` and
`Asia/Dushanbe` polygons (`TimezoneFinder().get_geometry(tz_name=..., coords_as_pairs=True)`),
line-merged into one {border_type}, ordered west→east, **not simplified**.

| measure | value |
|---|---|
| vertices | {vertices:,} |
| length, geodesic (WGS84) | {length_geodesic:,.2f} km |
| length, UTM 42N (EPSG:32642) | {length_utm:,.2f} km |
| vertices per km | {vertices_per_km:.2f} |
| longest segment | {max_segment_m:,.0f} m |
| file size | {size_border:,} bytes |

For comparison (geography.md §4, §6): 1,344.5 km measured the same way in UTM 42N; Tajik
MFA 1,344.15 km; CIA World Factbook 1,357 km (the old 1,206 km figure is outdated).

## countries.geojson
Each country is the union of its time zones' polygons:

{country_rows}

China and Pakistan are clipped to lon {clip[0]:g}–{clip[2]:g}, lat {clip[1]:g}–{clip[3]:g};
Kazakhstan, Iran and India are not included.

Simplification is edge-based so that shared edges stay shared: the outlines' boundaries
are split into edges between junctions; every edge except the Afghanistan–Tajikistan one
is simplified at once with shapely's topology-preserving Douglas-Peucker (tolerance
{tolerance}°, i.e. ≤{tolerance_m:.0f} m); the AFG–TJK edge keeps every vertex; the edges are
polygonised again and checked (a valid coverage, as many polygons per country as before).
So a point is in TJK or AFG exactly when it is on that side of border.geojson, while a
point within ~200 m of another border may fall in the neighbour.

| measure | value |
|---|---|
| vertices (all outlines) | {countries_vertices:,} (unsimplified: {countries_vertices_raw:,}) |
| AFG–TJK shared edge vs border.geojson, max distance | {shared_edge_deviation_m:.1f} m |
| other edges vs unsimplified, max distance | {other_edges_deviation_deg:.5f}° (≤{other_edges_deviation_m:,.0f} m) |
| largest change of a country's area | {max_area_change_pct:.3f} % |
| file size | {size_countries:,} bytes |
| border + countries | {size_budget_used:,} bytes (budget {size_budget:,}) |

## bridges.geojson
The five Panj bridges standing in 2012. The Shurobod/Shohon bridge (foundation stone
31 Oct 2011, in operation 2017) was not open in 2012 and is left out.

`precision` is "published" when a source gives the coordinate and "placed on border between
settlements" when none does: the script takes the midpoint of the two places named in
`placed_between` and moves it to the nearest point of the border line. For Vanj that is a
poor stand-in: Khumrogi has no coordinate, Vanj town is not on the river, and the point
may be many km from the real bridge.

| bridge | precision | distance to border line | placement |
|---|---|---|---|
{bridge_rows}

## places.geojson
{place_count} points for the places geography.md §1 names, plus the Tem bridgehead at the
Tem–Demogan bridge's published point (which lies on the Tajik side of the line, so Demogan
gets no point). Properties: id, name, alt_names, country (ISO3), admin1 (GBAO, Khatlon,
Sughd, Dushanbe, DRS = Districts of Republican Subordination; Badakhshan, Kunduz, Kabul,
Panjshir), geonames_id, kind, coord_source, precision ("exact"; "nominal" for a valley,
district or bridgehead; "approximate" for the UNVERIFIED Kuh-i-Lal placeholder), note, and
homonyms: same-named places that geography.md gives no coordinates for (Fayzobod in
Tajikistan, Fayzabad in Faryab), so that the gazetteer still calls "Fayzabad" ambiguous.

## Distances: which projection
`bordermap.geo` measures distances in an azimuthal equidistant projection centred on the
border: `{projected_crs}`. Compared with geodesic point-to-line distances (pyproj.Geod on
WGS84, brute force over every vertex, then 1 m steps along the nearest segments):

| place | geodesic | azimuthal equidistant | UTM 42N (EPSG:32642) |
|---|---|---|---|
{crs_rows}

Near the border the projection is within a metre; UTM 42N drifts by 0.2 % east of its zone
(Murghob). Geodesic point-to-line distance cannot be vectorised with shapely.
geography.md §6 quotes Ishkoshim ≈ 0.7 km and Imam Sahib ≈ 12.8 km from the line; from the
§1 GeoNames points used here they are as above. 0.7 km is what Wikipedia's Ishkoshim point
(36.7272, 71.6117) gives; 12.8 km matches a point ~2 km SW of GeoNames' Imam Sahib.
"""


# --------------------------------------------------------------------------------------
# Geometry


def rounded(geom: BaseGeometry) -> BaseGeometry:
    """Round to DECIMALS and drop vertices that rounding made repeat."""
    return shapely.remove_repeated_points(shapely.transform(geom, lambda c: np.round(c, DECIMALS)))


def zone_outline(finder, tz_name: str) -> MultiPolygon:
    parts = finder.get_geometry(tz_name=tz_name, coords_as_pairs=True)
    return MultiPolygon([Polygon(rings[0], rings[1:]) for rings in parts])


def build_outlines(finder) -> dict[str, BaseGeometry]:
    """Unsimplified, rounded country outlines that form a valid coverage."""
    outlines = {}
    for iso3, (_, zones) in COUNTRIES.items():
        geom = shapely.union_all([zone_outline(finder, tz) for tz in zones])
        if iso3 in CLIPPED:
            geom = geom.intersection(box(*CLIP_BOX))
        geom = rounded(geom)
        if not geom.is_valid:
            raise SystemExit(
                f"{iso3} outline is invalid after rounding: {shapely.is_valid_reason(geom)}"
            )
        outlines[iso3] = geom
    if not shapely.coverage_is_valid(list(outlines.values())):
        raise SystemExit("the country outlines do not form a valid coverage")
    return outlines


def shared_border(outlines: dict[str, BaseGeometry]) -> BaseGeometry:
    """The AFG–TJK shared boundary, line-merged and ordered west to east."""
    line = shapely.line_merge(outlines["AFG"].boundary.intersection(outlines["TJK"].boundary))
    if line.geom_type != "LineString":
        raise SystemExit(f"the AFG–TJK boundary merged into a {line.geom_type}, expected one line")
    coords = np.asarray(line.coords)
    if coords[0, 0] > coords[-1, 0]:
        line = LineString(coords[::-1])
    return line


def simplify_coverage(outlines: dict[str, BaseGeometry], keep: BaseGeometry, tolerance: float):
    """Simplify every coverage edge but ``keep``; return outlines and the other edges' shift."""
    edges = shapely.get_parts(
        shapely.line_merge(shapely.union_all([g.boundary for g in outlines.values()]))
    )
    is_kept = shapely.equals(edges, keep)
    if is_kept.sum() != 1:
        raise SystemExit("the AFG–TJK edge is not one edge of the coverage")
    others = edges[~is_kept]
    simplified = shapely.get_parts(
        shapely.simplify(shapely.multilinestrings(others), tolerance, preserve_topology=True)
    )
    faces = shapely.get_parts(shapely.polygonize(np.append(simplified, keep)))
    isos = list(outlines)
    originals = np.array([outlines[k] for k in isos])
    owner: dict[str, list] = {k: [] for k in isos}
    for face in faces:
        overlap = shapely.area(shapely.intersection(face, originals))
        best = int(np.argmax(overlap))
        if overlap[best] > 0.5 * face.area:  # else a gap enclosed by edges, not a country
            owner[isos[best]].append(face)
    result = {}
    for iso3, parts in owner.items():
        geom = shapely.orient_polygons(shapely.normalize(shapely.union_all(parts)))
        before = len(shapely.get_parts(outlines[iso3]))
        if not geom.is_valid or len(shapely.get_parts(geom)) != before:
            raise SystemExit(f"simplifying {iso3} broke it; lower SIMPLIFY_TOLERANCE_DEG")
        result[iso3] = geom
    if not shapely.coverage_is_valid(list(result.values())):
        raise SystemExit("the simplified outlines are not a valid coverage")
    # In degrees: long simplified segments far from the projection centre bend when
    # projected, which would overstate the shift.
    shift_deg = float(shapely.hausdorff_distance(others, simplified).max())
    return result, shift_deg


def _project(geom, crs: str = PROJECTED_CRS):
    transformer = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return shapely.transform(
        geom, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1]))
    )


def _unproject(geom, crs: str = PROJECTED_CRS):
    transformer = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return shapely.transform(
        geom, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1]))
    )


def placed_on_border(border: BaseGeometry, a: tuple[float, float], b: tuple[float, float]) -> Point:
    """The point of ``border`` nearest to the midpoint of lon/lat points ``a`` and ``b``."""
    mid = _project(Point((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
    line = _project(border)
    return rounded(_unproject(line.interpolate(line.project(mid))))


def geodesic_distance_km(border: BaseGeometry, lon: float, lat: float) -> float:
    """Point-to-line geodesic distance by brute force: every vertex, then 1 m sampling."""
    geod = pyproj.Geod(ellps="WGS84")
    xy = shapely.get_coordinates(border)
    n = len(xy)
    _, _, dist = geod.inv(np.full(n, lon), np.full(n, lat), xy[:, 0], xy[:, 1])
    best = float(dist.min())
    for i in np.argsort(dist)[:10]:
        for j, k in ((i - 1, i), (i, i + 1)):
            if j < 0 or k >= n:
                continue
            steps = max(2, int(np.ceil(np.hypot(*(xy[k] - xy[j])) * 111_000)))
            t = np.linspace(0.0, 1.0, steps)[:, None]
            pts = xy[j] * (1 - t) + xy[k] * t
            _, _, d = geod.inv(np.full(len(pts), lon), np.full(len(pts), lat), pts[:, 0], pts[:, 1])
            best = min(best, float(d.min()))
    return best / 1000.0


# --------------------------------------------------------------------------------------
# Features


def _coords(geom: BaseGeometry):
    """GeoJSON coordinates with floats rounded to DECIMALS."""
    mapping = shapely.geometry.mapping(geom)

    def fix(value):
        if isinstance(value, float):
            return round(value, DECIMALS)
        return [fix(v) for v in value]

    return {"type": mapping["type"], "coordinates": fix(mapping["coordinates"])}


def feature(properties: dict, geom: BaseGeometry) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": _coords(geom)}


def place_features() -> list[dict]:
    bridge_at = {b["id"]: b["at"] for b in BRIDGES if "at" in b}
    rows = []
    for place in PLACES:
        rows.append({**place, "homonyms": place.get("homonyms", [])})
    for head in BRIDGEHEADS:
        lat, lon = bridge_at[head["bridge"]]
        rows.append(
            dict(
                id=head["id"],
                name=head["name"],
                alt_names=head["alt_names"],
                country=head["country"],
                admin1=head["admin1"],
                geonames_id=None,
                kind=head["kind"],
                lat=lat,
                lon=lon,
                coord_source=f"bridges.geojson '{head['bridge']}' (published bridge coordinate)",
                precision="nominal",
                note=head["note"],
                homonyms=[],
            )
        )
    keys = (
        "id",
        "name",
        "alt_names",
        "country",
        "admin1",
        "geonames_id",
        "kind",
        "coord_source",
        "precision",
        "note",
        "homonyms",
    )
    return sorted(
        (feature({k: row[k] for k in keys}, Point(row["lon"], row["lat"])) for row in rows),
        key=lambda f: f["properties"]["id"],
    )


def bridge_features(border: BaseGeometry) -> tuple[list[dict], list[str]]:
    places = {p["id"]: p for p in PLACES}
    features, rows = [], []
    for bridge in BRIDGES:
        if "at" in bridge:
            lat, lon = bridge["at"]
            point = Point(lon, lat)
            precision, coord_source, between = "published", bridge["coord_source"], None
            how = "published coordinate"
        else:
            a, b = (places[pid] for pid in bridge["between"])
            point = placed_on_border(border, (a["lon"], a["lat"]), (b["lon"], b["lat"]))
            precision, between = "placed on border between settlements", list(bridge["between"])
            coord_source = (
                f"computed by scripts/build_geo.py: the border point nearest the "
                f"midpoint of {a['name']} and {b['name']}"
            )
            da, db = (
                _project(Point(p["lon"], p["lat"])).distance(_project(point)) / 1000 for p in (a, b)
            )
            how = f"{da:.1f} km from {a['name']}, {db:.1f} km from {b['name']}"
        distance_m = border_distance_km(point, border) * 1000
        if distance_m > 1000:
            raise SystemExit(f"bridge {bridge['id']} is {distance_m:.0f} m from the border line")
        properties = {
            "id": bridge["id"],
            "name": bridge["name"],
            "alt_names": bridge["alt_names"],
            "opened": bridge["opened"],
            "funder": bridge["funder"],
            "length_m": bridge["length_m"],
            "joins_tj": bridge["joins_tj"],
            "joins_af": bridge["joins_af"],
            "precision": precision,
            "coord_source": coord_source,
            "placed_between": between,
            "sources": [{"name": n, "url": u} for n, u in bridge["sources"]],
            "note": bridge["note"],
        }
        features.append(feature(properties, point))
        rows.append(f"| {bridge['id']} | {precision} | {distance_m:,.0f} m | {how} |")
    order = np.argsort([f["properties"]["id"] for f in features])
    return [features[i] for i in order], [rows[i] for i in order]


def feature_collection_text(features: list[dict], metadata: dict) -> str:
    """Deterministic GeoJSON text: fixed key order, one feature per line."""

    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    body = ",\n".join(dumps(f) for f in features)
    return f'{{"type":"FeatureCollection","metadata":{dumps(metadata)},"features":[\n{body}\n]}}\n'


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------


def built_with() -> dict[str, str]:
    """Versions of everything that shapes the output; the rebuild test compares them."""
    return {
        "timezonefinder": importlib.metadata.version("timezonefinder"),
        "timezonefinder-data": importlib.metadata.version("timezonefinder-data"),
        "shapely": shapely.__version__,
        "GEOS": shapely.geos_version_string,
        "pyproj": pyproj.__version__,
    }


def build(out_dir: Path) -> dict[str, int]:
    """Build every file of geo/ into ``out_dir``; return file name -> size in bytes."""
    from timezonefinder import TimezoneFinder

    tzf = importlib.metadata.version("timezonefinder")
    tzf_data = importlib.metadata.version("timezonefinder-data")
    osm_licence = (
        f"ODbL — © OpenStreetMap contributors, via timezone-boundary-builder and "
        f"timezonefinder {tzf}"
    )
    built = {"built_by": "scripts/build_geo.py", "built_with": built_with()}
    provenance = {**built, "licence": osm_licence}

    outlines = build_outlines(TimezoneFinder())
    border = shared_border(outlines)
    countries, other_shift_deg = simplify_coverage(outlines, border, SIMPLIFY_TOLERANCE_DEG)

    # The simplified AFG–TJK edge, as it will be read back, against the unsimplified line.
    shared_edge = shapely.line_merge(
        countries["AFG"].boundary.intersection(countries["TJK"].boundary)
    )
    shared_edge_deviation_m = float(
        shapely.hausdorff_distance(_project(shared_edge), _project(border))
    )

    border_xy = shapely.get_coordinates(_project(border))
    segment_m = np.hypot(*np.diff(border_xy, axis=0).T)
    length_geodesic = pyproj.Geod(ellps="WGS84").geometry_length(border) / 1000
    length_utm = _project(border, UTM42N).length / 1000
    vertices = int(shapely.get_num_coordinates(border))

    border_fc = feature_collection_text(
        [
            feature(
                {
                    "name": "Afghanistan–Tajikistan border",
                    "length_km": round(length_geodesic, 2),
                    "length_km_utm42n": round(length_utm, 2),
                    "vertices": vertices,
                    "source": (
                        f"Shared boundary of the Asia/Kabul and Asia/Dushanbe polygons of "
                        f"timezonefinder {tzf} (timezonefinder-data {tzf_data}), line-merged, "
                        f"ordered west to east, not simplified"
                    ),
                    "licence": osm_licence,
                },
                border,
            )
        ],
        provenance,
    )
    countries_fc = feature_collection_text(
        [
            feature(
                {
                    "iso3": iso3,
                    "name": COUNTRIES[iso3][0],
                    "timezones": list(COUNTRIES[iso3][1]),
                    "clipped_to": list(CLIP_BOX) if iso3 in CLIPPED else None,
                },
                countries[iso3],
            )
            for iso3 in sorted(countries)
        ],
        {
            **provenance,
            "simplification": (
                f"coverage edges simplified (topology-preserving Douglas-Peucker, "
                f"{SIMPLIFY_TOLERANCE_DEG} deg) except the AFG-TJK edge, kept identical to "
                "border.geojson"
            ),
        },
    )
    bridges, bridge_rows = bridge_features(border)
    bridges_fc = feature_collection_text(
        bridges,
        {
            **built,
            "sources": "per feature; transcribed from shared/reference/geography.md §2",
            "note": "the five bridges standing in 2012; Shurobod/Shohon (2017) is left out",
        },
    )
    places = place_features()
    places_fc = feature_collection_text(
        places,
        {
            **built,
            "sources": (
                "per feature (coord_source); transcribed from shared/reference/geography.md §1"
            ),
            "licence": "GeoNames points: CC-BY 4.0 (GeoNames); others as named in coord_source",
        },
    )

    texts = {
        "border.geojson": border_fc,
        "countries.geojson": countries_fc,
        "bridges.geojson": bridges_fc,
        "places.geojson": places_fc,
    }
    sizes = {name: len(text.encode("utf-8")) for name, text in texts.items()}
    budget_used = sizes["border.geojson"] + sizes["countries.geojson"]
    if budget_used > SIZE_BUDGET_BYTES:
        raise SystemExit(f"border + countries = {budget_used:,} bytes, over {SIZE_BUDGET_BYTES:,}")

    place_at = {p["properties"]["id"]: p["geometry"]["coordinates"] for p in places}
    crs_rows = []
    for pid in ("ishkoshim", "khorugh", "imam-sahib", "murghob", "dushanbe", "kabul"):
        lon, lat = place_at[pid]
        truth = geodesic_distance_km(border, lon, lat)
        aeqd = border_distance_km(Point(lon, lat), border)
        utm = _project(border, UTM42N).distance(_project(Point(lon, lat), UTM42N)) / 1000
        crs_rows.append(
            f"| {pid} | {truth:,.3f} km | {aeqd:,.3f} km ({(aeqd - truth) * 1000:+.1f} m) "
            f"| {utm:,.3f} km ({(utm - truth) * 1000:+.1f} m) |"
        )

    area_change = max(
        abs(shapely.area(_project(countries[k])) / shapely.area(_project(outlines[k])) - 1) * 100
        for k in countries
    )
    readme = README_TEMPLATE.format(
        tzf=tzf,
        tzf_data=tzf_data,
        shapely=shapely.__version__,
        geos=shapely.geos_version_string,
        pyproj=pyproj.__version__,
        decimals=DECIMALS,
        border_type=border.geom_type,
        vertices=vertices,
        length_geodesic=length_geodesic,
        length_utm=length_utm,
        vertices_per_km=vertices / length_geodesic,
        max_segment_m=float(segment_m.max()),
        size_border=sizes["border.geojson"],
        country_rows="\n".join(
            f"* {k} {COUNTRIES[k][0]}: {' + '.join(COUNTRIES[k][1])}" for k in sorted(COUNTRIES)
        ),
        clip=CLIP_BOX,
        tolerance=SIMPLIFY_TOLERANCE_DEG,
        tolerance_m=SIMPLIFY_TOLERANCE_DEG * 111_320,
        countries_vertices=int(sum(shapely.get_num_coordinates(g) for g in countries.values())),
        countries_vertices_raw=int(sum(shapely.get_num_coordinates(g) for g in outlines.values())),
        shared_edge_deviation_m=shared_edge_deviation_m,
        other_edges_deviation_deg=other_shift_deg,
        other_edges_deviation_m=other_shift_deg * 111_320,
        max_area_change_pct=area_change,
        size_countries=sizes["countries.geojson"],
        size_budget_used=budget_used,
        size_budget=SIZE_BUDGET_BYTES,
        bridge_rows="\n".join(bridge_rows),
        place_count=len(PLACES),
        projected_crs=PROJECTED_CRS,
        crs_rows="\n".join(crs_rows),
    )
    texts["README.md"] = readme
    sizes["README.md"] = len(readme.encode("utf-8"))
    for name, text in texts.items():
        write_atomically(out_dir / name, text)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "geo",
        help="output folder (default: the repository's geo/)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = build(args.out)
    except ImportError as err:
        print(
            f"build_geo: {err.name} is not installed; "
            f"pip install -e '.[build-geo]' (timezonefinder, timezonefinder-data)",
            file=sys.stderr,
        )
        return 2
    for name, size in sizes.items():
        print(f"{args.out / name}: {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
