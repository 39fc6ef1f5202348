"""Faults a trainer plants in a generated exercise, and where the engine reports each one.

Every kind is a mistake planners make, and each is planted so that the engine names it with a
known code and subject, whether it stops the plan or only warns:

- ``unauthorised_state``: a state on the route has not authorised the delivery
  (``unauthorised_state``, the state);
- ``delivery_refused``: a state accepts only substituted goods and the load is live
  (``delivery_not_accepted``, the state);
- ``team_off_duty``: a team is available only before the operation (``team_unavailable``, team);
- ``base_abroad``: a team is based in another state than its agency's (``base_abroad``, team);
- ``no_legal_basis``: a state lets a neighbour's teams follow in with no treaty between them
  (``no_legal_basis``, the legal entry);
- ``too_late``: a state needs more lead time than is left (``too_late``, the state);
- ``missing_maritime``: nobody can watch the ferry leg (``missing_capability``, ``ferry``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from geodata.layers import Geodata
from geodata.routing import Route
from planner.law.bases import observation_basis


class FaultKind(StrEnum):
    """A kind of planted fault (see the module doc)."""

    unauthorised_state = "unauthorised_state"
    delivery_refused = "delivery_refused"
    team_off_duty = "team_off_duty"
    base_abroad = "base_abroad"
    no_legal_basis = "no_legal_basis"
    too_late = "too_late"
    missing_maritime = "missing_maritime"


@dataclass(frozen=True)
class Fault:
    """A planted fault: what, where, and the code and subject the engine reports it under."""

    kind: FaultKind
    code: str
    subject: str
    where: str  # in the trainer's words


# The lead time given to the late state, and how long before departure the plan is made: the
# request was due a day before planning.
LATE_LEAD_HOURS = 96
LATE_PLANNED_HOURS = 72


def _departure(data: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(data["operation"]["departure"])


def _entry(data: dict[str, Any], country: str) -> tuple[int, dict[str, Any]]:
    return next((i, e) for i, e in enumerate(data["legal"]) if e["country"] == country)


def _plant(
    kind: FaultKind,
    data: dict[str, Any],
    route: Route,
    rng: random.Random,
    geo: Geodata,
    used: set[str],
) -> Fault | None:
    countries = list(route.countries)
    teams = [t for t in data["teams"] if t["id"] not in used]
    if kind in (FaultKind.unauthorised_state, FaultKind.delivery_refused):
        free = [c for c in countries[1:] if c not in used]
        if not free:
            return None
        c = rng.choice(free)
        used.add(c)
        _, entry = _entry(data, c)
        if kind is FaultKind.unauthorised_state:
            entry["authorised"] = False
            return Fault(kind, "unauthorised_state", c, f"legal entry of {c}: authorised is false")
        entry["deliveries"] = ["substituted"]
        return Fault(
            kind, "delivery_not_accepted", c, f"legal entry of {c}: accepts substituted only"
        )
    if kind is FaultKind.team_off_duty and teams:
        team = rng.choice(teams)
        used.add(team["id"])
        start = _departure(data)
        team["available"] = [
            {
                "from": (start - timedelta(days=10)).isoformat(),
                "to": (start - timedelta(days=3)).isoformat(),
            }
        ]
        return Fault(
            kind,
            "team_unavailable",
            team["id"],
            f"team {team['id']}: available only the week before",
        )
    if kind is FaultKind.base_abroad and len(countries) > 1 and teams:
        team = rng.choice(teams)
        own = team["id"].split("-")[0]
        elsewhere = [
            n
            for n in route.nodes
            if n in geo.cities
            and geo.cities[n].country != own
            and geo.cities[n].kind in ("city", "town", "capital")
        ]
        if not elsewhere:
            return None
        used.add(team["id"])
        team["base"] = elsewhere[0]
        return Fault(
            kind,
            "base_abroad",
            team["id"],
            f"team {team['id']}: based in {geo.cities[elsewhere[0]].name}",
        )
    if kind is FaultKind.no_legal_basis:
        on = _departure(data).date()
        pairs = [
            (host, guest)
            for host in countries
            for guest in dict.fromkeys([*countries, *sorted(geo.countries)])
            if guest != host and observation_basis(host, guest, on) is None
        ]
        if not pairs:
            return None
        host, guest = pairs[0] if len(pairs) == 1 else rng.choice(pairs[: 2 * len(countries)])
        i, entry = _entry(data, host)
        entry.setdefault("foreign_observation", []).append(
            {"from": guest, "max_km": 30, "max_hours": 3}
        )
        k = len(entry["foreign_observation"]) - 1
        return Fault(
            kind,
            "no_legal_basis",
            f"legal[{i}].foreign_observation[{k}]",
            f"legal entry of {host}: {guest} teams may follow in, with no treaty between them",
        )
    if kind is FaultKind.too_late:
        # A state at either end is on every route; one with another fault would hide this one.
        ends = [c for c in (countries[0], countries[-1]) if c not in used]
        free = ends or [c for c in countries if c not in used]
        if not free:
            return None
        c = rng.choice(free)
        used.add(c)
        _, entry = _entry(data, c)
        entry["lead_time_hours"] = LATE_LEAD_HOURS
        data["operation"]["planned_at"] = (
            _departure(data) - timedelta(hours=LATE_PLANNED_HOURS)
        ).isoformat()
        return Fault(
            kind,
            "too_late",
            c,
            f"legal entry of {c}: {LATE_LEAD_HOURS} h of lead time, planned 72 h ahead",
        )
    if kind is FaultKind.missing_maritime:
        if not any("maritime" in t["capabilities"] for t in data["teams"]):
            return None
        for t in data["teams"]:
            kept = [c for c in t["capabilities"] if c not in ("maritime", "technical")]
            if not kept:
                t["capabilities"], t["max_duty_hours"] = ["road"], 12
            else:
                t["capabilities"] = kept
        return Fault(
            kind, "missing_capability", "ferry", "every team: no maritime or technical capability"
        )
    return None


def plant(
    data: dict[str, Any], route: Route, count: int, rng: random.Random, geo: Geodata
) -> list[Fault]:
    """Plant up to ``count`` faults of different kinds in ``data`` (changed in place).

    Kinds are drawn in a seeded order; a kind that does not fit the exercise (no ferry for
    ``missing_maritime``, no second state for ``base_abroad``) is skipped for the next.
    """
    kinds = sorted(FaultKind, key=lambda k: k.value)
    rng.shuffle(kinds)
    used: set[str] = set()
    out: list[Fault] = []
    for kind in kinds:
        if len(out) >= count:
            break
        fault = _plant(kind, data, route, rng, geo, used)
        if fault is not None:
            out.append(fault)
    return out
