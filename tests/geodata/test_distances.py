"""Network distances against real driving distances (within 10 %).

Reference figures are the usual road distances by the main corridor (motorway where one exists),
rounded; they are public facts any road atlas or journey planner gives.
"""

from __future__ import annotations

import pytest

from geodata import Geodata, RouteRequest, best_routes

PAIRS = [
    ("TUR-istanbul", "TUR-ankara", 450),
    ("TUR-istanbul", "TUR-edirne", 235),
    ("BGR-sofia", "SRB-belgrade", 395),
    ("BGR-sofia", "BGR-plovdiv", 145),
    ("BGR-sofia", "BGR-varna", 440),
    ("GRC-athens", "GRC-thessaloniki", 500),
    ("GRC-thessaloniki", "MKD-skopje", 235),
    ("ROU-bucharest", "ROU-constanta", 225),
    ("GEO-tbilisi", "GEO-batumi", 375),
    ("GEO-tbilisi", "ARM-yerevan", 280),
    ("AZE-baku", "GEO-tbilisi", 570),
    ("UKR-kyiv", "UKR-odesa", 475),
    ("MDA-chisinau", "ROU-bucharest", 450),
]


@pytest.mark.parametrize(("a", "b", "real_km"), PAIRS, ids=[f"{a}~{b}" for a, b, _ in PAIRS])
def test_driving_distance_within_10_percent(geo: Geodata, a: str, b: str, real_km: float) -> None:
    route = best_routes(geo, RouteRequest(origin=a, destination=b))[0]
    assert route.length_km == pytest.approx(real_km, rel=0.10)
