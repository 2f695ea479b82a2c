"""The detail panel: the whole story of one event as escaped HTML (used by the app and briefing)."""

from __future__ import annotations

import base64
from datetime import date
from functools import lru_cache
from typing import Any

import jinja2
import markupsafe

from bordermap.mapping.payload import refs_line
from bordermap.mapping.style import TYPE_COLORS, TYPE_SHAPES, marker_svg
from bordermap.model import claim_figure, claim_parts, fatality_label, fatality_range, is_partial, partial_floor
from bordermap.model import date_label as model_date_label

__all__ = ["render_panel", "original_rows", "date_label", "place_precision_label", "border_label", "claims_rows",
           "claims_note", "contested_line"]

_GEO = {1: "exact town", 2: "approximate: near a town or a small area", 3: "region only"}


def _safe_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _isolated(value: Any) -> Any:
    """Every text printed into the panel, escaped and in its own ``<bdi>``, so a right-to-left
    override in one value cannot reorder the text after it. Markup (an attribute value passed
    through ``|attr``, a filter's output) is left as it is."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return markupsafe.Markup("<bdi>%s</bdi>") % value
    return value


def _attr(value: Any) -> markupsafe.Markup:
    """A value for inside an attribute: escaped, never wrapped."""
    return markupsafe.escape(value)


def _bdi_join(values: Any, sep: str = ", ") -> markupsafe.Markup:
    return markupsafe.Markup(sep).join(_isolated(str(v)) for v in values)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("bordermap", "templates"), autoescape=True,
                             finalize=_isolated)
    env.filters["safe_url"] = _safe_url
    env.filters["attr"] = _attr
    env.filters["bdi_join"] = _bdi_join
    return env


def date_label(p: dict[str, Any]) -> str:
    """An event's date as it reads everywhere (:func:`bordermap.model.date_label`)."""
    return model_date_label(date.fromisoformat(p["date_start"]), date.fromisoformat(p["date_end"]),
                            p["date_precision"])


def place_precision_label(p: dict[str, Any]) -> str:
    return _GEO.get(p.get("geo_precision"), "unknown precision")


def border_label(p: dict[str, Any], crossings: dict[str, str] | None = None) -> str:
    side = p.get("side")
    if side is None and p.get("distance_to_border_km") is None:
        return ""
    names = {"TJK": "Tajik side", "AFG": "Afghan side", "both": "crosses the border"}
    parts = [names.get(side, f"in {side}") if side else "outside the mapped countries"]
    d = p.get("distance_to_border_km")
    if d is not None and side != "both":
        parts.append(f"{d:.1f} km from the border")
    if p.get("nearest_crossing"):
        km = p.get("nearest_crossing_km")
        name = (crossings or {}).get(p["nearest_crossing"], p["nearest_crossing"])
        parts.append(f"nearest bridge: {name}" + (f", {km:.0f} km" if km is not None else ""))
    return "; ".join(parts)


def claims_rows(p: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for c in p.get("fatalities", []):
        rows.append({"source": c["source"], "figure": claim_figure(c), "date": c.get("date", ""),
                     "breakdown": claim_parts(c, sep=": "), "note": c.get("note", "")})
    return rows


def claims_note(p: dict[str, Any]) -> str:
    """The sentence under several claims: how they are summed up ('' for one claim or none)."""
    claims = p.get("fatalities", [])
    if len(claims) < 2:
        return ""
    head = "Claims are shown side by side and never averaged"
    if fatality_range(claims)[0] is None:
        floor = partial_floor(claims)
        return f"{head}; none is a complete toll: the partial counts show only that at least {floor} died."
    label = fatality_label(claims)
    if any(is_partial(c) for c in claims):
        return f"{head}; the range of the complete tolls is {label}: partial counts (one group only) are left out."
    return f"{head}; the range is {label}."


def contested_line(p: dict[str, Any], limit: int | None = None) -> str:
    """The claims in one line: 'Tajik government 42 · BBC Persian 200 · Tolonews ≥8 (+7 more)'."""
    parts = []
    rows = claims_rows(p)
    for row in rows[:limit]:
        figure = row["figure"].replace("at least ", "≥")
        parts.append(f"{row['source']} {figure}")
    more = len(rows) - len(parts)
    return " · ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def original_rows(p: dict[str, Any]) -> list[tuple[str, str]]:
    """An imported event's source record as (column, text) pairs, in the export's order."""
    original = p.get("original") or {}
    pairs = original.items() if isinstance(original, dict) else original
    return [(str(k), str(v)) for k, v in pairs]


def render_panel(feature: dict[str, Any], article: dict[str, Any] | None = None,
                 crossings: dict[str, str] | None = None, dataset: dict[str, Any] | None = None,
                 dataset_title: str = "") -> str:
    """HTML for the detail panel; every value from data is escaped, only http(s) URLs link.
    ``dataset`` is the collection's dataset block (credit and terms of imported events);
    ``dataset_title`` the project's name for the event's dataset (shown when it has several)."""
    p = feature["properties"]
    return _env().get_template("panel.html").render(
        p=p, when=date_label(p), geo_precision=place_precision_label(p),
        border=border_label(p, crossings), claims=claims_rows(p), claims_note=claims_note(p),
        refs=refs_line(p.get("article_refs", []), article), article=article, dataset=dataset,
        dataset_title=dataset_title,
        original=original_rows(p), color=TYPE_COLORS.get(p.get("event_type"), "#777"), swatch=_type_swatch(p.get("event_type")))


def _type_swatch(event_type: Any) -> markupsafe.Markup | str:
    """The event type's marker (shape and colour, as on the map and in the legend) for its badge:
    an image of the SVG, since st.html's sanitiser drops inline SVG."""
    if event_type not in TYPE_SHAPES:
        return ""
    svg = marker_svg(TYPE_SHAPES[event_type], fill=TYPE_COLORS[event_type], stroke="#333", width=1.2, r=5)
    size = svg.split('width="', 1)[1].split('"', 1)[0]
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return markupsafe.Markup(f'<img class="bm-swatch" alt="" width="{size}" height="{size}" src="{src}">')

