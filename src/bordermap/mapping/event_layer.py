"""Folium plugins for the event layer: the layer itself, a filter/selection script, time controls.

Each is a small element with its JS template (folium's plugin pattern); the drawing code lives
in ``bordermap/static/bordermap.js`` and options go through folium's ``tojavascript`` filter or
:func:`~bordermap.mapping.payload.to_script_json`, never string-concatenated JS.

Events are addressed by their *row* in the payload (the table's story order), not by id: the
browser never holds ids for a million events; Python maps rows and ids.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import orjson

import numpy as np
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.elements import ElementAddToElement
from folium.map import Layer

from bordermap.assets import APP_PREFIX
from bordermap.core.cache import cache_key, read_blob, write_blob
from bordermap.core.parallel import beside
from bordermap.core.table import EventTable
from bordermap.mapping.payload import (PAYLOAD_FORMAT, STYLE_DIGEST, Template, compact_json, detail_chunks, encode_events,
                                       gzip_b64, gzip_b64_all,
                                       to_script_json)
from bordermap.playback import TimelineView, timeline_options
from bordermap.timeline import EventFilter, TimeWindow, window_days

__all__ = ["EventLayer", "FilterScript", "TimeSlider", "Timeline", "filter_to_js", "category_bits",
           "inline_source", "cached_inline_source", "payload_key", "INLINE_MASK_BYTES", "RawScript"]

#: A category mask up to this size travels inside the script; a larger one as a served file.
INLINE_MASK_BYTES = 16384


def category_bits(flt: EventFilter | None, table: EventTable) -> bytes | None:
    """The filter's categories (type, confidence, side, actor) as a bitset over the table's rows
    (bit i = row i, little-endian within a byte); None when the filter has none."""
    if flt is None or flt.without_window() == EventFilter():
        return None
    return np.packbits(flt.category_mask(table), bitorder="little").tobytes()


def filter_to_js(flt: EventFilter | None, *, mask: dict[str, str] | None = None,
                 nonce: int | None = None) -> dict[str, Any]:
    """The browser-side form of a filter: the window as day numbers, the categories as a mask
    (``{"b64": ...}`` or ``{"url": ...}``, from :func:`category_bits`) and the nonce that says
    Python set this window (the browser keeps a window the user moved since, otherwise)."""
    days = window_days(flt.window) if flt is not None else None
    out: dict[str, Any] = {"t0": days[0] if days else None, "t1": days[1] if days else None, "mask": mask}
    if nonce is not None:
        out["nonce"] = nonce
    return out


def inline_mask(bits: bytes | None) -> dict[str, str] | None:
    return None if bits is None else {"b64": base64.b64encode(bits).decode("ascii")}


def inline_source(table: EventTable, *, article: dict[str, Any] | None = None,
                  popups: bool = True, marks: dict[str, str] | None = None) -> dict[str, Any]:
    """Events carried inside a standalone file: the binary payload and the text chunks, each
    gzipped and base64-encoded (unpacked in the browser with ``DecompressionStream``)."""
    # the binary payload on a second thread while the text is laid out (Arrow's compute
    # functions and numpy let go of the GIL: 0.50 -> 0.46 s at 100,000 events, in-process)
    binary = beside(lambda: gzip_b64(encode_events(table, marks)))
    chunks = detail_chunks(table, article=article, popups=popups)
    texts = gzip_b64_all([compact_json(c) for c in chunks])
    return {"bin": binary.result(), "chunks": texts}


@lru_cache(maxsize=1)
def _payload_code_digest() -> str:
    """The code that lays the payload out (the mapping and core modules): an edit to any of them
    gives new keys, so a cached payload is never one an older bordermap wrote."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *(here.parent / "core").glob("*.py")]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def payload_key(dataset_key: str, table: EventTable, *, popups: bool, marks: dict[str, str] | None) -> str:
    """The cache key of a standalone payload: the dataset's content key, the rows carried, the
    options and the code. '' (no caching) for a dataset with no content key."""
    if not dataset_key or dataset_key.startswith("uncached-"):
        return ""
    rows = hashlib.sha256(np.ascontiguousarray(table.source_index, dtype=np.int64).tobytes()).hexdigest()
    return cache_key("payload", PAYLOAD_FORMAT, STYLE_DIGEST, _payload_code_digest(), dataset_key, rows,
                     f"popups={popups}", json.dumps(marks or {}, sort_keys=True))


def cached_inline_source(table: EventTable, dataset_key: str, *, article: dict[str, Any] | None = None,
                         popups: bool = True, marks: dict[str, str] | None = None) -> dict[str, Any]:
    """:func:`inline_source`, kept in the cache (core/cache.py blobs) under :func:`payload_key`:
    exporting the same events again skips laying out and compressing their text."""
    key = payload_key(dataset_key, table, popups=popups, marks=marks)
    if key:
        blob = read_blob("payloads", key)
        if blob is not None:
            try:
                source = orjson.loads(blob)
                if isinstance(source, dict) and isinstance(source.get("bin"), str) and isinstance(source.get("chunks"), list):
                    return source
            except orjson.JSONDecodeError:
                pass  # a damaged entry: built again and replaced
    source = inline_source(table, article=article, popups=popups, marks=marks)
    if key:
        write_blob("payloads", key, orjson.dumps(source))
    return source


class EventLayer(JSCSSMixin, Layer):
    """All events as one canvas layer, drawn in the browser from the binary payload.

    Parameters
    ----------
    source
        ``{"url": ..., "chunkUrl": ...}`` (the app serves the payload and text chunks) or
        :func:`inline_source` (standalone exports).
    popups
        Open a popup with the event's whole story on click (standalone exports; the app shows
        its side panel instead).
    initial_filter
        :func:`filter_to_js` output applied when the layer is created.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = Bordermap.eventLayer({{ this._parent.get_name() }},
            {{ this.source }}, {{ this.options|tojavascript }});
        {%- if this.initial_filter %}
        Bordermap.apply({{ this.initial_filter|tojavascript }});
        {%- endif %}
        {%- if this.report_picks %}
        {{ this._parent.get_name() }}.on("bordermap:pick", function (e) { Bordermap.picked(e.row); });
        {%- endif %}
        {{ this.get_name() }} = {{ this.get_name() }}.group;
        {% endmacro %}
        """
    )

    def __init__(self, source: dict[str, Any], *, name: str = "Events", popups: bool = False,
                 initial_filter: dict[str, Any] | None = None, asset_prefix: str = APP_PREFIX,
                 report_picks: bool = False):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "EventLayer"
        self.source = to_script_json(source)
        self.options = {"popups": popups}
        self.initial_filter = initial_filter
        self.report_picks = report_picks
        self.default_js = [("bordermap_js", asset_prefix + "bordermap.js")]
        self.default_css = [("bordermap_css", asset_prefix + "bordermap.css")]

    def render(self, **kwargs: Any) -> None:
        """As folium renders it (asset links, children), but the script — which may carry every
        event inline — goes in as :class:`RawScript`, not through a second Jinja compile."""
        if self.show:  # what Layer.render does
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        figure = self.get_root()
        for name, url in self.default_js:  # what JSCSSMixin.render does
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        # what MacroElement.render does (this template has only a script macro), in its order:
        # the script, then the children (folium's addTo statement is one)
        figure.script.add_child(RawScript(self._template.module.__dict__["script"](self, kwargs)),
                                name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class RawScript(Element):
    """Script text that goes into the page as it is. branca wraps each element's rendered
    script in ``Element(text)``, which compiles the text as a Jinja template: for a layer that
    carries its events inline that is megabytes through Jinja's lexer (about 0.5 s at 100k
    events) and data read as template syntax."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class FilterScript(MacroElement):
    """A tiny script that applies a filter and selection to the event layers already on the map.

    The app sends this (through st_folium's ``feature_group_to_add``) instead of the events, so
    a rerun changes a few hundred bytes, not the whole layer, and the map keeps its view.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.Bordermap && Bordermap.apply) {
          Bordermap.apply({{ this.filter|tojavascript }});
          Bordermap.select({{ this.selected|tojavascript }}, {{ this.select_options|tojavascript }});
          {%- if this.view %}
          Bordermap.view({{ this.view.center|tojavascript }}, {{ this.view.zoom|tojavascript }});
          {%- endif %}
        }
        {% endmacro %}
        """
    )

    def __init__(self, js_filter: dict[str, Any], selected: int | None = None, *, fly: bool = False,
                 dim: bool = False, max_zoom: int | None = None,
                 view: tuple[tuple[float, float], int] | None = None, nonce: int | None = None):
        super().__init__()
        self._name = "FilterScript"
        self.filter = js_filter
        self.selected = selected
        self.select_options = {"fly": fly, "dim": dim, "maxZoom": max_zoom or 9, "nonce": nonce}
        self.view = {"center": list(view[0]), "zoom": view[1]} if view else None


class Timeline(JSCSSMixin, MacroElement):
    """The app's timeline under the map: a histogram of events over time with a brush, an axis
    that zooms, and playback (``static/timeline.js``; its rules from :mod:`bordermap.playback`).
    Moving the window redraws the map at once, in the browser; the app learns it afterwards."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        Bordermap.timeline({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, whole: TimeWindow, *, view: TimelineView = TimelineView(), dense: TimeWindow | None = None,
                 asset_prefix: str = APP_PREFIX):
        super().__init__()
        self._name = "Timeline"
        # The window itself comes with the filter script (Bordermap.apply), so the map's own
        # script, and with it the iframe, stays the same while the window moves.
        self.options = timeline_options(whole, view=view, dense=dense)
        self.default_js = [("bordermap_timeline_js", asset_prefix + "timeline.js")]
        self.default_css = [("bordermap_timeline_css", asset_prefix + "timeline.css")]


class TimeSlider(MacroElement):
    """A time slider inside the map (for standalone exports): a window of ``width_days`` moving
    over the events' span, or the whole span. Pure Leaflet control + ``<input type=range>``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var opts = {{ this.options_js }};
          var map = {{ this._parent.get_name() }};
          var ctl = L.control({position: "bottomleft"});
          ctl.onAdd = function () {
            var box = Bordermap.el("div", "bm-slider");
            var label = Bordermap.el("div", "bm-slider-label");
            var range = document.createElement("input");
            range.type = "range"; range.min = 0; range.max = opts.steps.length - 1; range.step = 1;
            range.value = opts.initial; range.setAttribute("aria-label", "Time window");
            var all = document.createElement("input");
            all.type = "checkbox"; all.checked = opts.showAll; all.id = "bm-all";
            var allLabel = Bordermap.el("label", null, " whole period");
            allLabel.htmlFor = "bm-all";
            var count = Bordermap.el("div", "bm-slider-count");
            function update() {
              var f = {t0: opts.t0, t1: opts.t1, mask: null};
              if (!all.checked) {
                var s = opts.steps[+range.value];
                f.t0 = s[0]; f.t1 = s[1];
              }
              label.textContent = Bordermap.iso(f.t0) + " – " + Bordermap.iso(f.t1);
              range.disabled = all.checked;
              Bordermap.apply(f);
              var n = Bordermap.count();
              count.textContent = Bordermap.thousands(n) + (n === 1 ? " event shown" : " events shown");
            }
            range.addEventListener("input", update);
            all.addEventListener("change", update);
            box.appendChild(label); box.appendChild(range); box.appendChild(all); box.appendChild(allLabel);
            box.appendChild(count);
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            setTimeout(update, 0);
            map.on("bordermap:ready", update);
            return box;
          };
          ctl.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, steps: Sequence[TimeWindow], *, whole: TimeWindow, initial: int = 0,
                 show_all: bool = True):
        super().__init__()
        self._name = "TimeSlider"
        lo, hi = window_days(whole)
        self.options = {
            "steps": [list(window_days(w)) for w in steps] or [[lo, hi]],
            "t0": lo,
            "t1": hi,
            "initial": initial,
            "showAll": show_all,
        }

    @property
    def options_js(self) -> str:
        """The options as one JSON text (a step per day: folium's ``tojavascript`` walks them
        value by value, ten times slower at 10,000 steps)."""
        return to_script_json(self.options)
