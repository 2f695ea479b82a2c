"""Where an exported map opens: the selected events, a box or a view someone chose, or the region.

Pure and vectorised (numpy/shapely over the columnar table); the map plugin that applies a frame
in the browser is :class:`bordermap.mapping.fit_view.FitView`.

A frame is one of

- :class:`Bounds` ``(west, south, east, north)`` in degrees: the map fits it (as large as the
  window allows, clear of the title, legend and footer), never closer than ``max_zoom``;
- :class:`View` ``(lat, lon, zoom)``: the map opens exactly there.

:func:`events_frame` is the default: the box around the selected events — each approximate
place's ring (15 km near a town, 40 km a region) included — at most :data:`MAX_FRAME_ZOOM`
close, so one event or one place opens with its surroundings; the project's region view when
nothing is selected. :func:`parse_bbox` and :func:`parse_view` read the CLI's ``--bbox`` and
``--view`` and report every bad value, one sentence each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, Union

import numpy as np
import shapely

from bordermap.core.table import EventTable
from bordermap.errors import BordermapError
from bordermap.mapping.style import RING_KM
from bordermap.textsafe import ID_LIMIT, terminal_safe

__all__ = ["Bounds", "View", "Frame", "FrameError", "MIN_ZOOM", "MAX_ZOOM", "MAX_FRAME_ZOOM", "events_bounds",
           "events_frame", "in_focus", "as_frame", "parse_bbox", "parse_view"]

#: The zoom levels every bordermap map offers (Leaflet's minZoom / maxZoom).
MIN_ZOOM, MAX_ZOOM = 4, 14
#: How close a frame around events may come: one town and the valleys around it (~100 km
#: across a 1600 px image at the latitude of the Pamirs).
MAX_FRAME_ZOOM = 10
_KM_PER_DEG_LAT = 111.32
_LON, _LAT = (-180.0, 180.0), (-90.0, 90.0)


class FrameError(BordermapError, ValueError):
    """A box or view that cannot be shown; ``problems`` holds one sentence per bad value."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


def _range_problems(names: Sequence[str], values: Sequence[float | None],
                    ranges: Sequence[tuple[float, float]]) -> list[str]:
    """One sentence per value outside its range (``None``: not a number, already reported)."""
    out = []
    for name, v, (lo, hi) in zip(names, values, ranges):
        if v is None:
            continue
        if not math.isfinite(v):
            out.append(f"{name} {v} is not a finite number")
        elif not lo <= v <= hi:
            out.append(f"{name} {v:g} is outside {lo:g} to {hi:g}")
    return out


def _usable(v: float | None, lo: float, hi: float) -> bool:
    return v is not None and math.isfinite(v) and lo <= v <= hi


@dataclass(frozen=True)
class Bounds:
    """A box in degrees, west < east and south < north (a box across the antimeridian is not
    supported). Raises :class:`FrameError` naming every bad value."""

    west: float
    south: float
    east: float
    north: float
    #: the closest zoom the map may take to fit it
    max_zoom: float = MAX_ZOOM

    def __post_init__(self) -> None:
        problems = self.problems(self.west, self.south, self.east, self.north)
        if problems:
            raise FrameError(problems)

    @staticmethod
    def problems(west: float | None, south: float | None, east: float | None, north: float | None) -> list[str]:
        """Every reason these four values are not a box (``None``: a value that was not a
        number, reported by the caller)."""
        out = _range_problems(("west", "south", "east", "north"), (west, south, east, north), (_LON, _LAT, _LON, _LAT))
        if _usable(west, *_LON) and _usable(east, *_LON) and west >= east:
            out.append(f"west {west:g} is not less than east {east:g} (a box across the antimeridian is not supported)")
        if _usable(south, *_LAT) and _usable(north, *_LAT) and south >= north:
            out.append(f"south {south:g} is not less than north {north:g}")
        return out

    def to_js(self) -> dict:
        """What :class:`~bordermap.mapping.fit_view.FitView` sends the browser (Leaflet order)."""
        return {"bounds": [[self.south, self.west], [self.north, self.east]], "maxZoom": self.max_zoom}


@dataclass(frozen=True)
class View:
    """A map centre (degrees) and zoom (``MIN_ZOOM`` to ``MAX_ZOOM``, fractions allowed)."""

    lat: float
    lon: float
    zoom: float

    def __post_init__(self) -> None:
        problems = self.problems(self.lat, self.lon, self.zoom)
        if problems:
            raise FrameError(problems)

    @staticmethod
    def problems(lat: float | None, lon: float | None, zoom: float | None) -> list[str]:
        return _range_problems(("latitude", "longitude", "zoom"), (lat, lon, zoom), (_LAT, _LON, (MIN_ZOOM, MAX_ZOOM)))

    def to_js(self) -> dict:
        return {"center": [self.lat, self.lon], "zoom": self.zoom}


Frame = Union[Bounds, View]


def events_bounds(events: EventTable) -> Bounds | None:
    """The box around ``events``: every geometry, and around each approximate point its
    uncertainty ring (``RING_KM`` by geo_precision), as the map draws it. ``None`` when there is
    no event (or no finite coordinate). Points are read from the table's anchors; only lines and
    areas are decoded."""
    if not len(events):
        return None
    kind, lonlat = events.geometry_kind, events.lonlat
    box = np.concatenate([lonlat, lonlat], axis=1)
    other = np.flatnonzero(kind != 0)
    if len(other):
        box[other] = shapely.bounds(events.geometries(other))
    ring_km = np.zeros(256)  # by geo_precision (uint8)
    ring_km[list(RING_KM)] = list(RING_KM.values())
    km = np.where(kind == 0, ring_km[events.geo_precision], 0.0)
    dlat = km / _KM_PER_DEG_LAT
    dlon = km / (_KM_PER_DEG_LAT * np.maximum(np.cos(np.radians(box[:, 1])), 0.01))
    box = box + np.stack([-dlon, -dlat, dlon, dlat], axis=1)
    ok = np.isfinite(box).all(axis=1)
    if not ok.any():
        return None
    w, s = float(np.clip(box[ok, 0].min(), *_LON)), float(np.clip(box[ok, 1].min(), *_LAT))
    e, n = float(np.clip(box[ok, 2].max(), *_LON)), float(np.clip(box[ok, 3].max(), *_LAT))
    # One precise place is a point: widen it by a hair so it is a box; max_zoom decides the view.
    eps = 1e-6
    if w >= e:
        w, e = w - eps, e + eps
    if s >= n:
        s, n = s - eps, n + eps
    return Bounds(w, s, e, n, max_zoom=MAX_FRAME_ZOOM)


def in_focus(events: EventTable, window: tuple[int, int] | None) -> EventTable:
    """The events a window is about: those dated inside it (day numbers, inclusive). An event
    known only to the year that merely overlaps a fortnight is shown, but it is not what the
    fortnight is about; when no event lies wholly inside, all of them are."""
    if window is None or not len(events):
        return events
    inside = np.flatnonzero((events.t0 >= window[0]) & (events.t1 <= window[1]))
    return events.take(inside) if len(inside) else events


def events_frame(events: EventTable, region: View, window: tuple[int, int] | None = None) -> Frame:
    """The default frame of an export: :func:`events_bounds` of the events :func:`in_focus` for
    ``window``, else ``region``."""
    return events_bounds(in_focus(events, window)) or region


def as_frame(view: Frame | Sequence[float] | Mapping[str, Any] | None) -> Frame | None:
    """A frame from what a caller may hold, ``None`` staying ``None``:

    - a :class:`Bounds` or :class:`View`, as is;
    - a ``(west, south, east, north)`` tuple, or Leaflet's bounds as JSON
      (``{"_southWest": {"lat", "lng"}, "_northEast": {...}}``, what ``st_folium`` returns as
      ``bounds``): a map's current view, which a zoomed-out map may report past ±180° / ±90°, so
      it is clipped to the Earth first;
    - a ``(lat, lon, zoom)`` tuple.

    Raises :class:`FrameError` for anything else."""
    if view is None or isinstance(view, (Bounds, View)):
        return view
    if isinstance(view, Mapping):
        try:
            sw, ne = view["_southWest"], view["_northEast"]
            view = (sw["lng"], sw["lat"], ne["lng"], ne["lat"])
        except (KeyError, TypeError):
            raise FrameError(["a map view given as a mapping needs Leaflet's _southWest and _northEast"]) from None
    values = tuple(view)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise FrameError([f"a map view must be numbers, got {terminal_safe(values, ID_LIMIT)}"])
    if len(values) == 4:
        w, s, e, n = (float(v) for v in values)
        if all(map(math.isfinite, (w, s, e, n))):
            w, e = max(w, _LON[0]), min(e, _LON[1])
            s, n = max(s, _LAT[0]), min(n, _LAT[1])
        return Bounds(w, s, e, n)
    if len(values) == 3:
        return View(*map(float, values))
    raise FrameError([f"a map view is (west, south, east, north) or (lat, lon, zoom), got {len(values)} numbers"])


def _parse(text: str, option: str, kind: type[Bounds] | type[View], names: Sequence[str], shape: str,
           example: str) -> Frame:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != len(names):
        raise FrameError([f"{option} '{terminal_safe(text, ID_LIMIT)}' is not {len(names)} numbers {shape}, "
                          f"e.g. {example}"])
    values: list[float | None] = []
    problems = []
    for name, part in zip(names, parts):
        try:
            values.append(float(part))
        except ValueError:
            values.append(None)
            problems.append(f"{name} '{terminal_safe(part, ID_LIMIT)}' is not a number")
    problems += kind.problems(*values)
    if problems:
        raise FrameError([f"{option}: {p}" for p in problems])
    return kind(*values)


def parse_bbox(text: str, option: str = "--bbox") -> Bounds:
    """``"W,S,E,N"`` in degrees (e.g. ``68.5,36.5,72.5,39.5``) as :class:`Bounds`; raises
    :class:`FrameError` with one sentence per bad value."""
    return _parse(text, option, Bounds, ("west", "south", "east", "north"), "W,S,E,N", "68.5,36.5,72.5,39.5")


def parse_view(text: str, option: str = "--view") -> View:
    """``"LAT,LON,ZOOM"`` (e.g. ``37.49,71.55,10``) as :class:`View`; raises :class:`FrameError`
    with one sentence per bad value."""
    return _parse(text, option, View, ("latitude", "longitude", "zoom"), "LAT,LON,ZOOM", "37.49,71.55,10")
