"""Re-planning's memory: the previous version's teams on each new stretch, and what changed.

Re-planning after an event cuts the route anew (a new origin, perhaps a new way round), so new
segments cannot be matched to old ones by id. They are matched by geography instead: both ends of
a new segment are projected onto the previous version's route line; when both lie within
``MATCH_KM`` of it, the previous segment whose stretch of line holds the middle of the two
projections is the match, and its teams are the new segment's previous watchers. A new segment off
the previous route (a detour) has none: whoever watches it is a change, so that the stability
term (planner.model.objective) weighs a new way round as well as new teams. Only the previous
segments still ahead at the new departure count, and only teams still in the problem (a lost team
cannot be kept). Place, not time: after a delay the same team should watch the same stretch, later.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from shapely.geometry import LineString, Point

from geodata.places import Place
from geodata.projection import distance_km
from planner.model.problem import Problem, Spot
from planner.plan import PlacePoint, Plan

MATCH_KM = 5.0  # a point this close to the previous route's line is on it
_EPS = 1e-9


def route_line(previous: Plan) -> LineString | None:
    """The plan's route as a line in (lon, lat) degrees, or None without at least two points."""
    coords = previous.route.geometry.get("coordinates")
    if not isinstance(coords, list | tuple) or len(coords) < 2:
        return None
    return LineString(coords)


def along(line: LineString, p: Spot | PlacePoint | Place) -> tuple[float, float]:
    """Position of a point along the line, and its distance off the line.

    Returns:
        The position of the point's projection, in degrees of line length from the line's start
        (only for comparing positions), and the distance from the point to it, km.
    """
    pos = float(line.project(Point(p.lon, p.lat)))
    near = line.interpolate(pos)
    return pos, distance_km(p.lat, p.lon, float(near.y), float(near.x))


def previous_watchers(problem: Problem, previous: Plan) -> dict[tuple[int, int], frozenset[str]]:
    """The teams the previous version had on the stretch of each new segment.

    Matching is by geography (see the module doc): the ends of a new segment are projected on
    the previous route's line; if both lie within ``MATCH_KM`` of it, the previous segments
    whose stretch holds the middle of the two projections give their teams, preferring those of
    the same mode (a stop matches a stop).

    Args:
        problem: the new planning problem (its candidate routes, teams and departure ``t0``).
        previous: the previous plan version.

    Returns:
        ``(route, segment) -> teams`` for every segment of every candidate route (an empty set:
        none to keep); an empty mapping when the previous version has no route line or no
        assignments.
    """
    line = route_line(previous)
    if line is None or not previous.assignments:
        return {}
    # A team no longer in the problem (lost) cannot be kept: its stretches are free for all.
    present = {t.id for t in problem.teams}
    teams: dict[str, set[str]] = defaultdict(set)
    for asg in previous.assignments:
        if asg.team in present:
            teams[asg.segment].add(asg.team)
    spans: list[tuple[float, float, str, frozenset[str]]] = []
    for s in previous.segments:
        # Only what was still ahead when the new version starts: a stretch already travelled
        # (a detour may go back along it) is history, not a plan to keep.
        if teams.get(s.id) and s.nominal_end > problem.t0:
            lo, hi = sorted((along(line, s.from_)[0], along(line, s.to)[0]))
            spans.append((lo, hi, s.mode, frozenset(teams[s.id])))
    out: dict[tuple[int, int], frozenset[str]] = {}
    for route in problem.routes:
        for seg in route.segments:
            (lo, off_lo), (hi, off_hi) = along(line, seg.start_spot), along(line, seg.end_spot)
            out[(route.index, seg.index)] = frozenset()
            if max(off_lo, off_hi) > MATCH_KM:
                continue
            mid = (lo + hi) / 2
            holding = [sp for sp in spans if sp[0] - _EPS <= mid <= sp[1] + _EPS]
            # A static segment (a stop, a queue) matches a static one of the previous version
            # first; on a boundary between two stretches both teams count (arriving, leaving).
            same_mode = [sp for sp in holding if sp[2] == seg.mode]
            chosen = same_mode or holding
            if chosen:
                out[(route.index, seg.index)] = frozenset().union(*(sp[3] for sp in chosen))
    return out


def differences(
    previous: Plan, result: Plan, *, start: datetime, position: float, lost: str | None = None
) -> list[str]:
    """What ``result`` changes against the rest of ``previous``, in plain words for the planners.

    Names the teams no longer used (except ``lost``, which the event already names) and those
    called in, a change of the crossings still ahead, and every new country on the route.

    Args:
        previous: the previous plan version.
        result: the new version's plan.
        start: when the new version starts: the previous version's assignments ending by then
            are history, not a change.
        position: the consignment's position along the previous route's line at ``start``
            (see :func:`along`); only crossings past it are compared.
        lost: the team the event lost, if any.
    """
    if not result.status.has_plan:
        return [f"no plan for the rest of the operation ({result.status}): see the reasons"]
    before = {a.team for a in previous.assignments if a.expected_end > start}
    after = {a.team for a in result.assignments}
    out = [f"team {t} no longer used" for t in sorted(before - after) if t != lost]
    out += [f"team {t} called in" for t in sorted(after - before)]
    line = route_line(previous)
    old = [
        c.id for c in previous.route.crossings if line is not None and along(line, c)[0] > position
    ]
    new = [c.id for c in result.route.crossings]
    if old != new:
        out.append(
            f"route now via {', '.join(new) or 'no crossing'} (was {', '.join(old) or 'none'})"
        )
    out += [
        f"new country on the route: {c}; request its authorisation"
        for c in dict.fromkeys(result.route.countries)
        if c not in previous.route.countries
    ]
    return out
