"""Re-checks a plan against the rules of docs/rules.md, knowing nothing of the solver.

It takes (scenario, plan) only, so it also judges a trainee's hand-made plan. Times are the
plan's expected timeline; where the engine is stricter (worst-case durations for follow and
duty), this checker is the floor a plan must clear, not a copy of the model. It may read the
geodata (countries, restricted areas, team bases), which is public, not the engine's state.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import datetime, timedelta

from shapely.geometry import shape

from geodata import GeodataError, load
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.projection import distance_km
from planner.check import clock_rules, handover_rules, law_rules
from planner.check.split import split
from planner.check.violation import Violation
from planner.constants import CAPABLE, FOLLOWING, TRAVEL_DETOUR, TRAVEL_KMH
from planner.plan import Assignment, Plan, PlanSegment
from planner.scenario import Scenario

# The checker's own travel model: straight-line distance x detour at car speed (constants).
DETOUR = TRAVEL_DETOUR
CAR_KMH = TRAVEL_KMH
SLACK = timedelta(minutes=1)  # rounding of minutes in the plan


def _minutes(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60.0


def _coverage(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 1 (docs/rules.md): ``min_teams`` present over each segment's whole window."""
    out = []
    by_seg: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan.assignments:
        by_seg[a.segment].append(a)
    need = scenario.rules.min_teams
    for seg in plan.segments:
        # Over the segment's whole window, earliest entry to latest exit.
        spans = sorted((a.start, a.end) for a in by_seg.get(seg.id, []))
        lo, hi = seg.start, seg.end
        # Sweep: count teams present at every change point inside the segment.
        points = sorted(
            {lo, *(s for s, _ in spans if lo < s < hi), *(e for _, e in spans if lo < e < hi)}
        )
        for t in points:
            present = sum(
                1 for s, e in spans if s - SLACK <= t < e + SLACK or (t == hi and e >= hi)
            )
            if present < need:
                out.append(
                    Violation(
                        1,
                        seg.id,
                        f"{present} team(s) watching at {t:%Y-%m-%d %H:%M} UTC, {need} needed",
                    )
                )
                break
    return out


def _segments_consistent(plan: Plan) -> list[Violation]:
    """Rule 0: segments join end to end, and assignments name known segments."""
    out = []
    for a, b in zip(plan.segments, plan.segments[1:], strict=False):
        if a.to.id != b.from_.id:
            out.append(Violation(0, b.id, f"does not start where {a.id} ends"))
    known = {s.id for s in plan.segments}
    out += [
        Violation(0, a.segment, "assignment to an unknown segment")
        for a in plan.assignments
        if a.segment not in known
    ]
    return out


def _jurisdiction_and_capability(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rules 2 and 3 (docs/rules.md): own state or foreign observation in limits; capability."""
    out = []
    seg = {s.id: s for s in plan.segments}
    order = {s.id: i for i, s in enumerate(plan.segments)}
    teams = {t.id: t for t in scenario.teams}
    foreign_runs: dict[tuple[str, str], list[PlanSegment]] = defaultdict(list)
    for a in plan.assignments:
        team = teams.get(a.team)
        if team is None or a.segment not in seg:
            out.append(Violation(0, a.team, "unknown team or segment"))
            continue
        s = seg[a.segment]
        country = scenario.agency(team.agency).country
        if not {c.value for c in team.capabilities} & CAPABLE[s.mode]:
            out.append(Violation(3, f"{a.team}@{s.id}", f"cannot watch a {s.mode} leg"))
        if country not in s.countries:
            foreign_runs[(a.team, s.country)].append(s)
    for (team_id, host), segs in foreign_runs.items():
        country = scenario.agency(teams[team_id].agency).country
        entry = scenario.legal_for(host)
        limit = next(
            (f for f in (entry.foreign_observation if entry else []) if f.from_ == country), None
        )
        if limit is None:
            out.append(Violation(2, team_id, f"works in {host} without foreign observation rights"))
            continue
        km = sum(s.km for s in segs)
        hours = sum(s.minutes_max for s in segs) / 60.0
        if km > limit.max_km + 0.5 or hours > limit.max_hours + 0.02:
            out.append(
                Violation(
                    2,
                    team_id,
                    f"follows {km:.0f} km / {hours:.1f} h in {host}; "
                    f"allowed {limit.max_km:g} km / {limit.max_hours:g} h",
                )
            )
        idx = sorted(order[s.id] for s in segs)
        neighbours = {plan.segments[i - 1].country for i in idx[:1] if i > 0} | {
            plan.segments[i + 1].country for i in idx[-1:] if i + 1 < len(plan.segments)
        }
        if country not in neighbours:
            out.append(
                Violation(2, team_id, f"foreign observation in {host} not next to {country}")
            )
    return out


def _runs(assignments: list[Assignment], order: dict[str, int]) -> list[list[Assignment]]:
    """A team's assignments grouped into runs of consecutive segments (its blocks)."""
    runs: list[list[Assignment]] = []
    for a in sorted(assignments, key=lambda a: order[a.segment]):
        if (
            runs
            and order[a.segment] == order[runs[-1][-1].segment] + 1
            and a.movement == runs[-1][-1].movement
            and a.expected_start <= runs[-1][-1].expected_end + SLACK
            and a.remote == runs[-1][-1].remote
        ):
            runs[-1].append(a)
        else:
            runs.append([a])
    return runs


def _desk(run: list[Assignment], seg: dict[str, PlanSegment]) -> bool:
    """A remote watch away from a ferry leg (on a ferry, the old convention stands)."""
    return run[0].remote and seg[run[0].segment].mode != "ferry"


def _team_rules(scenario: Scenario, plan: Plan, geo: Geodata) -> list[Violation]:
    """Rules 4, 5 and 7 (docs/rules.md), per team, on the plan's expected timeline."""
    out = []
    seg = {s.id: s for s in plan.segments}
    order = {s.id: i for i, s in enumerate(plan.segments)}
    by_team: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan.assignments:
        if a.segment in seg:
            by_team[a.team].append(a)
    max_follow = scenario.rules.max_follow_hours * 60
    for i, team in enumerate(scenario.teams):
        assignments = by_team.get(team.id)
        if not assignments:
            continue
        # A remote watch from a desk is judged by rule 14 (planner/check/law_rules.py), and a
        # ferry leg tracked from a desk neither moves the team nor counts as a duty on land.
        runs = [r for r in _runs(assignments, order) if not _desk(r, seg)]
        # Travel, duty and rest on the expected timeline (teams follow live tracking).
        spans = [(r[0].expected_start, r[-1].expected_end, r) for r in runs]
        spans.sort(key=lambda x: x[0])
        # Rule 7: physical following of one run, worst case, within the limit.
        for r in runs:
            follow = sum(
                seg[a.segment].follow_minutes_max for a in r if seg[a.segment].mode in FOLLOWING
            )
            if follow > max_follow + 1:
                out.append(
                    Violation(
                        7,
                        team.id,
                        f"follows up to {follow / 60:.1f} h from "
                        f"{seg[r[0].segment].from_.name} without relief",
                    )
                )
        # Rule 4: one place at a time, and time to drive between runs.
        for (_, e1, r1), (s2, _, r2) in itertools.pairwise(spans):
            if s2 < e1 - SLACK:
                out.append(Violation(4, team.id, f"in two places at {s2:%Y-%m-%d %H:%M} UTC"))
                continue
            p, q = seg[r1[-1].segment].to, seg[r2[0].segment].from_
            need = distance_km(p.lat, p.lon, q.lat, q.lon) * DETOUR / CAR_KMH * 60
            if _minutes(e1, s2) + 1 < need:
                out.append(
                    Violation(
                        4,
                        team.id,
                        f"cannot drive from {p.name} to {q.name} in {_minutes(e1, s2):.0f} min",
                    )
                )
        # Rule 5: availability, duty length, rest between duties (ferry legs on board excepted).
        try:
            base = resolve(geo, team.base, field=f"teams[{i}].base").place
        except GeodataError:
            out.append(Violation(5, team.id, "base is not a usable place"))
            continue
        windows = [(w.from_, w.to) for w in team.available]
        land = [(s, e, r) for s, e, r in spans if seg[r[0].segment].mode != "ferry"]
        duty_start: datetime | None = None
        last_end: datetime | None = None
        for s, e, r in land:
            first = seg[r[0].segment].from_
            reach = timedelta(
                minutes=distance_km(base.lat, base.lon, first.lat, first.lon)
                * DETOUR
                / CAR_KMH
                * 60
            )
            ready, needed = r[0].start, r[-1].end  # the whole window, for availability
            if windows and not any(w0 <= ready - reach and needed <= w1 for w0, w1 in windows):
                out.append(
                    Violation(
                        5, team.id, f"works outside its availability at {ready:%Y-%m-%d %H:%M} UTC"
                    )
                )
            rested = last_end is not None and _minutes(last_end, s) >= team.min_rest_hours * 60 - 1
            if duty_start is None or rested:
                duty_start = s - reach
            if _minutes(duty_start, e) > team.max_duty_hours * 60 + 1:
                out.append(
                    Violation(
                        5,
                        team.id,
                        f"duty from {duty_start:%Y-%m-%d %H:%M} UTC to "
                        f"{e:%H:%M} is longer than {team.max_duty_hours:g} h "
                        "without the minimum rest",
                    )
                )
            last_end = e
    return out


def _handovers(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 6 (docs/rules.md): at every change of country and of team, both teams overlap."""
    out = []
    need = scenario.rules.handover_overlap_minutes
    by_seg: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan.assignments:
        by_seg[a.segment].append(a)
    for before, after in zip(plan.segments, plan.segments[1:], strict=False):
        left = {a.team: a for a in by_seg.get(before.id, [])}
        right = {a.team: a for a in by_seg.get(after.id, [])}
        continuing = set(left) & set(right)
        newcomers = [right[t] for t in right if t not in continuing]
        leaving = [left[t] for t in left if t not in continuing]
        for new in newcomers:
            partners = leaving or [left[t] for t in continuing]
            best = max(
                (_minutes(new.expected_start, old.expected_end) for old in partners), default=-1.0
            )
            if best < need - 1:
                out.append(
                    Violation(
                        6,
                        after.id,
                        f"{new.team} takes over at {after.from_.name} "
                        f"with {max(best, 0):.0f} min of overlap, {need} needed",
                    )
                )
        if before.countries != after.countries and not newcomers and not continuing:
            out.append(Violation(6, after.id, "no handover at the border"))
    return out


def _route_rules(scenario: Scenario, plan: Plan, geo: Geodata) -> list[Violation]:
    """Rules 8 and 9 (docs/rules.md): authorised states, avoidances, crossings, restricted areas."""
    out = []
    for c in dict.fromkeys(plan.route.countries):
        entry = scenario.legal_for(c)
        if entry is None or not entry.authorised:
            out.append(Violation(8, c, "has not authorised the delivery"))
        if c in scenario.route.avoid.countries:
            out.append(Violation(8, c, "an avoided country is on the route"))
    for crossing in plan.route.crossings:
        if crossing.id in scenario.route.avoid.crossings:
            out.append(Violation(8, crossing.id, "an avoided crossing is used"))
        known = geo.crossings.get(crossing.id)
        if known is not None and known.status.value != "open":
            out.append(
                Violation(
                    9 if known.status.value == "non_plannable" else 8,
                    crossing.id,
                    f"the crossing is {known.status.value}",
                )
            )
    coords = plan.route.geometry.get("coordinates")
    if coords:
        line = shape(plan.route.geometry)
        for area_id, zone in geo.restricted_index.shapes.items():
            # The buffer near a line of control may touch a lawful road at its edge; the area
            # itself must not be entered.
            if line.intersects(geo.restricted_shapes[area_id]) and zone is not None:
                out.append(
                    Violation(9, area_id, f"the route enters {geo.restricted[area_id].name}")
                )
    return out


def check(scenario: Scenario, plan: Plan, geo: Geodata | None = None) -> list[Violation]:
    """Every violation of rules 0-16 (docs/rules.md) by a plan with status optimal or feasible.

    An operation of several movements is checked movement by movement for the rules of a route,
    and across movements for the rules of a team (planner.check.split).

    Args:
        scenario: the scenario the plan answers.
        plan: the plan to judge; one without a plan to follow has nothing to check.
        geo: the geodata (loaded when not given).

    Returns:
        The violations, grouped by rule family; empty when the plan keeps every rule.
    """
    if not plan.status.has_plan:
        return []
    geo = geo or load()
    parts = split(scenario, plan) if scenario.movements else []
    if not parts:
        return _route_part(scenario, plan, geo, optional=False) + _team_rules(scenario, plan, geo)
    out: list[Violation] = []
    for part in parts:
        out += _route_part(part.scenario, part.plan, geo, optional=part.optional)
    return out + _team_rules(scenario, plan, geo)


def _route_part(scenario: Scenario, plan: Plan, geo: Geodata, *, optional: bool) -> list[Violation]:
    """The rules of one route; ``optional``: a movement watched only where cheap (min_teams 0)."""
    watched = [] if optional else _coverage(scenario, plan) + _handovers(scenario, plan)
    return (
        _segments_consistent(plan)
        + watched
        + _jurisdiction_and_capability(scenario, plan)
        + _route_rules(scenario, plan, geo)
        + clock_rules.driver_hours(scenario, plan)
        + clock_rules.opening_hours(scenario, plan, geo)
        + clock_rules.sailings(scenario, plan, geo)
        + clock_rules.local_times(plan, geo)
        + law_rules.observation_bases(scenario, plan)
        + law_rules.content_modes(scenario, plan)
        + law_rules.technical_coverage(scenario, plan)
        + law_rules.requests(scenario, plan)
        + handover_rules.burned_places(scenario, plan, geo)
        + handover_rules.request_times(scenario, plan)
        + handover_rules.handover_table(plan)
    )
