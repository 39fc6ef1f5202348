"""The clock's rules, re-checked on the plan's expected timeline, knowing nothing of the solver.

- rule 10: driver hours: with one driver, at most 4 h 30 of driving between two breaks and 10 h
  between two daily rests (9 h, 10 h at most twice a week); with two, a daily rest of 9 h within
  each 30 h;
- rule 11: a crossing with opening hours is passed (its queue) while it is open, and no queue
  overlaps a closure (``movement.closures``);
- rule 12: every ferry leg departs at a timetabled sailing of its line, or at a given one, and
  never at a cancelled one;
- rule 13: every handover tells both teams the time in their own local time.

It reads the plan's segments and the public geodata (hours, timetables, zones), not the
schedule that placed the pauses: a pause missing from a plan is caught here however it was made.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from geodata.clockdata import timetables
from geodata.hours import OpeningHours, is_open, parse_hours
from geodata.layers import Geodata
from geodata.localtime import local_time
from planner.check.violation import Violation
from planner.plan import Plan, PlanSegment
from planner.resolve.clock.driver_rules import (
    BREAK,
    EXTENDED_DAYS_PER_WEEK,
    MAX_DAILY_DRIVING,
    MAX_DAILY_DRIVING_EXTENDED,
    MAX_DRIVING_BEFORE_BREAK,
    MULTI_MANNING_REST,
    MULTI_MANNING_WINDOW,
    REDUCED_DAILY_REST,
)
from planner.scenario import Scenario

SLACK = 1.0  # minutes: the plan's times are rounded to the minute


def _minutes(s: PlanSegment) -> float:
    return (s.nominal_end - s.nominal_start).total_seconds() / 60.0


def driver_hours(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 10 on the expected timeline (see the module doc)."""
    if not scenario.driver_hours_apply:
        return []
    out: list[Violation] = []
    two = scenario.movement.drivers > 1
    state = scenario.movement.driver_state
    since_break = state.driving_since_break_minutes if state else 0.0
    driving = state.driving_since_rest_minutes if state else 0.0
    since_rest = state.on_duty_since_rest_minutes if state else 0.0
    idle, rested, extended = 0.0, False, 0
    for s in plan.segments:
        if s.mode not in ("road", "rail"):
            idle += _minutes(s)
            rested = rested or s.mode == "rest"
            continue
        # Minutes are rounded in the plan: a 45 min break may show as 44.
        if rested or idle + SLACK >= (MULTI_MANNING_REST if two else REDUCED_DAILY_REST):
            extended += driving > MAX_DAILY_DRIVING
            since_break = driving = since_rest = 0.0
        elif idle + SLACK >= BREAK:
            since_break = 0.0
            since_rest += idle
        else:
            since_rest += idle
        idle, rested = 0.0, False
        length = _minutes(s)
        since_break, driving, since_rest = (
            since_break + length,
            driving + length,
            since_rest + length,
        )
        where = f"{s.id} ({s.from_.name} to {s.to.name})"
        if two:
            if since_rest > MULTI_MANNING_WINDOW - MULTI_MANNING_REST + SLACK:
                out.append(Violation(10, s.id, f"no 9 h rest within 30 h by {where}"))
                since_rest = 0.0
            continue
        if since_break > MAX_DRIVING_BEFORE_BREAK + SLACK:
            out.append(
                Violation(
                    10, s.id, f"{since_break / 60:.1f} h of driving without a break by {where}"
                )
            )
            since_break = 0.0
        if driving > MAX_DAILY_DRIVING_EXTENDED + SLACK:
            out.append(
                Violation(
                    10, s.id, f"{driving / 60:.1f} h of driving without a daily rest by {where}"
                )
            )
            driving = 0.0
    extended += driving > MAX_DAILY_DRIVING
    if not two and extended > EXTENDED_DAYS_PER_WEEK:
        out.append(
            Violation(
                10, "route", f"{extended} days of more than 9 h of driving; at most two a week"
            )
        )
    return out


def _hours(scenario: Scenario, geo: Geodata) -> dict[str, OpeningHours]:
    found = {c.id: parse_hours(c.hours or "24h") for c in geo.crossings.values()}
    for entry in scenario.movement.crossing_hours:
        found[entry.crossing] = parse_hours(f"{entry.open}-{entry.close}")
    return {k: v for k, v in found.items() if not v.always}


def opening_hours(scenario: Scenario, plan: Plan, geo: Geodata) -> list[Violation]:
    """Rule 11: every border queue at a crossing with hours lies inside its opening hours."""
    hours = _hours(scenario, geo)
    out = []
    for s in plan.segments:
        crossing = geo.crossings.get(s.from_.id)
        if s.mode != "border" or crossing is None or crossing.id not in hours:
            continue
        zone = geo.countries[crossing.countries[0]].timezone
        last = max(s.nominal_start, s.nominal_end - timedelta(minutes=SLACK))
        if not (is_open(hours[crossing.id], s.nominal_start, zone)) or not is_open(
            hours[crossing.id], last, zone
        ):
            when = local_time(geo, s.nominal_start, crossing.countries[0])
            message = f"{crossing.name} is passed at {when}, outside {hours[crossing.id].text()}"
            out.append(Violation(11, s.id, message))
    for closure in scenario.movement.closures:
        for s in plan.segments:
            if s.mode != "border" or s.from_.id != closure.crossing:
                continue
            if s.nominal_start < closure.to and s.nominal_end > closure.from_:
                message = (
                    f"the queue at {s.from_.name} overlaps its closure from "
                    f"{closure.from_.astimezone(UTC):%Y-%m-%d %H:%M} UTC to "
                    f"{closure.to.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                )
                out.append(Violation(11, s.id, message))
    return out


def sailings(scenario: Scenario, plan: Plan, geo: Geodata) -> list[Violation]:
    """Rule 12: every ferry leg sails at a timetabled or a given sailing of its line."""
    given: dict[str, set[datetime]] = {}
    for sailing in scenario.movement.sailings:
        given.setdefault(sailing.line, set()).add(sailing.depart.astimezone(UTC))
    tables = timetables()
    out = []
    for s in plan.segments:
        if s.mode != "ferry":
            continue
        line = next(
            (f for f in geo.ferries.values() if {f.from_port, f.to_port} == {s.from_.id, s.to.id}),
            None,
        )
        if line is None:
            out.append(Violation(12, s.id, "no ferry line joins its two ports"))
            continue
        departs = s.nominal_start.astimezone(UTC)
        if any(
            c.line == line.id and abs((departs - c.depart).total_seconds()) <= 60 * SLACK
            for c in scenario.movement.cancelled_sailings
        ):
            out.append(Violation(12, s.id, f"{line.id} leaves at a cancelled sailing"))
            continue
        if line.id in given:
            if not any(abs((departs - d).total_seconds()) <= 60 * SLACK for d in given[line.id]):
                out.append(Violation(12, s.id, f"{line.id} leaves at no given sailing"))
            continue
        direction = "forward" if s.from_.id == line.from_port else "reverse"
        table = tables.get((line.id, direction))
        if table is None or table.no_sailing:
            out.append(Violation(12, s.id, f"{line.id} has no sailing known"))
            continue
        if table.irregular or table.depart_minutes is None:
            continue  # sails when loaded
        zone = geo.countries[s.from_.country].timezone
        local = departs.astimezone(ZoneInfo(zone))
        on_time = abs(local.hour * 60 + local.minute - table.depart_minutes) <= SLACK
        if local.weekday() not in table.weekdays or not on_time:
            out.append(
                Violation(
                    12,
                    s.id,
                    f"{line.id} leaves {local:%a %H:%M}; its timetable: {table.describe()}",
                )
            )
    return out


def local_times(plan: Plan, geo: Geodata) -> list[Violation]:
    """Rule 13: each handover gives both teams the passage in their own local time."""
    country = {t.id: t.country for t in plan.teams}
    out = []
    for h in plan.handovers:
        for team, shown in ((h.from_team, h.from_local), (h.to_team, h.to_local)):
            expected = local_time(geo, h.end, country.get(team, ""))
            if shown != expected:
                out.append(Violation(13, h.place.id, f"{team} is told {shown!r}, not {expected!r}"))
    return out
