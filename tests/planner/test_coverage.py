"""Coverage (rule 1): every segment watched by min_teams over its whole window."""

from __future__ import annotations

from planner.model.solve import solve
from planner.plan import PlanStatus
from tests.planner.builders import problem, route, team


def test_one_team_covers_a_short_route() -> None:
    r = route([("BGR", "road", 60), ("BGR", "road", 60)])
    sol = solve(problem([r], [team("A", "BGR", routes=[r])]))
    assert sol.status is PlanStatus.optimal
    assert [(b.team, b.first, b.last) for b in sol.blocks] == [("A", 0, 1)]


def test_a_segment_nobody_can_watch_is_infeasible() -> None:
    r = route([("BGR", "road", 60), ("ROU", "road", 60)])
    sol = solve(problem([r], [team("A", "BGR", routes=[r])]))
    assert sol.status is PlanStatus.infeasible


def test_min_teams_two_needs_two_teams_on_every_segment() -> None:
    r = route([("BGR", "road", 60)])
    one = problem([r], [team("A", "BGR", routes=[r])], min_teams=2)
    assert solve(one).status is PlanStatus.infeasible
    two = problem([r], [team("A", "BGR", routes=[r]), team("B", "BGR", routes=[r])], min_teams=2)
    sol = solve(two)
    assert sol.status is PlanStatus.optimal
    assert sorted(b.team for b in sol.blocks) == ["A", "B"]
