"""A plan laid over the convoy's clock: the steps to replay and the teams' blocks to judge.

The steps are the atoms the engine timed (:func:`planner.resolve.routes.timed_groups`): legs,
queues, pauses, waits and stops, each with the plan segment it belongs to. A long static watch
that the plan split into shifts is one step with a part per shift. The blocks are the plan's
assignments: a team watching a run of consecutive segments within one duty. Everything a replay
needs is plain data here, in minutes after the planned departure; a test can build one by hand.

An operation of several movements is one skeleton to judge whose ``tracks`` are the movements'
own skeletons to replay (:mod:`planner.robust.several`): its segments, blocks and handovers are
the whole plan's, on one clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from geodata.layers import Geodata
from geodata.schema import Freight
from planner.model.constraints.movements import drive_minutes
from planner.model.problem import Spot
from planner.plan import Plan
from planner.resolve.atoms import Atom
from planner.resolve.clock.context import ClockContext, clock_context
from planner.resolve.clock.schedule import Timed
from planner.resolve.resolver import resolve_scenario
from planner.resolve.routes import timed_groups
from planner.scenario import Scenario

# The plan's times are whole minutes; the clock's are not.
ROUNDING_MINUTES = 1.0


class PlanMismatchError(ValueError):
    """The plan was not made from this scenario on this geodata: it cannot be replayed."""


@dataclass(frozen=True)
class Step:
    """One atom of the route, with the segment of each of its parts (shifts of a long watch)."""

    atom: Atom
    parts: tuple[int, ...]  # segment index of each part, in order
    nominal: tuple[float, ...]  # expected minutes of each part
    start: float  # expected start, minutes after the planned departure
    heavy: bool = False  # a queue at a main freight crossing: a heavier tail

    @property
    def segment(self) -> int:
        """The segment the step starts in."""
        return self.parts[0]


@dataclass(frozen=True)
class SegmentInfo:
    """What a replay and a report need of one plan segment."""

    id: str
    mode: str
    kind: str
    start_name: str
    end_name: str
    nominal_start: float  # minutes after the planned departure
    nominal_end: float
    following: bool  # physical following (road or rail), counted against max_follow
    movement: int = 0  # the track it belongs to (several movements)
    spots: tuple[Spot, Spot] | None = None  # where it begins and ends


@dataclass(frozen=True)
class Block:
    """A team on a run of consecutive segments within one duty.

    ``duty`` is the plan's duty number (None: outside the duty model, on board a ferry);
    ``desk``: a remote watch from a desk; ``travel``: minutes from the team's base to the first
    post; ``optional``: a watch of a movement with ``min_teams`` 0, which the operation can do
    without.
    """

    team: str
    first: int
    last: int
    duty: int | None
    desk: bool
    travel: int
    optional: bool = False


@dataclass(frozen=True)
class TeamLimits:
    """A team's limits in minutes; availability windows in minutes after the planned departure."""

    max_duty: int
    min_rest: int
    availability: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class HandoverInfo:
    """A handover of the plan: at the start of segment ``boundary``, between two blocks."""

    place: str
    place_id: str
    kind: str
    from_team: str
    to_team: str
    boundary: int
    outgoing: int  # index of the outgoing block
    incoming: int  # index of the incoming block


@dataclass(frozen=True)
class Track:
    """One movement of an operation: its own skeleton, replayed on its own clock.

    ``offset``: its planned departure, minutes after the operation's; ``index``: the operation's
    index of each of its segments; ``feed``: the track whose arrival it leaves at (a transfer;
    the transfer's watch is the first step of this one), None when it has a departure of its own.
    """

    movement: str
    skeleton: Skeleton
    offset: float
    index: tuple[int, ...]
    feed: int | None
    optional: bool  # min_teams 0: watched where a team is free, never needed


@dataclass(frozen=True)
class Skeleton:
    """Everything one replay and its judgement need, computed once per plan.

    With ``tracks`` (several movements) the skeleton only judges: each track's own skeleton is
    replayed, and ``ctx``, ``steps`` and ``drive_at`` are not used.
    """

    ctx: ClockContext
    steps: tuple[Step, ...]
    segments: tuple[SegmentInfo, ...]
    blocks: tuple[Block, ...]
    teams: dict[str, TeamLimits]
    handovers: tuple[HandoverInfo, ...]
    overlap: int
    max_follow: int
    desk_max: int | None  # longest remote watch, minutes; None: remote coverage not allowed
    drive_at: tuple[float, ...]  # driving minutes from the origin to each segment boundary
    car_speedup: float
    tracks: tuple[Track, ...] = ()

    def movement_of(self, k: int) -> int:
        """The track of segment ``k`` (0 with one movement)."""
        return self.segments[k].movement

    def drive(self, a: int, b: int) -> float:
        """Minutes a team drives from the end of segment ``a`` to the start of segment ``b``.

        Along one route, at car speed along it; between two movements, the checker's drive
        model (straight line, detour, car speed).
        """
        if not self.tracks:
            return abs(self.drive_at[b] - self.drive_at[a + 1]) / self.car_speedup
        ma, mb = self.movement_of(a), self.movement_of(b)
        if ma == mb:
            own = self.tracks[ma]
            return own.skeleton.drive(own.index.index(a), own.index.index(b))
        end, begin = self.segments[a].spots, self.segments[b].spots
        if end is None or begin is None:
            raise PlanMismatchError("a segment of an operation of several movements has no place")
        return drive_minutes(end[1], begin[0])

    def before(self, k: int) -> tuple[list[int], int]:
        """The segments the goods pass before segment ``k``, in order, and the track that set out.

        With several movements, a movement that begins at a transfer follows the whole of the
        one it takes over from.
        """
        if not self.tracks:
            return list(range(k)), 0
        m = self.movement_of(k)
        track = self.tracks[m]
        out = list(track.index[: track.index.index(k)])
        while track.feed is not None:
            m = track.feed
            track = self.tracks[m]
            out = [*track.index, *out]
        return out, m

    def vital(self, m: int) -> bool:
        """Whether the operation needs track ``m`` to go through.

        It does when the movement must be watched (``min_teams`` above 0), or when one that
        must be leaves after it, at a transfer.
        """
        if not self.tracks:
            return True
        return any(
            not t.optional and m in self.upstream_tracks(i) for i, t in enumerate(self.tracks)
        )

    def upstream_tracks(self, m: int) -> set[int]:
        """Track ``m`` and every track it begins after, through transfers."""
        seen = {m}
        feed = self.tracks[m].feed
        while feed is not None and feed not in seen:
            seen.add(feed)
            feed = self.tracks[feed].feed
        return seen


def _route_index(plan: Plan) -> int:
    # "R1-S04", or "M3-R1-S04" in an operation of several movements.
    head = plan.segments[0].id.split("-")[-2] if "-" in plan.segments[0].id else ""
    if not head.startswith("R") or not head[1:].isdigit():
        raise PlanMismatchError(f"segment id {plan.segments[0].id} does not name its route")
    return int(head[1:]) - 1


def _steps(groups: list[list[Timed]], geo: Geodata) -> list[Step]:
    """The timed atoms as steps: the shifts of one long watch joined into one step."""
    steps: list[Step] = []
    for k, group in enumerate(groups):
        for t in group:
            atom = t.atom
            length = t.nominal[1] - t.nominal[0]
            whole = replace(atom, part=None)
            if atom.part is not None and atom.part[0] > 1 and steps:
                last = steps[-1]
                steps[-1] = replace(last, parts=(*last.parts, k), nominal=(*last.nominal, length))
                continue
            crossing = geo.crossings.get(atom.start.crossing or "")
            heavy = (
                atom.mode == "border"
                and atom.kind == "queue"
                and crossing is not None
                and crossing.freight is Freight.main
            )
            steps.append(
                Step(
                    atom=whole,
                    parts=(k,),
                    nominal=(length,),
                    start=t.nominal[0],
                    heavy=heavy,
                )
            )
    return steps


def _blocks(plan: Plan, reach: dict[str, dict[int, int]]) -> list[Block]:
    """The plan's assignments as blocks: consecutive segments, one duty, one way of watching."""
    order = {s.id: i for i, s in enumerate(plan.segments)}
    by_team: dict[str, list[tuple[int, int | None, bool]]] = defaultdict(list)
    for a in plan.assignments:
        desk = a.remote and plan.segments[order[a.segment]].mode != "ferry"
        by_team[a.team].append((order[a.segment], a.duty, desk))
    out: list[Block] = []
    for team, rows in by_team.items():
        runs: list[list[tuple[int, int | None, bool]]] = []
        for row in sorted(rows):
            prev = runs[-1][-1] if runs else None
            ferry_edge = "ferry" in (
                plan.segments[row[0]].mode,
                plan.segments[prev[0]].mode if prev else "",
            )
            if prev and row[0] == prev[0] + 1 and row[1:] == prev[1:] and not ferry_edge:
                runs[-1].append(row)
            else:
                runs.append([row])
        for run in runs:
            first, duty, desk = run[0]
            travel = 0 if desk else reach.get(team, {}).get(first, 0)
            out.append(Block(team, first, run[-1][0], duty, desk, travel))
    return sorted(out, key=lambda b: (b.first, b.team))


def _handovers(plan: Plan, blocks: list[Block]) -> list[HandoverInfo]:
    starts = {s.nominal_start: i for i, s in enumerate(plan.segments)}
    out = []
    for h in plan.handovers:
        k = starts.get(h.end)
        if k is None:
            raise PlanMismatchError(f"no segment starts at the handover at {h.place.name}")
        incoming = next(i for i, b in enumerate(blocks) if b.team == h.to_team and b.first == k)
        outgoing = next(
            i for i, b in enumerate(blocks) if b.team == h.from_team and b.first < k <= b.last + 1
        )
        out.append(
            HandoverInfo(
                place=h.place.name,
                place_id=h.place.id,
                kind=h.kind,
                from_team=h.from_team,
                to_team=h.to_team,
                boundary=k,
                outgoing=outgoing,
                incoming=incoming,
            )
        )
    return out


def build(scenario: Scenario, plan: Plan, geo: Geodata) -> Skeleton:
    """The skeleton of a plan with a plan to follow, re-timed from its scenario.

    Raises:
        PlanMismatchError: the plan has nothing to replay, or its segments are not those its
            scenario gives on this geodata (another version of the engine or the data).
    """
    if scenario.movements:
        raise PlanMismatchError("several movements: each is built on its own, then joined")
    if not plan.status.has_plan or not plan.segments:
        raise PlanMismatchError(f"a plan with status {plan.status} has nothing to replay")
    resolved = resolve_scenario(scenario, geo, now=plan.operation.planned_at)
    index = _route_index(plan)
    if index >= len(resolved.routes):
        raise PlanMismatchError("the plan's route is not among its scenario's candidates")
    ctx = clock_context(scenario, geo)
    groups = timed_groups(scenario, geo, resolved.routes[index], ctx)
    problem = resolved.problem
    option = problem.routes[index]
    if len(groups) != len(plan.segments) or any(
        abs(problem.at(s.nominal_start) - p.nominal_start).total_seconds() > 60 * ROUNDING_MINUTES
        for s, p in zip(option.segments, plan.segments, strict=True)
    ):
        raise PlanMismatchError("the plan's segments are not those of its scenario: plan it again")
    reach = {t.id: {k: m for (r, k), m in t.reach.items() if r == index} for t in problem.teams}
    blocks = _blocks(plan, reach)
    segments = tuple(
        SegmentInfo(
            id=s.id,
            mode=s.mode,
            kind=s.kind,
            start_name=s.start_spot.name,
            end_name=s.end_spot.name,
            nominal_start=float(s.nominal_start),
            nominal_end=float(s.nominal_end),
            following=s.following,
            spots=(s.start_spot, s.end_spot),
        )
        for s in option.segments
    )
    return Skeleton(
        ctx=ctx,
        steps=tuple(_steps(groups, geo)),
        segments=segments,
        blocks=tuple(blocks),
        teams={
            t.id: TeamLimits(t.max_duty, t.min_rest, tuple(t.availability)) for t in problem.teams
        },
        handovers=tuple(_handovers(plan, blocks)),
        overlap=problem.overlap,
        max_follow=problem.max_follow,
        desk_max=problem.remote.max_minutes if problem.remote is not None else None,
        drive_at=(*(s.drive_start for s in option.segments), option.segments[-1].drive_end),
        car_speedup=problem.car_speedup,
    )
