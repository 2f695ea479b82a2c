"""Events as one compact, column-oriented payload for the browser.

A 10,000-event GeoJSON FeatureCollection with its properties is megabytes; the map needs only a
few columns (ids, dates as day numbers, type and confidence as small integers, rounded
coordinates). Repeated strings go into lookup tables. ``details=True`` adds what a popup needs
for standalone exports.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Sequence

from folium.template import Environment as FoliumEnvironment
from folium.template import Template as FoliumTemplate
from folium.template import tojavascript

from bordermap.mapping.style import RING_KM, TYPE_COLORS
from bordermap.model import CONFIDENCE_LEVELS, DATE_PRECISIONS, EVENT_TYPES, claim_figure, claim_parts

__all__ = ["encode_events", "to_script_json", "claim_line", "correction_line", "refs_line"]

_EPOCH = date(1970, 1, 1).toordinal()
_GEOM_CODE = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPolygon": 3}


def _day(iso: str) -> int:
    return date.fromisoformat(iso).toordinal() - _EPOCH


def _round(coords: Any, nd: int = 5) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, nd)
    return [_round(c, nd) for c in coords]


class _Table:
    def __init__(self, initial: Sequence[str] = ()):
        self.values: list[str] = list(initial)
        self.index = {v: i for i, v in enumerate(self.values)}

    def __call__(self, value: str) -> int:
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.values)
            self.values.append(value)
        return i


def claim_line(claim: dict[str, Any]) -> str:
    """'Tajik government: 42 (security forces 12, rebels 30)' — one claim, as the source gave it."""
    parts = claim_parts(claim)
    line = f"{claim['source']}: {claim_figure(claim)}" + (f" ({parts})" if parts else "")
    if claim.get("note"):
        line += f" — {claim['note']}"
    return line


def correction_line(c: dict[str, Any]) -> str:
    names = "; ".join(s["name"] for s in c.get("sources", []))
    return f"The article says {c['article_says']}; {c['correction']} ({names})"


def refs_line(refs: Sequence[int], article: dict[str, Any] | None) -> str:
    if not refs:
        return ""
    label = "paragraph" if len(refs) == 1 else "paragraphs"
    title = article.get("title") if article else None
    return f"Article {label} {', '.join(str(r) for r in refs)}" + (f" of “{title}”" if title else "")


def encode_events(features: Sequence[dict[str, Any]], *, details: bool = False,
                  article: dict[str, Any] | None = None) -> dict[str, Any]:
    """Encode events (GeoJSON Feature dicts, derived fields optional) into the browser payload."""
    types = _Table(list(EVENT_TYPES))
    conf = _Table(CONFIDENCE_LEVELS)
    dprec = _Table(DATE_PRECISIONS)
    sides = _Table(["TJK", "AFG", "both"])
    actors = _Table()
    strs = _Table()  # every other repeated string (places, summaries, source names, ...)

    def sx(value: Any) -> int | None:
        return None if value is None else strs(str(value))

    cols: dict[str, list[Any]] = {k: [] for k in
                                  ("id", "title", "loc", "t0", "t1", "ty", "cf", "dp", "gp", "sd",
                                   "ac", "gt", "g", "fl", "fh", "nc")}
    det: list[dict[str, Any]] = []
    for f in features:
        p = f["properties"]
        geom = f["geometry"]
        cols["id"].append(p["id"])
        cols["title"].append(p["title"])
        cols["loc"].append(sx(p["location"]))
        cols["t0"].append(_day(p["date_start"]))
        cols["t1"].append(_day(p["date_end"]))
        cols["ty"].append(types(p["event_type"]))
        cols["cf"].append(conf(p["confidence"]))
        cols["dp"].append(dprec(p["date_precision"]))
        cols["gp"].append(int(p["geo_precision"]))
        cols["sd"].append(sides(p.get("side") or ""))
        names = {a["name"] for a in p.get("actors", [])}
        for a in p.get("actors", []):
            names.update(a.get("aliases", []))
        cols["ac"].append(sorted(actors(n) for n in names))
        cols["gt"].append(_GEOM_CODE[geom["type"]])
        cols["g"].append(_round(geom["coordinates"]))
        cols["fl"].append(p.get("fatalities_low"))
        cols["fh"].append(p.get("fatalities_high"))
        cols["nc"].append(len(p.get("fatalities", [])))
        if details:
            # [sub-type, summary, confidence note, [claims], [corrections], [[source, url, date]], refs]
            det.append([
                sx(p.get("sub_event_type")), sx(p.get("summary")), sx(p.get("confidence_note")),
                [sx(claim_line(c)) for c in p.get("fatalities", [])],
                [sx(correction_line(c)) for c in p.get("corrections", [])],
                [[sx(src["name"]), sx(src.get("url")), sx(src.get("date"))] for src in p.get("sources", [])],
                sx(refs_line(p.get("article_refs", []), article)),
            ])
    payload: dict[str, Any] = {
        **cols,
        "types": types.values,
        "palette": [TYPE_COLORS.get(t, "#777777") for t in types.values],
        "conf": conf.values,
        "dprec": dprec.values,
        "sides": sides.values,
        "actors": actors.values,
        "ringKm": {str(k): v for k, v in RING_KM.items()},
        "strs": strs.values,
    }
    if details:
        payload["details"] = det
    return payload


#: '{{', '{%' and '{#' open Jinja syntax. branca renders every element's output a second time as
#: a Jinja template, so such text from data would be *evaluated* while the map is built
#: (server-side template injection: '{{ ... }}' can run Python). JSON never has them outside
#: strings, and inside a string \u007b is the same '{'.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def jinja_inert(js: str) -> str:
    """JSON/JS text with the brace of every Jinja opener written as ``\\u007b``."""
    return _JINJA_OPEN.sub(r"\\u007b", js)


def to_script_json(obj: Any) -> str:
    """JSON safe to place inside a <script> element (no '<', '>', '&' or quote can break out),
    and inert when branca renders it again as a Jinja template."""
    return jinja_inert(json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
                       .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                       .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class _Environment(FoliumEnvironment):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filters["tojavascript"] = lambda obj: jinja_inert(tojavascript(obj))


class Template(FoliumTemplate):
    """folium's Template whose ``tojavascript`` output stays inert under branca's second
    rendering; every bordermap plugin uses it instead of ``folium.template.Template``."""

    environment_class = _Environment
