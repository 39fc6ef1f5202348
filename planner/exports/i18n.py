"""The reader's language: gettext catalogs for labels, Babel for dates and numbers.

Catalogs are ``locales/<LL>/LC_MESSAGES/cdplan.po`` beside this module, compiled to ``.mo`` when
the package is installed (``setup.py``). English is the source language: it has no catalog.
Place names, team and agency ids, authorities and the engine's own detail notes are data, not
labels: they are shown as the scenario and the geodata write them.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

log = logging.getLogger(__name__)

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "cdplan"
DEFAULT = "en"
# The languages a briefing is written in: the operational languages of the region's states.
# Code -> (Babel locale, the language's own name). Serbian is written in both of its scripts.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("en", "English"),
    "tr": ("tr", "Türkçe"),
    "bg": ("bg", "Български"),
    "ro": ("ro", "Română"),
    "ka": ("ka", "ქართული"),
    "hy": ("hy", "Հայերեն"),
    "uk": ("uk", "Українська"),
    "el": ("el", "Ελληνικά"),
    "sr": ("sr_Cyrl", "Српски"),
    "sr_Latn": ("sr_Latn", "Srpski (latinica)"),
    "mk": ("mk", "Македонски"),
    "sq": ("sq", "Shqip"),
    "az": ("az", "Azərbaycan"),
    "ru": ("ru", "Русский"),
}
_CODE = re.compile(r"^([a-zA-Z]{2})(?:[-_@]([a-zA-Z]{4}|latin))?$")


class UnknownLanguageError(ValueError):
    """A language code cdplan has no catalog for."""


def normalise(code: str) -> str:
    """The catalog code of ``code``: ``sr-Latn``, ``sr_latn`` and ``sr@latin`` are ``sr_Latn``.

    Raises:
        UnknownLanguageError: the code is not one of :data:`LANGUAGES`.
    """
    match = _CODE.match(code.strip())
    if match:
        lang, script = match.group(1).lower(), (match.group(2) or "").lower()
        name = lang if not script else f"{lang}_{'Latn' if script == 'latin' else script.title()}"
        # Serbian written in Cyrillic is the plain code, as in the catalogs.
        name = "sr" if name == "sr_Cyrl" else name
        if name in LANGUAGES:
            return name
    raise UnknownLanguageError(
        f"no briefing language {code!r}; choose from {', '.join(LANGUAGES)} (sr_Latn: Serbian "
        "in Latin script)"
    )


def parse_languages(text: str) -> list[str]:
    """A comma-separated list of codes, normalised, in order, without repeats."""
    return list(dict.fromkeys(normalise(c) for c in text.split(",") if c.strip()))


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    """Where the catalog of ``lang`` lives (``.po`` source or compiled ``.mo``)."""
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(lang: str) -> NullTranslations:
    """The messages of ``lang``: the compiled catalog, or its source when that is newer.

    A source edited since the last install is read directly, so that a changed translation is
    never shadowed by a stale compiled one.
    """
    if lang == DEFAULT:
        return NullTranslations()
    po, mo = catalog_path(lang), catalog_path(lang, ".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if not po.is_file():
        raise UnknownLanguageError(f"the catalog of {lang!r} is missing: {po}")
    log.debug("%s: reading the catalog source (no compiled catalog, or an older one)", lang)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=LANGUAGES[lang][0])
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LANGUAGES[lang][0])


@dataclass(frozen=True)
class Reader:
    """Everything a page needs to speak to its reader: words, dates and numbers."""

    lang: str

    @property
    def locale(self) -> Locale:
        """The Babel locale of the language."""
        return _locale(self.lang)

    @property
    def html_lang(self) -> str:
        """The ``lang`` attribute of a page in this language (BCP 47)."""
        return self.lang.replace("_", "-")

    def gettext(self, message: str) -> str:
        """``message`` in the reader's language."""
        return translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of ``singular``/``plural`` for ``n``, in the reader's language."""
        return translations(self.lang).ngettext(singular, plural, n)

    def when(self, t: datetime, zone: str | None = None, *, year: bool = False) -> str:
        """A moment, e.g. ``5 Ara 09:33 (UTC+3)``; in UTC when no zone is given."""
        tz: tzinfo = ZoneInfo(zone) if zone else ZoneInfo("UTC")
        day = format_skeleton("yMMMd" if year else "MMMd", t, tzinfo=tz, locale=self.locale)
        clock = format_skeleton("Hm", t, tzinfo=tz, locale=self.locale)
        return f"{day} {clock} ({utc_offset(t, tz)})"

    def clock(self, t: datetime, zone: str | None = None) -> str:
        """The time of day alone, e.g. ``09:33``."""
        tz: tzinfo = ZoneInfo(zone) if zone else ZoneInfo("UTC")
        return format_skeleton("Hm", t, tzinfo=tz, locale=self.locale)

    def day_clock(self, t: datetime, zone: str | None = None) -> str:
        """Day and time without the zone, e.g. ``5 Ara 09:33`` (the column says which zone)."""
        tz: tzinfo = ZoneInfo(zone) if zone else ZoneInfo("UTC")
        day = format_skeleton("MMMd", t, tzinfo=tz, locale=self.locale)
        return f"{day} {format_skeleton('Hm', t, tzinfo=tz, locale=self.locale)}"

    def span(self, t0: datetime, t1: datetime, zone: str | None = None) -> str:
        """From ``t0`` to ``t1``, the second day written only when it differs from the first.

        With a zone, the UTC offset follows (``UTC+3``); without, the column says UTC.
        """
        tz: tzinfo = ZoneInfo(zone) if zone else ZoneInfo("UTC")
        same_day = t0.astimezone(tz).date() == t1.astimezone(tz).date()
        end = self.clock(t1, zone) if same_day else self.day_clock(t1, zone)
        text = f"{self.day_clock(t0, zone)} – {end}"
        return f"{text} ({utc_offset(t0, tz)})" if zone else text

    def number(self, x: float, digits: int = 0) -> str:
        """A number with the locale's separators and ``digits`` decimals."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(x, format=pattern, locale=self.locale)

    def percent(self, share: float) -> str:
        """A share (0..1) as a percentage."""
        return format_percent(share, locale=self.locale)


def utc_offset(t: datetime, tz: tzinfo) -> str:
    """``UTC``, ``UTC+3`` or ``UTC+5:30``: the offset at ``t``, the same in every language."""
    off = t.astimezone(tz).utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


@cache
def reader(lang: str = DEFAULT) -> Reader:
    """The reader of ``lang`` (any spelling :func:`normalise` accepts)."""
    return Reader(normalise(lang))
