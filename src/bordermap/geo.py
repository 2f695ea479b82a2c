"""Reference layers (border, countries, bridges, places; rivers, lakes, relief) and border analytics.

The loader, :func:`load_reference_layers`, is the only function here that touches files.
Everything else takes shapely geometries, GeoDataFrames or GeoJSON dicts and returns data.

Distances are measured in :data:`PROJECTED_CRS`, an azimuthal equidistant projection centred
on the middle of the Afghanistan–Tajikistan border (37.6° N, 71.3° E). Against geodesic
distances (WGS84 ellipsoid, brute force along the line) it is off by under 1 m for points
within ~10 km of the border and by 0.04 % (≈100 m) as far away as Kabul; UTM 42N
(EPSG:32642), the other obvious choice, is off by up to 0.19 % at Murghob because the
border runs 6° east of that zone's central meridian. True geodesic point-to-line
distances cannot be vectorised with shapely, and that precision is far below the 0.1 km
the annotations are rounded to. geo/README.md records the measurements.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from bordermap.core.parallel import split_rows
from bordermap.core.table import geometries_of
from bordermap.errors import BordermapError, Problem

if TYPE_CHECKING:  # geopandas (and pandas, pyproj) are imported when an analysis needs them:
    import geopandas as gpd  # a cached dataset is mapped and exported without them
    import pyproj

__all__ = [
    "border_columns",
    "LAYER_FILES",
    "PROJECTED_CRS",
    "GeoLayerError",
    "ReferenceLayers",
    "annotate_events",
    "border_distance_km",
    "country_at",
    "load_reference_layers",
    "nearest_crossing",
    "read_relief",
    "RELIEF_FILE",
]

#: Azimuthal equidistant projection centred on the border; see the module docstring.
PROJECTED_CRS = "+proj=aeqd +lat_0=37.6 +lon_0=71.3 +datum=WGS84 +units=m +no_defs"

#: Layer name -> file name under the geo directory.
LAYER_FILES: Mapping[str, str] = {
    "border": "border.geojson",
    "countries": "countries.geojson",
    "bridges": "bridges.geojson",
    "places": "places.geojson",
    "rivers": "rivers.geojson",
    "lakes": "lakes.geojson",
}

#: The relief image's description (bounds, image file) under the geo directory.
RELIEF_FILE = "relief.json"

# Parts of the basemap a project may simply not have: absent, they are left out quietly;
# present but broken, they are reported like the others.
_QUIET_IF_ABSENT = {"rivers", "lakes", "relief"}

# What the map loses when an optional layer is absent (used in ReferenceLayers.missing).
_WITHOUT = {
    "border": "the border line",
    "countries": "country outlines",
    "bridges": "bridges",
    "places": "place labels",
    "rivers": "rivers",
    "lakes": "lakes",
    "relief": "relief",
}

_GEOMETRY_TYPES = {
    "border": {"LineString", "MultiLineString"},
    "countries": {"Polygon", "MultiPolygon"},
    "bridges": {"Point"},
    "places": {"Point"},
    "rivers": {"LineString", "MultiLineString"},
    "lakes": {"Polygon", "MultiPolygon"},
}

_REQUIRED_PROPERTIES = {
    "border": (),
    "countries": ("iso3",),
    "bridges": ("id",),
    "places": ("id", "name"),
    "rivers": ("id",),
    "lakes": ("id",),
}


class GeoLayerError(BordermapError):
    """A reference layer is missing, unreadable or malformed.

    Parameters
    ----------
    path : str
        The file, as the caller named it (e.g. ``geo/border.geojson``).
    message : str
        What is wrong, as a sentence fragment that follows the path.
    problems : sequence of Problem, optional
        Every feature-level problem found, for callers that list them.
    """

    def __init__(self, path: str, message: str, problems: Sequence[Problem] = ()):
        self.path = path
        self.message = message
        self.problems = list(problems)
        super().__init__(f"{path}: {message}")


_FRAMES = ("countries", "bridges", "places")


class ReferenceLayers:
    """The reference layers as loaded by :func:`load_reference_layers`.

    Attributes
    ----------
    border : shapely geometry or None
        The Afghanistan–Tajikistan border line in EPSG:4326.
    countries, bridges, places : GeoDataFrame or None
        EPSG:4326 layers; ``None`` when the file is missing or broken (see ``missing``). Made
        from the checked features when first asked for (only the border analytics use them:
        a cached dataset is drawn and exported without importing geopandas).
    raw : dict
        Layer name -> the FeatureCollection dict as read, for drawing.
    missing : list of str
        One sentence per optional layer that is missing or broken.
    """

    def __init__(self, border: BaseGeometry | None, countries: gpd.GeoDataFrame | None = None,
                 bridges: gpd.GeoDataFrame | None = None, places: gpd.GeoDataFrame | None = None,
                 raw: dict[str, dict] | None = None, missing: list[str] | None = None, *,
                 features: Mapping[str, tuple[dict, list[BaseGeometry]]] | None = None):
        self.border = border
        self.raw = raw if raw is not None else {}
        self.missing = missing if missing is not None else []
        self._frames: dict[str, gpd.GeoDataFrame | None] = {}
        self._lock = threading.Lock()  # the border analytics may ask from another thread
        given = {"countries": countries, "bridges": bridges, "places": places}
        self._features = {name: features[name] for name in _FRAMES if features and name in features
                          and given[name] is None}
        for name, frame in given.items():
            if frame is not None or name not in self._features:
                self._frames[name] = frame

    def _frame(self, name: str) -> gpd.GeoDataFrame | None:
        with self._lock:
            if name not in self._frames:
                import geopandas as gpd
                import pandas as pd

                fc, geoms = self._features.pop(name)
                rows = pd.DataFrame([f.get("properties") or {} for f in fc["features"]])
                self._frames[name] = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
            return self._frames[name]

    @property
    def countries(self) -> gpd.GeoDataFrame | None:
        return self._frame("countries")

    @property
    def bridges(self) -> gpd.GeoDataFrame | None:
        return self._frame("bridges")

    @property
    def places(self) -> gpd.GeoDataFrame | None:
        return self._frame("places")


# --------------------------------------------------------------------------------------
# Loading


def load_reference_layers(
    geo_dir: Path | str, required: Sequence[str] = ("border",)
) -> ReferenceLayers:
    """Read the reference layers from ``geo_dir``.

    Parameters
    ----------
    geo_dir : Path or str
        Folder holding ``border.geojson``, ``countries.geojson``, ``bridges.geojson`` and
        ``places.geojson`` (see :data:`LAYER_FILES`).
    required : sequence of str, default ("border",)
        Layers whose absence or breakage is an error; the others are optional.

    Returns
    -------
    ReferenceLayers
        Optional layers that are missing or broken are ``None`` and described in
        ``missing``.

    Raises
    ------
    GeoLayerError
        A required layer is missing or malformed; the message names the file and what is
        wrong (JSON syntax with line and column, wrong type, a feature without geometry...).
    """
    unknown = sorted(set(required) - set(LAYER_FILES))
    if unknown:
        raise ValueError(f"unknown layer name(s) {unknown}; expected some of {list(LAYER_FILES)}")
    geo_dir = Path(geo_dir)
    loaded: dict[str, tuple[dict, list[BaseGeometry]]] = {}
    missing: list[str] = []
    for name, filename in LAYER_FILES.items():
        path = geo_dir / filename
        try:
            loaded[name] = _read_layer(path, name)
        except GeoLayerError as err:
            if name in required:
                raise
            _note_missing(missing, name, path, err)
    relief = None
    try:
        relief = read_relief(geo_dir / RELIEF_FILE)
    except GeoLayerError as err:
        _note_missing(missing, "relief", geo_dir / RELIEF_FILE, err)

    border = None
    if "border" in loaded:
        geoms = loaded["border"][1]
        border = geoms[0] if len(geoms) == 1 else shapely.line_merge(shapely.union_all(geoms))
    return ReferenceLayers(
        border=border,
        features=loaded,
        raw={**{name: fc for name, (fc, _) in loaded.items()}, **({"relief": relief} if relief else {})},
        missing=missing,
    )


def _note_missing(missing: list[str], name: str, path: Path, err: GeoLayerError) -> None:
    if not path.exists():
        if name not in _QUIET_IF_ABSENT:
            missing.append(f"{path} is missing; the map is drawn without {_WITHOUT[name]}")
    else:
        missing.append(f"{path} could not be used ({err.message}); "
                       f"the map is drawn without {_WITHOUT[name]}")


def read_relief(path: Path) -> dict[str, Any]:
    """The relief overlay described by ``path`` (relief.json): its bounds, its image as a
    data URI and its provenance, ready for the map.

    Raises
    ------
    GeoLayerError
        The description or its image is missing or malformed.
    """
    import base64

    shown = str(path)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeoLayerError(shown, "file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise GeoLayerError(shown, f"cannot be read as JSON ({err})") from None
    bounds = meta.get("bounds") if isinstance(meta, dict) else None
    ok = (isinstance(bounds, list) and len(bounds) == 2
          and all(isinstance(c, list) and len(c) == 2 and all(isinstance(v, (int, float)) for v in c)
                  for c in bounds))
    if not ok or not (-90 <= bounds[0][0] < bounds[1][0] <= 90 and -180 <= bounds[0][1] < bounds[1][1] <= 180):
        raise GeoLayerError(shown, '"bounds" should be [[south, west], [north, east]] in degrees')
    image = meta.get("image")
    if not isinstance(image, str) or not image.endswith((".jpg", ".png")) or "/" in image or "\\" in image:
        raise GeoLayerError(shown, '"image" should name a .jpg or .png file beside it')
    try:
        data = (path.parent / image).read_bytes()
    except OSError as err:
        raise GeoLayerError(shown, f"its image {image} cannot be read ({err.strerror})") from None
    kind = "jpeg" if image.endswith(".jpg") else "png"
    metadata = meta.get("metadata") if isinstance(meta.get("metadata"), dict) else {}
    return {"bounds": bounds, "url": f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii"),
            "licence": str(metadata.get("licence", "")), "source": str(metadata.get("source", ""))}


def _read_layer(path: Path, layer: str) -> tuple[dict, list[BaseGeometry]]:
    """Read and check one layer file; return the FeatureCollection and its geometries."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GeoLayerError(shown, "file not found") from None
    except UnicodeDecodeError as err:
        raise GeoLayerError(shown, f"is not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise GeoLayerError(shown, f"cannot be read ({err.strerror})") from None
    try:
        fc = orjson.loads(text)  # a third of the standard library's time on the basemap's layers
    except orjson.JSONDecodeError:
        try:  # what orjson refuses, the standard library reads or words with its line and column
            fc = json.loads(text)
        except json.JSONDecodeError as err:
            raise GeoLayerError(
                shown, f"is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
            ) from None
    if not isinstance(fc, dict):
        raise GeoLayerError(
            shown, f"is not a GeoJSON FeatureCollection (top level is a {_json_type(fc)})"
        )
    if fc.get("type") != "FeatureCollection":
        raise GeoLayerError(
            shown,
            f'is not a GeoJSON FeatureCollection (top-level "type" is {fc.get("type")!r})',
        )
    features = fc.get("features")
    if not isinstance(features, list):
        raise GeoLayerError(shown, f'"features" should be a list, found {_json_type(features)}')
    if not features and layer == "border":
        raise GeoLayerError(shown, "has no features; expected the border line")

    problems: list[Problem] = []
    geoms: list[BaseGeometry] = []
    for index, feature in enumerate(features):
        geom, feature_problems = _check_feature(shown, layer, index, feature)
        problems.extend(feature_problems)
        geoms.append(geom)
    if problems:
        first = problems[0]
        where = f"feature {first.feature_index}"
        if first.feature_id:
            where += f" (id {first.feature_id!r})"
        more = _and_more(len(problems) - 1)
        field_part = f" field '{first.field}'" if first.field not in ("", "geometry") else ""
        raise GeoLayerError(shown, f"{where}{field_part} {first.message}{more}", problems)
    return fc, geoms


def _ring(coords: Any) -> np.ndarray:
    return np.asarray(coords, dtype=float)


def _polygon(rings: Any) -> shapely.Polygon:
    return shapely.Polygon(_ring(rings[0]), [_ring(r) for r in rings[1:]])


_FROM_ARRAYS = {
    "LineString": lambda c: shapely.LineString(_ring(c)),
    "MultiLineString": lambda c: shapely.MultiLineString([_ring(part) for part in c]),
    "Polygon": _polygon,
    "MultiPolygon": lambda c: shapely.MultiPolygon([_polygon(p) for p in c]),
}


def _shape(raw: Any) -> BaseGeometry:
    """``shapely.geometry.shape``, with lines and polygons made from numpy arrays (shape()
    reads a polygon coordinate by coordinate in Python: the rivers and countries are 2–3× quicker
    this way); anything this does not make, including every malformed geometry, goes to shape(),
    whose error is the one reported."""
    make = _FROM_ARRAYS.get(raw.get("type")) if isinstance(raw, dict) else None
    if make is not None:
        try:
            return make(raw["coordinates"])
        except Exception:  # noqa: BLE001 - shape() says what is wrong
            pass
    return shape(raw)


def _check_feature(
    path: str, layer: str, index: int, feature: Any
) -> tuple[BaseGeometry | None, list[Problem]]:
    def problem(field_name: str, message: str) -> Problem:
        return Problem(path, index, feature_id, field_name, message)

    feature_id = None
    if not isinstance(feature, dict):
        return None, [Problem(path, index, None, "", f"is a {_json_type(feature)}, not a Feature")]
    props = feature.get("properties")
    if isinstance(props, dict) and props.get("id") is not None:
        feature_id = str(props["id"])
    elif feature.get("id") is not None:
        feature_id = str(feature["id"])
    if feature.get("type") != "Feature":
        return None, [problem("type", f'should be "Feature", found {feature.get("type")!r}')]
    if props is not None and not isinstance(props, dict):
        return None, [problem("properties", f"should be an object, found {_json_type(props)}")]

    problems = [
        problem(name, f"is missing; every {layer} feature needs it")
        for name in _REQUIRED_PROPERTIES[layer]
        if (props or {}).get(name) in (None, "")
    ]
    raw_geom = feature.get("geometry")
    if raw_geom is None:
        return None, [problem("geometry", "has no geometry"), *problems]
    try:
        geom = _shape(raw_geom)
    except (GEOSException, ValueError, TypeError, KeyError, IndexError, AttributeError) as err:
        return None, [problem("geometry", f"has an unreadable geometry ({err})"), *problems]
    if geom.geom_type not in _GEOMETRY_TYPES[layer]:
        expected = " or ".join(sorted(_GEOMETRY_TYPES[layer]))
        problems.insert(0, problem("geometry", f"is a {geom.geom_type}; expected {expected}"))
    elif geom.is_empty:
        problems.insert(0, problem("geometry", "has an empty geometry"))
    else:
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            problems.insert(
                0,
                problem(
                    "geometry",
                    "has coordinates outside longitude/latitude range; "
                    "reference layers must be in EPSG:4326",
                ),
            )
    return geom, problems


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


# --------------------------------------------------------------------------------------
# Projection helpers


@lru_cache(maxsize=1)
def _transformer() -> pyproj.Transformer:
    import pyproj

    return pyproj.Transformer.from_crs("EPSG:4326", PROJECTED_CRS, always_xy=True)


def _project(geoms):
    """Project shapely geometries (scalar or array) from EPSG:4326 to PROJECTED_CRS; a large
    array in slices side by side (PROJ and GEOS let go of the GIL; pyproj's Transformer is
    thread-safe)."""
    transformer = _transformer()

    def forward(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    if not isinstance(geoms, np.ndarray):
        return shapely.transform(geoms, forward)
    parts = split_rows(lambda some: shapely.transform(some, forward), geoms)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _segment_tree(line_projected: BaseGeometry) -> shapely.STRtree:
    """STRtree of a line's individual segments: nearest-segment queries are O(log n)."""
    parts = shapely.get_parts(line_projected)
    segments = []
    for part in parts:
        coords = shapely.get_coordinates(part)
        segments.append(np.stack([coords[:-1], coords[1:]], axis=1))
    # Small nodes: nearest-neighbour search visits fewer segments (measured over 200,000 events:
    # node capacity 4 takes 0.6× the time of shapely's default 10; the distances are exact either way).
    return shapely.STRtree(shapely.linestrings(np.concatenate(segments)), node_capacity=4)


def _border_distances_m(geoms_projected: np.ndarray, border_projected: BaseGeometry) -> np.ndarray:
    """Distance in metres from each projected geometry to the projected border (0 on it)."""
    distances = np.full(len(geoms_projected), np.nan)
    present = ~shapely.is_missing(geoms_projected) & ~shapely.is_empty(geoms_projected)
    if present.any():
        tree = _segment_tree(border_projected)
        at = np.flatnonzero(present)
        # GEOS builds a tree on its first query and would build it on two threads at once.
        tree.query_nearest(geoms_projected[at[:1]])

        def nearest(rows: np.ndarray) -> None:  # slices side by side: GEOS lets go of the GIL
            with np.errstate(invalid="ignore", over="ignore"):  # as in _nearest_bridges
                index, dist = tree.query_nearest(geoms_projected[rows], return_distance=True, all_matches=False)
            distances[rows[index[0]]] = dist

        split_rows(nearest, at)
    return distances


# --------------------------------------------------------------------------------------
# Single-geometry analytics


def border_distance_km(geom: BaseGeometry, border: BaseGeometry) -> float:
    """Shortest distance from a geometry to the border line, in kilometres.

    Parameters
    ----------
    geom : shapely geometry
        Any geometry in EPSG:4326 (lon, lat).
    border : shapely geometry
        The border line in EPSG:4326, e.g. ``ReferenceLayers.border``.

    Returns
    -------
    float
        Distance in km measured in :data:`PROJECTED_CRS`; 0.0 if the geometry touches or
        crosses the border.
    """
    distances = _border_distances_m(np.array([_project(geom)]), _project(border))
    return float(distances[0]) / 1000.0


def country_at(lon: float, lat: float, countries: gpd.GeoDataFrame) -> str | None:
    """ISO3 code of the country containing a point.

    Parameters
    ----------
    lon, lat : float
        The point in EPSG:4326.
    countries : GeoDataFrame
        Country outlines with an ``iso3`` column (``ReferenceLayers.countries``).

    Returns
    -------
    str or None
        The ISO3 code; ``None`` outside every outline. A point exactly on a shared edge
        belongs to the alphabetically first of the two countries.
    """
    return _countries_of(np.array([shapely.points(lon, lat)]), countries)[0]


def _countries_of(geoms: np.ndarray, countries: gpd.GeoDataFrame) -> np.ndarray:
    """ISO3 of the country intersecting each geometry (alphabetically first on a tie)."""
    codes = np.full(len(geoms), None, dtype=object)
    present = ~shapely.is_missing(geoms)
    if not present.any() or len(countries) == 0:
        return codes
    outlines = np.asarray(countries.geometry.array, dtype=object)
    iso3_all = countries["iso3"].to_numpy(dtype=object)
    points = present & (shapely.get_type_id(geoms) == 0)
    if points.any():
        # Points by their coordinates, against each prepared outline within its box (no tree of a
        # million points): 7× quicker at 1M. The alphabetically first country is written last.
        at = np.flatnonzero(points)
        x, y = shapely.get_x(geoms[at]), shapely.get_y(geoms[at])
        for k in np.argsort(iso3_all.astype(str), kind="stable")[::-1]:
            w, s, e, n = shapely.bounds(outlines[k])
            cand = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
            if len(cand):
                inside = np.concatenate(split_rows(partial(_inside_xy, shapely.to_wkb(outlines[k]), x, y), cand))
                codes[at[cand[inside]]] = iso3_all[k]
    rest = present & ~points
    if not rest.any():
        return codes
    # Lines and areas: query their tree with each outline (shapely prepares the query geometry).
    tree = shapely.STRtree(geoms[rest])
    hit_country, hit_geom = tree.query(outlines, predicate="intersects")
    iso3 = iso3_all[hit_country]
    order = np.lexsort((iso3.astype(str), hit_geom))
    first_geom, first_at = np.unique(hit_geom[order], return_index=True)
    codes[np.flatnonzero(rest)[first_geom]] = iso3[order][first_at]
    return codes


def _inside_xy(outline_wkb: bytes, x: np.ndarray, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Whether the points ``rows`` of (x, y) lie in the outline, tested against a prepared copy
    of it made here: GEOS's prepared geometries change as they are used, and two threads
    sharing one crash (libgeos/geos#825), so each slice prepares its own."""
    outline = shapely.from_wkb(outline_wkb)
    shapely.prepare(outline)
    return shapely.intersects_xy(outline, x[rows], y[rows])


def nearest_crossing(geom: BaseGeometry, bridges: gpd.GeoDataFrame) -> tuple[str, float]:
    """The bridge nearest to a geometry.

    Parameters
    ----------
    geom : shapely geometry
        Any geometry in EPSG:4326.
    bridges : GeoDataFrame
        Bridge points with an ``id`` column (``ReferenceLayers.bridges``).

    Returns
    -------
    tuple of (str, float)
        The bridge id and the distance in km (measured in :data:`PROJECTED_CRS`).

    Raises
    ------
    ValueError
        If ``bridges`` is empty.
    """
    if len(bridges) == 0:
        raise ValueError("no bridges to choose from")
    ids, km = _nearest_bridges(np.array([_project(geom)]), bridges)
    return str(ids[0]), float(km[0])


def _nearest_bridges(
    geoms_projected: np.ndarray, bridges: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest bridge id and distance (km) for each projected geometry (None/NaN if absent)."""
    bridge_points = _project(np.asarray(bridges.geometry.array, dtype=object))
    ids = bridges["id"].to_numpy(dtype=object)
    # Ties go to the first id in sorted order so results do not depend on file order.
    order = np.argsort(ids.astype(str), kind="stable")
    bridge_points, ids = bridge_points[order], ids[order]

    def distance(some: np.ndarray) -> np.ndarray:  # slices side by side: GEOS lets go of the GIL
        with np.errstate(invalid="ignore", over="ignore"):  # a NaN or huge vertex: NaN or inf, read
            return shapely.distance(some[:, None], bridge_points[None, :])  # below, not warned

    distances = np.concatenate(split_rows(distance, geoms_projected))
    present = ~np.isnan(distances).all(axis=1)
    nearest = np.zeros(len(geoms_projected), dtype=int)
    nearest[present] = np.nanargmin(distances[present], axis=1)
    km = np.where(present, distances[np.arange(len(nearest)), nearest] / 1000.0, np.nan)
    return np.where(present, ids[nearest], None), km


# --------------------------------------------------------------------------------------
# Many features at once


def border_columns(geoms: np.ndarray, layers: ReferenceLayers) -> dict[str, np.ndarray]:
    """The border-derived fields for many geometries at once (shapely geometries in EPSG:4326,
    None allowed), as arrays in input order.

    ``side``
        ``"both"`` if the geometry touches or crosses the border; otherwise the ISO3 of the
        country holding its representative point (``shapely.point_on_surface``); ``None``
        outside every outline, without geometry or without a countries layer.
    ``distance_to_border_km``
        Rounded to 0.1 km; NaN without geometry.
    ``nearest_crossing``, ``nearest_crossing_km``
        Nearest bridge id and its distance (0.1 km); None/NaN without bridges.

    Raises ``ValueError`` if ``layers.border`` is ``None``.
    """
    if layers.border is None:
        raise ValueError("border_columns needs the border layer")
    projected = _project(geoms)
    distance_m = _border_distances_m(projected, _project(layers.border))
    touches = distance_m == 0.0

    if layers.countries is not None:
        # Containment is tested in lon/lat, the CRS the outlines were drawn in; a point is its own
        # representative point (point_on_surface is costly over 100k of them).
        rep = np.array(geoms, dtype=object)
        other = (shapely.get_type_id(rep) != 0) & ~shapely.is_missing(rep)
        if other.any():
            rep[other] = shapely.point_on_surface(rep[other])
        side = _countries_of(rep, layers.countries)
    else:
        side = np.full(len(geoms), None, dtype=object)
    side[touches] = "both"

    crossing = np.full(len(geoms), None, dtype=object)
    crossing_km = np.full(len(geoms), np.nan)
    if layers.bridges is not None and len(layers.bridges) and len(geoms):
        crossing, crossing_km = _nearest_bridges(projected, layers.bridges)
    return {
        "side": side,
        "distance_to_border_km": np.round(distance_m / 1000.0, 1),
        "nearest_crossing": crossing,
        "nearest_crossing_km": np.round(crossing_km, 1),
    }


def annotate_events(features: Sequence[Mapping], layers: ReferenceLayers) -> list[dict]:
    """Add the border-derived properties (see :func:`border_columns`) to GeoJSON features.

    Returns new feature dicts (the inputs are not modified; geometry dicts are shared, not
    copied). Raises ``ValueError`` if ``layers.border`` is ``None``.
    """
    cols = border_columns(geometries_of(features), layers)
    annotated = []
    for i, feature in enumerate(features):
        properties = dict(feature.get("properties") or {})
        properties["side"] = cols["side"][i]
        properties["distance_to_border_km"] = _float_or_none(cols["distance_to_border_km"][i])
        properties["nearest_crossing"] = cols["nearest_crossing"][i]
        properties["nearest_crossing_km"] = _float_or_none(cols["nearest_crossing_km"][i])
        annotated.append({**feature, "properties": properties})
    return annotated


def _float_or_none(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _and_more(count: int) -> str:
    if count <= 0:
        return ""
    return f" (and {count} more problem{'s' if count > 1 else ''})"
