"""The clock's context for one scenario: crew, time zones, hours, sailings and bans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from geodata.bans import Ban
from geodata.clockdata import timetables, truck_bans
from geodata.hours import OpeningHours, parse_hours
from geodata.layers import Geodata
from geodata.sailings import Timetable
from geodata.schema import Vehicle
from planner.reasons import PlanningError, Reason
from planner.resolve.clock.driver_rules import Crew, DriverClock
from planner.scenario import Scenario


@dataclass(frozen=True)
class ClockContext:
    """Everything the clock needs, from the scenario and the geodata."""

    t0: datetime  # departure, aware
    crew: Crew
    speed_factor: float
    uncertainty: float
    zones: Mapping[str, str]  # country -> IANA time zone
    hours: Mapping[str, OpeningHours]  # crossing id -> opening hours (limited ones only)
    timetables: Mapping[tuple[str, str], Timetable]  # (line, direction) -> timetable
    sailings: Mapping[str, tuple[datetime, ...]]  # line -> known sailings (override)
    bans: Mapping[str, tuple[Ban, ...]]  # country -> its truck bans
    cancelled: Mapping[str, frozenset[datetime]] = field(default_factory=dict)  # line -> UTC
    closures: Mapping[str, tuple[tuple[datetime, datetime], ...]] = field(default_factory=dict)
    truck: bool = True  # bans apply to heavy goods vehicles only
    # Driving since the last break and rest, and time since the rest, at departure (minutes).
    start_state: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def clock(self) -> DriverClock:
        """The driver clock at departure."""
        since_break, day_driving, day_elapsed = self.start_state
        return DriverClock(
            self.crew,
            since_break=since_break,
            day_driving=day_driving,
            day_elapsed=day_elapsed,
            week_driving=day_driving,
            week_elapsed=day_elapsed,
        )

    def at(self, minutes: float) -> datetime:
        """The time ``minutes`` after departure."""
        return self.t0 + timedelta(minutes=minutes)

    def minutes(self, when: datetime) -> float:
        """Minutes after departure of ``when``."""
        return (when - self.t0).total_seconds() / 60.0

    def factor(self, case: str) -> float:
        """How a stretch's expected time scales on this timeline."""
        return {"early": 1 - self.uncertainty, "late": 1 + self.uncertainty}.get(case, 1.0)


def _hours(scenario: Scenario, geo: Geodata) -> dict[str, OpeningHours]:
    out = {}
    for c in geo.crossings.values():
        hours = parse_hours(c.hours or "24h", field=f"crossing {c.id}")
        if not hours.always:
            out[c.id] = hours
    for i, entry in enumerate(scenario.movement.crossing_hours):
        field = f"movement.crossing_hours[{i}]"
        if entry.crossing not in geo.crossings:
            raise PlanningError(
                "invalid",
                [Reason(code="unknown_crossing", message="not a crossing id", subject=field)],
            )
        hours = parse_hours(f"{entry.open}-{entry.close}", field=field)
        if hours.always:
            out.pop(entry.crossing, None)
        else:
            out[entry.crossing] = hours
    return out


def _unknown(code: str, message: str, subject: str) -> PlanningError:
    return PlanningError("invalid", [Reason(code=code, message=message, subject=subject)])


def _cancelled(scenario: Scenario, geo: Geodata) -> dict[str, frozenset[datetime]]:
    out: dict[str, set[datetime]] = {}
    for i, s in enumerate(scenario.movement.cancelled_sailings):
        if s.line not in geo.ferries:
            raise _unknown(
                "unknown_ferry_line",
                "not a ferry line id (see cdplan geodata export: ferries)",
                f"movement.cancelled_sailings[{i}].line",
            )
        out.setdefault(s.line, set()).add(s.depart.astimezone(UTC))
    return {line: frozenset(times) for line, times in out.items()}


def _closures(scenario: Scenario, geo: Geodata) -> dict[str, tuple[tuple[datetime, datetime], ...]]:
    out: dict[str, list[tuple[datetime, datetime]]] = {}
    for i, c in enumerate(scenario.movement.closures):
        if c.crossing not in geo.crossings:
            raise _unknown(
                "unknown_crossing", "not a crossing id", f"movement.closures[{i}].crossing"
            )
        if c.to <= c.from_:
            raise _unknown(
                "bad_closure", "a closure must end after it begins", f"movement.closures[{i}].to"
            )
        out.setdefault(c.crossing, []).append((c.from_.astimezone(UTC), c.to.astimezone(UTC)))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def clock_context(scenario: Scenario, geo: Geodata) -> ClockContext:
    """The clock for a scenario, with its overrides of the geodata applied.

    Raises:
        PlanningError: an override names an unknown crossing or ferry line.
    """
    m = scenario.movement
    vehicle = scenario.route.vehicle
    sailings: dict[str, list[datetime]] = {}
    for i, s in enumerate(m.sailings):
        if s.line not in geo.ferries:
            raise PlanningError(
                "invalid",
                [
                    Reason(
                        code="unknown_ferry_line",
                        message="not a ferry line id (see cdplan geodata export: ferries)",
                        subject=f"movement.sailings[{i}].line",
                    )
                ],
            )
        sailings.setdefault(s.line, []).append(s.depart)
    return ClockContext(
        t0=scenario.operation.departure,
        crew=Crew(drivers=m.drivers, rules=scenario.driver_hours_apply),
        speed_factor=m.speed_factor,
        uncertainty=m.uncertainty,
        zones={iso: c.timezone for iso, c in geo.countries.items()},
        hours=_hours(scenario, geo),
        timetables=timetables(),
        sailings={line: tuple(sorted(times)) for line, times in sailings.items()},
        bans=truck_bans(),
        cancelled=_cancelled(scenario, geo),
        closures=_closures(scenario, geo),
        truck=vehicle is Vehicle.truck,
        start_state=(
            (
                m.driver_state.driving_since_break_minutes,
                m.driver_state.driving_since_rest_minutes,
                m.driver_state.on_duty_since_rest_minutes,
            )
            if m.driver_state is not None
            else (0.0, 0.0, 0.0)
        ),
    )
