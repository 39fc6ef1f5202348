"""Field types of the scenario that users write by hand, each checked with a message that helps.

A country is written as users know it (``TR`` gets "use TUR"); a place is a geodata id,
``{lat, lon[, name]}`` or the text ``"lat,lon"``; an agency's kind accepts the names agencies
really use (``border_police``, ``prosecutor``) and suggests the closest one otherwise.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

from geodata.iso import alpha3_for
from geodata.places import Coordinates, parse_place

_ISO3 = re.compile(r"^[A-Z]{3}$")

# Dates an operation may have. Times are moved by UTC offsets (up to 14 h) and by travel times,
# and Python's dates end at years 1 and 9999: a date near those ends cannot be planned or drawn,
# and a controlled delivery outside these years is a typing mistake.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def _plannable(ts: datetime) -> datetime:
    if not EARLIEST_YEAR <= ts.year <= LATEST_YEAR:
        raise ValueError(f"a date between the years {EARLIEST_YEAR} and {LATEST_YEAR} is expected")
    return ts


def _printable(text: str) -> str:
    # Control characters break the KML and HTML outputs (and hide text from the reader); an
    # unpaired surrogate is not text at all and cannot be written as UTF-8.
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            raise ValueError("control characters and unpaired surrogates are not allowed")
    return text


Instant = Annotated[
    AwareDatetime,
    AfterValidator(_plannable),
    Field(description=f"ISO 8601 with offset, years {EARLIEST_YEAR}-{LATEST_YEAR}"),
]
FreeText = Annotated[str, AfterValidator(_printable)]


def _iso3(value: str) -> str:
    if _ISO3.fullmatch(value):
        return value
    alpha3 = alpha3_for(value) if len(value.strip()) == 2 else None
    if alpha3 is not None:
        raise ValueError(f"use the three-letter ISO 3166-1 code: {alpha3}, not the two-letter one")
    if _ISO3.fullmatch(value.strip().upper()):
        raise ValueError(f"write the code in capitals: {value.strip().upper()}")
    raise ValueError("use the three-letter ISO 3166-1 code of the state, e.g. TUR, GEO, BGR")


Iso3 = Annotated[
    str,
    AfterValidator(_iso3),
    Field(
        description="ISO 3166-1 alpha-3 country code (TUR, GEO, BGR; XKX for Kosovo)",
        json_schema_extra={"pattern": _ISO3.pattern},
    ),
]

Ident = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Identifier: letters, digits, '_' and '-', at most 64 characters",
    ),
]


_PLACE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def _place(place: str | Coordinates) -> str | Coordinates:
    """An id has the characters of an id; a name given with coordinates is printable text."""
    if isinstance(place, str) and not _PLACE_ID.match(place):
        raise ValueError(
            'a geodata id has only letters, digits, "-" and "_" (coordinates: "lat,lon")'
        )
    if isinstance(place, Coordinates) and place.name is not None:
        _printable(place.name)
    return place


def _place_text(value: object) -> object:
    """``"lat,lon"`` becomes coordinates; any other text stays an id (checked at planning)."""
    if isinstance(value, str):
        return parse_place(value)
    return value


Place = Annotated[
    str | Coordinates,
    BeforeValidator(_place_text),
    AfterValidator(_place),
    Field(
        description='A geodata id (e.g. BGR-sofia; see `cdplan places search`), "lat,lon" in '
        "decimal degrees, or {lat, lon[, name]}"
    ),
]


class AgencyKind(StrEnum):
    """What kind of agency it is, by the names agencies of the region really use."""

    police = "police"
    criminal_police = "criminal_police"
    gendarmerie = "gendarmerie"
    customs = "customs"
    revenue = "revenue"  # customs within a revenue service (Georgia, Armenia)
    border_police = "border_police"  # Romania, Bulgaria, Moldova, Georgia
    border_guard = "border_guard"  # Ukraine, Azerbaijan, the FSB border service
    coast_guard = "coast_guard"
    financial_police = "financial_police"
    security = "security"
    intelligence = "intelligence"
    prosecutor = "prosecutor"
    liaison = "liaison"  # a liaison office or a regional centre (SELEC, a DEA country office)
    other = "other"


_KIND_WORDS = {k.value: k.value for k in AgencyKind} | {
    "national_police": "police",
    "state_police": "police",
    "border_guards": "border_guard",
    "border_service": "border_guard",
    "coastguard": "coast_guard",
    "prosecution": "prosecutor",
    "prosecutors_office": "prosecutor",
    "public_prosecutor": "prosecutor",
    "security_service": "security",
    "tax_police": "financial_police",
    "guardia_di_finanza": "financial_police",
}


def _agency_kind(value: object) -> object:
    """Normalise case, spaces and hyphens; refuse unknown kinds with the closest suggestion."""
    if not isinstance(value, str):
        return value
    key = re.sub(r"[\s\-']+", "_", value.strip().lower()).strip("_")
    if key in _KIND_WORDS:
        return AgencyKind(_KIND_WORDS[key])
    close = difflib.get_close_matches(key, list(_KIND_WORDS), n=1, cutoff=0.6)
    hint = f"did you mean {_KIND_WORDS[close[0]]}? " if close else ""
    raise ValueError(
        f"not a known kind of agency; {hint}use one of {', '.join(k.value for k in AgencyKind)} "
        "(other for anything else)"
    )


Kind = Annotated[AgencyKind, BeforeValidator(_agency_kind)]
