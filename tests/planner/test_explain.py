"""Why no plan exists: each reason on a tiny problem built to break exactly that rule."""

from __future__ import annotations

from planner.model.blocks import all_blocks
from planner.model.explain import core, explain, uncovered
from planner.model.problem import Problem
from planner.model.solve import solve
from planner.plan import PlanStatus
from planner.reasons import Reason
from tests.planner.builders import problem, route, team


def _uncovered(p: Problem) -> list[Reason]:
    blocks = all_blocks(p)
    assert solve(p, blocks=blocks).status is PlanStatus.infeasible
    return uncovered(p, blocks, p.routes[0])


def test_missing_capability() -> None:
    r = route([("GEO", "rail", 60)])
    (reason,) = _uncovered(problem([r], [team("A", "GEO", caps=("road",), routes=[r])]))
    assert (reason.code, reason.subject) == ("missing_capability", "R1-S01")
    assert reason.message == (
        "no GEO team can watch a rail leg (rail); add a team with that capability"
    )


def test_missing_capability_on_a_ferry_names_both_capabilities_that_would_do() -> None:
    r = route([("GEO", "ferry", 600)])
    (reason,) = _uncovered(problem([r], [team("A", "GEO", caps=("road",), routes=[r])]))
    assert reason.code == "missing_capability"
    assert "a ferry leg (maritime or technical)" in reason.message


def test_unreachable() -> None:
    r = route([("GEO", "road", 60)])
    # routes=[] gives the team no reach at all: it cannot get to the route from its base.
    (reason,) = _uncovered(problem([r], [team("A", "GEO", routes=[])]))
    assert (reason.code, reason.subject) == ("unreachable", "R1-S01")
    assert reason.message == "no GEO team can reach P0 from its base"


def test_follow_limit() -> None:
    # 400 min of following on one segment, 6 h (360 min) allowed: no team can take it alone.
    r = route([("BGR", "road", 400)])
    (reason,) = _uncovered(problem([r], [team("A", "BGR", routes=[r])]))
    assert (reason.code, reason.subject) == ("follow_limit", "R1-S01")
    assert reason.message.startswith("R1-S01 (P0 to P1) may take longer than max_follow_hours")


def test_duty_limit() -> None:
    # 300 min of watch + 30 min of overlap = 330 min > a 5 h (300 min) duty; follow is fine.
    r = route([("BGR", "road", 300)])
    (reason,) = _uncovered(problem([r], [team("A", "BGR", duty_hours=5, routes=[r])]))
    assert (reason.code, reason.subject) == ("duty_limit", "R1-S01")
    assert reason.message == "no BGR team can reach and watch R1-S01 within its duty hours"


def test_staffing_gap_when_no_team_is_available() -> None:
    # The team must be in place at minute -30 (overlap) but is free only from minute 100.
    r = route([("BGR", "road", 60)])
    late = team("A", "BGR", availability=((100, 10_000),), routes=[r])
    (reason,) = _uncovered(problem([r], [late]))
    assert (reason.code, reason.subject) == ("staffing_gap", "R1-S01")
    # The segment's window is minutes 0 to 60 after 2026-12-03 06:00 UTC.
    assert reason.message == (
        "no BGR team is available to watch R1-S01 from 2026-12-03 06:00 UTC to 2026-12-03 07:00 UTC"
    )


def test_no_team_in_country() -> None:
    r = route([("BGR", "road", 60), ("ROU", "road", 60)])
    (reason,) = _uncovered(problem([r], [team("A", "BGR", routes=[r])]))
    assert (reason.code, reason.subject) == ("no_team_in_country", "R1-S02")
    assert reason.message == (
        "no team of a ROU agency is in the scenario, so nobody can watch R1-S02 (P1 to P2)"
    )


def test_the_most_common_cause_among_the_teams_is_named() -> None:
    r = route([("GEO", "rail", 60)])
    teams = [
        team("A", "GEO", caps=("road",), routes=[r]),
        team("B", "GEO", caps=("road",), routes=[r]),
        team("C", "GEO", caps=("rail",), routes=[]),  # could watch it, cannot get there
    ]
    (reason,) = _uncovered(problem([r], teams))
    assert reason.code == "missing_capability"


def test_explain_adds_that_the_alternatives_fail_too() -> None:
    first = route([("ROU", "road", 60)], index=0)
    second = route([("ROU", "road", 90)], index=1)
    p = problem([first, second], [team("A", "BGR", routes=[first, second])])
    reasons = explain(p, all_blocks(p))
    assert [(r.code, r.subject) for r in reasons] == [
        ("no_team_in_country", "R1-S01"),
        ("alternatives_also_fail", "route"),
    ]
    assert reasons[1].message == "the 1 alternative route(s) cannot be staffed either"


def _one_team_two_segments() -> Problem:
    # Two 200-min segments, follow limit 4 h: A can watch each one alone, never both (a block
    # of both follows 400 min; leaving the first, A cannot get ahead of the consignment to the
    # start of the second in time). Every segment has a candidate, yet no plan exists.
    r = route([("BGR", "road", 200), ("BGR", "road", 200)])
    return problem([r], [team("A", "BGR", routes=[r])], max_follow_hours=4)


def test_core_names_both_segments_that_need_the_only_team() -> None:
    p = _one_team_two_segments()
    blocks = all_blocks(p)
    assert sorted((b.first, b.last) for b in blocks) == [(0, 0), (1, 1)]
    assert uncovered(p, blocks, p.routes[0]) == []
    reasons = core(p, blocks)
    gaps = {r.subject for r in reasons if r.code == "staffing_gap"}
    assert gaps == {"R1-S01", "R1-S02"}
    assert [(r.code, r.subject) for r in reasons if r.code != "staffing_gap"] == [
        ("team_limits", "A")
    ]
    first = next(r for r in reasons if r.subject == "R1-S01")
    assert first.message.startswith(
        "R1-S01 in BGR (P0 to P1, 2026-12-03 06:00 UTC to 2026-12-03 09:20 UTC) cannot be "
        "watched together with the rest of the route"
    )
    # explain() falls back to the core when every segment has candidates.
    assert explain(p, blocks) == reasons


def test_core_names_only_the_segment_that_cannot_be_staffed() -> None:
    # min_teams 2. Only A can be in place for S01 (B is free from minute 0, and S01 needs its
    # watchers from minute -30), and A cannot be counted twice: S01 is short of one team. S02
    # has A and B. The core is S01's coverage with A's presence rule, not S02's coverage.
    r = route([("BGR", "road", 60), ("BGR", "road", 60)])
    a = team("A", "BGR", routes=[r])
    b = team("B", "BGR", availability=((0, 100_000),), routes=[r])
    p = problem([r], [a, b], min_teams=2)
    blocks = all_blocks(p)
    assert {(b.team, b.first, b.last) for b in blocks} == {
        ("A", 0, 0),
        ("A", 0, 1),
        ("A", 1, 1),
        ("B", 1, 1),
    }
    assert solve(p, blocks=blocks).status is PlanStatus.infeasible
    reasons = core(p, blocks)
    assert [(r.code, r.subject) for r in reasons] == [
        ("staffing_gap", "R1-S01"),
        ("team_limits", "A"),
    ]
    assert explain(p, blocks) == reasons


def test_core_of_a_feasible_problem_is_empty() -> None:
    r = route([("BGR", "road", 60)])
    p = problem([r], [team("A", "BGR", routes=[r])])
    assert core(p, all_blocks(p)) == []
