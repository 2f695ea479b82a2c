"""The app's questions asked of a team store in SQL: which events a filter selects, how many,
and their counts over time for the timeline's bars (one event for its panel:
:func:`bordermap.store.records.read_event`).

The filter's one definition is :class:`bordermap.timeline.EventFilter` (the browser compares its
numbers; tests/data/conformance/cases.json holds both to the same answers, and this module too).
Every query is bounded: ids come in story order with a ``limit``, counts are aggregates, a box
uses the GiST index on ``geom`` and a window the index on ``(day_start, day_end)``.

The side of the border an event is on is not stored: it is derived from the border layers when a
dataset is opened, so a filter by side is refused here in one sentence rather than ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

from bordermap.store.connection import StoreError
from bordermap.timeline import EventFilter, window_days

#: The timeline's bar widths (bordermap/static/timeline.js unitStart), as date_trunc fields:
#: weeks start on Monday in both.
UNITS = ("day", "week", "month", "quarter", "year")
#: The most ids one query returns unless the caller asks for another bound.
DEFAULT_LIMIT = 10_000


@dataclass(frozen=True)
class Box:
    """A map view in degrees (west, south, east, north), as Leaflet's bounds give it."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        values = (self.west, self.south, self.east, self.north)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and -1e3 < v < 1e3 for v in values):
            raise StoreError(f"a map box needs four numbers in degrees, got {values!r}")
        if not (-180 <= self.west <= self.east <= 180 and -90 <= self.south <= self.north <= 90):
            raise StoreError(f"a map box must be west, south, east, north in degrees with west ≤ east and "
                             f"south ≤ north, got {values!r}")


def _where(flt: EventFilter, box: Box | None, dataset: str | None, *, window: bool = True) -> tuple[sql.Composable, list[Any]]:
    """``flt`` (and a box, a store dataset) as a WHERE clause over ``events e`` and its parameters."""
    if flt.sides:
        raise StoreError("a filter by side of the border cannot be asked of the store: the side is derived "
                         "from the border layers when the dataset is opened (filter the opened dataset instead)")
    parts: list[sql.Composable] = [sql.SQL("TRUE")]
    params: list[Any] = []
    if dataset is not None:
        parts.append(sql.SQL("e.dataset = %s"))
        params.append(dataset)
    days = window_days(flt.window) if window else None
    if days is not None:  # overlaps the window: the same comparison as EventFilter.mask
        parts.append(sql.SQL("e.day_start <= %s AND e.day_end >= %s"))
        params += [days[1], days[0]]
    if flt.event_types:
        parts.append(sql.SQL("e.event_type = ANY(%s)"))
        params.append(sorted(flt.event_types))
    if flt.confidence:
        parts.append(sql.SQL("e.confidence = ANY(%s)"))
        params.append(sorted(flt.confidence))
    if flt.datasets:
        parts.append(sql.SQL("e.dataset = ANY(%s)"))
        params.append(sorted(flt.datasets))
    if flt.actor:  # its name or one of its aliases, as EventTable.rows_with_actor
        parts.append(sql.SQL("EXISTS (SELECT 1 FROM actors a WHERE a.event_id = e.id "
                             "AND (a.name = %s OR %s = ANY(a.aliases)))"))
        params += [flt.actor, flt.actor]
    if box is not None:
        parts.append(sql.SQL("e.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"))
        params += [box.west, box.south, box.east, box.north]
    return sql.SQL(" AND ").join(parts), params


def count_events(conn: psycopg.Connection, flt: EventFilter = EventFilter(), *, box: Box | None = None,
                 dataset: str | None = None) -> int:
    """How many events the filter selects (the count in the app's top bar)."""
    where, params = _where(flt, box, dataset)
    return conn.execute(sql.SQL("SELECT count(*) FROM events e WHERE {}").format(where), params).fetchone()[0]


def event_ids(conn: psycopg.Connection, flt: EventFilter = EventFilter(), *, box: Box | None = None,
              dataset: str | None = None, limit: int = DEFAULT_LIMIT) -> list[str]:
    """The ids the filter selects in story order (start, end, id — the core's order), at most ``limit``."""
    if not isinstance(limit, int) or limit < 0:
        raise StoreError(f"a query's limit must be a whole number ≥ 0, got {limit!r}")
    where, params = _where(flt, box, dataset)
    rows = conn.execute(sql.SQL("SELECT e.id FROM events e WHERE {} ORDER BY e.date_start, e.date_end, e.id "
                                "COLLATE \"C\" LIMIT %s").format(where), [*params, limit]).fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class Bar:
    """One bar of the timeline: events starting in [start, start + one unit), inside the window or not."""

    start: date
    inside: int
    outside: int


def timeline_bars(conn: psycopg.Connection, flt: EventFilter = EventFilter(), unit: str = "month", *,
                  box: Box | None = None, dataset: str | None = None) -> list[Bar]:
    """The timeline's bars for a filter: events counted by the unit their first day falls in, split
    into those inside the filter's window and those outside (the chart greys them), as
    bordermap/static/timeline.js counts them. Only units holding events are returned."""
    if unit not in UNITS:
        raise StoreError(f"a timeline unit is one of {', '.join(UNITS)}, got {unit!r}")
    where, params = _where(flt, box, dataset, window=False)
    days = window_days(flt.window)
    inside = (sql.SQL("e.day_start <= %s AND e.day_end >= %s") if days is not None else sql.SQL("TRUE"))
    window_params = [days[1], days[0]] if days is not None else []
    query = sql.SQL("SELECT date_trunc({unit}, e.date_start)::date AS bar, count(*) FILTER (WHERE {inside}), "
                    "count(*) FILTER (WHERE NOT ({inside})) FROM events e WHERE {where} GROUP BY bar ORDER BY bar"
                    ).format(unit=sql.Literal(unit), inside=inside, where=where)
    rows = conn.execute(query, [*window_params, *window_params, *params]).fetchall()
    return [Bar(start, int(a), int(b)) for start, a, b in rows]
