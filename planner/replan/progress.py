"""Where an operation stands at a given time by one plan version: what is done, what is left.

planner.replan.events cuts a version here. The consignment's position at time ``t`` is read off the
version's expected timeline (nominal times), segment by segment:

- road or rail: the moving part comes first, then any border queue at the segment's end (a
  segment only ever ends at a crossing, never queues inside). While moving, the position is
  interpolated along the route line by the share of moving time elapsed; while queueing, it is
  the crossing, and the rest of the queue is a static wait there;
- a known stop: the stop's place, and the rest of the stop is a static wait there;
- a ferry leg: the consignment is at sea and cannot be met; the new version starts when it
  lands (the arrival port, at the leg's expected end) and the watch on board stays in the
  history until then.

A place given by the planners (a deviation's position) is taken as it is. Places are compared
along the previous route's line (planner.replan.stability), so an id and coordinates judge alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shapely.geometry import LineString

from geodata import GeodataError, Mode
from geodata.layers import Geodata
from geodata.places import Coordinates, Snapped, resolve
from planner.fields import Place
from planner.movement import Stop
from planner.plan import Assignment, PlacePoint, Plan, PlanSegment
from planner.replan.stability import along
from planner.resolve.clock.driver_rules import BREAK as BREAK_MINUTES
from planner.resolve.clock.driver_rules import REDUCED_DAILY_REST as REDUCED_REST_MINUTES
from planner.scenario import Team

# A consignment near a closed crossing is taken this far from it (about 5 km), not on it: a
# route cannot start at a crossing it must avoid.
BACK_OFF_DEG = 0.05
_EPS = 1e-9


@dataclass(frozen=True)
class Cut:
    """A plan version cut at an event."""

    at: datetime  # when the event happened, UTC
    start: datetime  # when the new version starts: ``at``, or the landing after a ferry leg
    along: float  # the consignment's position along the previous route's line
    origin: Place  # where it is: a node id, or coordinates on the network
    waiting: int = 0  # minutes it stays there first (the rest of a stop or a border queue)
    at_sea: bool = False
    estimated: bool = True  # from the timeline; False: a place the planners gave


def minutes(a: datetime, b: datetime) -> float:
    """Minutes from ``a`` to ``b`` (negative when ``b`` is earlier)."""
    return (b - a).total_seconds() / 60.0


def land_modes(modes: Sequence[str]) -> tuple[Mode, ...]:
    """The land modes among ``modes`` for snapping a position (road when there are none)."""
    return tuple(Mode(m) for m in modes if m != "ferry") or (Mode.road,)


def as_place(snapped: Snapped, name: str | None = None) -> Place:
    """A scenario place that resolves to the same point again.

    That is the node id, or the point on its edge (snapping a point already on a road keeps it
    on that road).
    """
    if snapped.node_id is not None:
        return snapped.node_id
    return Coordinates(lat=snapped.place.lat, lon=snapped.place.lon, name=(name or None))


def _point_place(geo: Geodata, p: PlacePoint) -> Place:
    if p.id in geo.network.nodes:
        return p.id
    return Coordinates(lat=p.lat, lon=p.lon, name=p.name[:120])


def reported(
    geo: Geodata,
    line: LineString,
    at: datetime,
    place: Place,
    *,
    field: str,
    modes: tuple[Mode, ...],
) -> Cut:
    """A position given by the planners. Raises GeodataError naming ``field``."""
    snapped = resolve(geo, place, field=field, modes=modes)
    name = place.name if isinstance(place, Coordinates) else None
    return Cut(
        at=at,
        start=at,
        along=along(line, snapped.place)[0],
        origin=as_place(snapped, name or "reported position"),
        estimated=False,
    )


def _moving(
    geo: Geodata,
    line: LineString,
    seg: PlanSegment,
    at: datetime,
    share: float,
    modes: tuple[Mode, ...],
    closed: frozenset[str],
) -> Cut:
    a, b = along(line, seg.from_)[0], along(line, seg.to)[0]
    pos = a + share * (b - a)
    # Not on a closed crossing: held before it, or already a little past it.
    if seg.to.id in closed:
        pos = max(a, min(pos, b - BACK_OFF_DEG))
    if seg.from_.id in closed:
        pos = min(b, max(pos, a + BACK_OFF_DEG))
    point = line.interpolate(pos)
    name = f"position at {at:%H:%M} UTC, {seg.from_.name} - {seg.to.name}"[:120]
    try:
        snapped = resolve(
            geo, Coordinates(lat=float(point.y), lon=float(point.x), name=name), modes=modes
        )
    except GeodataError:
        snapped = None
    if snapped is None or snapped.node_id in closed:
        # Off the usable network here (a restricted buffer, a snap across a border), or on a
        # closed crossing: the segment's usable end nearest in time.
        ends = [(a, seg.from_), (b, seg.to)] if share < 0.5 else [(b, seg.to), (a, seg.from_)]
        pos, end = next(((x, e) for x, e in ends if e.id not in closed), ends[0])
        return Cut(at=at, start=at, along=pos, origin=_point_place(geo, end))
    if snapped.node_id is not None:
        pos = along(line, snapped.place)[0]  # snapped to a node up to 2 km away
    return Cut(at=at, start=at, along=pos, origin=as_place(snapped, name))


def estimate(
    geo: Geodata,
    previous: Plan,
    line: LineString,
    at: datetime,
    *,
    uncertainty: float,
    modes: tuple[Mode, ...],
    closed: frozenset[str] = frozenset(),
) -> Cut:
    """The position at ``at`` by the previous version's expected timeline (see module doc).

    ``at`` must fall between the expected departure and the expected arrival.
    """
    seg = next(s for s in previous.segments if s.nominal_start <= at < s.nominal_end)
    elapsed = minutes(seg.nominal_start, at)
    total = minutes(seg.nominal_start, seg.nominal_end)
    if seg.mode == "ferry":
        return Cut(
            at=at,
            start=seg.nominal_end,
            along=along(line, seg.to)[0],
            origin=_point_place(geo, seg.to),
            at_sea=True,
        )
    if seg.mode == "stop":
        return Cut(
            at=at,
            start=at,
            along=along(line, seg.from_)[0],
            origin=_point_place(geo, seg.from_),
            waiting=round(total - elapsed),
        )
    # follow_minutes_max is the moving time with the upper uncertainty; undo it.
    moving = min(total, seg.follow_minutes_max / (1 + uncertainty))
    if elapsed >= moving and seg.to.id not in closed:
        return Cut(
            at=at,
            start=at,
            along=along(line, seg.to)[0],
            origin=_point_place(geo, seg.to),
            waiting=round(total - elapsed),
        )
    share = min(elapsed / moving, 1.0) if moving > 0 else 1.0
    return _moving(geo, line, seg, at, share, modes, closed)


def ahead(
    geo: Geodata, line: LineString, cut: Cut, places: Sequence[Place], modes: tuple[Mode, ...]
) -> list[tuple[float, Place]]:
    """The places not yet passed at the cut, with their position along the line."""
    out = []
    for p in places:
        try:
            pos = along(line, resolve(geo, p, modes=modes, allow_restricted=True).place)[0]
        except GeodataError:
            pos = float("inf")  # cannot be judged here; the engine will name it
        if pos > cut.along + _EPS:
            out.append((pos, p))
    return out


def stops_ahead(
    geo: Geodata, previous: Plan, line: LineString, cut: Cut, stops: Sequence[Stop]
) -> list[tuple[float, Stop]]:
    """Known stops still to come, with their position along the previous route's line.

    On an estimated timeline they are judged by the previous version's stop segments (a stop
    under way is already the cut's wait); at a place the planners gave, or for a stop the version
    did not make, by position along the route.
    """
    out = []
    for stop in stops:
        try:
            snapped = resolve(geo, stop.at, allow_restricted=True)
        except GeodataError:
            out.append((float("inf"), stop))
            continue
        pos = along(line, snapped.place)[0]
        seg = next(
            (s for s in previous.segments if s.mode == "stop" and s.from_.id == snapped.key), None
        )
        to_come = (
            pos > cut.along + _EPS
            if seg is None or not cut.estimated
            else seg.nominal_start >= cut.start and seg.nominal_start > cut.at
        )
        if to_come:
            out.append((pos, stop))
    return out


def history(previous: Plan, *, at: datetime, start: datetime) -> list[Assignment]:
    """What already took place, as assignments: earlier history and what was begun before ``at``.

    The previous version's assignments begun before the event at ``at`` are clipped at
    ``start``, when the new version starts (the watch on board a ferry runs until it lands).
    """
    done = [
        a.model_copy(update={"end": min(a.end, start), "expected_end": min(a.expected_end, start)})
        for a in previous.assignments
        if a.expected_start < at
    ]
    return sorted([*previous.history, *done], key=lambda a: (a.expected_start, a.team))


@dataclass(frozen=True)
class Rest:
    """A team that has worked recently, and the availability that says how much more it may.

    It may go on until ``duty_until``, then rests until ``rested_from``; ``windows`` is its
    availability saying so.
    """

    duty_until: datetime
    rested_from: datetime
    windows: list[tuple[datetime, datetime]]


def rest(team: Team, worked: Sequence[Assignment], start: datetime) -> Rest | None:
    """The team's availability after what it has worked, or None when it is rested.

    A team whose last duty ended less than ``min_rest_hours`` before ``start`` (or is still on)
    may go on until that duty reaches ``max_duty_hours``, then only after its rest. Watches on
    board a ferry (duty None) are not in the duty model, as in planning.
    """
    land = sorted(
        (a for a in worked if a.team == team.id and a.duty is not None),
        key=lambda a: a.expected_start,
    )
    if not land:
        return None
    min_rest = timedelta(hours=team.min_rest_hours)
    last_end = max(a.expected_end for a in land)
    if start - last_end >= min_rest:
        return None
    duty_start = land[-1].expected_start
    for a in reversed(land[:-1]):
        if duty_start - a.expected_end >= min_rest:
            break
        duty_start = min(duty_start, a.expected_start)
    duty_until = duty_start + timedelta(hours=team.max_duty_hours)
    # Without windows a team is free around the whole operation (planner.resolve.teams); a month
    # past the new start is more than any operation here takes.
    given = [(w.from_, w.to) for w in team.available] or [
        (start - timedelta(days=7), start + timedelta(days=30))
    ]
    windows = [
        (a, b)
        for lo, hi in given
        for a, b in ((lo, min(hi, duty_until)), (max(lo, last_end + min_rest), hi))
        if b > a
    ]
    return Rest(duty_until=duty_until, rested_from=last_end + min_rest, windows=windows)


# A crossing at sea this long, in a cabin, holds a daily rest (Regulation 561/2006 art. 9).
REST_ON_BOARD = REDUCED_REST_MINUTES


def driver_state(previous: Plan, start: datetime) -> dict[str, float]:
    """The driver's clock at ``start`` on the previous version's expected timeline.

    Driving since the last break and the last daily rest, and time since that rest, in minutes:
    a new version starts where the consignment is, not with a rested driver. Consecutive static
    stretches count together (a rest cut into shifts, a stop and the wait after it); a ferry
    crossing with a berth counts as rest.
    """
    since_break = driving = on_duty = 0.0
    idle = 0.0
    rested = False

    def settle() -> None:
        nonlocal since_break, driving, on_duty, idle, rested
        if rested or idle >= REDUCED_REST_MINUTES:
            since_break = driving = on_duty = 0.0
        else:
            on_duty += idle
            if idle >= BREAK_MINUTES:
                since_break = 0.0
        idle, rested = 0.0, False

    for s in previous.segments:
        if s.nominal_start >= start:
            break
        length = minutes(s.nominal_start, min(s.nominal_end, start))
        if s.mode in ("road", "rail"):
            settle()
            since_break += length
            driving += length
            on_duty += length
        else:
            idle += length
            rested = rested or s.mode == "rest" or (s.mode == "ferry" and length >= REST_ON_BOARD)
    settle()
    return {
        "driving_since_break_minutes": round(since_break, 1),
        "driving_since_rest_minutes": round(driving, 1),
        "on_duty_since_rest_minutes": round(on_duty, 1),
    }
