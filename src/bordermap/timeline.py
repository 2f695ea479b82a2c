"""Time windows over events: interval overlap, filters, the dense period, stepping.

An event is an interval ``[date_start, date_end]``; a month-precision event spans its month. It
is *in* a window when the two intervals overlap, so an imprecise event never silently drops out
of a window it may belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

__all__ = [
    "TimeWindow",
    "EventFilter",
    "event_interval",
    "overlaps",
    "filter_events",
    "span",
    "dense_period",
    "ordered",
    "step",
    "actor_names",
]

Feature = dict[str, Any]


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time window ends ({self.end}) before it starts ({self.start})")

    def contains_interval(self, start: date, end: date) -> bool:
        """True when ``[start, end]`` overlaps this window."""
        return start <= self.end and end >= self.start

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def event_interval(feature: Feature) -> tuple[date, date]:
    p = feature["properties"]
    return date.fromisoformat(p["date_start"]), date.fromisoformat(p["date_end"])


def overlaps(feature: Feature, window: TimeWindow) -> bool:
    return window.contains_interval(*event_interval(feature))


def actor_names(feature: Feature) -> set[str]:
    """Every name an event's actors go by (names and aliases)."""
    names: set[str] = set()
    for a in feature["properties"].get("actors", []):
        names.add(a["name"])
        names.update(a.get("aliases", []))
    return names


@dataclass(frozen=True)
class EventFilter:
    """What the user has chosen to see. Empty selections mean "no restriction"."""

    window: TimeWindow | None = None
    event_types: frozenset[str] = field(default_factory=frozenset)
    confidence: frozenset[str] = field(default_factory=frozenset)
    sides: frozenset[str] = field(default_factory=frozenset)
    actor: str | None = None

    def matches(self, feature: Feature) -> bool:
        p = feature["properties"]
        if self.window is not None and not overlaps(feature, self.window):
            return False
        if self.event_types and p.get("event_type") not in self.event_types:
            return False
        if self.confidence and p.get("confidence") not in self.confidence:
            return False
        if self.sides and p.get("side") not in self.sides:
            return False
        if self.actor and self.actor not in actor_names(feature):
            return False
        return True

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
        return "; ".join(parts) if parts else "all events"


def filter_events(features: Iterable[Feature], flt: EventFilter) -> list[Feature]:
    return [f for f in features if flt.matches(f)]


def span(features: Iterable[Feature]) -> TimeWindow | None:
    """The window from the earliest start to the latest end, or None for no events."""
    starts, ends = [], []
    for f in features:
        s, e = event_interval(f)
        starts.append(s)
        ends.append(e)
    if not starts:
        return None
    return TimeWindow(min(starts), max(ends))


def dense_period(features: Sequence[Feature], width_days: int = 31, pad_days: int = 2) -> TimeWindow | None:
    """The busiest stretch: the ``width_days`` window holding the most event starts, tightened to
    the first and last start inside it and padded by ``pad_days``.

    This is where a one-click "dense period" button goes: for the 2012 article most events fall in
    July 2012 although the span runs from 1992.
    """
    if not features:
        return None
    starts = sorted(event_interval(f)[0] for f in features)
    best_i, best_j = 0, 0
    j = 0
    for i in range(len(starts)):
        while j + 1 < len(starts) and (starts[j + 1] - starts[i]).days < width_days:
            j += 1
        if j - i > best_j - best_i:
            best_i, best_j = i, j
    return TimeWindow(starts[best_i] - timedelta(days=pad_days), starts[best_j] + timedelta(days=pad_days))


def ordered(features: Iterable[Feature]) -> list[Feature]:
    """Events in story order: by start, then end, then id (stable for equal dates)."""
    return sorted(features, key=lambda f: (f["properties"]["date_start"], f["properties"]["date_end"],
                                           f["properties"]["id"]))


def step(features: Sequence[Feature], current_id: str | None, direction: int) -> Feature | None:
    """The next (``direction=+1``) or previous (``-1``) event in story order.

    From no selection, +1 gives the first event and -1 the last. At either end it stays put.
    """
    seq = ordered(features)
    if not seq:
        return None
    ids = [f["properties"]["id"] for f in seq]
    if current_id not in ids:
        return seq[0] if direction >= 0 else seq[-1]
    i = ids.index(current_id) + (1 if direction >= 0 else -1)
    return seq[min(max(i, 0), len(seq) - 1)]
