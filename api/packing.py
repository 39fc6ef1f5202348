"""Outputs as the database keeps them, and back as they are served.

A rendered page inlines its script libraries (plotly.js alone is 4.8 MB of every timeline).
Packing takes each ``<script>`` whose content is one of those libraries out of the page, keeps it
once as a shared asset named by its SHA-256, and leaves a marker in its place; serving puts the
library back, so the page served is the page rendered, byte for byte. Only scripts whose content
is a library exactly are taken out (never one holding plan data), and a page takes back only the
assets its row lists, so no text in a plan can pull anything in.

HTML pages also get their Content-Security-Policy here, when they are made: the SHA-256 of each
of their scripts, and nothing else may run. It is written into the page (a ``<meta>``, so a copy
opened from disk is held to it too) and kept with the output for the response header.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import cache

_SCRIPT = re.compile(rb"(<script\b[^>]*>)(.*?)(</script\s*>)", re.S | re.I)
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)
_MARKER = re.compile(rb"<!--cdplan-asset:([0-9a-f]{64})-->")

# What a page may do, besides running its own scripts: nothing remote, no forms, no base URL.
# (navigate-to would close links too, but no browser honours it; Chromium logs an error for it.)
PAGE_POLICY = (
    "default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data: blob:; "
    "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
# Only a response header can forbid framing (a <meta> policy may not).
HEADER_EXTRA = "; frame-ancestors 'none'"
COMPRESSION = 6


@dataclass(frozen=True)
class Packed:
    """One output as stored: compressed content, the assets it takes back, its policy."""

    media_type: str
    content: bytes
    assets: tuple[str, ...]
    csp: str | None

    @property
    def size(self) -> int:
        return len(self.content)


@cache
def library_digests() -> frozenset[str]:
    """SHA-256 of every script library the renderers inline (plotly.js; Leaflet, its plugins
    and jQuery from the local npm copies): the only scripts that are stored as shared assets."""
    import plotly.offline

    from planner.exports.offline import LOCAL, assets_dir

    texts = [plotly.offline.get_plotlyjs()]
    for rel in LOCAL.values():
        path = assets_dir() / rel
        if rel.endswith(".js") and path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    return frozenset(hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts)


def script_policy(page: bytes) -> str:
    """The page's policy: each of its scripts by hash (``'none'`` if it has none)."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
            for _, body, _ in _SCRIPT.findall(page)
            if body.strip()
        }
    )
    return PAGE_POLICY.format(scripts=" ".join(hashes) or "'none'")


def with_policy(page: bytes, policy: str) -> bytes:
    """The page with its policy as the first thing in its head."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'.encode()
    found = _HEAD.search(page)
    if found is None:
        return meta + page
    return page[: found.end()] + meta + page[found.end() :]


def pack(media_type: str, content: bytes) -> tuple[Packed, dict[str, bytes]]:
    """An output as stored, and the shared assets it refers to (digest -> content)."""
    csp = None
    assets: dict[str, bytes] = {}
    if media_type.startswith("text/html"):
        csp = script_policy(content)
        content = with_policy(content, csp)
        known = library_digests()

        def take(match: re.Match[bytes]) -> bytes:
            digest = hashlib.sha256(match.group(2)).hexdigest()
            if digest not in known:
                return match.group(0)
            assets[digest] = match.group(2)
            return match.group(1) + b"<!--cdplan-asset:" + digest.encode() + b"-->" + match.group(3)

        content = _SCRIPT.sub(take, content)
    packed = Packed(media_type, zlib.compress(content, COMPRESSION), tuple(sorted(assets)), csp)
    return packed, assets


def unpack(content: bytes, encoding: str, assets: dict[str, bytes]) -> bytes:
    """The output as it was rendered, from its stored form and the assets its row lists."""
    page = zlib.decompress(content) if encoding == "zlib" else content
    if not assets:
        return page
    return _MARKER.sub(lambda m: assets.get(m.group(1).decode(), m.group(0)), page)
