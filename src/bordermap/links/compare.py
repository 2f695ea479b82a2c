"""What each dataset says of one event, a line each, for the panel's side-by-side view.

'UCDP GED: 16 (low 16, high 20) · sides Government of Tajikistan, Synthetic group 3 · 24 Jul 2012
· Khorugh town'; 'ACLED: 12 · …'; 'the article: Tajik government 42 · BBC Persian 200 · …'. Built
from the labels the panel already uses (:func:`bordermap.model.claim_figure`,
:func:`bordermap.panel.contested_line`, :func:`bordermap.panel.date_label`).
"""

from __future__ import annotations

from typing import Any, Mapping

from bordermap.model import claim_figure
from bordermap.panel import contested_line, date_label

__all__ = ["side_by_side", "figures_line"]


def figures_line(dataset: str, properties: Mapping[str, Any], limit: int | None = 3) -> str:
    """The fatality figures of one event: its dataset's own single claim as the dataset gives it
    ('16 (low 16, high 20)'); several claims, or another source's, each with its source, the
    first ``limit`` of them ('Tajik government 42 · BBC Persian 200 · Tolonews 8 (partial: …)
    (+3 more)')."""
    claims = properties.get("fatalities") or []
    if not claims:
        return "no fatality figure"
    if len(claims) == 1 and claims[0].get("source") == dataset:
        return claim_figure(claims[0])
    return contested_line(dict(properties), limit)


def side_by_side(features_by_dataset: Mapping[str, Mapping[str, Any]], limit: int | None = 3) -> list[str]:
    """One line per dataset, in the order given: ``{dataset name: the event's Feature}``.

    Each line: the dataset, the fatality figures (:func:`figures_line`, at most ``limit``
    claims), the sides (the actors in role actor1/actor2), the date as the panel says it and the
    place's name.
    """
    lines = []
    for dataset, feature in features_by_dataset.items():
        p = feature["properties"]
        parts = [figures_line(dataset, p, limit)]
        sides = [a["name"] for a in p.get("actors") or [] if a.get("role") in ("actor1", "actor2")]
        if sides:
            parts.append("sides " + ", ".join(sides))
        parts.append(date_label(p))
        if p.get("location"):
            parts.append(p["location"])
        lines.append(f"{dataset}: " + " · ".join(parts))
    return lines
