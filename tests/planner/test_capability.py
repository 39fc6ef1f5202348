"""Capability (rule 3): road, rail; a ferry leg needs maritime or technical."""

from __future__ import annotations

import pytest

from planner.model.solve import solve
from planner.plan import PlanStatus
from tests.planner.builders import problem, route, team


@pytest.mark.parametrize(
    ("mode", "caps", "status"),
    [
        ("road", ("road",), PlanStatus.optimal),
        ("rail", ("road",), PlanStatus.infeasible),
        ("rail", ("rail",), PlanStatus.optimal),
        ("ferry", ("road",), PlanStatus.infeasible),
        ("ferry", ("maritime",), PlanStatus.optimal),
        ("ferry", ("technical",), PlanStatus.optimal),
    ],
)
def test_capability_fits_the_mode(mode: str, caps: tuple[str, ...], status: PlanStatus) -> None:
    r = route([("GEO", mode, 120)])  # type: ignore[list-item]
    assert solve(problem([r], [team("A", "GEO", caps=caps, routes=[r])])).status is status


def test_a_ferry_leg_is_its_own_block_and_not_following() -> None:
    r = route([("GEO", "road", 60), ("GEO", "ferry", 3000), ("GEO", "road", 60)])
    teams = [team("R", "GEO", routes=[r]), team("T", "GEO", caps=("technical",), routes=[r])]
    sol = solve(problem([r], teams))
    assert sol.status is PlanStatus.optimal
    ferry = [b for b in sol.blocks if b.first == 1]
    assert [(b.team, b.last, b.follow) for b in ferry] == [("T", 1, 0)]  # 50 h, not following
