"""CSS for the page (panel typography, badges). Static text, no data."""

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
