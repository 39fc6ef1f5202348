"""Benchmark instances: operations generated along real routes of the network, and the bundled ones.

An instance is plain data: a name, a size class and a scenario as a JSON-ready dict. The
generator is deterministic: the route is the network's best one, teams sit in every town and
city on it, and with a ``seed`` each team's duty, rest and availability vary the way a real
roster does (from a seeded generator, so the same seed gives the same instance).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from geodata import RouteRequest, best_routes
from geodata.layers import Geodata
from planner.examples import names, path_of
from planner.io import load_scenario
from planner.strict import Model

DEPARTURE = datetime.fromisoformat("2026-12-03T06:00:00+00:00")

# A roster's spread: most teams work a 12 h day, some only 8 or 10; rest is 8 h, or the 11 h a
# team that also drives by night needs. A quarter of the teams are on shift for one or two days
# only, somewhere in the operation: the model's duty and availability rows then have work to do.
DUTY_HOURS = (8.0, 10.0, 12.0, 12.0)
REST_HOURS = (8.0, 8.0, 11.0)
ON_SHIFT_SHARE = 0.25
SHIFT_HOURS = (24, 48)


class Size(StrEnum):
    """Size classes of generated instances (bundled scenarios are their own class)."""

    S = "S"
    M = "M"
    L = "L"
    XL = "XL"
    bundled = "bundled"


class InstanceSpec(Model):
    """A generated operation: the best route between two places, with teams in its towns."""

    name: str = Field(description="Name shown in the table")
    size: Size = Field(description="Size class, for --sizes")
    origin: str = Field(description="Geodata id of the origin")
    destination: str = Field(description="Geodata id of the destination")
    per_city: int = Field(ge=1, le=10, description="Teams in every town and city on the route")
    follow_hours: float = Field(gt=0, le=24, description="rules.max_follow_hours")
    seed: int | None = Field(
        default=None, description="Vary duty, rest and availability per team; None: uniform"
    )
    stop_minutes: int = Field(
        default=0, ge=0, description="A known stop (reloading) at the middle town, minutes"
    )


class Instance(Model):
    """One benchmark instance: a scenario as JSON-ready data, ready to send to any worker."""

    name: str = Field(description="Name shown in the table")
    size: Size = Field(description="Size class")
    scenario: dict[str, Any] = Field(description="The scenario, as its JSON form")


# Small to XL along the region's corridors; the XL ones run past 3,000 km, 100 segments and 300
# teams (400 is the scenario's cap). Seeds are fixed so the table can be rerun.
SPECS: tuple[InstanceSpec, ...] = (
    InstanceSpec(
        name="Chisinau-Bucharest", size=Size.S, origin="MDA-chisinau",
        destination="ROU-bucharest", per_city=2, follow_hours=4, seed=1,
    ),
    InstanceSpec(
        name="Tbilisi-Yerevan", size=Size.S, origin="GEO-tbilisi", destination="ARM-yerevan",
        per_city=2, follow_hours=4, seed=2,
    ),
    InstanceSpec(
        name="Istanbul-Sofia", size=Size.S, origin="TUR-istanbul", destination="BGR-sofia",
        per_city=2, follow_hours=4, seed=3,
    ),
    InstanceSpec(
        name="Istanbul-Belgrade", size=Size.M, origin="TUR-istanbul",
        destination="SRB-belgrade", per_city=3, follow_hours=6, seed=4,
    ),
    InstanceSpec(
        name="Bucharest-Budapest", size=Size.M, origin="ROU-bucharest",
        destination="HUN-budapest", per_city=3, follow_hours=6, seed=5,
    ),
    InstanceSpec(
        name="Kyiv-Bucharest", size=Size.M, origin="UKR-kyiv", destination="ROU-bucharest",
        per_city=3, follow_hours=6, seed=6,
    ),
    InstanceSpec(
        name="Tbilisi-Sofia", size=Size.L, origin="GEO-tbilisi", destination="BGR-sofia",
        per_city=3, follow_hours=6, seed=7,
    ),
    InstanceSpec(
        name="Ankara-Budapest", size=Size.L, origin="TUR-ankara", destination="HUN-budapest",
        per_city=3, follow_hours=6, seed=8,
    ),
    InstanceSpec(
        name="Yerevan-Belgrade", size=Size.L, origin="ARM-yerevan",
        destination="SRB-belgrade", per_city=3, follow_hours=6, seed=9,
    ),
    InstanceSpec(
        name="Baku-Belgrade", size=Size.XL, origin="AZE-baku", destination="SRB-belgrade",
        per_city=6, follow_hours=4, seed=10,
    ),
    InstanceSpec(
        name="Tehran-Budapest", size=Size.XL, origin="IRN-tehran",
        destination="HUN-budapest", per_city=5, follow_hours=6, seed=11, stop_minutes=600,
    ),
    InstanceSpec(
        name="Baku-Warsaw", size=Size.XL, origin="AZE-baku", destination="POL-warsaw",
        per_city=5, follow_hours=6, seed=12, stop_minutes=600,
    ),
)  # fmt: skip


def _roster(rng: random.Random, hours: float) -> dict[str, Any]:
    """A team's duty, rest and (for some) availability, drawn from the seeded generator."""
    out: dict[str, Any] = {
        "max_duty_hours": rng.choice(DUTY_HOURS),
        "min_rest_hours": rng.choice(REST_HOURS),
    }
    if rng.random() < ON_SHIFT_SHARE:
        start = DEPARTURE + timedelta(hours=rng.uniform(-12.0, max(hours, 12.0)))
        end = start + timedelta(hours=rng.uniform(*SHIFT_HOURS))
        out["available"] = [{"from": start.isoformat(), "to": end.isoformat()}]
    return out


def generated(
    geo: Geodata,
    origin: str,
    destination: str,
    per_city: int,
    follow: float,
    days: int | None,
    *,
    seed: int | None = None,
    stop_minutes: int = 0,
) -> dict[str, Any]:
    """A scenario with teams in every town and city along the best route, in every state on it.

    Args:
        geo: the geodata.
        origin: geodata id of the origin.
        destination: geodata id of the destination.
        per_city: teams in each town or city on the route (the first one also technical).
        follow: ``rules.max_follow_hours``.
        days: the journey is slowed to about half of this many days when shorter; None: the
            network's speed.
        seed: with a seed, duty, rest and availability vary per team (see ``_roster``).
        stop_minutes: a known stop of this length at the middle town of the route.

    Returns:
        The scenario as its JSON form.
    """
    route = best_routes(geo, RouteRequest(origin=origin, destination=destination))[0]
    # Teams are based in towns and cities, not at junctions or truck parks.
    cities = [
        n
        for n in route.nodes
        if n in geo.cities and geo.cities[n].kind in ("capital", "city", "town")
    ]
    agencies = [
        {"id": f"{c}-POL", "country": c, "name": f"{c} police", "kind": "police"}
        for c in route.countries
    ]
    rng = random.Random(f"{seed}:{origin}:{destination}") if seed is not None else None
    teams = []
    for city in cities:
        country = geo.cities[city].country
        for k in range(per_city):
            team: dict[str, Any] = {
                "id": f"{city}-{k}",
                "agency": f"{country}-POL",
                "base": city,
                "capabilities": ["road", "technical"] if k == 0 else ["road"],
            }
            if rng is not None:
                team |= _roster(rng, route.hours)
            teams.append(team)
    slow = 1.0 if days is None else max(1.0, days * 24 / max(route.hours, 1) / 2)
    movement: dict[str, Any] = {"uncertainty": 0.1, "speed_factor": slow}
    if stop_minutes and len(cities) > 2:
        movement["stops"] = [{"at": cities[len(cities) // 2], "minutes": stop_minutes}]
    return {
        "schema": "cdplan.scenario/1",
        "operation": {
            "id": "BENCH",
            "name": f"bench {origin}-{destination}",
            "consignment": {"kind": "heroin", "delivery": "live"},
            "departure": DEPARTURE.isoformat(),
            "planned_at": "2026-11-28T00:00:00+00:00",
        },
        "route": {"origin": origin, "destination": destination, "alternatives": 1},
        "movement": movement,
        "agencies": agencies,
        "teams": teams,
        "legal": [
            {"country": c, "authorised": True, "deliveries": ["live", "partial", "substituted"]}
            for c in route.countries
        ],
        "rules": {"max_follow_hours": follow},
        "solver": {"time_limit_seconds": 60, "workers": 0, "seed": 0},
    }


def instance_of(spec: InstanceSpec, geo: Geodata) -> Instance:
    """The instance a spec generates, at the network's speed on the convoy's clock."""
    data = generated(
        geo,
        spec.origin,
        spec.destination,
        spec.per_city,
        spec.follow_hours,
        None,
        seed=spec.seed,
        stop_minutes=spec.stop_minutes,
    )
    return Instance(name=spec.name, size=spec.size, scenario=data)


def bundled() -> list[Instance]:
    """Every bundled scenario as an instance (one made to be refused is kept: it is reported)."""
    return [
        Instance(
            name=name,
            size=Size.bundled,
            scenario=load_scenario(path_of(name)).model_dump(by_alias=True, mode="json"),
        )
        for name in names()
    ]


def instances(geo: Geodata, sizes: frozenset[Size] | None = None) -> list[Instance]:
    """The bundled scenarios, then the generated instances, of the size classes asked for.

    Args:
        geo: the geodata, for the generated routes.
        sizes: the classes to keep (``Size.bundled`` for the bundled scenarios); None: all.
    """
    keep = sizes if sizes is not None else frozenset(Size)
    out = bundled() if Size.bundled in keep else []
    return out + [instance_of(s, geo) for s in SPECS if s.size in keep]
