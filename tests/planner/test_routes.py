"""Route choice: the cheaper candidate route wins; blocks of the other are never taken."""

from __future__ import annotations

from planner.model.solve import solve
from planner.plan import PlanStatus
from tests.planner.builders import problem, route, team


def test_the_cheaper_route_is_chosen() -> None:
    long = route([("BGR", "road", 200), ("BGR", "road", 200)], index=0)
    short = route([("BGR", "road", 150)], index=1)
    sol = solve(problem([long, short], [team("A", "BGR", routes=[long, short])]))
    assert sol.status is PlanStatus.optimal
    assert sol.route == 1
    assert all(b.route == 1 for b in sol.blocks)


def test_an_unstaffable_route_is_avoided() -> None:
    abroad = route([("ROU", "road", 60)], index=0)
    home = route([("BGR", "road", 300)], index=1)
    sol = solve(problem([abroad, home], [team("A", "BGR", routes=[abroad, home])]))
    assert sol.route == 1
