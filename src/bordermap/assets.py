"""Local JavaScript and CSS: served by the app, inlined into exports. Nothing from a CDN.

Leaflet comes from PyPI's XStatic package (the exact version folium asks for; folium's jQuery is
not loaded: nothing on our pages uses it, and it was 88 kB to parse in every page); our
own ``bordermap.js``/``reference.js``/``bordermap.css`` ship in the package. The app serves them from Streamlit's
static folder (``/app/static/vendor/...``); a standalone export inlines them.
"""

from __future__ import annotations

import base64
import os
import filecmp
import re
import shutil
from functools import lru_cache
from importlib import resources
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet

__all__ = [
    "APP_PREFIX",
    "publish_json",
    "asset_files",
    "app_url",
    "map_js",
    "map_css",
    "install_static",
    "inline_assets",
    "ExternalAssetError",
]

#: Where Streamlit serves ``static/vendor`` next to app.py (``--server.enableStaticServing``).
APP_PREFIX = "/app/static/vendor/"


class ExternalAssetError(RuntimeError):
    """An export still references a remote script or stylesheet (a bug, not a user error)."""


def _package_static() -> Path:
    return Path(str(resources.files("bordermap").joinpath("static")))


@lru_cache(maxsize=1)
def asset_files() -> dict[str, Path]:
    """File name -> local path of every asset the map can load."""
    leaflet = Path(xs_leaflet.BASE_DIR)
    files = {
        "leaflet.js": leaflet / "leaflet.js",
        "leaflet.css": leaflet / "leaflet.css",
        "bordermap.js": _package_static() / "bordermap.js",
        "reference.js": _package_static() / "reference.js",
        "bordermap.css": _package_static() / "bordermap.css",
        "timeline.js": _package_static() / "timeline.js",
        "timeline.css": _package_static() / "timeline.css",
    }
    for img in (leaflet / "images").glob("*.png"):
        files[f"images/{img.name}"] = img
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:  # pragma: no cover - a broken install
        raise FileNotFoundError("missing bundled assets: " + ", ".join(missing))
    return files


def app_url(name: str) -> str:
    return APP_PREFIX + name


def map_js(prefix: str = APP_PREFIX) -> list[tuple[str, str]]:
    """``default_js`` for a folium Map: Leaflet only (folium's own default adds jQuery, which
    only its Popup template uses; bordermap's popups and tooltips are its own)."""
    return [("leaflet", prefix + "leaflet.js")]


def map_css(prefix: str = APP_PREFIX) -> list[tuple[str, str]]:
    return [("leaflet_css", prefix + "leaflet.css")]


def install_static(dest: Path) -> Path:
    """Copy the assets into ``dest`` (the app's ``static/vendor``), only where they changed."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, src in asset_files().items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or not filecmp.cmp(src, target, shallow=False):
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(src, tmp)
            tmp.replace(target)
    return dest


def publish_json(dest: Path, obj: object) -> str:
    """Write ``obj`` as gzipped JSON into ``dest`` under a name made from its content
    (``<hash>.json.gz``); return the name.

    The app serves map data this way, so the browser fetches it once and caches it, and the
    map's own script (re-sent on every Streamlit rerun) stays a few kilobytes. Gzipped once
    here: Streamlit's server sends ``application/gzip`` as it is, where it would compress plain
    JSON again on every request; the page unpacks it (bordermap.js ``fetchBytes``).
    """
    import hashlib
    import json

    from bordermap.mapping.payload import gzip_bytes

    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    name = hashlib.sha256(text).hexdigest()[:20] + ".json.gz"
    target = dest / name
    if not target.exists():
        dest.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
        tmp.write_bytes(gzip_bytes(text))
        tmp.replace(target)
    return name


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@lru_cache(maxsize=1)
def _inline_css(name: str) -> str:
    css = asset_files()[name].read_text("utf-8")
    if name == "leaflet.css":
        files = asset_files()
        css = re.sub(r"url\((['\"]?)images/([\w.-]+\.png)\1\)",
                     lambda m: f"url({_data_uri(files['images/' + m.group(2)])})", css)
    return css


@lru_cache(maxsize=8)
def _inline_js(name: str) -> str:
    js = asset_files()[name].read_text("utf-8")
    return js.replace("</script", "<\\/script")


_SCRIPT_RE = re.compile(r'<script\s+src="([^"]+)"\s*>\s*</script>')
_LINK_RE = re.compile(r'<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>')
_ICON_FIX = ("L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{iconUrl:'{i}',"
             "iconRetinaUrl:'{r}',shadowUrl:'{s}'}});")


def inline_assets(html: str) -> str:
    """Replace every local asset link in rendered HTML with the asset itself.

    Local assets are recognised by file name; any other ``<script src>`` or stylesheet link that
    points off the machine raises :class:`ExternalAssetError`, so an export can never depend on
    the network by accident.
    """
    files = asset_files()

    def script(m: re.Match) -> str:
        name = m.group(1).rsplit("/", 1)[-1]
        if name not in files or not name.endswith(".js"):
            raise ExternalAssetError(f"export references a script that is not bundled: {m.group(1)}")
        out = f"<script>{_inline_js(name)}</script>"
        if name == "leaflet.js":
            out += "<script>" + _ICON_FIX.format(
                i=_data_uri(files["images/marker-icon.png"]),
                r=_data_uri(files["images/marker-icon-2x.png"]),
                s=_data_uri(files["images/marker-shadow.png"])) + "</script>"
        return out

    def link(m: re.Match) -> str:
        name = m.group(1).rsplit("/", 1)[-1]
        if name not in files or not name.endswith(".css"):
            raise ExternalAssetError(f"export references a stylesheet that is not bundled: {m.group(1)}")
        return f"<style>{_inline_css(name)}</style>"

    html = _SCRIPT_RE.sub(script, html)
    return _LINK_RE.sub(link, html)
