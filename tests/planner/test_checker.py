"""The solver-free checker catches every kind of broken plan (tampered copies of a good one)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from planner.plan import Plan
from planner.scenario import Scenario
from tests.planner.scenarios import scenario, variant


@pytest.fixture(scope="module")
def good(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = scenario()
    result = plan(sc, geo)
    assert result.status == "optimal"
    assert check(sc, result, geo) == []
    return sc, result


def _rules(sc: Scenario, p: Plan, geo: Geodata) -> set[int]:
    return {v.rule for v in check(sc, p, geo)}


def test_a_gap_in_coverage(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = good
    broken = p.model_copy(deep=True)
    broken.assignments = broken.assignments[1:]
    assert 1 in _rules(sc, broken, geo)


def test_a_team_abroad(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = good
    broken = p.model_copy(deep=True)
    greek = next(a for a in broken.assignments if a.segment == broken.segments[-1].id)
    greek.team, greek.agency = "BG-T1", "BG-GDBOP"
    assert 2 in _rules(sc, broken, geo)


def test_a_team_without_the_capability(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    _ = good
    data = variant(
        teams=[
            {**t, "capabilities": ["maritime", "road"]} if t["id"] == "BG-T1" else t
            for t in scenario().model_dump(by_alias=True, mode="json")["teams"]
        ]
    )
    sc2 = scenario(data)
    p = plan(sc2, geo)
    assert check(sc2, p, geo) == []
    stripped = scenario(
        variant(
            teams=[
                {**t, "capabilities": ["maritime"]}
                if t["id"] in {a.team for a in p.assignments}
                else t
                for t in data["teams"]
            ]
        )
    )
    assert 3 in _rules(stripped, p, geo)


def test_a_handover_without_overlap(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = good
    broken = p.model_copy(deep=True)
    teams = [a.team for a in broken.assignments]
    first_new = next(i for i, t in enumerate(teams) if t != teams[0])
    broken.assignments[first_new].expected_start += timedelta(minutes=29)
    assert 6 in _rules(sc, broken, geo)


def test_too_long_a_follow(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    _, p = good
    strict = scenario(variant(rules={"max_follow_hours": 1}))
    assert 7 in _rules(strict, p, geo)


def test_a_team_in_two_places(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = good
    broken = p.model_copy(deep=True)
    last = broken.assignments[-1]
    first = broken.assignments[0]
    last.team, last.agency = first.team, first.agency
    last.start, last.end = first.start, first.end
    last.expected_start, last.expected_end = first.expected_start, first.expected_end
    assert _rules(sc, broken, geo) & {2, 4}


def test_an_unauthorised_state(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    _, p = good
    no_greece = scenario(
        variant(
            legal=[
                {
                    "country": "BGR",
                    "authorised": True,
                    "deliveries": ["live", "partial", "substituted"],
                }
            ]
        )
    )
    assert 8 in _rules(no_greece, p, geo)


def test_a_route_through_a_restricted_area(good: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = good
    broken = p.model_copy(deep=True)
    broken.route.geometry = {"type": "LineString", "coordinates": [[29.0, 46.8], [29.7, 46.8]]}
    assert 9 in _rules(sc, broken, geo)
