"""Why no plan exists, in the planners' words.

Two steps. First, segments that no team could watch at all (no candidate block): each is
explained by the first rule that rules out every team (no team of that state, missing capability,
cannot reach it, not available, follow or duty limit). Second, when every segment has candidates
but the model is infeasible, a feasibility model with one assumption literal per segment
coverage and per team asks CP-SAT for a small set of assumptions that cannot hold together.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from ortools.sat.python import cp_model

from planner.constants import CAPABLE
from planner.model.blocks import Block, by_segment
from planner.model.builder import build
from planner.model.problem import Problem, RouteOption, Segment, TeamSpec
from planner.model.rules import Broken, check_run
from planner.reasons import Reason


def _fmt(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _window(problem: Problem, seg: Segment) -> str:
    return f"{_fmt(problem.at(seg.start))} to {_fmt(problem.at(seg.end))}"


def _why_not(problem: Problem, route: RouteOption, seg: Segment, team: TeamSpec) -> str:
    """The first single-block rule that keeps ``team`` from watching ``seg`` on its own."""
    verdict = check_run(problem, route, team, seg.index, seg.index)
    return verdict.rule.value if isinstance(verdict, Broken) else "other"


MESSAGES = {
    "capability": (
        "missing_capability",
        "no {states} team can watch a {mode} leg ({needs}); add a team with that capability",
    ),
    "reach": ("unreachable", "no {states} team can reach {place} from its base"),
    "follow": (
        "follow_limit",
        "{seg} ({place_from} to {place_to}) may take longer than max_follow_hours on its "
        "own; raise the limit or add a relief point",
    ),
    "duty": ("duty_limit", "no {states} team can reach and watch {seg} within its duty hours"),
    "availability": ("staffing_gap", "no {states} team is available to watch {seg} from {window}"),
    "handover_place": (
        "handover_place",
        "no {states} team can watch {seg} without a handover at a place where none may take "
        "place (rules.no_handover_at: {place}); allow a longer follow or another place",
    ),
    "other": ("staffing_gap", "no {states} team can watch {seg} from {window}"),
}


def uncovered(problem: Problem, blocks: list[Block], route: RouteOption) -> list[Reason]:
    """Reasons for the segments of ``route`` that no candidate block covers.

    A segment with no team of its state(s) at all is ``no_team_in_country``. Otherwise each
    team of its state is asked which single-block rule keeps it from watching the segment on its
    own (:func:`planner.model.rules.check_run`), and the most common answer names the reason:
    ``missing_capability``, ``unreachable``, ``follow_limit``, ``duty_limit``, or
    ``staffing_gap`` (not available, or nothing found for the segment alone). Teams of other
    states, which could only watch under foreign observation, are not asked.
    """
    covering = by_segment(blocks)
    out = []
    for seg in route.segments:
        if covering.get((route.index, seg.index)):
            continue
        states = "/".join(seg.countries)
        teams = [t for t in problem.teams if t.country in seg.countries]
        code, text = (
            (
                "no_team_in_country",
                "no team of a {states} agency is in the scenario, so nobody can watch "
                "{seg} ({place_from} to {place_to})",
            )
            if not teams
            else MESSAGES[
                Counter(_why_not(problem, route, seg, t) for t in teams).most_common(1)[0][0]
            ]
        )
        needs = " or ".join(sorted(CAPABLE[seg.mode]))
        out.append(
            Reason(
                code=code,
                message=text.format(
                    states=states,
                    mode=seg.mode,
                    needs=needs,
                    seg=seg.id,
                    place=seg.start_spot.name,
                    place_from=seg.start_spot.name,
                    place_to=seg.end_spot.name,
                    window=_window(problem, seg),
                ),
                subject=seg.id,
            )
        )
    return out


def core(problem: Problem, blocks: list[Block], *, time_limit: float = 10.0) -> list[Reason]:
    """Reasons from a small set of rule groups that cannot all hold together.

    Solves the feasibility model of :func:`planner.model.builder.build` with ``diagnose`` and
    asks CP-SAT for assumptions sufficient for infeasibility (not necessarily a minimal set).
    Each segment whose coverage is among them is a ``staffing_gap``; the teams whose presence
    and duty rules are among them are named together in one ``team_limits`` reason.

    Args:
        problem: the planning problem.
        blocks: its candidate blocks.
        time_limit: seconds for the diagnosis solve.

    Returns:
        The reasons, or an empty list when the diagnosis model is not proven infeasible in time.
    """
    built = build(problem, blocks, diagnose=True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1  # assumption cores need a single worker
    if solver.solve(built.model) != cp_model.INFEASIBLE:
        return []
    failing = set(solver.sufficient_assumptions_for_infeasibility())
    segs = [key for key, lit in built.coverage_lits.items() if lit.index in failing]
    teams = [t for t, lit in built.team_lits.items() if lit.index in failing]
    out = []
    for r, s in segs:
        seg = problem.routes[r].segments[s]
        out.append(
            Reason(
                code="staffing_gap",
                message=f"{seg.id} in {'/'.join(seg.countries)} ({seg.start_spot.name} to "
                f"{seg.end_spot.name}, {_window(problem, seg)}) cannot be watched together with "
                "the "
                "rest of the route: the teams who could are busy elsewhere, on rest, or too far to "
                "leap-frog; add a team or relax duty, rest or follow limits",
                subject=seg.id,
            )
        )
    if teams:
        out.append(
            Reason(
                code="team_limits",
                message="the gap comes from the duty, rest and travel limits of "
                + ", ".join(sorted(teams)),
                subject=",".join(sorted(teams)),
            )
        )
    return out


def explain(problem: Problem, blocks: list[Block]) -> list[Reason]:
    """Why a problem the solver proved infeasible has no plan, in the planners' words.

    First the segments of each movement's first candidate route that no team could watch at all
    (:func:`uncovered`; with several movements each reason names its movement), adding that the
    alternatives fail too when there are any; when every segment has candidates, the core of
    :func:`core`; failing both, a generic ``infeasible``.
    """
    reasons: list[Reason] = []
    for movement, indices in problem.movements().items():
        route = problem.routes[indices[0]]
        if problem.need(route.index) == 0:
            continue
        found = uncovered(problem, blocks, route)
        if found and len(indices) > 1:
            found.append(
                Reason(
                    code="alternatives_also_fail",
                    message=f"the {len(indices) - 1} alternative route(s) cannot be staffed either",
                    subject="route",
                )
            )
        if movement:
            found = [
                r.model_copy(update={"message": f"movement {movement}: {r.message}"}) for r in found
            ]
        reasons += found
    if reasons:
        return reasons
    return core(problem, blocks) or [
        Reason(
            code="infeasible",
            message="no plan keeps every rule; no smaller cause was found",
            subject="scenario",
        )
    ]
