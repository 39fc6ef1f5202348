"""The waits on a convoy's timeline: for a sailing, for a crossing to open, for a ban to end.

Each is the earliest time the next stretch may start, given when the consignment is ready there:
the next sailing it makes (the booked one if it still makes its check-in), the next opening that
holds its border queue, the end of the truck bans in force. All three are monotone: a later
arrival never leaves earlier.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from geodata.bans import ban_until
from geodata.hours import next_passage
from geodata.sailings import Timetable, next_departure
from planner.reasons import PlanningError, Reason
from planner.resolve.atoms import Atom, static_atom
from planner.resolve.clock.context import ClockContext


def timetable_of(ctx: ClockContext, atom: Atom) -> Timetable | None:
    """The timetable of a ferry atom's line in its direction, if the data has one."""
    return ctx.timetables.get((atom.line or "", atom.direction))


def _no_sailing(atom: Atom, why: str) -> PlanningError:
    return PlanningError(
        "infeasible",
        [
            Reason(
                code="no_sailing",
                subject=atom.line or "ferry",
                message=f"{atom.line} ({atom.start.name} to {atom.end.name}): {why}; give the "
                "known sailings in movement.sailings, or allow another way",
            )
        ],
    )


def with_statics(atoms: list[Atom], ctx: ClockContext) -> list[Atom]:
    """Waits before ferries and limited crossings; port formalities after ferries."""
    out: list[Atom] = []
    for atom in atoms:
        if atom.mode == "ferry":
            table = timetable_of(ctx, atom)
            out.append(static_atom(atom.start, "wait", atom.start.country, kind="sailing"))
            out.append(atom)
            customs = table.customs_minutes if table is not None else 0
            if customs:
                out.append(
                    static_atom(
                        atom.end, "border", atom.end.country, dwell=customs, kind="port_customs"
                    )
                )
            continue
        if atom.mode == "border" and atom.start.crossing in ctx.hours:
            out.append(static_atom(atom.start, "wait", atom.country, kind="crossing_hours"))
        elif atom.mode == "border" and atom.start.crossing in ctx.closures:
            out.append(static_atom(atom.start, "wait", atom.country, kind="crossing_closed"))
        out.append(atom)
    return out


def _departure(
    atom: Atom, ctx: ClockContext, ready: float, case: str, booked: float | None
) -> float:
    """Minutes after departure at which the ferry leaves, for a consignment ready at ``ready``."""
    table = timetable_of(ctx, atom)
    checkin = table.checkin_minutes if table is not None else 0
    known = ctx.sailings.get(atom.line or "")
    irregular = table is not None and table.irregular and not known
    if not irregular and case != "nominal" and booked is not None and ready + checkin <= booked:
        # The sailing the expected timeline makes is the one booked.
        return booked
    cancelled = ctx.cancelled.get(atom.line or "", frozenset())
    if known:
        later = [
            ctx.minutes(s)
            for s in known
            if ctx.minutes(s) >= ready + checkin and s.astimezone(UTC) not in cancelled
        ]
        if later:
            return min(later)
        if case == "late":
            return ready + checkin
        ready_at = ctx.at(ready).astimezone(UTC)
        raise _no_sailing(
            atom,
            f"none of the given sailings leaves after the consignment is expected on the quay "
            f"({ready_at:%Y-%m-%d %H:%M} UTC) with {checkin / 60:g} h for check-in",
        )
    if table is None or table.no_sailing:
        raise _no_sailing(atom, "no sailing of this line is known")
    if table.irregular:
        wait = {"early": 0, "nominal": 1, "late": 2}[case] * table.typical_wait_minutes
        return ready + checkin + wait
    zone = ctx.zones.get(atom.start.country, "UTC")
    found = next_departure(table, ctx.at(ready), zone)
    while found is not None and found.astimezone(UTC) in cancelled:
        # A cancelled sailing: the next one after it (its check-in is already made).
        found = next_departure(
            table, found - timedelta(minutes=checkin) + timedelta(minutes=1), zone
        )
    if found is None:
        if case == "late":
            return ready + checkin
        raise _no_sailing(atom, f"no sailing ({table.describe()}) within the search horizon")
    return ctx.minutes(found)


def ban_end(atom: Atom, ctx: ClockContext, t: float) -> tuple[float, tuple[str, ...]]:
    """When a truck ready at ``t`` may drive ``atom``, and the ban rules in its way."""
    if not ctx.truck or atom.mode != "road" or not atom.country:
        return t, ()
    bans = ctx.bans.get(atom.country)
    if not bans:
        return t, ()
    zone = ctx.zones.get(atom.country, "UTC")
    ends, rules = ban_until(
        bans, ctx.at(t), zone, road_class=atom.road_class, corridor=atom.corridor
    )
    return ctx.minutes(ends), rules


def _after_closures(
    closures: tuple[tuple[datetime, datetime], ...], ready: datetime, queue_minutes: float
) -> datetime:
    """The earliest start at or after ``ready`` of a queue that overlaps no closure."""
    start = ready
    for begin, end in closures:  # sorted by beginning
        if start < end and start + timedelta(minutes=queue_minutes) > begin:
            start = end
    return start


def _passage(nxt: Atom, ctx: ClockContext, t: float, case: str) -> tuple[float, str]:
    """When a border queue may start: inside the opening hours and outside any closure."""
    crossing = nxt.start.crossing or ""
    hours = ctx.hours.get(crossing)
    closures = ctx.closures.get(crossing, ())
    zone = ctx.zones.get(nxt.country or "", "UTC")
    queue = nxt.dwell * ctx.factor(case)
    ready = ctx.at(t)
    why = []
    # Each step only moves later: at most one pass per closure, then the hours again.
    for _ in range(len(closures) + 2):
        found = ready if hours is None else next_passage(hours, ready, queue, zone)
        if found is None:
            assert hours is not None
            raise PlanningError(
                "infeasible",
                [
                    Reason(
                        code="crossing_never_open",
                        subject=crossing or nxt.start.id,
                        message=f"{nxt.start.name} is open {hours.text()}, too short for its "
                        "queue; give other hours in movement.crossing_hours or avoid it",
                    )
                ],
            )
        after = _after_closures(closures, found, queue)
        if after == found:
            ready = found
            break
        why = [f"closed until {after.astimezone(UTC):%Y-%m-%d %H:%M} UTC"]
        ready = after
    if hours is not None:
        why.append(f"opens {hours.text()} local time")
    return ctx.minutes(ready), "; ".join(why)


def constraint(
    nxt: Atom, ctx: ClockContext, t: float, case: str, booked: float | None
) -> tuple[float, str]:
    """The earliest start of the atom after a wait, and why."""
    if nxt.mode == "ferry":
        dep = _departure(nxt, ctx, t, case, booked)
        return dep, f"sailing {ctx.at(dep).astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    crossing = nxt.start.crossing
    if (
        nxt.mode == "border"
        and crossing is not None
        and (crossing in ctx.hours or crossing in ctx.closures)
    ):
        return _passage(nxt, ctx, t, case)
    end, rules = ban_end(nxt, ctx, t)
    return end, ("truck ban " + ", ".join(rules)) if rules else ""
