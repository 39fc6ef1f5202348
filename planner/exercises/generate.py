"""Generated exercises: a route, teams and the law drawn from the geodata with a seeded generator.

Everything is drawn from one ``random.Random(seed)`` over sorted inputs, and every time in the
scenario is fixed (``planned_at`` included), so the same seed and settings give the same
scenario, byte for byte. The draw keeps only scenarios the engine can plan before any fault is
planted: a fault must be the only reason a plan fails.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from geodata import GeodataError, Mode, RouteRequest, best_routes
from geodata.layers import Geodata
from geodata.routing import Route
from planner.engine import plan
from planner.io import parse_scenario
from planner.law.bases import observation_basis
from planner.plan import PlanStatus

ALL_MODES = ["live", "partial", "substituted"]
# Exercises happen in a fixed season, so that a seed means the same days whenever it is drawn
# (truck bans and holidays depend on the date).
FIRST_DAY = date(2027, 3, 1)
SEASON_DAYS = 120
# Requests are made five days ahead: every state's lead time (at most 72 h here) is met.
PLANNED_DAYS_AHEAD = 5
MAX_DRAWS = 200


class Difficulty(StrEnum):
    """How hard an exercise is: the number of states, teams, faults and the law's detail."""

    easy = "easy"
    medium = "medium"
    hard = "hard"


@dataclass(frozen=True)
class Level:
    """What a difficulty means."""

    states: tuple[int, int]  # states on the route, at least and at most
    max_km: float
    teams_per_place: int
    faults: int  # planted by default
    observation: bool  # neighbours may follow in where a treaty allows
    ferry: bool  # the route may sail


LEVELS = {
    Difficulty.easy: Level((2, 2), 1300.0, 2, 1, False, False),
    Difficulty.medium: Level((2, 3), 2200.0, 2, 2, True, False),
    Difficulty.hard: Level((3, 5), 3200.0, 2, 3, True, True),
}


@dataclass(frozen=True)
class Draw:
    """A generated scenario before any fault, with the route it was drawn on."""

    data: dict[str, Any]
    route: Route
    difficulty: Difficulty
    rng: random.Random  # the generator, for what is drawn next (faults, injects)


def _places(geo: Geodata) -> list[str]:
    """Where an operation may start or end: capitals and cities of the BSEC states."""
    return sorted(
        c.id
        for c in geo.cities.values()
        if c.kind in ("capital", "city")
        and geo.countries[c.country].bsec
        and c.id in geo.network.nodes
    )


def _route(geo: Geodata, rng: random.Random, level: Level) -> Route:
    places = _places(geo)
    modes = (Mode.road, Mode.ferry) if level.ferry else (Mode.road,)
    for _ in range(MAX_DRAWS):
        a, b = rng.sample(places, 2)
        try:
            route = best_routes(geo, RouteRequest(origin=a, destination=b, modes=modes))[0]
        except GeodataError:
            continue
        lo, hi = level.states
        if lo <= len(route.countries) <= hi and 300.0 <= route.length_km <= level.max_km:
            return route
    raise RuntimeError("no route found for this difficulty; try another seed")


def _agency(geo: Geodata, country: str) -> dict[str, str]:
    return {
        "id": f"{country}-NP",
        "country": country,
        "name": f"{geo.countries[country].name} national police",
        "kind": "police",
    }


def _teams(geo: Geodata, route: Route, level: Level) -> list[dict[str, Any]]:
    """Teams in the towns and cities along the route, at least two per state."""
    teams: list[dict[str, Any]] = []
    count: dict[str, int] = {}

    def add(country: str, prefix: str, **fields: Any) -> None:
        count[country] = count.get(country, 0) + 1
        teams.append(
            {"id": f"{country}-{prefix}{count[country]}", "agency": f"{country}-NP", **fields}
        )

    towns = [
        n
        for n in dict.fromkeys(route.nodes)
        if n in geo.cities and geo.cities[n].kind in ("capital", "city", "town")
    ]
    for country in route.countries:
        own = [t for t in towns if geo.cities[t].country == country] or sorted(
            c.id for c in geo.cities.values() if c.country == country and c.kind == "capital"
        )
        bases = own * 2 if len(own) < 2 else own
        for k, base in enumerate(bases):
            for j in range(level.teams_per_place):
                capabilities = ["road", "technical"] if j == 0 and k == 0 else ["road"]
                add(country, "T", base=base, capabilities=capabilities)
    for leg in route.legs:
        if leg.mode is Mode.ferry:
            # An escort on board stays for the crossing: a duty outside the land limits.
            country = geo.network.nodes[leg.from_node].country
            add(country, "M", base=leg.from_node, capabilities=["maritime"], max_duty_hours=96)
    return teams


def _legal(route: Route, rng: random.Random, level: Level, on: date) -> list[dict[str, Any]]:
    out = []
    countries = list(route.countries)
    for i, c in enumerate(countries):
        entry: dict[str, Any] = {
            "country": c,
            "authorised": True,
            "deliveries": ALL_MODES,
            "lead_time_hours": rng.choice([24, 48, 72]),
        }
        if level.observation:
            neighbours = [countries[j] for j in (i - 1, i + 1) if 0 <= j < len(countries)]
            entry["foreign_observation"] = [
                {"from": n, "max_km": 30, "max_hours": 3}
                for n in neighbours
                if observation_basis(c, n, on) is not None
            ]
        out.append(entry)
    return out


def draw(seed: int, difficulty: Difficulty, geo: Geodata) -> Draw:
    """A plannable scenario for ``seed`` (see the module doc), before any fault is planted."""
    # A string seed is hashed with SHA-512 by ``random``: stable across runs and machines.
    rng = random.Random(f"cdplan-exercise-{seed}-{difficulty.value}")
    for _ in range(MAX_DRAWS):
        found = _draw(seed, rng, difficulty, geo)
        if plan(parse_scenario(found.data), geo).status is PlanStatus.optimal:
            return found
    raise RuntimeError(f"no plannable exercise found for seed {seed}; try another")


def _draw(seed: int, rng: random.Random, difficulty: Difficulty, geo: Geodata) -> Draw:
    level = LEVELS[difficulty]
    route = _route(geo, rng, level)
    day = FIRST_DAY + timedelta(days=rng.randrange(SEASON_DAYS))
    zone = ZoneInfo(geo.countries[route.countries[0]].timezone)
    departure = datetime.combine(day, time(rng.choice([4, 6, 8, 20])), tzinfo=zone)
    data: dict[str, Any] = {
        "schema": "cdplan.scenario/1",
        "operation": {
            "id": f"EX-{seed}",
            "name": f"Exercise {seed} ({difficulty.value})",
            "consignment": {
                "kind": rng.choice(["heroin", "cocaine", "cannabis resin"]),
                "delivery": "live",
            },
            "handling_code": "H2",
            "departure": departure.isoformat(),
            "planned_at": (departure - timedelta(days=PLANNED_DAYS_AHEAD)).isoformat(),
            "exercise": True,
        },
        "route": {
            "origin": route.origin.id,
            "destination": route.destination.id,
            "modes": ["road", "ferry"] if level.ferry else ["road"],
            "alternatives": 2,
        },
        "movement": {"drivers": 2 if route.length_km > 1800 else 1},
        "agencies": [_agency(geo, c) for c in route.countries],
        "teams": _teams(geo, route, level),
        "legal": _legal(route, rng, level, day),
        "rules": {"max_follow_hours": 6, "handover_overlap_minutes": 30, "min_teams": 1},
        "solver": {"time_limit_seconds": 20},
    }
    return Draw(data=data, route=route, difficulty=difficulty, rng=rng)
