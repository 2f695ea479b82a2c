"""Synthetic rows in ACLED's and UCDP GED's exact export layouts, for tests and benchmarks.

Never real rows (ACLED's terms forbid redistributing them): ids, actors and notes are made up,
places are real towns of the border region (GeoNames coordinates, as in :mod:`bordermap.synthetic`).
Deterministic for a seed.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from typing import Iterator

from bordermap.importers.ucdp import COLUMNS
from bordermap.io.acled import ACLED_COLUMNS
from bordermap.model import DISORDER_TYPES, EVENT_TYPES
from bordermap.synthetic import _TOWNS

__all__ = ["acled_rows", "acled_csv_text", "ucdp_rows", "ucdp_csv_text", "UCDP_COLUMNS"]

_ISO = {"TJK": ("762", "Tajikistan"), "AFG": ("4", "Afghanistan")}
_INTER = ("State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters",
          "Civilians", "External/Other forces")
_SOURCES = ("Asia-Plus", "RFE/RL", "Khaama Press", "Pajhwok Afghan News", "Tolonews", "Avesta")


def acled_rows(n: int, seed: int = 1, start: date = date(2018, 1, 1), days: int = 2500) -> Iterator[dict[str, str]]:
    """``n`` synthetic ACLED records (dicts with the 31 current columns, values as text)."""
    rng = random.Random(seed)
    types = list(EVENT_TYPES)
    for i in range(n):
        name, lon, lat, iso3, admin1 = rng.choice(_TOWNS)
        et = rng.choice(types)
        st = rng.choice(EVENT_TYPES[et])
        day = start + timedelta(days=rng.randrange(days))
        i1, i2 = rng.randrange(8), rng.randrange(9)
        a2 = f"Synthetic group {rng.randrange(50)} ({_ISO[iso3][1]})" if i2 < 8 else ""
        inter2 = _INTER[i2] if i2 < 8 else ""
        pair = sorted((i1, i2)) if a2 else [i1]
        interaction = "-".join(_INTER[k] for k in pair) if a2 else f"{_INTER[i1]} only"
        srcs = "; ".join(rng.sample(_SOURCES, rng.randrange(1, 4)))
        gp = rng.choices("123", weights=(6, 3, 1))[0]
        jit = 0.03 if gp == "1" else 0.0
        yield {
            "event_id_cnty": f"{iso3}{100000 + i}",
            "event_date": day.isoformat(),
            "year": str(day.year),
            "time_precision": rng.choices("123", weights=(8, 1, 1))[0],
            "disorder_type": DISORDER_TYPES.get(st) or DISORDER_TYPES[et],
            "event_type": et,
            "sub_event_type": st,
            "actor1": f"Synthetic force {rng.randrange(30)} ({_ISO[iso3][1]})",
            "assoc_actor_1": rng.choice(("", "", "Synthetic allies (Tajikistan); Synthetic militia")),
            "inter1": _INTER[i1],
            "actor2": a2,
            "assoc_actor_2": "",
            "inter2": inter2,
            "interaction": interaction,
            "civilian_targeting": "Civilians targeted" if inter2 == "Civilians" else "",
            "iso": _ISO[iso3][0],
            "region": "Caucasus and Central Asia",
            "country": _ISO[iso3][1],
            "admin1": admin1,
            "admin2": rng.choice(("", "Synthetic district")),
            "admin3": "",
            "location": name,
            "latitude": f"{lat + rng.uniform(-jit, jit):.4f}",
            "longitude": f"{lon + rng.uniform(-jit, jit):.4f}",
            "geo_precision": gp,
            "source": srcs,
            "source_scale": rng.choice(("National", "Subnational-National", "International", "Other")),
            "notes": (f"On {day.day} {day.strftime('%B')} {day.year}, synthetic {st.lower()} near {name}, "
                      "written for bordermap's tests; not a real report. Sources disagree, \"quotes\", commas."),
            "fatalities": str(rng.choice((0, 0, 0, 1, 2, 3, 5, 12))),
            "tags": rng.choice(("", "", "crowd size=no report", "women targeted: candidates")),
            "timestamp": str(1676909320 + i),
        }


def _csv(header: tuple[str, ...], rows) -> str:
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r[c] for c in header])
    return out.getvalue()


def acled_csv_text(n: int, seed: int = 1) -> str:
    return _csv(ACLED_COLUMNS, acled_rows(n, seed))


UCDP_COLUMNS = COLUMNS  # GED 23.1, the layout the UCDP importer falls back on


def ucdp_rows(n: int, seed: int = 1, start: date = date(2010, 1, 1), days: int = 4000) -> Iterator[dict[str, str]]:
    """``n`` synthetic UCDP GED records (the 49 columns of GED 23.1, values as text)."""
    rng = random.Random(seed)
    for i in range(n):
        name, lon, lat, iso3, admin1 = rng.choice(_TOWNS)
        country, gw = ("Tajikistan", "702") if iso3 == "TJK" else ("Afghanistan", "700")
        tov = rng.choice((1, 1, 2, 3))
        side_a = f"Government of {country}" if tov == 1 else f"Synthetic group {rng.randrange(20)}"
        side_b = "Civilians" if tov == 3 else f"Synthetic insurgents {rng.randrange(20)}"
        d0 = start + timedelta(days=rng.randrange(days))
        dp = rng.choices((1, 2, 3, 4, 5), weights=(85, 10, 1, 2, 2))[0]
        d1 = d0 + timedelta(days={1: 0, 2: 3, 3: 6, 4: 27, 5: 300}[dp])
        a, b, c, u = (rng.randrange(4) for _ in range(4))
        best = a + b + c + u
        wp = rng.choices(range(1, 8), weights=(47, 23, 14, 10, 4, 1, 1))[0]
        yield {
            "id": str(500000 + i), "relid": f"{iso3[:3]}-{d0.year}-{tov}-{400 + i % 30}-{i}",
            "year": str(d0.year), "active_year": rng.choice("01"), "code_status": "Clear",
            "type_of_violence": str(tov), "conflict_dset_id": "415", "conflict_new_id": "415",
            "conflict_name": f"{country}: Government" if tov == 1 else f"Synthetic conflict {i % 7}",
            "dyad_dset_id": "600", "dyad_new_id": "600", "dyad_name": f"{side_a} - {side_b}",
            "side_a_dset_id": "1", "side_a_new_id": "1", "side_a": side_a,
            "side_b_dset_id": "9999" if tov == 3 else "2", "side_b_new_id": "1" if tov == 3 else "2",
            "side_b": side_b, "number_of_sources": str(rng.choice((-1, 1, 2, 3))),
            "source_article": f'"Synthetic wire,{d0.isoformat()},Clash near {name}";"Second synthetic wire"',
            "source_office": "Synthetic wire;Second synthetic wire",
            "source_date": f"{d0.isoformat()};{d1.isoformat()}",
            "source_headline": f"Clash near {name};Fighting reported",
            "source_original": rng.choice(("", "Ministry of Interior", "local residents")),
            "where_prec": str(wp), "where_coordinates": f"{name} town",
            "where_description": rng.choice(("", f"near {name}\nin the valley")),
            "adm_1": f"{admin1} province", "adm_2": "", "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}",
            "geom_wkt": f"POINT ({lon:.6f} {lat:.6f})", "priogrid_gid": "123456", "country": country,
            "country_id": gw, "region": "Asia", "event_clarity": rng.choice("1112"), "date_prec": str(dp),
            "date_start": f"{d0.isoformat()} 00:00:00.000", "date_end": f"{d1.isoformat()} 00:00:00.000",
            "deaths_a": str(a), "deaths_b": str(b), "deaths_civilians": str(c), "deaths_unknown": str(u),
            "best": str(best), "high": str(best + rng.randrange(3)), "low": str(best),
            "gwnoa": gw if tov == 1 else "", "gwnob": "",
        }


def ucdp_csv_text(n: int, seed: int = 1, header: bool = True) -> str:
    text = _csv(UCDP_COLUMNS, ucdp_rows(n, seed))
    return text if header else text.split("\n", 1)[1]
