"""Render an HTML map export to PNG in headless Chromium (Debian's, driven by Playwright).

The page is opened from a temporary file, as a reader would open it from a USB stick, with every
request other than ``file:``/``data:``/``blob:``/``about:`` aborted, so the image shows exactly
what the offline file shows. Playwright never downloads a browser here: it is pointed at the
system's ``chromium``.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bordermap.errors import BordermapError

__all__ = ["RendererUnavailable", "RenderError", "chromium_executable", "render_png", "CHROMIUM_ARGS",
           "STATIC_VIEW_CSS", "prepare_page"]

CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                 "--disable-dev-shm-usage")

#: What a still image does not need: controls only a mouse can use. The legend, title, footer,
#: scale and attribution stay.
STATIC_VIEW_CSS = (".leaflet-control-zoom, .leaflet-control-layers, .bm-slider { display: none !important; }")

_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
_DRAWN = """() => !!(window.Bordermap && Bordermap.layers && Bordermap.layers.length
                      && typeof Bordermap.count === 'function'
                      && document.querySelector('.leaflet-container'))"""
#: With the interactive controls hidden, fit the frame again to the space they leave (a page
#: without a frame has nothing to refit), and wait until the view is set.
_REFIT = """() => { const el = document.querySelector('[data-bm-frame]');
                   if (el && el.bmRefit) el.bmRefit(); return true; }"""
_FRAMED = "() => !document.querySelector('[data-bm-frame=\"pending\"]')"
_TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


class RendererUnavailable(BordermapError):
    """No Chromium to render with (PNG exports need one)."""


class RenderError(BordermapError):
    """Chromium ran but the page did not draw."""


def chromium_executable() -> str:
    """Path of the system Chromium; raises :class:`RendererUnavailable` with what to install."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RendererUnavailable("PNG export needs a Chromium browser and none is on PATH; "
                                  "install Debian's chromium: apt-get install chromium")
    return path


def _render(html: str, width: int, height: int, scale: float, timeout_ms: float) -> bytes:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    with tempfile.TemporaryDirectory(prefix="bordermap-render-") as tmp:
        page_file = Path(tmp) / "map.html"
        page_file.write_text(html, "utf-8")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS),
                                             headless=True)
                try:
                    ctx = browser.new_context(viewport={"width": width, "height": height},
                                              device_scale_factor=scale)
                    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(_LOCAL_SCHEMES)
                              else r.abort())
                    page = ctx.new_page()
                    page.goto(page_file.as_uri(), wait_until="load", timeout=timeout_ms)
                    prepare_page(page, timeout_ms)
                    return page.screenshot(type="png", full_page=False)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise RenderError(f"Chromium could not render the map: {first}") from None


def prepare_page(page, timeout_ms: float = 60_000) -> None:
    """Make an opened export page what the PNG shows: interactive controls hidden, events drawn,
    fonts loaded, the frame fitted to the space left, two frames painted. Shared with the tests,
    which then read the map's view."""
    page.add_style_tag(content=STATIC_VIEW_CSS)
    page.wait_for_function(_DRAWN, timeout=timeout_ms)
    page.evaluate("() => document.fonts ? document.fonts.ready.then(() => true) : true")
    page.evaluate(_REFIT)
    page.wait_for_function(_FRAMED, timeout=timeout_ms)
    page.evaluate(_TWO_FRAMES)


def render_png(html: str, *, size: tuple[int, int] = (1600, 1000), scale: float = 1.0,
               timeout_ms: float = 60_000) -> bytes:
    """A PNG screenshot of an HTML map export, ``size`` CSS pixels (× ``scale`` device pixels).

    Runs in a worker thread, because Playwright's sync API refuses to run on a thread that has
    an asyncio loop (as Streamlit's and Jupyter's may).

    Raises
    ------
    RendererUnavailable
        No ``chromium`` on PATH.
    RenderError
        Chromium failed to start, or the map did not draw within ``timeout_ms``.
    """
    width, height = size
    if not (100 <= width <= 10_000 and 100 <= height <= 10_000):
        raise ValueError(f"image size {width}x{height} is out of range (100 to 10000 pixels a side)")
    chromium_executable()  # fail early, with the install hint, before starting a thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_render, html, width, height, scale, timeout_ms).result()
