"""The route walked on one sample's world: when the consignment enters and leaves each segment.

The walk keeps the plan's pauses where the plan puts them (the driver is briefed on them) and
lets everything else move: driving at the sample's speed, queues and formalities at their drawn
dwell, ferries at their drawn crossing time, late or cancelled. Every wait is computed anew on
the convoy's clock for the time the consignment really arrives (:mod:`planner.resolve.clock`):
a late truck may miss its sailing and wait for the next one, find a crossing closed, or meet a
truck ban; an early one waits for its booked sailing. With no noise the walk is the plan's
expected timeline.

A wait the walk needs where the plan has none (a ban a late truck meets on the road) is standing
time on the segment the truck is on: its team watches the truck stand.

An operation of several movements (:func:`sample`) walks each movement on its own world, on its
own clock: a movement that begins at a transfer sets out when the one it takes over from arrives
in that sample (the transfer's watch is its first step), so a late truck makes a late van; one
whose timeline stopped never hands over, and the next never sets out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, timedelta

from geodata.sailings import next_departure
from planner.reasons import PlanningError
from planner.resolve.atoms import Atom
from planner.resolve.clock import waits
from planner.resolve.clock.waits import timetable_of
from planner.robust.sampling import Draw, draw, triangular
from planner.robust.skeleton import Skeleton, Track
from planner.robust.world import World

# Fixed-length standing: the plan's pauses and known stops last what the plan says.
FIXED = frozenset({"stop", "break", "rest"})


class NoWayOnError(Exception):
    """The timeline cannot go on: no sailing after a cancellation, a crossing never open."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class Broken:
    """Where and why a sampled timeline stops."""

    segment: int
    why: str


@dataclass(frozen=True)
class Timeline:
    """A sampled timeline, minutes after the planned departure, per segment.

    ``entry`` and ``exit`` are NaN from the segment where the timeline broke on (and on every
    movement that would have set out after it); ``moving`` is the driving within each segment
    (its following time); ``late`` the departure's slip; ``broken`` where it stopped, once per
    movement at most; ``departures`` how late each movement set out (several movements).
    """

    entry: tuple[float, ...]
    exit: tuple[float, ...]
    moving: tuple[float, ...]
    late: float
    broken: tuple[Broken, ...] = ()
    departures: tuple[float, ...] = ()

    def slip(self, track: int) -> float:
        """How late movement ``track`` set out, minutes (the departure's slip with one)."""
        return self.departures[track] if self.departures else self.late


def _dwell(sk: Skeleton, j: int, draw: Draw) -> float:
    return sk.steps[j].atom.dwell * float(draw.dwell[j])


def _sailing(sk: Skeleton, j: int, ready: float, draw: Draw) -> float:
    """When the ferry of step ``j`` leaves for a consignment ready on the quay at ``ready``.

    The booked sailing (the one the expected timeline makes) if its check-in is still made, else
    the next one; a cancelled sailing sends it to the one after; then the sailing's delay.
    """
    ctx, atom = sk.ctx, sk.steps[j].atom
    table = timetable_of(ctx, atom)
    checkin = table.checkin_minutes if table is not None else 0
    known = ctx.sailings.get(atom.line or "")
    delay = float(draw.delay[j])
    if table is not None and table.irregular and not known:
        return ready + checkin + table.typical_wait_minutes * float(draw.wait[j]) + delay
    booked = sk.steps[j].start
    departs = booked if ready + checkin <= booked + 1e-6 else _next(sk, atom, ready)
    if departs is not None and bool(draw.cancelled[j]):
        departs = _next(sk, atom, departs - checkin + 1.0)
    if departs is None:
        raise NoWayOnError(f"no later sailing from {atom.start.name} is known")
    return departs + delay


def _next(sk: Skeleton, atom: Atom, ready: float) -> float | None:
    """The first sailing not cancelled whose check-in a consignment ready at ``ready`` makes."""
    ctx = sk.ctx
    table = timetable_of(ctx, atom)
    checkin = table.checkin_minutes if table is not None else 0
    known = ctx.sailings.get(atom.line or "")
    cancelled = ctx.cancelled.get(atom.line or "", frozenset())
    if known:
        later = [
            ctx.minutes(s)
            for s in known
            if ctx.minutes(s) >= ready + checkin and s.astimezone(UTC) not in cancelled
        ]
        return min(later) if later else None
    if table is None:
        return None
    zone = ctx.zones.get(atom.start.country, "UTC")
    found = next_departure(table, ctx.at(ready), zone)
    while found is not None and found.astimezone(UTC) in cancelled:
        found = next_departure(table, found - timedelta(minutes=checkin - 1), zone)
    return ctx.minutes(found) if found is not None else None


def constraint(sk: Skeleton, j: int, ready: float, draw: Draw) -> float:
    """The earliest time step ``j`` may start for a consignment ready at ``ready``.

    A ferry waits for its sailing; a border queue for the crossing's hours and the end of any
    closure (the engine's own rule, for the queue the sample draws); a road leg for the end of
    a truck ban.
    """
    atom, ctx = sk.steps[j].atom, sk.ctx
    if atom.mode == "ferry":
        return _sailing(sk, j, ready, draw)
    if atom.mode == "border":
        queue = replace(atom, dwell=_dwell(sk, j, draw))
        try:
            return waits.constraint(queue, ctx, ready, "nominal", None)[0]
        except PlanningError as exc:
            raise NoWayOnError(exc.reasons[0].message) from exc
    if atom.mode == "road":
        return waits.ban_end(atom, ctx, ready)[0]
    return ready


def _length(sk: Skeleton, j: int, t: float, draw: Draw) -> tuple[float, float]:
    """How long step ``j`` lasts when it starts at ``t``, and how much of it is driving."""
    step = sk.steps[j]
    atom = step.atom
    if atom.mode in ("road", "rail"):
        drive = atom.minutes * sk.ctx.speed_factor * float(draw.speed[step.segment])
        return drive, drive
    if atom.mode == "wait":
        if j + 1 >= len(sk.steps):
            return 0.0, 0.0
        return max(0.0, constraint(sk, j + 1, t, draw) - t), 0.0
    if atom.mode == "border":
        return _dwell(sk, j, draw), 0.0
    if atom.mode == "ferry":
        u = float(draw.ferry[j])
        return triangular(u, atom.ferry_min, atom.minutes, atom.ferry_max, draw.ferry_spread), 0.0
    return sum(step.nominal), 0.0


def replay(sk: Skeleton, draw: Draw) -> Timeline:
    """Walk the skeleton's steps on one sample's world (see the module doc)."""
    n = len(sk.segments)
    entry = [math.nan] * n
    exit_ = [math.nan] * n
    moving = [0.0] * n
    t = draw.late
    broken: Broken | None = None
    for j, step in enumerate(sk.steps):
        try:
            if j == 0 or sk.steps[j - 1].atom.mode != "wait":
                # A wait the plan has no step for: standing where the truck is.
                ready = constraint(sk, j, t, draw) if step.atom.mode != "wait" else t
            else:
                ready = t
            length, drive = _length(sk, j, ready, draw)
        except NoWayOnError as exc:
            broken = Broken(step.segment, exc.why)
            break
        if math.isnan(entry[step.segment]):
            entry[step.segment] = t
        t = ready
        left = length
        for i, (k, nominal) in enumerate(zip(step.parts, step.nominal, strict=True)):
            # Shifts change at the clock times the plan gives them: the last shift takes what
            # the watch runs over (or loses what it runs short).
            part = left if i == len(step.parts) - 1 else min(nominal, left)
            if math.isnan(entry[k]):
                entry[k] = t
            t += part
            left -= part
            exit_[k] = t
        moving[step.segment] += drive
    if broken is not None:
        for k in range(broken.segment, n):
            entry[k] = exit_[k] = math.nan
    return Timeline(
        entry=tuple(entry),
        exit=tuple(exit_),
        moving=tuple(moving),
        late=draw.late,
        broken=(broken,) if broken is not None else (),
    )


def _in_order(tracks: tuple[Track, ...]) -> list[int]:
    """The tracks, each after the one it takes over from."""
    done: list[int] = []
    while len(done) < len(tracks):
        ready = [
            m for m, t in enumerate(tracks) if m not in done and (t.feed is None or t.feed in done)
        ]
        if not ready:
            raise ValueError("the transfers go round in a circle")
        done += ready
    return done


def sample(sk: Skeleton, world: World, seed: int, index: int) -> Timeline:
    """Sample ``index`` of a study seeded by ``seed``: its world drawn, the route walked on it.

    With several movements, each track draws its own world (:func:`~planner.robust.sampling.draw`
    with its number as ``stream``) and is walked on it (see the module doc); the timeline is the
    operation's, minutes after its planned departure.
    """
    if not sk.tracks:
        return replay(sk, draw(sk, world, seed, index))
    n = len(sk.segments)
    entry, exit_, moving = [math.nan] * n, [math.nan] * n, [0.0] * n
    departures = [0.0] * len(sk.tracks)
    broken: list[Broken] = []
    arrival: dict[int, float] = {}  # each track's arrival, minutes on the operation's clock
    for m in _in_order(sk.tracks):
        track = sk.tracks[m]
        world_m = draw(track.skeleton, world, seed, index, stream=m)
        arrival[m] = math.nan
        if track.feed is not None:
            came = arrival[track.feed]
            if math.isnan(came):
                continue  # the movement before it never arrived
            world_m = replace(world_m, late=came - track.offset)
        walked = replay(track.skeleton, world_m)
        departures[m] = world_m.late
        for local, k in enumerate(track.index):
            entry[k] = walked.entry[local] + track.offset
            exit_[k] = walked.exit[local] + track.offset
            moving[k] = walked.moving[local]
        broken += [Broken(track.index[b.segment], b.why) for b in walked.broken]
        arrival[m] = walked.exit[-1] + track.offset
    return Timeline(
        entry=tuple(entry),
        exit=tuple(exit_),
        moving=tuple(moving),
        late=departures[0],
        broken=tuple(sorted(broken, key=lambda b: b.segment)),
        departures=tuple(departures),
    )
