"""Jurisdiction (rule 2): own country only, or foreign observation within its km and hours."""

from __future__ import annotations

from planner.model.blocks import all_blocks
from planner.model.problem import ForeignLimit, RouteOption
from planner.model.solve import solve
from planner.plan import PlanStatus
from planner.weights import Weights
from tests.planner.builders import problem, route, team


def _route() -> RouteOption:
    # BGR 60 min, then ROU 30 min (30 km), then ROU 60 min.
    return route([("BGR", "road", 60), ("ROU", "road", 30), ("ROU", "road", 60)], km=30.0)


def test_a_team_never_works_abroad_without_rights() -> None:
    r = _route()
    sol = solve(problem([r], [team("BG", "BGR", routes=[r])]))
    assert sol.status is PlanStatus.infeasible


def test_foreign_observation_within_limits_is_used() -> None:
    # BGR 60 min, ROU 30 min, ROU 90 min: carrying on over the border balances the two follows
    # (1.5 h each, exposure 2 x 2.25 / 6 h) better than a handover at it (1 h and 2 h: 5 / 6 h).
    r = route([("BGR", "road", 60), ("ROU", "road", 30), ("ROU", "road", 90)], km=30.0)
    teams = [team("BG", "BGR", routes=[r]), team("RO", "ROU", routes=[r])]
    limit = ForeignLimit(host="ROU", team_country="BGR", max_km=30, max_minutes=300)
    sol = solve(problem([r], teams, foreign=[limit]))
    assert sol.status is PlanStatus.optimal
    # Without foreign weight the BGR team carries on; with the default (20 per hour, 10 for the
    # half hour abroad) the border handover is cheaper: the ROU team takes over at the border.
    assert {(b.team, b.first, b.last) for b in sol.blocks} == {("BG", 0, 0), ("RO", 1, 2)}
    free = solve(problem([r], teams, foreign=[limit], weights=Weights(foreign_observation=0)))
    assert {(b.team, b.first, b.last) for b in free.blocks} == {("BG", 0, 1), ("RO", 2, 2)}
    assert any(b.foreign_minutes > 0 for b in free.blocks)


def test_foreign_observation_beyond_its_km_is_refused() -> None:
    r = route([("BGR", "road", 60), ("ROU", "road", 30), ("ROU", "road", 60)], km=30.0)
    teams = [team("BG", "BGR", routes=[r])]
    # 30 km allowed: the first ROU segment (30 km) is fine, the second is not.
    limit = ForeignLimit(host="ROU", team_country="BGR", max_km=30, max_minutes=300)
    sol = solve(problem([r], teams, foreign=[limit]))
    assert sol.status is PlanStatus.infeasible
    assert all(b.last <= 1 for b in all_blocks(problem([r], teams, foreign=[limit])))


def test_foreign_observation_only_for_the_named_country() -> None:
    r = _route()
    limit = ForeignLimit(host="ROU", team_country="GRC", max_km=300, max_minutes=3000)
    sol = solve(problem([r], [team("BG", "BGR", routes=[r])], foreign=[limit]))
    assert sol.status is PlanStatus.infeasible
