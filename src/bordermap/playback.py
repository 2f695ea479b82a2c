"""The timeline's view: how far its axis is zoomed, how playback steps, and the rules the browser
draws it by (density units, steps, speeds). Python owns every one of these; the browser's
timeline (``static/timeline.js``) reads them from :func:`timeline_options`.

The view travels in the permalink, next to the window (``from``/``to``):
``axis=2012-07-01..2012-08-31`` (the axis zoomed to those days), ``step=week`` (playback and the
◀ ▶ buttons move the window a week), ``grow=1`` (playback grows the window from its start
instead of moving it), ``speed=2``. Values that do not parse are ignored, never an error: a
permalink is user input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bordermap.mapping.style import TIMELINE_COLOURS
from bordermap.timeline import TimeWindow, window_days

__all__ = ["DENSITY_UNITS", "STEPS", "SPEEDS", "TimelineView", "default_axis", "timeline_options"]

#: Histogram bins, finest first: (unit, its length in days, its name in the plural). The
#: browser takes the finest whose bars are at least ``MIN_BIN_PX`` wide at the current zoom.
DENSITY_UNITS: tuple[tuple[str, float, str], ...] = (
    ("day", 1, "days"), ("week", 7, "weeks"), ("month", 30.44, "months"),
    ("quarter", 91.31, "quarters"), ("year", 365.25, "years"),
)
MIN_BIN_PX = 4
#: What playback and the step buttons move the window by: (unit, label).
STEPS: tuple[tuple[str, str], ...] = (("day", "by day"), ("week", "by week"), ("month", "by month"))
SPEEDS: tuple[float, ...] = (0.5, 1, 2, 4)
#: Milliseconds between playback steps at speed 1.
TICK_MS = 700
#: The axis never zooms in further than this many days.
MIN_AXIS_DAYS = 14
ZOOM_FACTOR = 1.5
#: Height of the timeline under the map, CSS px.
HEIGHT = 92
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Bars inside the window / outside it: the map's style owns them (mapping/style.py).
COLOURS = TIMELINE_COLOURS


@dataclass(frozen=True)
class TimelineView:
    """The axis zoom (None: the whole span) and how playback steps."""

    axis: TimeWindow | None = None
    step: str = "week"
    grow: bool = False
    speed: float = 1

    @classmethod
    def from_query(cls, params: Mapping[str, str], whole: TimeWindow | None = None) -> "TimelineView":
        """From a permalink's query parameters; anything that does not parse is left at its default."""
        axis = None
        raw = str(params.get("axis", "") or "")
        if ".." in raw:
            a, _, b = raw.partition("..")
            try:
                start, end = date.fromisoformat(a), date.fromisoformat(b)
            except ValueError:
                start = end = None
            if start and end and start <= end:
                if whole is not None:
                    start, end = max(start, whole.start), min(end, whole.end)
                axis = TimeWindow(start, end) if start <= end else None
        step = str(params.get("step", "") or "")
        step = step if step in {s for s, _ in STEPS} else cls.step
        grow = str(params.get("grow", "")) == "1"
        try:
            speed = float(params.get("speed", "") or cls.speed)
        except ValueError:
            speed = cls.speed
        return cls(axis=axis, step=step, grow=grow, speed=speed if speed in SPEEDS else cls.speed)

    @classmethod
    def from_browser(cls, value: Mapping | None) -> "TimelineView | None":
        """From what the map reported (``{axis: [iso, iso] | null, step, grow, speed}``), or None."""
        if not isinstance(value, Mapping):
            return None
        axis = value.get("axis")
        params = {"step": value.get("step") or "", "grow": "1" if value.get("grow") is True else "",
                  "speed": str(value.get("speed") or "")}
        if isinstance(axis, list) and len(axis) == 2 and all(isinstance(x, str) for x in axis):
            params["axis"] = f"{axis[0]}..{axis[1]}"
        return cls.from_query(params)

    def to_query(self) -> dict[str, str | None]:
        """The permalink's parameters (None: leave it out, it is the default)."""
        return {
            "axis": f"{self.axis.start.isoformat()}..{self.axis.end.isoformat()}" if self.axis else None,
            "step": self.step if self.step != TimelineView.step else None,
            "grow": "1" if self.grow else None,
            "speed": f"{self.speed:g}" if self.speed != TimelineView.speed else None,
        }


def default_axis(window: TimeWindow, whole: TimeWindow) -> TimeWindow | None:
    """The axis to open on when the permalink names none: the whole span, unless the window is a
    sliver of it (under a twentieth), then the window with half its length (at least a week)
    either side, so a month of a twenty-year record gets the timeline's width."""
    if window.days * 20 > whole.days:
        return None
    pad = timedelta(days=max(7, window.days // 2))
    start, end = max(whole.start, window.start - pad), min(whole.end, window.end + pad)
    if (end - start).days + 1 < MIN_AXIS_DAYS:
        end = min(whole.end, start + timedelta(days=MIN_AXIS_DAYS - 1))
        start = max(whole.start, end - timedelta(days=MIN_AXIS_DAYS - 1))
    return TimeWindow(start, end)


def timeline_options(whole: TimeWindow, *, view: TimelineView = TimelineView(),
                     dense: TimeWindow | None = None) -> dict:
    """Everything the browser's timeline needs, as JSON-ready values."""
    lo, hi = window_days(whole)
    options = {
        "min": lo, "max": hi, "height": HEIGHT,
        "units": [list(u) for u in DENSITY_UNITS], "minBinPx": MIN_BIN_PX,
        "steps": [list(s) for s in STEPS], "speeds": list(SPEEDS), "tickMs": TICK_MS,
        "minAxisDays": MIN_AXIS_DAYS, "zoomFactor": ZOOM_FACTOR, "months": list(MONTHS),
        "colours": dict(COLOURS),
        "initial": {"axis": list(window_days(view.axis)) if view.axis else None, "step": view.step,
                    "grow": view.grow, "speed": view.speed},
        "dense": None,
    }
    if dense is not None:
        mid = dense.start + (dense.end - dense.start) / 2
        options["dense"] = {"window": list(window_days(dense)), "label": f"Busiest period · {mid:%b %Y}",
                            "title": f"The busiest stretch of the record (the most events in 31 days): {dense.start:%d %b %Y} to {dense.end:%d %b %Y}"}
    return options
