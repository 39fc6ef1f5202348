"""No two places at once, and real travel time between posts (rule 4): leap-frogging."""

from __future__ import annotations

from planner.model.solve import solve
from planner.plan import PlanStatus
from tests.planner.builders import problem, route, team


def test_a_team_cannot_hand_over_to_itself_to_dodge_the_follow_limit() -> None:
    # Two 200-min segments, limit 4 h: two blocks; a lone team cannot take both.
    r = route([("BGR", "road", 200), ("BGR", "road", 200)])
    assert (
        solve(problem([r], [team("A", "BGR", routes=[r])], max_follow_hours=4)).status
        is PlanStatus.infeasible
    )


def test_leapfrog_needs_time_to_overtake() -> None:
    # A, B, A: A must drive past the consignment while B follows the middle segment.
    # Middle 100 min: A needs 100/1.25 = 80 min + 30 overlap > 100 -> impossible.
    short = route([("BGR", "road", 200), ("BGR", "road", 100), ("BGR", "road", 200)])
    teams = [team("A", "BGR", routes=[short]), team("B", "BGR", routes=[short])]
    assert solve(problem([short], teams, max_follow_hours=4)).status is PlanStatus.infeasible
    # Middle 200 min: 160 + 30 <= 200 -> A gets ahead in time.
    long = route([("BGR", "road", 200), ("BGR", "road", 200), ("BGR", "road", 200)])
    teams = [team("A", "BGR", routes=[long]), team("B", "BGR", routes=[long])]
    sol = solve(problem([long], teams, max_follow_hours=4))
    assert sol.status is PlanStatus.optimal
    assert sorted((b.first, b.team) for b in sol.blocks) in (
        [(0, "A"), (1, "B"), (2, "A")],
        [(0, "B"), (1, "A"), (2, "B")],
    )
