"""Time windows over events: interval overlap, filters, the dense period, stepping.

An event is an interval ``[date_start, date_end]``; a month-precision event spans its month. It
is *in* a window when the two intervals overlap, so an imprecise event never silently drops out
of a window it may belong to.

Everything here works on an :class:`~bordermap.core.table.EventTable` at once (numpy over day
numbers and category codes); this is the one definition of the filter. The browser moves the
time window itself with the same comparison on the same day numbers
(:func:`window_days`, checked against this module by a conformance test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from bordermap.core.columns import CONFIDENCE_CODES, TYPE_CODES
from bordermap.core.table import EventTable

__all__ = [
    "TimeWindow",
    "EventFilter",
    "window_days",
    "span",
    "dense_period",
    "step",
]

_EPOCH = date(1970, 1, 1).toordinal()


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH


def _date(day: int) -> date:
    return date.fromordinal(int(day) + _EPOCH)


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time window ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def from_days(cls, t0: int, t1: int) -> "TimeWindow":
        return cls(_date(t0), _date(t1))


def window_days(window: TimeWindow | None) -> tuple[int, int] | None:
    """A window as day numbers since 1970-01-01, the form the browser compares."""
    return None if window is None else (_day(window.start), _day(window.end))


@dataclass(frozen=True)
class EventFilter:
    """What the user has chosen to see. Empty selections mean "no restriction"."""

    window: TimeWindow | None = None
    event_types: frozenset[str] = field(default_factory=frozenset)
    confidence: frozenset[str] = field(default_factory=frozenset)
    sides: frozenset[str] = field(default_factory=frozenset)
    actor: str | None = None
    #: project dataset names (the derived ``dataset`` column)
    datasets: frozenset[str] = field(default_factory=frozenset)

    def without_window(self) -> "EventFilter":
        return EventFilter(event_types=self.event_types, confidence=self.confidence, sides=self.sides,
                           actor=self.actor, datasets=self.datasets)

    def category_mask(self, table: EventTable) -> np.ndarray:
        """Everything but the time window: type, confidence, side, actor."""
        mask = np.ones(len(table), dtype=bool)
        if self.event_types:
            mask &= np.isin(table.type_code, [TYPE_CODES[t] for t in self.event_types if t in TYPE_CODES])
        if self.confidence:
            mask &= np.isin(table.confidence_code,
                            [CONFIDENCE_CODES[c] for c in self.confidence if c in CONFIDENCE_CODES])
        if self.sides:  # the side column's ISO3 codes (a project's two countries) or "both"
            mask &= table.rows_on_sides(self.sides)
        if self.actor:
            mask &= table.rows_with_actor(self.actor)
        if self.datasets:
            mask &= table.rows_in_datasets(self.datasets)
        return mask

    def mask(self, table: EventTable) -> np.ndarray:
        """Boolean mask over the table's rows: the events this filter selects."""
        mask = self.category_mask(table)
        if self.window is not None:
            d0, d1 = window_days(self.window)
            mask &= (table.t1 >= d0) & (table.t0 <= d1)
        return mask

    def rows(self, table: EventTable) -> np.ndarray:
        """The selected rows, in story order."""
        return np.flatnonzero(self.mask(table))

    def describe(self) -> str:
        """One line for footers and captions: what is shown."""
        parts = []
        if self.window:
            parts.append(f"{self.window.start.isoformat()} to {self.window.end.isoformat()}")
        if self.event_types:
            parts.append("types: " + ", ".join(sorted(self.event_types)))
        if self.confidence:
            parts.append("confidence: " + ", ".join(sorted(self.confidence)))
        if self.sides:
            parts.append("side: " + ", ".join(sorted(self.sides)))
        if self.actor:
            parts.append(f"actor: {self.actor}")
        if self.datasets:
            parts.append("datasets: " + ", ".join(sorted(self.datasets)))
        return "; ".join(parts) if parts else "all events"


def span(table: EventTable) -> TimeWindow | None:
    """The window from the earliest start to the latest end, or None for no events."""
    if not len(table):
        return None
    return TimeWindow.from_days(int(table.t0.min()), int(table.t1.max()))


def dense_period(table: EventTable, width_days: int = 31, pad_days: int = 2) -> TimeWindow | None:
    """The busiest stretch: the ``width_days`` window holding the most event starts, tightened to
    the first and last start inside it and padded by ``pad_days``.

    This is where a one-click "dense period" button goes: for the 2012 article most events fall in
    July 2012 although the span runs from 1992.
    """
    if not len(table):
        return None
    starts = np.sort(table.t0)
    last = np.searchsorted(starts, starts + width_days, side="left") - 1
    best = int(np.argmax(last - np.arange(len(starts))))  # the first of the busiest
    return TimeWindow(_date(starts[best]) - timedelta(days=pad_days),
                      _date(starts[last[best]]) + timedelta(days=pad_days))


def step(table: EventTable, current: int | None, direction: int) -> int | None:
    """The row of the next (``direction=+1``) or previous (``-1``) event in story order (the
    table's order). From no selection, +1 gives the first event and -1 the last; at either end
    it stays put."""
    n = len(table)
    if not n:
        return None
    if current is None or not 0 <= current < n:
        return 0 if direction >= 0 else n - 1
    return min(max(current + (1 if direction >= 0 else -1), 0), n - 1)
