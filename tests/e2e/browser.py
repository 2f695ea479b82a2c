"""Playwright + Debian's Chromium, offline: every non-local request is aborted and recorded.

Shared by the e2e tests, the screenshot script and the benchmarks.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is not installed: run `make browser` (apt-get install chromium)")
    return path


@dataclass
class Watch:
    """What a page did that a test must know about."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"blocked external request: {u}" for u in self.blocked]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors])


def _is_local(url: str) -> bool:
    p = urlparse(url)
    if p.scheme in ("data", "blob", "about", "file", "chrome-error"):
        return True
    return (p.hostname or "") in LOCAL_HOSTS


@contextmanager
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def offline_page(b: Browser, *, width: int = 1400, height: int = 1000, scale: float = 1.0) -> tuple[Page, Watch]:
    ctx = b.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
    watch = Watch()

    def route(r):
        if _is_local(r.request.url):
            r.continue_()
        else:
            watch.blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    return page, watch


def wait_for_app(page: Page, timeout: float = 30_000) -> None:
    """Streamlit's own readiness signals (as its e2e suite uses them)."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", state="attached", timeout=timeout)
    page.wait_for_timeout(250)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def map_frame(page: Page, timeout: float = 30_000):
    """The st_folium iframe, once its Leaflet map and event layer exist."""
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=timeout)
    deadline = timeout
    while deadline > 0:
        for f in page.frames:
            if "st_folium" in f.url:
                try:
                    if f.evaluate("!!(window.map && window.Bordermap && Bordermap.layers.length)"):
                        return f
                except Exception:
                    pass
        page.wait_for_timeout(100)
        deadline -= 100
    raise TimeoutError("the map frame never drew its event layer")
