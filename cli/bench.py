"""Benchmarks: build and solve times on generated operations of growing size.

Timings vary from machine to machine, so every case is also reported as a ratio to a baseline
solved in the same run (the bundled Aurora scenario). Run with ``cdplan bench``.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from cli.bench_movements import operation_cases
from geodata import RouteRequest, best_routes
from geodata.layers import Geodata
from planner.engine import plan
from planner.examples import DEFAULT, names, path_of
from planner.exports.map import render_map
from planner.io import load_scenario, parse_scenario
from planner.model.blocks import all_blocks
from planner.model.solve import solve
from planner.reasons import PlanningError
from planner.resolve.operation import resolve_operation
from planner.resolve.resolver import resolve_scenario

# (name, origin, destination, teams per city on the route, max follow hours, days)
CASES: list[tuple[str, str, str, int, float, int]] = [
    ("realistic: Istanbul-Belgrade", "TUR-istanbul", "SRB-belgrade", 3, 6.0, 2),
    ("realistic: Tbilisi-Sofia", "GEO-tbilisi", "BGR-sofia", 2, 6.0, 3),
    ("large: Baku-Belgrade", "AZE-baku", "SRB-belgrade", 6, 4.0, 5),
]


@dataclass(frozen=True)
class Result:
    """One benchmark case: its size, the solver's outcome, and times in seconds."""

    name: str
    countries: int
    km: float
    teams: int
    blocks: int
    status: str
    objective: float | None
    bound: float | None
    build_s: float
    solve_s: float
    segments: int = 0
    map_s: float = 0.0


def generated(
    geo: Geodata, origin: str, destination: str, per_city: int, follow: float, days: int
) -> dict[str, Any]:
    """A scenario with teams in every city along the best route, in every country on it."""
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
    teams = []
    for city in cities:
        country = geo.cities[city].country
        for k in range(per_city):
            teams.append(
                {
                    "id": f"{city}-{k}",
                    "agency": f"{country}-POL",
                    "base": city,
                    "capabilities": ["road", "technical"] if k == 0 else ["road"],
                }
            )
    return {
        "schema": "cdplan.scenario/1",
        "operation": {
            "id": "BENCH",
            "name": f"bench {origin}-{destination}",
            "consignment": {"kind": "heroin", "delivery": "live"},
            "departure": "2026-12-03T06:00:00+00:00",
            "planned_at": "2026-11-28T00:00:00+00:00",
        },
        "route": {"origin": origin, "destination": destination, "alternatives": 1},
        "movement": {
            "uncertainty": 0.1,
            "speed_factor": max(1.0, days * 24 / max(route.hours, 1) / 2),
        },
        "agencies": agencies,
        "teams": teams,
        "legal": [
            {"country": c, "authorised": True, "deliveries": ["live", "partial", "substituted"]}
            for c in route.countries
        ],
        "rules": {"max_follow_hours": follow},
        "solver": {"time_limit_seconds": 60, "workers": 0, "seed": 0},
    }


def run_case(geo: Geodata, name: str, data: dict[str, Any]) -> Result:
    """Resolve, build and solve one scenario, then time the map of its plan on its own.

    ``build_s`` is resolution, block generation and model building (the wall time less the
    solver's); ``solve_s`` is the solver's wall time; ``map_s`` renders the map of a plan made
    again by the engine (that planning is not timed).
    """
    scenario = parse_scenario(data)
    t = time.perf_counter()
    resolve = resolve_operation if scenario.movements else resolve_scenario
    problem = resolve(scenario, geo).problem
    blocks = all_blocks(problem)
    solution = solve(
        problem,
        time_limit=scenario.solver.time_limit_seconds,
        workers=scenario.solver.workers,
        seed=0,
        blocks=blocks,
    )
    elapsed = time.perf_counter() - t
    route = problem.routes[0]
    # The map of the same plan, timed on its own (the planning above is not counted).
    result = plan(scenario, geo)
    t = time.perf_counter()
    render_map(result, geo)
    map_s = time.perf_counter() - t
    return Result(
        segments=len(result.segments),
        map_s=map_s,
        name=name,
        countries=len(route.countries),
        km=route.length_km,
        teams=len(problem.teams),
        blocks=len(blocks),
        status=solution.status.value,
        objective=solution.report.objective,
        bound=solution.report.bound,
        build_s=elapsed - solution.report.wall_seconds,
        solve_s=solution.report.wall_seconds,
    )


def _idealised(data: dict[str, Any]) -> dict[str, Any]:
    """The same scenario without driver hours: the world the engine planned for before them."""
    out = copy.deepcopy(data)
    for part in [out, *out.get("movements", [])]:
        part.setdefault("movement", {})["driver_rules"] = "none"
    return out


def run(geo: Geodata) -> list[Result]:
    """Every case, the baseline (the bundled default scenario) first.

    Each case is solved twice in the same run: on the convoy's clock, and without driver hours
    (``[no driver hours]``), so that the cost of the clock is a ratio, not a memory.
    """
    cases: list[tuple[str, dict[str, Any]]] = []
    for name in [DEFAULT, *(n for n in names() if n != DEFAULT)]:
        data = load_scenario(path_of(name)).model_dump(by_alias=True, mode="json")
        cases.append((f"baseline: {name}" if name == DEFAULT else f"bundled: {name}", data))
    for name, a, b, per_city, follow, days in CASES:
        cases.append((name, generated(geo, a, b, per_city, follow, days)))
    cases += operation_cases(geo)
    results = []
    for name, data in cases:
        try:
            results.append(run_case(geo, name, data))
        except PlanningError:
            continue  # a bundled scenario made to be refused (an itinerary into Transnistria)
        results.append(run_case(geo, f"{name} [no driver hours]", _idealised(data)))
    return results
