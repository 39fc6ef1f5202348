"""Assembling the plan document from the resolved problem and the solver's choice.

Everything here is presentation of decisions already made: segments with their windows and local
times, each team's presence per segment, the handovers between consecutive blocks, the
authorisations to request, KPIs and the alternatives. Nothing here decides anything.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from shapely.geometry import LineString, mapping

from geodata.layers import Geodata
from geodata.localtime import local_time
from geodata.routing import Route
from planner.model.blocks import Block
from planner.model.objective import SCALE, block_cost, pickup_offset
from planner.model.problem import Problem, RouteOption, Segment, Spot
from planner.model.solve import Solution
from planner.plan import (
    Alternative,
    Assignment,
    Handover,
    Kpis,
    ObjectiveTerms,
    OperationInfo,
    PlacePoint,
    PlanRoute,
    PlanSegment,
    PlanTeam,
    SolverInfo,
)
from planner.resolve.resolver import Resolved
from planner.scenario import Scenario


def _place(s: Spot) -> PlacePoint:
    return PlacePoint(
        id=s.id, name=s.name, lat=s.lat, lon=s.lon, country=s.country, kind=s.kind or None
    )


def operation_info(scenario: Scenario, planned_at: datetime) -> OperationInfo:
    """The operation block of the plan, departure in UTC; ``planned_at`` must be UTC already."""
    op = scenario.operation
    return OperationInfo(
        id=op.id,
        name=op.name,
        handling_code=op.handling_code.value,
        consignment=op.consignment.kind,
        delivery=op.consignment.delivery.value,
        departure=op.departure.astimezone(ZoneInfo("UTC")),
        planned_at=planned_at,
        exercise=op.exercise,
    )


def segments(geo: Geodata, problem: Problem, route: RouteOption) -> list[PlanSegment]:
    """The route's segments as the plan shows them: absolute times, in UTC and local time."""
    return [
        PlanSegment(
            id=s.id,
            country=s.country,
            countries=list(s.countries),
            mode=s.mode,
            **{"from": _place(s.start_spot)},
            to=_place(s.end_spot),
            km=s.km,
            start=problem.at(s.start),
            end=problem.at(s.end),
            start_local=local_time(geo, problem.at(s.start), s.start_spot.country),
            end_local=local_time(geo, problem.at(s.end), s.end_spot.country),
            nominal_start=problem.at(s.nominal_start),
            nominal_end=problem.at(s.nominal_end),
            minutes_min=s.min_minutes,
            minutes_max=s.max_minutes,
            follow_minutes_max=s.follow_max,
            kind=s.kind or None,
            note=s.note or None,
            shift=f"{s.part[0]} of {s.part[1]}" if s.part else None,
        )
        for s in route.segments
    ]


def duty_numbers(problem: Problem, solution: Solution) -> dict[str, int | None]:
    """Each team's duties numbered 1, 2, ... in time order (None for a ferry leg, on board)."""
    out: dict[str, int | None] = {}
    by_team: dict[str, list[Block]] = defaultdict(list)
    for b in solution.blocks:
        if problem.routes[b.route].segments[b.first].mode == "ferry" or b.remote:
            out[b.id] = None
        else:
            by_team[b.team].append(b)
    for blocks in by_team.values():
        anchors = sorted({solution.duty_of.get(b.id) or 0 for b in blocks})
        for b in blocks:
            out[b.id] = anchors.index(solution.duty_of.get(b.id) or 0) + 1
    return out


def assignments(
    geo: Geodata,
    problem: Problem,
    route: RouteOption,
    solution: Solution,
    duties: dict[str, int | None] | None = None,
) -> list[Assignment]:
    """A team's presence per segment: over the whole window (rule 1), with the expected times.

    The expected times are also given in the team's own local time (its state's zone), so a team
    is told its task in the time it lives by.
    """
    out = []
    # With several movements a team's duties are numbered across all of them (``duties``).
    duties = duties if duties is not None else duty_numbers(problem, solution)
    for b in solution.blocks:
        team = problem.team(b.team)
        for k in range(b.first, b.last + 1):
            seg = route.segments[k]
            first = k == b.first
            begins = problem.at(seg.nominal_start - (problem.overlap if first else 0))
            # Tracked from a desk: a remote watch, or a ferry leg without an escort on board.
            tracked = b.remote or (seg.mode == "ferry" and "maritime" not in team.capabilities)
            ends = problem.at(seg.nominal_end)
            out.append(
                Assignment(
                    team=b.team,
                    agency=team.agency,
                    segment=seg.id,
                    start=problem.at(seg.start - (problem.overlap if first else 0)),
                    end=problem.at(seg.end),
                    expected_start=begins,
                    expected_end=ends,
                    expected_start_local=local_time(geo, begins, team.country),
                    expected_end_local=local_time(geo, ends, team.country),
                    duty=duties.get(b.id),
                    foreign=team.country not in seg.countries,
                    remote=tracked,
                )
            )
    return sorted(out, key=lambda a: (a.start, a.segment, a.team))


def _kind(before: Segment, after: Segment, from_country: str, to_country: str) -> str:
    if "ferry" in (before.mode, after.mode):
        return "port"
    if before.countries != after.countries or from_country != to_country:
        return "border"
    return "relief"


def handovers(
    geo: Geodata, problem: Problem, route: RouteOption, blocks: list[Block]
) -> list[Handover]:
    """Every handover between the chosen blocks, at the start of the incoming block.

    Outgoing and incoming blocks at a boundary are paired in order of team id; a newcomer beyond
    the blocks that end there (with ``min_teams`` > 1 a team carries on) is paired with a team
    that carries on.
    Both are shown present from ``overlap`` minutes before the expected passage until it;
    ``earliest``/``latest`` bound the passage over the whole ETA window.

    Args:
        geo: the geodata, for the local time at the handover place.
        problem: the resolved problem.
        route: the chosen route.
        blocks: the chosen blocks.

    Returns:
        The handovers in route order; none at the origin.
    """
    ending: dict[int, list[Block]] = defaultdict(list)
    starting: dict[int, list[Block]] = defaultdict(list)
    for b in blocks:
        ending[b.last + 1].append(b)
        starting[b.first].append(b)
    out = []
    for k in sorted(starting):
        if k == 0:
            continue
        before, after = route.segments[k - 1], route.segments[k]
        outgoing = sorted(ending.get(k, []), key=lambda b: b.team)
        incoming = sorted(starting[k], key=lambda b: b.team)
        # Newcomers beyond the teams that leave join a team that carries on (min_teams > 1):
        # every newcomer has its handover, so the table lists every change of team.
        carrying = sorted((b for b in blocks if b.first < k <= b.last), key=lambda b: b.team)
        partners = outgoing + carrying
        if not partners:
            continue
        pairs = [(partners[i % len(partners)], dst) for i, dst in enumerate(incoming)]
        for src, dst in pairs:
            a, z = problem.team(src.team), problem.team(dst.team)
            # Expected passage: the incoming team is in place `overlap` minutes before it.
            start = problem.at(after.nominal_start - problem.overlap)
            end = problem.at(after.nominal_start)
            spot = after.start_spot
            out.append(
                Handover(
                    kind=_kind(before, after, a.country, z.country),
                    place=_place(spot),
                    from_team=a.id,
                    to_team=z.id,
                    from_agency=a.agency,
                    to_agency=z.agency,
                    start=start,
                    end=end,
                    start_local=local_time(geo, start, spot.country),
                    end_local=local_time(geo, end, spot.country),
                    # Each team reads the time of its own side (Nadlac: EET and CET).
                    from_local=local_time(geo, end, a.country),
                    to_local=local_time(geo, end, z.country),
                    earliest=problem.at(after.start),
                    latest=problem.at(before.end),
                )
            )
    return out


def route_of(resolved: Resolved, index: int) -> PlanRoute:
    """Candidate route ``index`` as the plan shows it (hours include the known stops)."""
    r = resolved.routes[index]
    return PlanRoute(
        countries=r.countries,
        crossings=[PlacePoint(**c.model_dump()) for c in r.crossings],
        length_km=r.length_km,
        hours=resolved.problem.routes[index].hours,
        geometry=r.geometry,
    )


def alternatives(resolved: Resolved, chosen: int | None) -> list[Alternative]:
    """Every candidate route, marking the one the plan uses (``chosen`` None: none)."""
    return [
        Alternative(
            countries=r.countries,
            crossings=[c.id for c in r.crossings],
            length_km=r.length_km,
            hours=o.hours,
            chosen=i == chosen,
            geometry=dict(mapping(LineString(o.coordinates))),
        )
        for i, (r, o) in enumerate(zip(resolved.routes, resolved.problem.routes, strict=True))
    ]


def teams(problem: Problem) -> list[PlanTeam]:
    """Every team of the problem with its base, used in the plan or not."""
    return [
        PlanTeam(
            id=t.id,
            agency=t.agency,
            country=t.country,
            capabilities=sorted(t.capabilities),
            base=PlacePoint(
                id=t.id + "-base",
                name=t.base_name,
                lat=t.base_lat,
                lon=t.base_lon,
                country=t.country,
            ),
        )
        for t in problem.teams
    ]


def kpis(problem: Problem, blocks: list[Block], handover_count: int) -> Kpis:
    """The plan's headline figures from the chosen blocks.

    ``team_hours`` is the expected time on watch (overlap included, travel from base not);
    ``longest_follow_hours`` the worst-case physical following of one block; ``coverage`` is 1
    whenever there are blocks, as a solved model covers every segment.
    """
    return Kpis(
        handovers=handover_count,
        team_hours=round(sum(b.watch for b in blocks) / 60.0, 2),
        longest_follow_hours=round(max((b.follow for b in blocks), default=0) / 60.0, 2),
        coverage=1.0 if blocks else 0.0,
    )


def judged_route(judged: Route | None) -> PlanRoute:
    """The route an invalid or infeasible scenario was judged on (empty when there is none)."""
    if judged is None:
        return PlanRoute()
    return PlanRoute(
        countries=judged.countries,
        crossings=[PlacePoint(**c.model_dump()) for c in judged.crossings],
        length_km=judged.length_km,
        hours=judged.hours,
        geometry=judged.geometry,
    )


def objective_terms(problem: Problem, blocks: list[Block]) -> ObjectiveTerms:
    """The objective of the chosen blocks, term by term (see planner.model.objective)."""
    w = problem.weights
    costs = [block_cost(problem, b) for b in blocks]
    watched = {
        (b.route, k)
        for b in blocks
        if problem.need(b.route) == 0
        for k in range(b.first, b.last + 1)
    }
    optional = sum(
        problem.routes[r].segments[k].nominal_end - problem.routes[r].segments[k].nominal_start
        for r, k in watched
    )
    return ObjectiveTerms(
        # The first blocks of each movement pick the consignment up: no handover for them.
        handovers=round(
            w.handovers * sum(c.handovers for c in costs) - pickup_offset(problem) / SCALE, 2
        ),
        team_hours=round(w.team_hours * sum(c.team_hours for c in costs), 2),
        exposure=round(w.exposure * sum(c.exposure for c in costs), 2),
        foreign_observation=round(w.foreign_observation * sum(c.foreign_hours for c in costs), 2),
        remote_coverage=round(w.remote_coverage * sum(c.remote_hours for c in costs), 2),
        stability=round(w.stability * sum(c.changed_hours for c in costs), 2),
        lead_agency=round(w.handovers * sum(c.off_lead for c in costs), 2),
        # + 0.0: no "-0.00" when nothing optional is watched.
        optional_coverage=round(-w.optional_coverage * optional / 60.0, 2) + 0.0,
    )


def solver_info(solution: Solution, problem: Problem | None = None) -> SolverInfo:
    """The solver report as the plan shows it, so that a result can be reproduced.

    With the problem and a plan's blocks, the objective's terms too.
    """
    rep = solution.report
    terms = objective_terms(problem, solution.blocks) if problem and solution.blocks else None
    return SolverInfo(
        objective=rep.objective,
        bound=rep.bound,
        wall_seconds=rep.wall_seconds,
        build_seconds=rep.build_seconds,
        seed=rep.seed,
        workers=rep.workers,
        version=f"ortools {rep.version}",
        candidate_blocks=rep.blocks,
        terms=terms,
    )
