"""The briefing caption card: one storyline step in large type (escaped HTML)."""

from __future__ import annotations

from typing import Any

from bordermap.panel import _env, contested_line, date_label
from bordermap.storyline import Step, Storyline

__all__ = ["caption_context", "render_caption"]


def caption_context(story: Storyline, index: int, event: dict[str, Any] | None) -> dict[str, Any]:
    """What the card says for step ``index`` (0-based): title, date, place, caption, claims, source."""
    step: Step = story.steps[index]
    ctx: dict[str, Any] = {"storyline_title": story.title, "number": index + 1, "total": len(story.steps),
                           "title": step.title, "caption": step.caption, "when": "", "where": "",
                           "claims": "", "source": "", "confidence": "", "confidence_note": ""}
    if event is not None:
        p = event["properties"]
        ctx.update(title=step.title or p["title"], when=date_label(p),
                   where=p["location"] + ({1: "", 2: " (approximate)", 3: " (region)"}[p["geo_precision"]]),
                   claims=contested_line(p, limit=3), confidence=p["confidence"],
                   source="; ".join(s["name"] for s in p.get("sources", [])[:3])
                   + ("; …" if len(p.get("sources", [])) > 3 else ""))
    ctx["title"] = ctx["title"] or story.title
    return ctx


def render_caption(story: Storyline, index: int, event: dict[str, Any] | None) -> str:
    return _env().get_template("caption.html").render(**caption_context(story, index, event))
