"""Legal bases between pairs of states, as data with a source and a date per row.

``data/instruments.csv`` holds one row per instrument and article (the 1988 Vienna Convention
art. 11, Naples II arts 21-22, CISA arts 40 and 73, the Second Additional Protocol to the European
Convention on Mutual Assistance (ETS 182) arts 17-18, the Police Cooperation Convention for
Southeast Europe (PCC SEE) arts 14-15, UNTOC art. 20, bilateral agreements, and channels such as
SELEC that are not a basis at all); ``data/parties.csv`` says since when each state applies each
one. A pair of states can rely on an instrument when both apply it on the day of the operation.

Nothing here is legal advice: each row says how sure its source is, and the national contact
points confirm before an operation.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Which observation basis a planner would rather rely on, best first: the Schengen article the
# officers train on, the customs one among EU customs, the Council of Europe protocol, the
# Southeast European convention, then a bilateral treaty.
OBSERVATION_ORDER = (
    "cisa-art40",
    "naples2-art21",
    "ets182-art17",
    "pccsee-art14",
)
# The same for a controlled delivery: the most specific instrument binding both states first,
# then the drug convention (for drugs and precursors only), then the organised-crime one.
DELIVERY_ORDER = (
    "cisa-art73",
    "naples2-art22",
    "ets182-art18",
    "pccsee-art15",
    "eu-eio-art28",
    "vienna1988-art11",
    "untoc-art20",
)
# Instruments whose article applies only to drugs, psychotropic substances and precursors.
DRUGS_ONLY = frozenset({"cisa-art73", "vienna1988-art11"})
# Observation under these needs an implementing agreement between the two states as well.
NEEDS_IMPLEMENTING = frozenset({"pccsee-art14"})
# Customs-to-customs instruments: only a customs agency may rely on them.
CUSTOMS_ONLY = frozenset({"naples2-art21", "naples2-art22"})


@dataclass(frozen=True)
class Basis:
    """One instrument and article that may found a controlled delivery or an observation."""

    id: str
    label: str  # as plans show it: "CISA art. 40"
    instrument: str
    covers: frozenset[str]  # delivery, observation; empty for a channel
    limits: dict[str, str]  # key=value pairs of the article's own limits
    source: str
    confidence: str

    @property
    def urgent_hours(self) -> float | None:
        """The article's limit on observation begun without prior authorisation, hours."""
        value = self.limits.get("urgent_hours", "")
        return float(value) if value.replace(".", "", 1).isdigit() else None

    @property
    def implements(self) -> str | None:
        """For a bilateral agreement: the article it makes usable between its two states."""
        return self.limits.get("implements")


def _limits(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def _since(text: str) -> date | None:
    value = text.strip()
    if not value:
        return None
    if len(value) == 4:
        return date(int(value), 12, 31)  # only the year known: from its end, to be safe
    return date.fromisoformat(value)


@lru_cache(maxsize=1)
def instruments() -> dict[str, Basis]:
    """Every instrument of ``data/instruments.csv``, by id."""
    with (DATA / "instruments.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["basis_id"]: Basis(
            id=r["basis_id"],
            label=r["label"],
            instrument=r["instrument"],
            covers=frozenset(c for c in r["covers"].split(";") if c),
            limits=_limits(r["limits"]),
            source=r["source"],
            confidence=r["confidence"],
        )
        for r in rows
    }


@lru_cache(maxsize=1)
def parties() -> dict[str, dict[str, tuple[date | None, date | None]]]:
    """``basis id -> state -> (since, until)``; a state without a row does not apply it."""
    out: dict[str, dict[str, tuple[date | None, date | None]]] = {}
    with (DATA / "parties.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["basis_id"], {})[r["country"]] = (
                _since(r["since"]),
                _since(r["until"]) if r["until"] else None,
            )
    return out


def _applies(basis_id: str, state: str, on: date) -> bool:
    row = parties().get(basis_id, {}).get(state)
    if row is None:
        return False
    since, until = row
    # A confirmed party with no date found: it applies (the row says so in its notes).
    return (since is None or since <= on) and (until is None or on <= until)


def binds(basis_id: str, a: str, b: str, on: date) -> bool:
    """Whether both states apply the instrument on day ``on``."""
    return _applies(basis_id, a, on) and _applies(basis_id, b, on)


def _implemented(article: str, a: str, b: str, on: date) -> Basis | None:
    """A bilateral agreement between ``a`` and ``b`` that implements ``article``."""
    for basis in instruments().values():
        if basis.implements == article and binds(basis.id, a, b, on):
            return basis
    return None


def observation_basis(host: str, guest: str, on: date, *, customs: bool = False) -> Basis | None:
    """The best basis for officers of ``guest`` to keep observing in ``host`` on day ``on``.

    Args:
        host: the state entered.
        guest: the state of the observing team.
        on: the day of the operation.
        customs: the observing team is a customs agency's (Naples II art. 21 applies).

    Returns:
        The basis, or None when no instrument in force binds the two states: then the watch is
        handed over at the border.
    """
    for basis_id in OBSERVATION_ORDER:
        if basis_id in CUSTOMS_ONLY and not customs:
            continue
        if not binds(basis_id, host, guest, on):
            continue
        if basis_id in NEEDS_IMPLEMENTING:
            implementing = _implemented(basis_id, host, guest, on)
            if implementing is not None:
                return implementing
            continue
        return instruments()[basis_id]
    for basis in instruments().values():
        bilateral = basis.id.startswith("bilat") and not basis.implements
        if bilateral and "observation" in basis.covers and binds(basis.id, host, guest, on):
            return basis
    return None


def delivery_basis(
    state: str, requesting: str, on: date, *, drugs: bool, customs: bool = False
) -> Basis | None:
    """The best basis for ``state`` to let a controlled delivery requested by ``requesting`` pass.

    Returns:
        The basis in force on day ``on``; None when no instrument binds the two states for this
        consignment (Vienna 1988 and CISA art. 73 cover drugs only).
    """
    for basis_id in DELIVERY_ORDER:
        if basis_id in DRUGS_ONLY and not drugs:
            continue
        if basis_id in CUSTOMS_ONLY and not customs:
            continue
        if basis_id in instruments() and binds(basis_id, state, requesting, on):
            return instruments()[basis_id]
    return None


# What the drug conventions cover: narcotic drugs, psychotropic substances and precursors.
DRUG_WORDS = (
    "heroin", "cocaine", "cannabis", "hashish", "marijuana", "opium", "morphine", "fentanyl",
    "amphetamine", "methamphetamine", "captagon", "mdma", "ecstasy", "tramadol", "drug",
    "narcotic", "psychotropic", "precursor", "acetic anhydride", "ephedrine", "bmk", "pmk",
)  # fmt: skip


def is_drugs(kind: str) -> bool:
    """Whether a consignment's kind is a drug, psychotropic substance or precursor."""
    text = kind.lower()
    return any(word in text for word in DRUG_WORDS)


@dataclass(frozen=True)
class Authorities:
    """Who decides and who stands at the border in one state (see ``data/authorities.csv``)."""

    country: str
    authorising: str  # who authorises a controlled delivery
    domestic_basis: str  # the national law it rests on
    customs: str  # the customs agency at the crossings
    border_police: str  # the border police or guard at the crossings
    confidence: str


@lru_cache(maxsize=1)
def authorities() -> dict[str, Authorities]:
    """Each state's deciding authority and border agencies, by ISO3 code."""
    with (DATA / "authorities.csv").open(encoding="utf-8", newline="") as fh:
        return {
            r["country"]: Authorities(
                country=r["country"],
                authorising=r["cd_authorising_authority"],
                domestic_basis=r["domestic_basis"],
                customs=r["customs_agency"],
                border_police=r["border_police_agency"],
                confidence=r["confidence"],
            )
            for r in csv.DictReader(fh)
        }
