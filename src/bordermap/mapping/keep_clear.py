"""The map's right-hand controls (layers, legend) kept clear of a box in the page that hosts the
map's frame — the app's detail drawer, which lies over the map's right side.

The app's map lives in an iframe (streamlit-folium, same origin) and the drawer in the page
around it, so CSS cannot move one for the other. The browser follows the box: whenever the host
page changes (the drawer opens, closes, is resized with the window) or a right-hand control grows
(the legend opened), it measures how far the box reaches into the frame from the right and moves
each right-hand control that lies in the box's rows that far in; a control above or below the
box (the attribution under the drawer) stays where it is, and a box that is hidden or beside the
frame moves nothing. A standalone export (no hosting frame)
or a host of another origin is left alone. The map's container carries
``data-bm-clear-of`` with the inset in CSS pixels (``0`` when no control was moved).
"""

from __future__ import annotations

from branca.element import MacroElement

from bordermap.mapping.payload import Template

__all__ = ["KeepClear"]


class KeepClear(MacroElement):
    """Keep the map's ``topright`` and ``bottomright`` controls clear of the element of the
    hosting page that ``selector`` finds."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }}, selector = {{ this.selector|tojavascript }};
          var frame = null, host = null;
          try { frame = window.frameElement; host = frame && frame.ownerDocument; } catch (e) { return; }
          if (!frame || !host || !host.body) return;
          var corners = ["topright", "bottomright"].map(function (k) { return map._controlCorners[k]; })
            .filter(Boolean);
          var box = map.getContainer(), queued = false;
          // How far the box reaches into the frame from its right edge, and over which rows
          // (frame coordinates); null when it is hidden or beside the frame.
          function reach() {
            var el = host.querySelector(selector);
            if (!el) return null;
            var r = el.getBoundingClientRect(), f = frame.getBoundingClientRect();
            if (!(r.width > 0 && r.height > 0 && r.left < f.right && r.right > f.left && r.top < f.bottom && r.bottom > f.top)) return null;
            return {inset: Math.max(0, Math.min(Math.round(f.right - r.left), Math.round(f.width))),
                    top: r.top - f.top, bottom: r.bottom - f.top};
          }
          function update() {
            queued = false;
            var d = reach(), moved = 0;
            corners.forEach(function (c) {
              Array.prototype.forEach.call(c.children, function (ctl) {
                ctl.style.marginRight = "";  // measured where Leaflet puts it
                if (!d) return;
                var r = ctl.getBoundingClientRect();
                if (!(r.height > 0 && r.top < d.bottom && r.bottom > d.top)) return;  // above or below the box
                ctl.style.marginRight = (parseFloat(getComputedStyle(ctl).marginRight) || 0) + d.inset + "px";
                moved = d.inset;
              });
            });
            box.setAttribute("data-bm-clear-of", String(moved));
          }
          function soon() { if (!queued) { queued = true; window.requestAnimationFrame(update); } }
          new MutationObserver(soon).observe(host.body, {childList: true, subtree: true});
          (host.defaultView || window).addEventListener("resize", soon);
          window.addEventListener("resize", soon);
          // A control that grows (the legend opened) may reach the box's rows.
          if (window.ResizeObserver) corners.forEach(function (c) { new ResizeObserver(soon).observe(c); });
          update();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, selector: str):
        super().__init__()
        self._name = "KeepClear"
        self.selector = selector
