"""A storyline player for standalone presentations: the caption card, Next/Previous and the keys.

One folium plugin (a ``MacroElement`` with its template). The steps arrive precomputed from
Python (the card's text blocks, plus the event to fly to or the view), so the file shows the same
card as the app's briefing mode; the card is built with ``textContent`` only. Flying, dimming and
highlighting are ``Bordermap.select``/``Bordermap.view`` from ``bordermap.js``.

Keys: → / PageDown next, ← / PageUp previous (what presentation clickers send), Home/End first
and last. The step is kept in the URL hash (``#step=4``), so reopening the file there resumes.
"""

from __future__ import annotations

from typing import Any, Sequence

from branca.element import MacroElement

from bordermap.mapping.payload import Template, to_script_json

__all__ = ["StorylinePlayer", "CardBlock"]

#: One line of the card: ``{"tag": "h1", "cls": "bm-card-title", "text": ..., "label": ...}``
#: (``label``, optional, is shown bold before the text, e.g. "Source:").
CardBlock = dict[str, str]

# The card is the app's briefing card (ui/style.py BRIEF_CSS: title >= 28 px, body >= 18 px at
# 1280x720) beside a map that fills the rest of the window; below it on narrow screens.
_CSS = """
<style>
:root { --bm-card-w: clamp(340px, 36vw, 560px); }
html, body { height: 100%; margin: 0; overflow: hidden; }
.folium-map { position: fixed !important; top: 0 !important; left: 0 !important; bottom: 0;
  right: var(--bm-card-w); width: auto !important; height: auto !important; }
.bm-footer { max-width: calc(100vw - var(--bm-card-w) - 150px); }
.bm-present-card { position: fixed; top: 0; right: 0; bottom: 0; width: var(--bm-card-w); box-sizing: border-box;
  display: flex; flex-direction: column; padding: 16px 18px 14px 18px; background: #fff; color: #111;
  border-left: 1px solid #c8c8c8; z-index: 1000;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.bm-present-card .bm-card { flex: 1 1 auto; overflow-y: auto; font-size: 19px; line-height: 1.4; }
.bm-present-card .bm-card-step { font-size: 18px; color: #333; text-transform: uppercase; letter-spacing: .03em;
  margin-bottom: .3rem; }
.bm-present-card .bm-card-title { font-size: 30px; line-height: 1.2; margin: 0 0 .4rem 0; padding: 0;
  font-weight: 700; color: #000; }
.bm-present-card .bm-card-meta { font-size: 19px; font-weight: 600; color: #1a1a1a; margin-bottom: .5rem; }
.bm-present-card .bm-card-caption { font-size: 20px; margin: 0 0 .6rem 0; }
.bm-present-card .bm-card-claims, .bm-present-card .bm-card-source,
.bm-present-card .bm-card-conf { font-size: 18px; margin-bottom: .35rem; }
.bm-present-card .bm-card-label { font-weight: 700; }
.bm-present-card .bm-card-conf-disputed { color: #a0001c; font-weight: 600; }
.bm-present-card .bm-card-conf-unconfirmed { color: #333; font-style: italic; }
.bm-present-nav { display: flex; gap: 14px; padding-top: 12px; }
.bm-present-nav button { flex: 1 1 0; font: inherit; font-size: 19px; min-height: 3rem; border-radius: 8px;
  border: 1px solid #b5b5b5; background: #fff; color: #111; cursor: pointer; }
.bm-present-nav .bm-present-next { background: #b3263a; border-color: #b3263a; color: #fff; }
.bm-present-nav button:disabled { opacity: .4; cursor: default; }
.bm-present-nav button:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
.bm-present-hint { font-size: 14px; color: #444; margin-top: 8px; text-align: center; }
@media (max-width: 760px), (max-aspect-ratio: 1/1) {
  :root { --bm-card-w: 100vw; }
  .folium-map { right: 0 !important; bottom: 45vh !important; }
  .bm-present-card { top: 55vh; border-left: none; border-top: 1px solid #c8c8c8; }
  .bm-footer { max-width: 70vw; max-height: 4.6em; overflow-y: auto; }
}
</style>
"""


class StorylinePlayer(MacroElement):
    """Step through a storyline on the map it is added to.

    Parameters
    ----------
    steps
        One dict per step: ``card`` (a list of :data:`CardBlock`), and either ``event`` (an event
        id on the map) with ``zoom`` (how close to fly), or ``view``
        (``{"center": [lat, lon], "zoom": z}``).
    label
        What assistive technology calls the card (the storyline's title).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        {{ this.css }}
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
          var steps = {{ this.steps }};
          var opts = {{ this.options|tojavascript }};
          var map = {{ this._parent.get_name() }};
          var B = window.Bordermap, el = B.el, index = -1;

          var card = el("section", "bm-present-card");
          card.setAttribute("aria-label", opts.label);
          var body = el("div", "bm-card");
          body.setAttribute("aria-live", "polite");
          var nav = el("nav", "bm-present-nav");
          var prev = el("button", "bm-present-prev", opts.previous);
          var next = el("button", "bm-present-next", opts.next);
          prev.type = next.type = "button";
          nav.appendChild(prev); nav.appendChild(next);
          card.appendChild(body); card.appendChild(nav);
          card.appendChild(el("div", "bm-present-hint", opts.hint));
          document.body.appendChild(card);

          function render(blocks) {
            body.textContent = "";
            blocks.forEach(function (b) {
              var e = el(b.tag, b.cls);
              if (b.label) {
                e.appendChild(el("span", "bm-card-label", b.label));
                e.appendChild(document.createTextNode(" "));
              }
              e.appendChild(document.createTextNode(b.text));
              body.appendChild(e);
            });
            body.scrollTop = 0;
          }
          function fromHash() {
            var m = /(?:^#|&)step=(\\d+)/.exec(location.hash);
            return m ? parseInt(m[1], 10) - 1 : 0;
          }
          function go(i) {
            i = Math.max(0, Math.min(steps.length - 1, i));
            if (i === index) return index;
            index = i;
            var s = steps[i];
            render(s.card);
            prev.disabled = i === 0;
            next.disabled = i === steps.length - 1;
            if (s.event !== undefined && s.event !== null) {
              B.select(s.event, {fly: true, dim: true, maxZoom: s.zoom});
            } else {
              B.select(null, {dim: false});
              B.view(s.view.center, s.view.zoom);
            }
            var hash = "#step=" + (i + 1);
            if (location.hash !== hash) {
              try { history.replaceState(null, "", hash); } catch (err) { location.replace(hash); }
            }
            return index;
          }
          function typing(t) {
            if (!t || !t.tagName) return false;
            if (t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT") return true;
            return t.tagName === "INPUT" && ["checkbox", "radio", "button"].indexOf(t.type) < 0;
          }
          // Capture phase on window: before Leaflet's own arrow-key panning sees the key.
          window.addEventListener("keydown", function (e) {
            if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
            var to = {ArrowRight: index + 1, PageDown: index + 1, ArrowLeft: index - 1, PageUp: index - 1,
                      Home: 0, End: steps.length - 1}[e.key];
            if (to === undefined) return;
            e.preventDefault(); e.stopPropagation();
            go(to);
          }, true);
          prev.addEventListener("click", function () { go(index - 1); });
          next.addEventListener("click", function () { go(index + 1); });
          window.addEventListener("hashchange", function () { go(fromHash()); });

          B.player = { go: go, index: function () { return index; }, count: steps.length };
          function start() { go(fromHash()); }
          if (B.layers.length) start(); else map.once("bordermap:ready", start);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, steps: Sequence[dict[str, Any]], *, label: str):
        super().__init__()
        self._name = "StorylinePlayer"
        if not steps:
            raise ValueError("a storyline player needs at least one step")
        self.steps = to_script_json(list(steps))
        self.options = {"label": label, "previous": "◀ Previous", "next": "Next ▶",
                        "hint": "→ / PageDown next · ← / PageUp previous"}
        self.css = _CSS
