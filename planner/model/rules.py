"""The rules one block must keep on its own, in one place.

A block is a team watching a run of consecutive segments of one route. The block generator
(:mod:`planner.model.blocks`) creates only blocks that keep every rule here, and the explanation
(:mod:`planner.model.explain`) names the first rule here that keeps a team from watching a
segment. Both call :func:`check_run`, so they cannot drift apart.

The rules, in the order they are checked:
- capability: the team can watch every segment of the run (a ferry leg needs maritime or
  technical, a road leg road, a rail leg rail, a stop a car or a train team);
- reach: the team can get from its base to the first post at all;
- ferry: a ferry leg is a block of its own (different teams watch the quay and the sea);
- jurisdiction: every segment is in the team's own state, except a stretch next to its border
  that the host state opens to foreign observation, within its km and hours;
- follow: physical following lasts at most ``max_follow`` in the worst case;
- duty: travel from base, the handover overlap and the worst-case watch fit in one duty (a ferry
  leg is outside the duty model: the escort rests on board);
- availability: from leaving base to the latest release lies inside one availability window;
- handover place: the block neither begins nor ends at a place where no handover may take place
  (``rules.no_handover_at``, a place burned by counter-surveillance).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planner.constants import CAPABLE, STATIC_MODES
from planner.model.problem import Problem, RouteOption, Segment, TeamSpec


class Rule(StrEnum):
    """A single-block rule (see the module doc)."""

    capability = "capability"
    reach = "reach"
    ferry = "ferry"
    jurisdiction = "jurisdiction"
    follow = "follow"
    duty = "duty"
    availability = "availability"
    handover_place = "handover_place"


@dataclass(frozen=True)
class Broken:
    """A run of segments breaks ``rule``.

    ``final``: no longer run with the same first segment can keep it, so the generator stops
    extending; a foreign prefix may still become lawful once it reaches home, so that one is not
    final.
    """

    rule: Rule
    final: bool


@dataclass(frozen=True)
class Lawful:
    """What a lawful run costs, computed once for the block that holds it."""

    travel: int  # minutes from base to the first post
    follow: int  # worst-case minutes of physical following
    duty_start: int  # leaves base, on the expected timeline
    duty_end: int  # released, expected timeline with worst-case stretch durations
    foreign_minutes: int
    foreign_km: float
    foreign_country: str | None


def capable(team: TeamSpec, seg: Segment) -> bool:
    """Whether the team has a capability that can watch this kind of segment."""
    return bool(team.capabilities & CAPABLE[seg.mode])


def home(team: TeamSpec, seg: Segment) -> bool:
    """Whether the segment lies in a state where the team may watch without foreign rights."""
    return team.country in seg.countries


def _foreign(problem: Problem, team: TeamSpec, run: list[Segment]) -> tuple[int, float, str] | None:
    """The foreign part of a run as (worst-case minutes, km, host), or None if it is unlawful.

    Lawful means: one host, no ferry, next to the team's own country at one end of the run, and
    within the host's km and hours for teams of the team's state.
    """
    foreign = [s for s in run if not home(team, s)]
    hosts = {s.country for s in foreign}
    if len(hosts) != 1 or any(s.mode == "ferry" for s in foreign):
        return None
    host = hosts.pop()
    limit = problem.foreign_limit(host, team.country)
    if limit is None:
        return None
    flags = [not home(team, s) for s in run]
    # The foreign stretch must touch the team's own country: a prefix or a suffix of the run,
    # with at least one home segment (a run wholly abroad is never foreign observation).
    n = len(foreign)
    if not (all(flags[:n]) or all(flags[-n:])) or n == len(run):
        return None
    minutes = sum(s.max_minutes for s in foreign)
    km = sum(s.km for s in foreign)
    if minutes > limit.max_minutes or km > limit.max_km + 1e-6:
        return None
    return minutes, km, host


def available(team: TeamSpec, start: int, end: int) -> bool:
    """Whether ``[start, end]`` lies inside one of the team's availability windows."""
    return any(a <= start and end <= b for a, b in team.availability)


def check_run(
    problem: Problem, route: RouteOption, team: TeamSpec, first: int, last: int
) -> Broken | Lawful:
    """Check the block of ``team`` on segments ``first..last`` of ``route`` against every rule.

    Returns:
        The first rule broken, or what the lawful block costs.
    """
    segs = route.segments
    head, tail = segs[first], segs[last]
    run = list(segs[first : last + 1])
    if not capable(team, head):
        return Broken(Rule.capability, final=True)
    travel = team.reach.get((route.index, first))
    if travel is None:
        return Broken(Rule.reach, final=True)
    if not capable(team, tail):
        return Broken(Rule.capability, final=True)
    if last > first and any(s.mode == "ferry" for s in (head, tail)):
        return Broken(Rule.ferry, final=True)
    foreign = (0, 0.0, None) if all(home(team, s) for s in run) else _foreign(problem, team, run)
    if foreign is None:
        # Going further abroad will not become lawful again; a run that starts abroad may still
        # become lawful once it reaches home.
        final = all(home(team, s) for s in run[:-1]) and not home(team, tail)
        return Broken(Rule.jurisdiction, final=final)
    follow = sum(s.follow_max for s in run)
    if follow > problem.max_follow:
        return Broken(Rule.follow, final=True)
    duty_start = head.nominal_start - problem.overlap - travel
    duty_end = head.nominal_start + sum(s.max_minutes for s in run)
    if duty_end - duty_start > team.max_duty and head.mode != "ferry":
        return Broken(Rule.duty, final=True)
    if not available(team, head.start - problem.overlap - travel, tail.end):
        return Broken(Rule.availability, final=True)
    placed = _handover_places(problem, route, first, last)
    if placed is not None:
        return placed
    minutes, km, host = foreign
    return Lawful(
        travel=travel,
        follow=follow,
        duty_start=duty_start,
        duty_end=duty_end,
        foreign_minutes=minutes,
        foreign_km=km,
        foreign_country=host,
    )


def _handover_places(problem: Problem, route: RouteOption, first: int, last: int) -> Broken | None:
    """Whether the block begins or ends at a spot where no handover may take place."""
    segs = route.segments

    def burned(k: int) -> bool:
        # A shift change within one static watch (the truck parked there) is not the meeting
        # of a moving handover: the relief comes discreetly, and nothing else can hold it.
        still = segs[k - 1].mode in STATIC_MODES and segs[k].mode in STATIC_MODES
        return segs[k].start_spot.id in problem.no_handover and not still

    if first > 0 and burned(first):
        return Broken(Rule.handover_place, final=True)
    if last + 1 < len(segs) and burned(last + 1):
        # A longer run may carry the watch past the burned place.
        return Broken(Rule.handover_place, final=False)
    return None


# Where the consignment stands still: the stretches a beacon may cover alone when the scenario
# allows remote coverage of standing (a border queue is never one: there a team is present).
REMOTE_STATIC = frozenset({"stop", "break", "rest", "wait"})


def _border_at(route: RouteOption, k: int) -> bool:
    """Whether boundary ``k`` (the start of segment k) is a change of country or port."""
    segs = route.segments
    if k <= 0 or k >= len(segs):
        return False
    before, after = segs[k - 1], segs[k]
    return before.countries != after.countries or "ferry" in (before.mode, after.mode)


def check_remote_run(
    problem: Problem, route: RouteOption, team: TeamSpec, first: int, last: int
) -> Broken | Lawful:
    """Check a remote block: a technical team watching a beacon on ``first..last`` from a desk.

    The rules: the scenario allows remote coverage of each segment's kind (standing, or road on
    the move); every segment is in the team's own state; the watch lasts at most the allowed
    hours; it never begins or ends at a border or port handover, where a team is present on both
    sides; and it lies within the team's availability.
    """
    remote = problem.remote
    segs = route.segments
    run = segs[first : last + 1]
    tail = segs[last]
    allowed = remote is not None and (
        (tail.mode in REMOTE_STATIC and remote.static) or (tail.mode == "road" and remote.road)
    )
    if not allowed or "technical" not in team.capabilities:
        return Broken(Rule.capability, final=True)
    if not home(team, tail):
        return Broken(Rule.jurisdiction, final=True)
    assert remote is not None
    if sum(s.max_minutes for s in run) > remote.max_minutes:
        return Broken(Rule.duty, final=True)
    if _border_at(route, first):
        return Broken(Rule.jurisdiction, final=True)
    if _border_at(route, last + 1):
        return Broken(Rule.jurisdiction, final=False)
    if not available(team, segs[first].start - problem.overlap, tail.end):
        return Broken(Rule.availability, final=True)
    placed = _handover_places(problem, route, first, last)
    if placed is not None:
        return placed
    return Lawful(
        travel=0,
        follow=0,
        # A watch at a desk: from the handover overlap before the stretch to its latest end.
        duty_start=segs[first].nominal_start - problem.overlap,
        duty_end=segs[first].nominal_start + sum(s.max_minutes for s in run),
        foreign_minutes=0,
        foreign_km=0.0,
        foreign_country=None,
    )
