"""An operation of several movements as one skeleton: each movement a track, judged as one.

Each movement is the plan of its own that the checker splits off (:mod:`planner.check.split`),
built into a skeleton as a one-movement plan is (:func:`planner.robust.skeleton.build`): a
track, replayed on its own clock. The operation's skeleton puts every track's segments on one
clock, minutes after the operation's planned departure, in the plan's order, and holds the whole
plan's blocks, teams and handovers, the transfer handovers among them. A team is one team
across all movements: its blocks are judged in time order, whichever movement they watch.

A plan numbers a team's duties within each movement. Across two movements a team begins a new
duty where the plan leaves it its rest between them (from its release to leaving base for the
next post, as the engine counts it), else it is still on the same duty.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from geodata.layers import Geodata
from planner.check.split import split
from planner.plan import Plan
from planner.robust.skeleton import (
    Block,
    HandoverInfo,
    PlanMismatchError,
    SegmentInfo,
    Skeleton,
    TeamLimits,
    Track,
    build,
)
from planner.scenario import Scenario

# The plan's times are whole minutes: a rest is whole within this.
REST_TOLERANCE_MINUTES = 1.0


def skeleton_of(scenario: Scenario, plan: Plan, geo: Geodata) -> Skeleton:
    """The skeleton of a plan: one movement's (:func:`build`) or an operation's (module doc).

    Raises:
        PlanMismatchError: the plan has nothing to replay, or is not its scenario's.
    """
    if not scenario.movements:
        return build(scenario, plan, geo)
    if not plan.status.has_plan or not plan.segments:
        raise PlanMismatchError(f"a plan with status {plan.status} has nothing to replay")
    order = {s.id: i for i, s in enumerate(plan.segments)}
    t0 = plan.operation.departure
    feeds = {t.to: t.from_ for t in scenario.transfers}
    tracks: list[Track] = []
    for part in split(scenario, plan):
        offset = (part.plan.segments[0].nominal_start - t0).total_seconds() / 60
        index = tuple(order[s.id] for s in part.plan.segments)
        own = build(part.scenario, part.plan, geo)
        tracks.append(Track(part.movement, own, offset, index, None, part.optional))
    ids = [t.movement for t in tracks]
    if any(feeds[m] not in ids for m in ids if m in feeds):
        raise PlanMismatchError("a movement of the plan takes over from none of its movements")
    tracks = [
        replace(t, feed=ids.index(feeds[t.movement]) if t.movement in feeds else None)
        for t in tracks
    ]
    return join(tuple(tracks), plan)


def _segments(tracks: tuple[Track, ...], plan: Plan) -> tuple[SegmentInfo, ...]:
    """Every track's segments on the operation's clock, at their place in the plan."""
    out: list[SegmentInfo | None] = [None] * len(plan.segments)
    for m, t in enumerate(tracks):
        for local, k in enumerate(t.index):
            s = t.skeleton.segments[local]
            out[k] = replace(
                s,
                id=plan.segments[k].id,
                nominal_start=s.nominal_start + t.offset,
                nominal_end=s.nominal_end + t.offset,
                movement=m,
            )
    if any(s is None for s in out):
        raise PlanMismatchError("a segment of the plan belongs to none of its movements")
    return tuple(s for s in out if s is not None)


def _duties(
    blocks: list[Block], segments: tuple[SegmentInfo, ...], teams: dict[str, TeamLimits], gap: int
) -> list[Block]:
    """The blocks with each team's duties numbered across movements (see the module doc).

    ``gap``: the handover overlap, minutes (a team is in place that long before its post).
    """
    out = list(blocks)
    last: dict[str, tuple[Block, int]] = {}
    for i, b in enumerate(blocks):
        if b.duty is None or b.desk:
            continue
        number = 1
        if b.team in last:
            prev, number = last[b.team]
            if segments[prev.last].movement == segments[b.first].movement:
                number += prev.duty != b.duty
            else:
                leaves = segments[b.first].nominal_start - gap - b.travel
                rest = leaves - segments[prev.last].nominal_end
                number += rest >= teams[b.team].min_rest - REST_TOLERANCE_MINUTES
        last[b.team] = (b, number)
        out[i] = replace(b, duty=number)
    return out


def _team_limits(tracks: tuple[Track, ...]) -> dict[str, TeamLimits]:
    """Each team's limits, its availability on the operation's clock.

    A scenario's windows are the same from every movement; a team given none is free around
    each movement's own times, and so around all of them: the windows are merged.
    """
    limits: dict[str, TeamLimits] = {}
    windows: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for t in tracks:
        at = round(t.offset)
        for team, own in t.skeleton.teams.items():
            limits.setdefault(team, own)
            windows[team] += [(a + at, z + at) for a, z in own.availability]
    out = {}
    for team, own in limits.items():
        merged: list[tuple[int, int]] = []
        for a, z in sorted(windows[team]):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], z))
            else:
                merged.append((a, z))
        out[team] = replace(own, availability=tuple(merged))
    return out


def join(tracks: tuple[Track, ...], plan: Plan) -> Skeleton:
    """The operation's skeleton from its tracks: one clock, the whole plan's blocks and handovers.

    Raises:
        PlanMismatchError: a handover of the plan names no post of its tracks.
    """
    segments = _segments(tracks, plan)
    teams = _team_limits(tracks)
    first = tracks[0].skeleton
    # Every block on the operation's segments, in time order; where each track's went.
    placed: list[tuple[tuple[float, int, int, str], Block, tuple[int, int]]] = []
    for m, t in enumerate(tracks):
        for i, b in enumerate(t.skeleton.blocks):
            block = replace(b, first=t.index[b.first], last=t.index[b.last], optional=t.optional)
            key = (segments[block.first].nominal_start, m, block.first, block.team)
            placed.append((key, block, (m, i)))
    placed.sort(key=lambda p: p[0])
    blocks = _duties([b for _, b, _ in placed], segments, teams, first.overlap)
    where = {origin: i for i, (_, _, origin) in enumerate(placed)}
    return Skeleton(
        ctx=first.ctx,
        steps=(),
        segments=segments,
        blocks=tuple(blocks),
        teams=teams,
        handovers=tuple(_handovers(tracks, plan, blocks, where)),
        overlap=first.overlap,
        max_follow=first.max_follow,
        desk_max=first.desk_max,
        drive_at=(),
        car_speedup=first.car_speedup,
        tracks=tracks,
    )


def _handovers(
    tracks: tuple[Track, ...],
    plan: Plan,
    blocks: list[Block],
    where: dict[tuple[int, int], int],
) -> list[HandoverInfo]:
    """The plan's handovers, in its order, on the operation's blocks."""
    ids = [t.movement for t in tracks]
    seen: dict[str, int] = defaultdict(int)  # handovers of each movement met so far
    out = []
    for h in plan.handovers:
        movement = h.movement or ""
        if h.kind != "transfer":
            m = ids.index(movement) if movement in ids else -1
            own = tracks[m].skeleton.handovers if m >= 0 else ()
            if seen[movement] >= len(own):
                raise PlanMismatchError(f"the handover at {h.place.name} is on no movement")
            info = own[seen[movement]]
            seen[movement] += 1
            out.append(
                replace(
                    info,
                    boundary=tracks[m].index[info.boundary],
                    outgoing=where[(m, info.outgoing)],
                    incoming=where[(m, info.incoming)],
                )
            )
            continue
        before, _, after = movement.partition(">")
        if before not in ids or after not in ids:
            raise PlanMismatchError(f"the transfer at {h.place.name} joins no two movements")
        last, k = tracks[ids.index(before)].index[-1], tracks[ids.index(after)].index[0]
        outgoing = [
            i for i, b in enumerate(blocks) if b.team == h.from_team and b.first <= last <= b.last
        ]
        incoming = [i for i, b in enumerate(blocks) if b.team == h.to_team and b.first == k]
        if not outgoing or not incoming:
            raise PlanMismatchError(f"the transfer at {h.place.name} names no post of its teams")
        out.append(
            HandoverInfo(
                place=h.place.name,
                place_id=h.place.id,
                kind=h.kind,
                from_team=h.from_team,
                to_team=h.to_team,
                boundary=k,
                outgoing=outgoing[0],
                incoming=incoming[0],
            )
        )
    return out
