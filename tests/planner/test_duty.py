"""Duty, rest and availability (rule 5)."""

from __future__ import annotations

from planner.model.solve import solve
from planner.plan import PlanStatus
from tests.planner.builders import problem, route, team


def test_duty_length_limits_a_block() -> None:
    r = route([("BGR", "road", 300)])
    # Watch 300 + 30 overlap + 60 travel = 390 min > 6 h duty.
    assert (
        solve(problem([r], [team("A", "BGR", reach=60, duty_hours=6, routes=[r])])).status
        is PlanStatus.infeasible
    )
    assert (
        solve(problem([r], [team("A", "BGR", reach=60, duty_hours=7, routes=[r])])).status
        is PlanStatus.optimal
    )


def test_two_duties_need_the_rest_between_them() -> None:
    # Segments of 240 min (follow limit 4 h) with a 10 h stop in the middle.
    parts = [("BGR", "road", 240), ("BGR", "stop", 600), ("BGR", "road", 240)]
    r = route(parts)  # type: ignore[arg-type]
    rested = team("A", "BGR", duty_hours=5, rest_hours=8, routes=[r])
    stopper = team("S", "BGR", duty_hours=11, routes=[r])
    # A works the first stretch, rests over the stop (10 h > 8 h), works the last.
    sol = solve(problem([r], [rested, stopper], max_follow_hours=4))
    assert sol.status is PlanStatus.optimal
    assert sorted((b.team, b.first) for b in sol.blocks) == [("A", 0), ("A", 2), ("S", 1)]
    assert {sol.duty_of[b.id] for b in sol.blocks if b.team == "A"} == {0, 1}
    # With 12 h of rest required, A cannot come back: infeasible.
    tired = team("A", "BGR", duty_hours=5, rest_hours=12, routes=[r])
    assert solve(problem([r], [tired, stopper], max_follow_hours=4)).status is PlanStatus.infeasible


def test_availability_window() -> None:
    r = route([("BGR", "road", 120)])
    late = team("A", "BGR", availability=((60, 10_000),), routes=[r])
    assert solve(problem([r], [late])).status is PlanStatus.infeasible
    early = team("A", "BGR", availability=((-60, 10_000),), routes=[r])
    assert solve(problem([r], [early])).status is PlanStatus.optimal
