"""Briefings as PDF (WeasyPrint), with the fonts of every script the region writes in.

The page frame (handling code at the top and the bottom of every page, the operation's name,
"page N of M", EXERCISE across the page) is the briefing's own print style; WeasyPrint lays it
out. Nothing is fetched: the page refers to no file and no URL, and any attempt is refused.

WeasyPrint draws text with the system's Pango and fontconfig. The briefing asks for the Noto
families of Debian's ``fonts-noto-core`` (Latin, Cyrillic, Greek, Georgian, Armenian); where one
is missing the PDF is still written with whatever font covers the script, and
:func:`font_gaps` says what is missing. The PDF's dates are the plan's (``dcterms.created`` in
the page), so the same plan gives the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from typing import Any

FONT_PACKAGE = "fonts-noto-core"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
# Script -> (a language written in it, for fontconfig; the family the briefing asks for).
SCRIPTS = {
    "Latin": ("en", "Noto Sans"),
    "Cyrillic": ("ru", "Noto Sans"),
    "Greek": ("el", "Noto Sans"),
    "Georgian": ("ka", "Noto Sans Georgian"),
    "Armenian": ("hy", "Noto Sans Armenian"),
}


class PdfUnavailableError(RuntimeError):
    """WeasyPrint cannot run here (its system libraries are missing)."""


def _refuse(url: str, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: a briefing loads nothing, from anywhere."""
    raise ValueError(f"a briefing loads nothing; refused {url[:80]!r}")


def render_pdf(page: str) -> bytes:
    """The PDF of one briefing page (HTML with its print style).

    Raises:
        PdfUnavailableError: Pango (WeasyPrint's text engine) is not installed.
    """
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint loads Pango when imported
        raise PdfUnavailableError(
            f"WeasyPrint cannot load Pango ({exc}); install it: apt-get install {PANGO_PACKAGES}"
        ) from exc
    pdf = HTML(string=page, url_fetcher=_refuse).write_pdf()
    assert pdf is not None  # with no target, write_pdf returns the bytes
    return bytes(pdf)


@cache
def font_gaps() -> list[str]:
    """What the PDF briefings miss in fonts on this machine, in words (empty: nothing).

    A script whose preferred family is missing is drawn with another font that covers it; a
    script no font covers would print as empty boxes.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ["fontconfig's fc-list is missing: the fonts could not be checked"]
    gaps = []
    for script, (lang, family) in SCRIPTS.items():
        done = subprocess.run(
            [fc_list, f":lang={lang}", "family"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        families = {f.strip() for line in done.stdout.splitlines() for f in line.split(",")}
        if not families:
            gaps.append(f"no font covers {script}: it prints as empty boxes")
        elif family not in families:
            gaps.append(f"{family} ({script}) is missing: another font stands in")
    if gaps:
        gaps.append(f"install the fonts: apt-get install {FONT_PACKAGE}")
    return gaps
