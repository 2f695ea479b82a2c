"""The map's opening view as a folium plugin: fit a :class:`~bordermap.mapping.framing.Bounds`
clear of the map's own boxes (title, legend, footer, slider, attribution), or open a
:class:`~bordermap.mapping.framing.View`.

Python decides *what* to frame (``bordermap.mapping.framing``); the browser only measures where
the boxes sit, which depends on the window, and keeps the largest clear rectangle: each box
takes a strip off the top or bottom, or off its side, whichever leaves more map. The map's
container carries ``data-bm-frame="pending"`` until the view is set, then ``"done"``; its
``bmRefit()`` fits again (the PNG renderer calls it after hiding the interactive controls).
"""

from __future__ import annotations

from branca.element import MacroElement

from bordermap.mapping.framing import Frame
from bordermap.mapping.payload import Template

__all__ = ["FitView", "FRAME_MARGIN_PX"]

#: Space kept between the framed box and the map's edge or the nearest box, CSS pixels (a
#: selected marker's radius and its outline fit in it).
FRAME_MARGIN_PX = 16


class FitView(MacroElement):
    """Set the map's view to ``frame`` once every control is on the map (after the page's
    script, before the first paint)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }}, frame = {{ this.frame|tojavascript }};
          var box = map.getContainer();
          box.setAttribute("data-bm-frame", "pending");
          function extents() {
            var outer = box.getBoundingClientRect(), out = [];
            ["topleft", "topright", "bottomleft", "bottomright"].forEach(function (corner) {
              var el = map._controlCorners && map._controlCorners[corner];
              if (!el) return;
              Array.prototype.forEach.call(el.children, function (child) {
                var r = child.getBoundingClientRect();
                if (!r.width || !r.height) return;
                out.push({
                  top: corner.charAt(0) === "t",
                  left: corner.indexOf("left") > 0,
                  h: corner.charAt(0) === "t" ? r.bottom - outer.top : outer.bottom - r.top,
                  w: corner.indexOf("left") > 0 ? r.right - outer.left : outer.right - r.left
                });
              });
            });
            return out.slice(0, 12);  // a map has a handful; 2^n layouts are tried
          }
          function padding() {
            var size = map.getSize(), boxes = extents(), best = null;
            for (var pick = 0; pick < (1 << boxes.length); pick++) {
              var p = {t: 0, b: 0, l: 0, r: 0};
              boxes.forEach(function (e, i) {
                if ((pick >> i) & 1) { if (e.top) p.t = Math.max(p.t, e.h); else p.b = Math.max(p.b, e.h); }
                else if (e.left) p.l = Math.max(p.l, e.w); else p.r = Math.max(p.r, e.w);
              });
              var w = size.x - p.l - p.r, h = size.y - p.t - p.b;
              // A clear part thinner than a third of the map is no place for the events.
              if (w < size.x / 3 || h < size.y / 3) continue;
              if (!best || w * h > best.area) { p.area = w * h; best = p; }
            }
            best = best || {t: 0, b: 0, l: 0, r: 0};
            var m = frame.margin;
            return {topLeft: [best.l + m, best.t + m], bottomRight: [best.r + m, best.b + m]};
          }
          function fit() {
            if (frame.bounds) {
              var p = padding();
              map.fitBounds(frame.bounds, {paddingTopLeft: p.topLeft, paddingBottomRight: p.bottomRight,
                                           maxZoom: frame.maxZoom, animate: false});
            } else {
              map.setView(frame.center, frame.zoom, {animate: false});
            }
            box.setAttribute("data-bm-frame", "done");
          }
          box.bmRefit = fit;
          Promise.resolve().then(fit);  // after the rest of this script has added the controls
        })();
        {% endmacro %}
        """
    )

    def __init__(self, frame: Frame, margin: int = FRAME_MARGIN_PX):
        super().__init__()
        self._name = "FitView"
        self.frame = {**frame.to_js(), "margin": margin}
