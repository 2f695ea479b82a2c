"""Folium plugins for the event layer: the layer itself, a filter/selection script, a time slider.

Each is a small element with its JS template (folium's plugin pattern); the drawing code lives
in ``bordermap/static/bordermap.js`` and options go through folium's ``tojavascript`` filter or
:func:`~bordermap.mapping.payload.to_script_json`, never string-concatenated JS.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer

from bordermap.assets import APP_PREFIX
from bordermap.mapping.payload import Template, encode_events, to_script_json
from bordermap.timeline import EventFilter, TimeWindow

__all__ = ["EventLayer", "FilterScript", "TimeSlider", "filter_to_js"]

_EPOCH = date(1970, 1, 1).toordinal()


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH


def filter_to_js(flt: EventFilter | None) -> dict[str, Any] | None:
    """The browser-side form of an :class:`EventFilter` (dates as day numbers)."""
    if flt is None:
        return None
    return {
        "t0": _day(flt.window.start) if flt.window else None,
        "t1": _day(flt.window.end) if flt.window else None,
        "types": sorted(flt.event_types),
        "confidence": sorted(flt.confidence),
        "sides": sorted(flt.sides),
        "actor": flt.actor,
    }


class EventLayer(JSCSSMixin, Layer):
    """All events as one layer, drawn in the browser from a compact payload.

    Parameters
    ----------
    features
        Event Features (with derived fields).
    details
        Embed what popups need (summary, claims, sources); for standalone exports.
    article
        The dataset's ``article`` block, to name it in popups.
    initial_filter
        Applied when the layer is created, so an export opens on the chosen view.
    url
        Load the payload from this URL (the app serves it) instead of embedding it; the events
        are then not encoded here at all.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = Bordermap.eventLayer({{ this._parent.get_name() }},
            {{ this.source }}, {});
        {%- if this.initial_filter %}
        Bordermap.apply({{ this.initial_filter|tojavascript }});
        {%- endif %}
        {{ this.get_name() }} = {{ this.get_name() }}.group;
        {% endmacro %}
        """
    )

    def __init__(self, features: Sequence[dict[str, Any]], *, name: str = "Events", details: bool = False,
                 article: dict[str, Any] | None = None, initial_filter: EventFilter | None = None,
                 asset_prefix: str = APP_PREFIX, url: str | None = None):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "EventLayer"
        self.source = (to_script_json(url) if url is not None
                       else to_script_json(encode_events(features, details=details, article=article)))
        self.initial_filter = filter_to_js(initial_filter)
        self.default_js = [("bordermap_js", asset_prefix + "bordermap.js")]
        self.default_css = [("bordermap_css", asset_prefix + "bordermap.css")]


class FilterScript(MacroElement):
    """A tiny script that applies a filter and selection to the event layers already on the map.

    The app sends this (through st_folium's ``feature_group_to_add``) instead of the events, so
    moving the timeline changes a few hundred bytes, not the whole layer, and the map keeps its
    view.
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

    def __init__(self, flt: EventFilter | None, selected: str | None = None, *, fly: bool = False,
                 dim: bool = False, max_zoom: int | None = None,
                 view: tuple[tuple[float, float], int] | None = None, nonce: int | None = None):
        super().__init__()
        self._name = "FilterScript"
        self.filter = filter_to_js(flt) or {}
        self.selected = selected
        self.select_options = {"fly": fly, "dim": dim, "maxZoom": max_zoom or 9, "nonce": nonce}
        self.view = {"center": list(view[0]), "zoom": view[1]} if view else None


class TimeSlider(MacroElement):
    """A time slider inside the map (for standalone exports): a window of ``width_days`` moving
    over the events' span, or the whole span. Pure Leaflet control + ``<input type=range>``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var opts = {{ this.options|tojavascript }};
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
              var f = Object.assign({}, opts.base);
              if (all.checked) {
                f.t0 = opts.t0; f.t1 = opts.t1;
                label.textContent = Bordermap.iso(opts.t0) + " – " + Bordermap.iso(opts.t1);
              } else {
                var s = opts.steps[+range.value];
                f.t0 = s[0]; f.t1 = s[1];
                label.textContent = Bordermap.iso(s[0]) + " – " + Bordermap.iso(s[1]);
              }
              range.disabled = all.checked;
              var n = Bordermap.apply(f);
              count.textContent = n + (n === 1 ? " event shown" : " events shown");
            }
            range.addEventListener("input", update);
            all.addEventListener("change", update);
            box.appendChild(label); box.appendChild(range); box.appendChild(all); box.appendChild(allLabel);
            box.appendChild(count);
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            setTimeout(update, 0);
            return box;
          };
          ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, steps: Sequence[TimeWindow], *, whole: TimeWindow, initial: int = 0,
                 show_all: bool = True, base_filter: EventFilter | None = None):
        super().__init__()
        self._name = "TimeSlider"
        base = filter_to_js(base_filter) or {}
        self.options = {
            "steps": [[_day(w.start), _day(w.end)] for w in steps] or [[_day(whole.start), _day(whole.end)]],
            "t0": _day(whole.start),
            "t1": _day(whole.end),
            "initial": initial,
            "showAll": show_all,
            "base": base,
        }
