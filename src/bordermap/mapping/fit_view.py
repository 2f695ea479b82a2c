"""The map's opening view as a folium plugin: fit a :class:`~bordermap.mapping.framing.Bounds`
clear of the map's own boxes (title, legend, footer, slider, attribution), or open a
:class:`~bordermap.mapping.framing.View`.

Python decides *what* to frame (``bordermap.mapping.framing``); the browser only measures where
the boxes sit, which depends on the window, and takes the closest zoom (in ``zoomSnap`` steps,
at most the frame's ``maxZoom``) at which the box fits beside all of them, as near the middle
as the free space allows; a plain ``fitBounds`` if it fits nowhere. The map's
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
          function obstacles() {
            var outer = box.getBoundingClientRect(), out = [];
            ["topleft", "topright", "bottomleft", "bottomright"].forEach(function (corner) {
              var el = map._controlCorners && map._controlCorners[corner];
              if (!el) return;
              Array.prototype.forEach.call(el.children, function (child) {
                var r = child.getBoundingClientRect();
                if (r.width && r.height) out.push({x0: r.left - outer.left, y0: r.top - outer.top,
                                                  x1: r.right - outer.left, y1: r.bottom - outer.top});
              });
            });
            return out;
          }
          function clear(obs, x, y, w, h) {
            return obs.every(function (o) { return o.x1 <= x || o.x0 >= x + w || o.y1 <= y || o.y0 >= y + h; });
          }
          // The free run along one axis around a clear placement, to centre the box in it.
          function slide(obs, x, y, w, h, size, horizontal) {
            var lo = 0, hi = horizontal ? size.x - w : size.y - h, at = horizontal ? x : y;
            obs.forEach(function (o) {
              var across = horizontal ? !(o.y1 <= y || o.y0 >= y + h) : !(o.x1 <= x || o.x0 >= x + w);
              if (!across) return;
              if (horizontal) { if (o.x1 <= x) lo = Math.max(lo, o.x1); else hi = Math.min(hi, o.x0 - w); }
              else { if (o.y1 <= y) lo = Math.max(lo, o.y1); else hi = Math.min(hi, o.y0 - h); }
            });
            var centred = ((horizontal ? size.x - w : size.y - h)) / 2;
            return lo <= hi ? Math.min(Math.max(centred, lo), hi) : at;
          }
          // The closest zoom at which the box (plus the margin) fits beside every control, and
          // where: candidate edges are the map's and the controls'.
          function place(bounds) {
            var size = map.getSize(), obs = obstacles(), m = frame.margin, step = map.options.zoomSnap || 1;
            var top = Math.min(frame.maxZoom, map.getMaxZoom());
            for (var z = Math.floor(top / step) * step; z >= map.getMinZoom(); z -= step) {
              var nw = map.project(bounds.getNorthWest(), z), se = map.project(bounds.getSouthEast(), z);
              var w = se.x - nw.x + 2 * m, h = se.y - nw.y + 2 * m, best = null;
              if (w > size.x || h > size.y) continue;
              var xs = [0, size.x - w], ys = [0, size.y - h];
              obs.forEach(function (o) { xs.push(o.x1, o.x0 - w); ys.push(o.y1, o.y0 - h); });
              xs.forEach(function (x) {
                ys.forEach(function (y) {
                  if (x < 0 || y < 0 || x + w > size.x || y + h > size.y || !clear(obs, x, y, w, h)) return;
                  x = slide(obs, x, y, w, h, size, true);
                  y = slide(obs, x, y, w, h, size, false);
                  var d = Math.abs(x + w / 2 - size.x / 2) + Math.abs(y + h / 2 - size.y / 2);
                  if (!best || d < best.d) best = {x: x, y: y, d: d};
                });
              });
              if (best) {
                // Put the box's centre where the placement's centre is.
                var centre = nw.add(se).divideBy(2).add(size.divideBy(2))
                  .subtract(L.point(best.x + w / 2, best.y + h / 2));
                return {center: map.unproject(centre, z), zoom: z};
              }
            }
            return null;
          }
          function fit(early) {
            var at = frame.bounds ? place(L.latLngBounds(frame.bounds)) : {center: frame.center, zoom: frame.zoom};
            if (at) map.setView(at.center, at.zoom, {animate: false});
            else map.fitBounds(frame.bounds, {padding: [frame.margin, frame.margin], maxZoom: frame.maxZoom, animate: false});
            if (early !== true) box.setAttribute("data-bm-frame", "done");
          }
          box.bmRefit = fit;
          // Once the rest of this script has added the controls (no first paint at the region),
          // and again after the controls' own first updates (the slider's label) have settled.
          Promise.resolve().then(function () { fit(true); setTimeout(fit, 0); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, frame: Frame, margin: int = FRAME_MARGIN_PX):
        super().__init__()
        self._name = "FitView"
        self.frame = {**frame.to_js(), "margin": margin}
