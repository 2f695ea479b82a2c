"""Map controls made of our own text: the legend, a title box and a footer (exports)."""

from __future__ import annotations

from branca.element import MacroElement

from bordermap.mapping.payload import Template
from markupsafe import Markup

from bordermap.mapping.style import (BORDER_COLOR, CONFIDENCE_LEGEND, POINT_RADIUS, RING_KM, TYPE_COLORS, TYPE_SHAPES,
                                     marker_svg)

__all__ = ["Legend", "TitleBox", "Footer", "Attribution"]


class Legend(MacroElement):
    """What shapes, colours, outlines, centre marks, hollow markers, rings and arrows mean. All text
    is escaped; the swatches are drawn by :func:`~bordermap.mapping.style.marker_svg` from our own
    constants, like the map's markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var ctl = L.control({position: {{ this.position|tojavascript }}});
          ctl.onAdd = function () {
            var div = L.DomUtil.create("div", "bm-legend");
            div.innerHTML = {{ this.html|tojavascript }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
          };
          ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )
    _body = Template(
        """<details{% if open %} open{% endif %}><summary>Legend</summary><h4>Events</h4>
{%- for name, swatch in types %}
<div class="bm-row bm-type">{{ swatch }}{{ name|e }}</div>
{%- endfor %}
{%- if datasets %}
<div class="bm-sec">Datasets (mark at the centre)</div>
{%- for title, swatch in datasets %}
<div class="bm-row bm-dataset">{{ swatch }}{{ title|e }}</div>
{%- endfor %}
{%- endif %}
<div class="bm-sec">Confidence (outline)</div>
{%- for name, color, dash in confidence %}
<div class="bm-row"><svg width="18" height="14"><circle cx="9" cy="7" r="5.5" fill="#bbb" stroke="{{ color|e }}" stroke-width="2"{% if dash %} stroke-dasharray="{{ dash|e }}"{% endif %}{% if name == 'unconfirmed' %} fill-opacity="0.4"{% endif %}/></svg>{{ name|e }}</div>
{%- endfor %}
<div class="bm-sec">Precision</div>
<div class="bm-row"><svg width="18" height="14"><circle cx="9" cy="7" r="5" fill="#fff" stroke="#555" stroke-width="3"/></svg>date known only to the month or year</div>
<div class="bm-row"><svg width="18" height="14"><circle cx="9" cy="7" r="6" fill="#999" fill-opacity=".15" stroke="#555" stroke-dasharray="3 2"/></svg>place approximate: ring {{ ring2|e }} km (near) / {{ ring3|e }} km (region)</div>
<div class="bm-row"><svg width="18" height="14"><line x1="1" y1="7" x2="13" y2="7" stroke="#555" stroke-width="3"/><path d="M12 3 L17 7 L12 11 Z" fill="#555"/></svg>movement (arrow = direction)</div>
{%- if reference %}
<div class="bm-sec">Reference</div>
<div class="bm-row"><svg width="18" height="14"><line x1="1" y1="7" x2="17" y2="7" stroke="{{ border|e }}" stroke-width="3"/></svg>Afghan–Tajik border</div>
<div class="bm-row"><svg width="18" height="14"><circle cx="9" cy="7" r="5" fill="#fff" stroke="#000" stroke-width="3"/></svg>bridge across the Panj</div>
{%- endif %}</details>"""
    )

    def __init__(self, *, position: str = "bottomright", reference: bool = True, open: bool = True,
                 datasets: list[tuple[str, str]] | None = None):
        super().__init__()
        self._name = "Legend"
        self.position = position
        self.html = self._body.render(
            types=[(name, Markup(marker_svg(TYPE_SHAPES[name], fill=colour, stroke="#333", width=1.2, r=5.5)))
                   for name, colour in TYPE_COLORS.items()],
            # at the map's marker size: the marks are small
            datasets=[(title, Markup(marker_svg("circle", fill="#ddd", stroke="#555", width=1.2, r=POINT_RADIUS,
                                                mark=mark, same_box=False)))
                      for title, mark in datasets or []],
            confidence=CONFIDENCE_LEGEND, ring2=f"{RING_KM[2]:g}",
            ring3=f"{RING_KM[3]:g}",
            border=BORDER_COLOR, reference=reference, open=open)


class _TextBox(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var ctl = L.control({position: {{ this.position|tojavascript }}});
          ctl.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.css_class|tojavascript }});
            var lines = {{ this.lines|tojavascript }};
            lines.forEach(function (line, i) {
              var e = document.createElement(i === 0 && {{ this.heading|tojavascript }} ? "h1" : "div");
              e.textContent = line;
              div.appendChild(e);
            });
            return div;
          };
          ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lines: list[str], *, position: str, css_class: str, heading: bool):
        super().__init__()
        self._name = type(self).__name__
        self.lines = [str(x) for x in lines if x]
        self.position = position
        self.css_class = css_class
        self.heading = heading


class TitleBox(_TextBox):
    """A title and subtitle in the map's top-left corner (text only, set with textContent)."""

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__([title, subtitle], position="topleft", css_class="bm-title", heading=True)


class Footer(_TextBox):
    """Export time, active filters and attributions, bottom-left."""

    def __init__(self, lines: list[str]):
        super().__init__(lines, position="bottomleft", css_class="bm-footer", heading=False)


class Attribution(MacroElement):
    """Credit lines in Leaflet's attribution control (which renders HTML: the text is escaped)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|e|tojavascript }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = text
