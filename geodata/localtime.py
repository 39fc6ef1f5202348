"""Local time of a country, as every reader of a plan is shown it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from geodata.layers import Geodata


def local_time(geo: Geodata, when: datetime, country: str) -> str:
    """``when`` in the country's IANA time zone, e.g. ``2026-12-05 21:24 EET``.

    A country without a zone in the data is shown in UTC.
    """
    facts = geo.countries.get(country)
    if facts is None:
        return when.strftime("%Y-%m-%d %H:%M UTC")
    return when.astimezone(ZoneInfo(facts.timezone)).strftime("%Y-%m-%d %H:%M %Z")
