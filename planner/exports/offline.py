"""Making a folium page work with no network, failing closed.

Every script and stylesheet is inlined from local copies installed at set-up time (npm, pinned
in ``assets/package.json``).

folium links Leaflet, jQuery, Bootstrap, Font Awesome and its plugins from public CDNs; on a
closed network the page is blank, and on an open one the CDN learns that an operation is being
viewed. Here every known asset URL is replaced by the file's content; assets cdplan maps do not
use (Bootstrap, icon fonts, awesome markers) are dropped by name; any other absolute URL left
in a tag is an error, so a future plugin cannot quietly phone home.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
import sys
from pathlib import Path

# URL (as folium 0.20 writes it) -> file under node_modules
LOCAL = {
    # folium builds popup contents with jQuery.
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/dist/leaflet.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "leaflet.fullscreen/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
}
# Linked by folium's defaults, used by nothing cdplan draws (no awesome markers, no Bootstrap UI).
UNUSED = {
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
}

_SCRIPT = re.compile(r'<script\s+src="([^"]+)"\s*>\s*</script>')
_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>')
_ABSOLUTE = re.compile(
    r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.IGNORECASE
)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


class OfflineAssetError(RuntimeError):
    """A page refers to something that would be fetched from the network."""


def assets_dir() -> Path:
    """Where the npm assets were installed (``make`` puts them in ``.venv/assets``)."""
    env = os.environ.get("CDPLAN_ASSETS")
    if env:
        return Path(env)
    return Path(sys.prefix) / "assets" / "node_modules"


def _read(rel: str) -> str:
    path = assets_dir() / rel
    if not path.is_file():
        raise OfflineAssetError(
            f"local copy of {rel} is missing under {assets_dir()}; run 'make demo' (or "
            "'make assets') to install the map assets from the npm registry"
        )
    return path.read_text(encoding="utf-8")


def _inline_css_urls(css: str, base: Path) -> str:
    """Relative ``url(...)`` in a stylesheet become data: URIs (images, icons)."""

    def repl(match: re.Match[str]) -> str:
        ref = match.group(1).strip()
        if ref.startswith(("data:", "#")):
            return match.group(0)
        if "//" in ref:
            raise OfflineAssetError(f"stylesheet refers to a remote file: {ref}")
        path = (base / ref).resolve()
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode()
        return f'url("data:{mime};base64,{data}")'

    return _CSS_URL.sub(repl, css)


def make_offline(html: str) -> str:
    """Inline every asset of a rendered folium page; raise on anything left remote."""
    pieces: dict[str, str] = {}

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if url in UNUSED:
            return ""
        if url not in LOCAL:
            raise OfflineAssetError(f"no local copy of script {url}")
        key = f"@@ASSET{len(pieces)}@@"
        pieces[key] = f"<script>{_read(LOCAL[url])}</script>"
        return key

    def link(match: re.Match[str]) -> str:
        url = match.group(1)
        if url in UNUSED:
            return ""
        if url not in LOCAL:
            raise OfflineAssetError(f"no local copy of stylesheet {url}")
        rel = LOCAL[url]
        css = _inline_css_urls(_read(rel), (assets_dir() / rel).parent)
        key = f"@@ASSET{len(pieces)}@@"
        pieces[key] = f"<style>{css}</style>"
        return key

    page = _LINK.sub(link, _SCRIPT.sub(script, html))
    leftover = _ABSOLUTE.search(page)
    if leftover:
        start = max(0, leftover.start() - 60)
        raise OfflineAssetError(
            f"remote reference left in the page: {page[start : leftover.end() + 60]!r}"
        )
    for key, content in pieces.items():
        page = page.replace(key, content)
    return page
