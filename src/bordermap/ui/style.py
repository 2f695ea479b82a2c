"""CSS for the page (panel typography, badges), and escaping data for Streamlit's Markdown."""

import re

PAGE_CSS = """
<style>
.block-container { padding-top: 3.6rem; padding-bottom: 1rem; }
h3 { padding-top: 0 !important; }
.bm-panel { font-size: 0.95rem; line-height: 1.45; max-height: 640px; overflow-y: auto; padding-right: 6px; }
.bm-panel-title { margin: 0 0 .3rem 0; font-size: 1.25rem; }
.bm-panel h4 { margin: .8rem 0 .25rem 0; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #444; }
.bm-panel dl { display: grid; grid-template-columns: 5.5rem 1fr; gap: .15rem .6rem; margin: .5rem 0; }
.bm-panel dt { font-weight: 600; color: #444; }
.bm-panel dd { margin: 0; }
.bm-panel ul { margin: 0 0 .3rem 0; padding-left: 1.1rem; }
.bm-badge { display: inline-block; border: 2px solid #888; border-radius: 999px; padding: 0 .5rem; font-size: .78rem; margin-right: .3rem; }
.bm-badge.bm-type .bm-swatch { vertical-align: -3px; margin-right: .25rem; }
.bm-conf-confirmed { border-color: #111; }
.bm-conf-reported { border-color: #555; }
.bm-conf-disputed { border-color: #b00020; color: #b00020; border-style: dashed; }
.bm-conf-unconfirmed { border-color: #666; color: #555; border-style: dotted; font-style: italic; }
.bm-note { font-size: .82rem; color: #555; }
.bm-dim { color: #666; font-size: .85rem; }
.bm-claims { border-collapse: collapse; width: 100%; font-size: .88rem; }
.bm-claims th, .bm-claims td { border-bottom: 1px solid #ddd; text-align: left; padding: .2rem .4rem .2rem 0; vertical-align: top; }
.bm-id { margin-top: .6rem; }
</style>
"""

#: The map's least height, CSS px (st_folium's ``height``); MAP_FIRST_CSS makes it fill the window.
MAP_MIN_HEIGHT = 420
#: The detail drawer's container key, and the class Streamlit gives it (the map's right-hand
#: controls keep clear of it: bordermap.mapping.keep_clear).
DRAWER_KEY = "bm-drawer"
DRAWER_SELECTOR = f".st-key-{DRAWER_KEY}"

# Exploring: the map is the page. The top bar, then the map (its timeline inside its frame) down
# to the folded events table; the detail panel is a drawer over the map's right side.
MAP_FIRST_CSS = f"""
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stDecoration"], footer {{ display: none !important; }}
.block-container {{ padding: .45rem .75rem 0 .75rem !important; max-width: 100% !important; }}
.block-container > [data-testid="stVerticalBlock"], .block-container > div > [data-testid="stVerticalBlock"] {{ gap: .4rem !important; }}
.st-key-bm-bar {{ min-height: 44px; flex-wrap: nowrap !important; }}
.st-key-bm-bar button, .st-key-bm-bar a {{ white-space: nowrap; }}
.st-key-bm-head {{ flex: 1 1 0 !important; min-width: 0; min-height: 40px; overflow: hidden; justify-content: center; gap: 0 !important; }}
.st-key-bm-head > div {{ flex: 0 0 auto !important; }}
.st-key-bm-head [data-testid="stMarkdown"] *, .st-key-bm-head [data-testid="stCaptionContainer"] {{ margin-bottom: 0 !important; }}
.st-key-bm-head p {{ margin: 0 !important; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: 1.3; }}
.st-key-bm-head [data-testid="stCaptionContainer"] p {{ font-size: .8rem; }}
iframe[title="streamlit_folium.st_folium"] {{ height: max({MAP_MIN_HEIGHT}px, calc(100vh - 118px)) !important; display: block; }}
{DRAWER_SELECTOR} {{ position: fixed; top: 62px; right: 14px; width: min(430px, 36vw); z-index: 1000;
  max-height: calc(100vh - 62px - 160px);  /* clear of the timeline under the map */ overflow-y: auto; background: #fff; border: 1px solid #c8ced3;
  border-radius: 8px; box-shadow: 0 4px 18px rgba(0,0,0,.18); padding: .6rem .8rem .8rem .8rem; }}
{DRAWER_SELECTOR}:not(:has(.st-key-bm-drawer-body)) {{ display: none; }}
/* out of the page's flow, so opening the drawer adds no gap and the map stays put */
[data-testid="stLayoutWrapper"]:has(> {DRAWER_SELECTOR}) {{ position: fixed; z-index: 1000; }}
{DRAWER_SELECTOR} .bm-panel {{ max-height: none; overflow: visible; }}
.st-key-bm-drawer-body .stButton button {{ justify-content: flex-start; text-align: left; }}
.st-key-bm-drawer-bar button {{ padding: .1rem .5rem; min-height: 2rem; }}
.st-key-bm-table summary {{ padding-top: .3rem; padding-bottom: .3rem; }}
.st-key-bm-table:has(details[open]) {{ position: fixed; left: .75rem; right: .75rem; bottom: 0; z-index: 1001;
  max-height: 46vh; overflow-y: auto; background: #fff; box-shadow: 0 -4px 18px rgba(0,0,0,.18); border-radius: 8px 8px 0 0; }}
</style>
"""

# The review page: no chrome, the report scrolls on its own beside the proposals; each field's
# evidence has its own tint (and a border, so the fields differ without colour too).
REVIEW_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stDecoration"], footer { display: none !important; }
.block-container { padding: .45rem .9rem 1rem .9rem !important; max-width: 100% !important; }
.st-key-rv-bar { min-height: 44px; flex-wrap: nowrap !important; }
.st-key-rv-bar button, .st-key-rv-bar a { white-space: nowrap; }
.st-key-rv-head { flex: 1 1 0 !important; min-width: 0; min-height: 40px; overflow: hidden; justify-content: center; gap: 0 !important; }
.st-key-rv-head > div { flex: 0 0 auto !important; }
.st-key-rv-head [data-testid="stMarkdown"] *, .st-key-rv-head [data-testid="stCaptionContainer"] { margin-bottom: 0 !important; }
.st-key-rv-head p { margin: 0 !important; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: 1.3; }
.st-key-rv-head [data-testid="stCaptionContainer"] p { font-size: .8rem; }
.st-key-rv-bar [data-testid="stSelectbox"] { min-width: 16rem; max-width: 24rem; }
.st-key-rv-bar [data-testid="stTextInput"] { min-width: 9rem; max-width: 12rem; }
.st-key-rv-report { position: sticky; top: .5rem; max-height: calc(100vh - 80px); overflow-y: auto; border: 1px solid #d8dde2; border-radius: 8px;
  padding: .6rem 1rem; background: #fff; }
.bm-report { font-size: 1rem; line-height: 1.65; color: #1a1a1a; }
.bm-report p { margin: 0 0 .7rem 0; unicode-bidi: plaintext; }
.bm-report mark { unicode-bidi: isolate; color: inherit; border-radius: 3px; padding: 0 .12rem; border-bottom: 2px solid transparent; }
.bm-report .bm-report-legend { font-size: .8rem; line-height: 1.9; margin-bottom: .5rem; color: #333; }
.bm-report .bm-report-note { font-size: .85rem; color: #8a4b00; background: #fff5e6; padding: .3rem .5rem; border-radius: 4px; }
.bm-report .bm-report-gap { color: #888; margin: 0 0 .4rem 0; }
.bm-ev-sentence { background: #f3f1ea; }
.bm-ev-location { background: #cfe3ff; border-bottom-color: #0077bb !important; }
.bm-ev-unresolved { background: #eadcff; border-bottom: 2px dashed #7744aa !important; }
.bm-ev-date { background: #ffe7a0; border-bottom-color: #b08800 !important; }
.bm-ev-event_type { background: #d3f2d3; border-bottom-color: #228833 !important; }
.bm-ev-fatalities { background: #ffcfd4; border-bottom-color: #cc3311 !important; }
.bm-ev-injuries { background: #ffe0c2; border-bottom-color: #ee7733 !important; }
.bm-ev-actors { background: #e6e6e6; border-bottom-color: #555 !important; }
.bm-focus { outline: 2px solid #222; }
.bm-ctl { font: .75rem monospace; color: #b00020; border: 1px solid #b00020; border-radius: 3px; padding: 0 .15rem; }
.st-key-rv-dups { background: #fffaf0; }
</style>
"""

# Briefing mode: no chrome, big high-contrast type (title >= 28 px, body >= 18 px at 1280x720).
BRIEF_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container { padding: 0.6rem 0.8rem 0 0.8rem !important; max-width: 100% !important; }
.bm-card { font-size: 19px; line-height: 1.4; color: #111; background: #fff; }
.bm-card-step { font-size: 18px; color: #333; text-transform: uppercase; letter-spacing: .03em; margin-bottom: .3rem; }
.bm-card-title { font-size: 30px !important; line-height: 1.2 !important; margin: 0 0 .4rem 0 !important; padding: 0 !important;
  font-weight: 700; color: #000; }
.bm-card-meta { font-size: 19px; font-weight: 600; color: #1a1a1a; margin-bottom: .5rem; }
.bm-card-caption { font-size: 20px; margin: 0 0 .6rem 0; }
.bm-card-claims, .bm-card-source, .bm-card-conf { font-size: 18px; margin-bottom: .35rem; }
.bm-card-label { font-weight: 700; }
.bm-card-conf-disputed { color: #a0001c; font-weight: 600; }
.bm-card-conf-unconfirmed { color: #333; font-style: italic; }
.stButton button { font-size: 19px !important; min-height: 3rem; }
.stButton button p { font-size: 19px !important; }
</style>
"""

# Presentation clickers send PageDown/PageUp; the arrows work too, also while the map has focus.
BRIEF_KEYS_JS = """
<script>
(function () {
  var doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.__bordermapKeys) return;
  doc.__bordermapKeys = true;
  // A press that arrives while the page is redrawing is held until it is idle, not lost.
  function press(key, tries) {
    tries = tries || 0;
    var app = doc.querySelector("[data-testid='stApp']");
    var busy = app && app.getAttribute("data-test-script-state") === "running";
    var sel = (key === "next") ? ".st-key-brief_next button" : ".st-key-brief_prev button";
    var b = doc.querySelector(sel);
    if ((busy || !b) && tries < 100) { setTimeout(function () { press(key, tries + 1); }, 100); return; }
    if (b && !b.disabled) b.click();
  }
  function onKey(e) {
    var t = e.target && e.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA") return;
    if (e.key === "ArrowRight" || e.key === "PageDown") { e.preventDefault(); e.stopPropagation(); press("next"); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { e.preventDefault(); e.stopPropagation(); press("prev"); }
  }
  doc.addEventListener("keydown", onKey, true);
  // The map lives in an iframe: listen there too, as soon as each frame document exists.
  function hookFrame(f) {
    try {
      var d = f.contentDocument;
      if (d && !d.__bordermapKeys) { d.__bordermapKeys = true; d.addEventListener("keydown", onKey, true); }
    } catch (err) { /* another origin: not ours */ }
  }
  function hookFrames() {
    doc.querySelectorAll("iframe").forEach(function (f) {
      hookFrame(f);
      if (!f.__bordermapLoad) { f.__bordermapLoad = true; f.addEventListener("load", function () { hookFrame(f); }); }
    });
  }
  hookFrames();
  new MutationObserver(hookFrames).observe(doc.body, { childList: true, subtree: true });
  setInterval(hookFrames, 250);
})();
</script>
"""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=^&])")


def escape_markdown(text: str) -> str:
    """Text from data shown through Streamlit's Markdown (st.caption, st.warning ...) as it is:
    every Markdown/LaTeX/emoji-code character backslash-escaped (CommonMark allows it for any
    ASCII punctuation), so a value can neither format, link nor typeset."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
