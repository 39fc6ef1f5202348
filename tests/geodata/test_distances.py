"""Network distances against real driving distances.

Reference figures are the usual road distances by the main corridor (motorway where one exists),
rounded; they are public facts any road atlas or journey planner gives. Journey planners route
cars, so the network is asked for a car route (a truck may take longer ways, e.g. around
Istanbul's city bridges).
"""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import pytest

from geodata import Geodata, RouteRequest, Vehicle, best_routes

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
HELD_OUT_FILE = Path(__file__).with_name("distance_pairs.csv")
MEDIAN_ERROR = 0.03  # the held-out pairs as a whole: median relative error
MAX_ERROR = 0.10  # any single pair


def _held_out() -> list[tuple[str, str, float]]:
    with HELD_OUT_FILE.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return [(r["origin"], r["destination"], float(r["road_km"])) for r in rows]


def _car_km(geo: Geodata, a: str, b: str) -> float:
    request = RouteRequest(origin=a, destination=b, vehicle=Vehicle.car)
    return best_routes(geo, request)[0].length_km


@pytest.mark.parametrize(("a", "b", "real_km"), PAIRS, ids=[f"{a}~{b}" for a, b, _ in PAIRS])
def test_driving_distance_within_10_percent(geo: Geodata, a: str, b: str, real_km: float) -> None:
    assert _car_km(geo, a, b) == pytest.approx(real_km, rel=MAX_ERROR)


def test_held_out_pairs_median_under_3_percent_and_none_over_10(geo: Geodata) -> None:
    pairs = _held_out()
    assert len(pairs) >= 25
    assert not {(a, b) for a, b, _ in pairs} & {(a, b) for a, b, _ in PAIRS}
    errors = {f"{a}~{b}": abs(_car_km(geo, a, b) - km) / km for a, b, km in pairs}
    assert statistics.median(errors.values()) < MEDIAN_ERROR, errors
    assert {k: round(e, 3) for k, e in errors.items() if e > MAX_ERROR} == {}
