"""Benchmark cases of several movements in one operation, teams shared between them.

Each case has teams in every town and city along its movements' routes; the movements run on
the same days, so one team could serve several and the model must keep it in one place at a
time across them.
"""

from __future__ import annotations

from typing import Any

from geodata import RouteRequest, best_routes
from geodata.layers import Geodata

# (name, movements as (id, origin, destination, minutes after the first departure, min_teams,
# vehicle), transfers as (from, to, place, minutes), teams per town or city)
Movement = tuple[str, str, str, int | None, int, str]
OPERATIONS: list[tuple[str, list[Movement], list[tuple[str, str, str, int]], int]] = [
    (
        "2 movements: truck and scout car, Istanbul-Sofia",
        [
            ("M1", "TUR-istanbul", "BGR-sofia", 20, 1, "truck"),
            ("M2", "TUR-istanbul", "BGR-sofia", 0, 0, "car"),
        ],
        [],
        6,
    ),
    (
        "3 movements: truck, scout car, van after a transfer, Istanbul-Plovdiv-Belgrade",
        [
            ("M1", "TUR-istanbul", "BGR-plovdiv", 20, 1, "truck"),
            ("M2", "TUR-istanbul", "BGR-plovdiv", 0, 0, "car"),
            ("M3", "BGR-plovdiv", "SRB-belgrade", None, 1, "van"),
        ],
        [("M1", "M3", "BGR-plovdiv", 120)],
        5,
    ),
    (
        "5 movements: two trucks with scouts and a van, Istanbul-Sofia-Belgrade, Edirne-Bucharest",
        [
            ("M1", "TUR-istanbul", "BGR-sofia", 20, 1, "truck"),
            ("M2", "TUR-istanbul", "BGR-sofia", 0, 0, "car"),
            ("M3", "TUR-edirne", "ROU-bucharest", 180, 1, "truck"),
            ("M4", "TUR-edirne", "ROU-bucharest", 160, 0, "car"),
            ("M5", "BGR-sofia", "SRB-belgrade", None, 1, "van"),
        ],
        [("M1", "M5", "BGR-sofia", 90)],
        6,
    ),
]


def operation(
    geo: Geodata,
    movements: list[Movement],
    transfers: list[tuple[str, str, str, int]],
    per_city: int,
) -> dict[str, Any]:
    """The scenario of one case: its movements, transfers, and teams along every route."""
    towns: dict[str, str] = {}
    countries: list[str] = []
    for _, a, b, _, _, _ in movements:
        route = best_routes(geo, RouteRequest(origin=a, destination=b))[0]
        countries += [c for c in route.countries if c not in countries]
        for n in route.nodes:
            city = geo.cities.get(n)
            if city is not None and city.kind in ("capital", "city", "town"):
                towns.setdefault(n, city.country)
    teams = [
        {
            "id": f"{town}-{k}",
            "agency": f"{country}-POL",
            "base": town,
            "capabilities": ["road", "technical"] if k == 0 else ["road"],
        }
        for town, country in sorted(towns.items())
        for k in range(per_city)
    ]
    return {
        "schema": "cdplan.scenario/1",
        "operation": {
            "id": "BENCH-OPS",
            "name": "bench: several movements",
            "planned_at": "2026-11-28T00:00:00+00:00",
        },
        "movements": [
            {
                "id": mid,
                "consignment": {
                    "kind": "heroin" if need else "none (scout car)",
                    "delivery": "live",
                },
                **(
                    {
                        "departure": f"2026-12-03T06:{offset:02d}:00+00:00"
                        if offset < 60
                        else f"2026-12-03T{6 + offset // 60:02d}:{offset % 60:02d}:00+00:00"
                    }
                    if offset is not None
                    else {}
                ),
                "route": {"origin": a, "destination": b, "alternatives": 1, "vehicle": vehicle},
                "movement": {"uncertainty": 0.1},
                "min_teams": need,
            }
            for mid, a, b, offset, need, vehicle in movements
        ],
        "transfers": [{"from": f, "to": t, "at": at, "minutes": m} for f, t, at, m in transfers],
        "agencies": [
            {"id": f"{c}-POL", "country": c, "name": f"{c} police", "kind": "police"}
            for c in countries
        ],
        "teams": teams,
        "legal": [
            {"country": c, "authorised": True, "deliveries": ["live", "partial", "substituted"]}
            for c in countries
        ],
        "rules": {"max_follow_hours": 6},
        "solver": {"time_limit_seconds": 60, "workers": 0, "seed": 0},
    }


def operation_cases(geo: Geodata) -> list[tuple[str, dict[str, Any]]]:
    """Every case of :data:`OPERATIONS` as (name, scenario data)."""
    return [
        (name, operation(geo, moves, transfers, per_city))
        for name, moves, transfers, per_city in OPERATIONS
    ]
