"""A briefing as one standalone HTML presentation: the storyline's steps over the offline map.

The same machinery as the HTML export (:mod:`bordermap.export`: the map builder, the simplified
offline basemap, inlined assets, a Content-Security-Policy that allows no request at all) plus
:class:`~bordermap.mapping.storyline_player.StorylinePlayer`: the app's caption card, Next and
Previous, → / PageDown and ← / PageUp, the step in the URL hash. Nothing here touches the disk
except reading a storyline given as a path::

    from bordermap.presentation import export_presentation
    page = export_presentation(dataset, "data/storylines/khorog-2012.json")
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence, Union

from bordermap import __version__
from bordermap.assets import inline_assets
from bordermap.caption import caption_context
from bordermap.dataset import Dataset
from bordermap.errors import DataFileError
from bordermap.export import (EventData, article_line, as_dataset, events_attribution, export_basemap,
                              export_time, geo_credit_line, stable_names, standalone_head,
                              time_stamp)
from bordermap.mapping.builder import REGION_ZOOM, MapOptions, build_map
from bordermap.mapping.legend import Footer
from bordermap.mapping.storyline_player import CardBlock, StorylinePlayer
from bordermap.storyline import Storyline, load_storyline, validate_storyline

__all__ = ["export_presentation", "presentation_steps", "card_blocks", "DEFAULT_EVENT_ZOOM"]

#: How close a step about an event flies when the storyline gives no zoom (as in the app).
DEFAULT_EVENT_ZOOM = 9

Feature = dict[str, Any]
StorylineSource = Union[str, Path, Storyline]


def card_blocks(ctx: Mapping[str, Any]) -> list[CardBlock]:
    """The card's lines for one step, in the order and words of the app's card
    (``templates/caption.html``), from :func:`bordermap.caption.caption_context`."""
    blocks: list[CardBlock] = [
        {"tag": "div", "cls": "bm-card-step",
         "text": f"{ctx['storyline_title']} · step {ctx['number']} of {ctx['total']}"},
        {"tag": "h1", "cls": "bm-card-title", "text": ctx["title"]},
    ]
    meta = " · ".join(x for x in (ctx["when"], ctx["where"]) if x)
    if meta:
        blocks.append({"tag": "div", "cls": "bm-card-meta", "text": meta})
    blocks.append({"tag": "p", "cls": "bm-card-caption", "text": ctx["caption"]})
    if ctx["claims"]:
        blocks.append({"tag": "div", "cls": "bm-card-claims", "label": "Claimed deaths:", "text": ctx["claims"]})
    if ctx["confidence"]:
        note = f": {ctx['confidence_note']}" if ctx["confidence_note"] else ""
        blocks.append({"tag": "div", "cls": f"bm-card-conf bm-card-conf-{ctx['confidence']}",
                       "text": ctx["confidence"] + note})
    if ctx["source"]:
        blocks.append({"tag": "div", "cls": "bm-card-source", "label": "Source:", "text": ctx["source"]})
    return blocks


def presentation_steps(story: Storyline, ds: Dataset) -> list[dict[str, Any]]:
    """What the player needs per step: the card's lines, and the event to fly to (its row in the
    map's payload, with the zoom) or the view."""
    out = []
    for i, step in enumerate(story.steps):
        event = ds.feature(step.event) if step.event else None
        item: dict[str, Any] = {"card": card_blocks(caption_context(story, i, event))}
        if step.center is not None:
            item["view"] = {"center": list(step.center), "zoom": step.zoom or REGION_ZOOM}
        else:
            item["event"] = ds.table.row_of(step.event)
            item["zoom"] = step.zoom or DEFAULT_EVENT_ZOOM
        out.append(item)
    return out


def _as_json(story: Storyline) -> dict[str, Any]:
    """A :class:`Storyline` back in its file form, so one validator checks both."""
    steps = []
    for s in story.steps:
        step: dict[str, Any] = {"caption": s.caption}
        if s.title:
            step["title"] = s.title
        if s.center is not None:
            step["view"] = {"center": list(s.center), "zoom": s.zoom or REGION_ZOOM}
        else:
            if s.event is not None:
                step["event"] = s.event
            if s.zoom is not None:
                step["zoom"] = s.zoom
        steps.append(step)
    return {"title": story.title, "description": story.description, "steps": steps}


def _storyline(source: StorylineSource, ids: Sequence[str]) -> Storyline:
    ids = list(ids)
    if isinstance(source, Storyline):
        problems = validate_storyline(_as_json(source), f"storyline {source.title!r}", ids)
        if problems:
            raise DataFileError(f"storyline {source.title!r}", problems)
        return source
    return load_storyline(source, ids)


def _credit_lines(ds: Dataset, story: Storyline, when: datetime) -> list[str]:
    """The HTML export's footer, shorter: on a shared screen it must not cover the map, and
    each step's card names its own sources."""
    lines = [f"Exported {time_stamp(when)} by bordermap {__version__}: {len(story.steps)} steps over "
             f"{len(ds)} events",
             article_line(ds.article),
             geo_credit_line(ds)]
    return [line for line in lines if line]


def export_presentation(data: EventData, storyline: StorylineSource, *, title: str | None = None,
                        generated_at: datetime | None = None) -> str:
    """One self-contained, offline HTML file that presents a storyline like briefing mode.

    The map (every event, the border, bridges, places; the legend collapsed) fills the window
    beside a caption card in large type: step N of M, date, place, caption, the contested claims
    in one line, the source. Next/Previous buttons and → / PageDown, ← / PageUp step through;
    each step flies to its event (highlighted, the others dimmed) or its view. The step is kept
    in the URL (``presentation.html#step=4`` reopens at step 4). A footer gives the export time,
    the article and the map's credits. No request leaves the file.

    Parameters
    ----------
    data
        A Dataset, a FeatureCollection dict or a list of event Features.
    storyline
        A storyline file (validated against ``data``'s event ids) or a :class:`Storyline`.
    title
        The presentation's title (browser tab and card); default the storyline's title.
    generated_at
        Export time shown in the footer (aware datetime; default now).

    Raises
    ------
    DataFileError
        The storyline is invalid or names events ``data`` does not have (one line per problem).
    UnreadableFileError
        The storyline file is missing or not JSON.
    """
    ds = as_dataset(data)
    story = _storyline(storyline, ds.table.ids)
    if title:
        story = replace(story, title=title)
    when = export_time(generated_at)
    reference = dict(ds.reference)
    for kind in ("countries", "lakes", "rivers"):
        reference[kind] = export_basemap(reference.get(kind))
    options = MapOptions(asset_prefix="vendor/", datasets=ds.layer_specs, details=True, online_tiles=False,
                         initial_filter=None, legend_open=False, attribution=events_attribution(ds.article, ds.info))
    m = build_map(ds.table, reference, options=options, article=ds.article)
    Footer(_credit_lines(ds, story, when)).add_to(m)
    StorylinePlayer(presentation_steps(story, ds), label=story.title).add_to(m)
    page = stable_names(m, m.get_root().render())
    return inline_assets(standalone_head(page, story.title, False))
