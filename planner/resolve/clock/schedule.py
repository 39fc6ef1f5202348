"""Timing the route as a convoy keeps it: pauses, waits and three timelines.

1. Every ferry leg gets a wait before it (check-in and the sailing) and the port formalities
   after it; every crossing with opening hours a wait before its queue.
2. The expected timeline is walked with the driver clock (:mod:`driver_rules`): where the law asks
   for a break or a daily rest, it is placed at the best named place of the last hour and a half
   of driving (a truck park first, then a service area, a town, a junction), and a truck that
   meets a ban waits where it is.
3. The earliest and latest timelines replay the same pauses: driving and queues at
   ``1 -/+ uncertainty`` of their expected time, rests at their shortest lawful length (earliest)
   or their regular one, ferries at their shortest or longest crossing, and waits computed anew
   for each timeline's own clock (a late truck may meet a ban the expected one does not: a wait is
   added there too, empty on the other timelines). A booked sailing is the one the expected
   timeline makes; the earliest timeline waits for it, the latest takes it if it still makes the
   check-in, else the next one.

Every wait is monotone in the arrival time (a later arrival never leaves earlier), so the
earliest and latest timelines bound every realisation: they are the windows of the segments.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from planner.model.problem import Spot
from planner.resolve.atoms import Atom, static_atom
from planner.resolve.clock.context import ClockContext
from planner.resolve.clock.driver_rules import (
    BREAK,
    REDUCED_RESTS_PER_WEEK,
    REDUCED_WEEKLY_REST,
    WEEKLY_REST,
    DriverClock,
    Pause,
)
from planner.resolve.clock.waits import ban_end, constraint, with_statics

# The expected timeline first: it books the sailings the other two wait for.
CASES = ("nominal", "early", "late")
# A pause is placed at the best named place within this much driving before the limit.
LOOKBACK_MINUTES = 90.0
# Where a driver would rather stop, best first; a crossing (the queue) and an unnamed point last.
PLACE_RANK = {"truck_park": 0, "service_area": 1, "town": 2, "city": 2, "capital": 2}
PLACE_RANK |= {"junction": 3, "port": 4}
UNRANKED = 8
# Known sailings or a timetable that give no departure: the latest timeline sails at check-in.
MAX_ITERATIONS = 12


@dataclass(frozen=True)
class Timed:
    """An atom with its three timelines, minutes after departure."""

    atom: Atom
    early: tuple[float, float]
    nominal: tuple[float, float]
    late: tuple[float, float]
    min_minutes: float  # shortest time the consignment can spend on it
    max_minutes: float  # longest
    note: str = ""


@dataclass
class _Mark:
    """The state before a drive atom, to place a pause there after the fact."""

    out_len: int
    index: int
    t: float
    clock: DriverClock


def _drive(atom: Atom, ctx: ClockContext, case: str) -> float:
    return atom.minutes * ctx.speed_factor * ctx.factor(case)


def _pause(atom: Atom, ctx: ClockContext, case: str, reduced_left: int) -> float:
    """How long a pause lasts on a timeline, less the standing time it completes."""
    if atom.kind == Pause.break_:
        return BREAK
    if atom.kind == Pause.weekly_rest:
        full = REDUCED_WEEKLY_REST if case == "early" else WEEKLY_REST
    elif case == "early" and reduced_left > 0:
        full = ctx.crew.shortest_daily_rest
    else:
        full = ctx.crew.daily_rest
    return max(0.0, full - atom.credit)


def _best_mark(marks: list[_Mark], atoms: list[Atom], pause: Pause) -> _Mark:
    """Where to take a pause: the best named place in the last stretch of allowed driving."""

    def counter(m: _Mark) -> float:
        return m.clock.since_break if pause == Pause.break_ else m.clock.day_driving

    reach = counter(marks[-1]) - LOOKBACK_MINUTES
    candidates = [m for m in marks if counter(m) >= reach]

    def rank(m: _Mark) -> tuple[int, int, float]:
        spot = atoms[m.index].start
        named = not spot.id.startswith("@") and spot.crossing is None
        # A place where the truck already stands longer than a break (after a known stop or a
        # wait) shortens the rest: better than driving on to rest elsewhere.
        standing = 0 if m.clock.idle_run > BREAK else 1
        return standing, (PLACE_RANK.get(spot.kind, UNRANKED) if named else UNRANKED + 1), -m.t

    return min(candidates, key=rank)


def _drive_to_standstill(atoms: list[Atom], i: int, ctx: ClockContext) -> float:
    """Driving minutes from atom ``i`` to where the truck will stand long enough to rest anyway.

    That is the destination, a ferry (a crossing with a berth counts as rest) or a long known
    stop: a driver who can reach it on an extended day rests there instead of on the way.
    """
    total = 0.0
    for a in atoms[i:]:
        if a.mode == "ferry" or (a.mode == "stop" and a.stop >= ctx.crew.shortest_daily_rest):
            break
        if a.mode in ("road", "rail"):
            total += _drive(a, ctx, "nominal")
    return total


def place_pauses(atoms: list[Atom], ctx: ClockContext) -> list[Atom]:
    """The atoms with the breaks, daily rests and ban waits of the expected timeline."""
    work = with_statics(atoms, ctx)
    out: list[Atom] = []
    marks: list[_Mark] = []
    clock = ctx.clock()
    t, i = 0.0, 0
    booked: float | None = None
    while i < len(work):
        atom = work[i]
        if atom.mode in ("road", "rail"):
            minutes = _drive(atom, ctx, "nominal")
            extend = _drive_to_standstill(work, i, ctx) <= ctx.crew.daily_driving_extended - (
                clock.day_driving
            )
            pause = clock.needs(minutes, extend=extend)
            if pause is not None:
                mark = _best_mark([*marks, _Mark(len(out), i, t, copy.copy(clock))], work, pause)
                del out[mark.out_len :]
                i, t, clock = mark.index, mark.t, mark.clock
                if pause != Pause.break_ and out and out[-1].mode == "break":
                    # A rest right after a break at the same place: the rest replaces it.
                    t -= BREAK
                    out.pop()
                    clock.idle_run = max(0.0, clock.idle_run - BREAK)
                    clock.day_elapsed -= BREAK
                    clock.week_elapsed -= BREAK
                t = _take_pause(out, clock, ctx, work[i].start, pause, t)
                marks = []
                continue
            end, rules = ban_end(atom, ctx, t)
            if rules and (not out or out[-1].mode != "wait"):
                out.append(static_atom(atom.start, "wait", atom.country, kind="truck_ban"))
            clock.idle(end - t)
            t = end
            marks.append(_Mark(len(out), i, t, copy.copy(clock)))
            out.append(atom)
            clock.drive(minutes)
            t += minutes
        else:
            nxt = work[i + 1] if atom.mode == "wait" and i + 1 < len(work) else None
            if nxt is not None:
                start, _ = constraint(nxt, ctx, t, "nominal", booked)
                if nxt.mode == "ferry":
                    booked = start
                length = max(0.0, start - t)
            else:
                length = _static_minutes(atom, ctx, "nominal", 0)
            out.append(atom)
            clock.idle(length)
            t += length
            if ctx.crew.rules and clock.day_elapsed > ctx.crew.work_window:
                # The working day ends while the truck stands here: the driver rests here, and
                # the standing time counts towards the rest.
                t = _take_pause(out, clock, ctx, atom.end, Pause.rest, t)
                marks = []
        i += 1
    return out


def _take_pause(
    out: list[Atom], clock: DriverClock, ctx: ClockContext, spot: Spot, pause: Pause, t: float
) -> float:
    """Append a pause at ``spot`` to ``out``; returns the time it ends."""
    mode = "break" if pause == Pause.break_ else "rest"
    full = _pause(static_atom(spot, mode, None, kind=pause.value), ctx, "nominal", 0)
    # The truck already stood still here (a stop, a wait): the rest completes it.
    credit = full - clock.rest_length(full) if mode == "rest" else 0.0
    out.append(static_atom(spot, mode, spot.country, kind=pause.value, credit=credit))
    if pause == Pause.break_:
        clock.idle(full)
    else:
        clock.rest(full)
    return t + full - credit


def _static_minutes(atom: Atom, ctx: ClockContext, case: str, reduced_left: int) -> float:
    if atom.mode in ("break", "rest"):
        return _pause(atom, ctx, case, reduced_left)
    if atom.mode == "stop":
        return atom.stop
    if atom.mode == "border":
        return atom.dwell * (1.0 if atom.kind == "port_customs" else ctx.factor(case))
    if atom.mode == "ferry":
        return {"early": atom.ferry_min, "late": atom.ferry_max}.get(case, atom.minutes)
    return 0.0


def _walk(
    atoms: list[Atom], ctx: ClockContext, case: str, booked: dict[int, float]
) -> tuple[list[tuple[float, float]], list[str], list[int]]:
    """One timeline: (start, end) per atom, a note per atom, and the unguarded bans.

    The last list holds the drive atoms that meet a truck ban with no wait before them: the
    caller adds a wait there and walks again.
    """
    times: list[tuple[float, float]] = []
    notes: list[str] = []
    missing: list[int] = []
    t = 0.0
    reduced_left = REDUCED_RESTS_PER_WEEK
    for i, atom in enumerate(atoms):
        note = ""
        if atom.mode in ("road", "rail"):
            length = _drive(atom, ctx, case)
            _, rules = ban_end(atom, ctx, t)
            if rules and (i == 0 or atoms[i - 1].mode != "wait"):
                missing.append(i)
        elif atom.mode == "wait" and i + 1 < len(atoms):
            # A rest placed while the truck waits sits between the wait and what it waits for
            # (the sailing, the opening): the wait ends early enough for the rest to fit.
            j = i + 1
            while j + 1 < len(atoms) and atoms[j].mode in ("break", "rest"):
                j += 1
            resting = sum(_static_minutes(a, ctx, case, reduced_left) for a in atoms[i + 1 : j])
            start, note = constraint(atoms[j], ctx, t + resting, case, booked.get(j))
            if case == "nominal" and atoms[j].mode == "ferry":
                booked[j] = start
            length = max(0.0, start - t - resting)
        else:
            length = _static_minutes(atom, ctx, case, reduced_left)
            if atom.mode == "rest" and atom.kind == Pause.rest:
                reduced_left -= 1
            elif atom.mode == "rest":
                reduced_left = REDUCED_RESTS_PER_WEEK
        times.append((t, t + length))
        notes.append(note)
        t += length
    return times, notes, missing


def schedule(atoms: list[Atom], ctx: ClockContext) -> list[Timed]:
    """Every atom of the route with its pauses and waits, timed on three timelines.

    Raises:
        PlanningError: a ferry with no usable sailing, or a crossing never open long enough.
    """
    work = place_pauses(atoms, ctx)
    for _ in range(MAX_ITERATIONS):
        booked: dict[int, float] = {}
        runs = {case: _walk(work, ctx, case, booked) for case in CASES}
        missing = sorted({i for _, _, m in runs.values() for i in m}, reverse=True)
        if not missing:
            break
        for i in missing:
            work.insert(i, static_atom(work[i].start, "wait", work[i].country, kind="truck_ban"))
    else:
        booked = {}
        runs = {case: _walk(work, ctx, case, booked) for case in CASES}
    out = []
    for i, atom in enumerate(work):
        spans = {case: runs[case][0][i] for case in CASES}
        lengths = [b - a for a, b in spans.values()]
        note = next(
            (runs[c][1][i] for c in ("nominal", "late", "early") if runs[c][1][i]), atom.note
        )
        if atom.mode == "wait" and max(lengths) <= 0:
            continue  # no timeline waits here
        out.append(
            Timed(
                atom=atom,
                early=spans["early"],
                nominal=spans["nominal"],
                late=spans["late"],
                min_minutes=0.0 if atom.mode == "wait" else min(lengths),
                max_minutes=max(lengths),
                note=note,
            )
        )
    return out
