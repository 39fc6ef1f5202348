"""How the consignment moves: speed, known stops, the driver's clock, hours and sailings.

The ``movement`` section of a scenario. Driver hours default to the law that binds the vehicle
(Regulation 561/2006 and the AETR agreement for trucks and buses); crossing hours and sailings
given here override the geodata's.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from planner.fields import Instant, Place
from planner.strict import Model

MAX_STOPS = 100
MAX_STOP_MINUTES = 7 * 24 * 60  # a week: longer is a storage, not a stop on the way


class Stop(Model):
    """A known stop on the way (rest, loading): a static watch of ``minutes`` at ``at``."""

    at: Place = Field(description="Where the consignment stops (snapped to the route)")
    minutes: int = Field(ge=1, le=MAX_STOP_MINUTES, description="How long, minutes")


class CrossingHours(Model):
    """Opening hours of one crossing, in its local time, overriding the geodata's."""

    crossing: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,80}$", description="Crossing id, e.g. BGR-ROU-oryahovo"
    )
    open: str = Field(pattern=r"^\d{1,2}:\d{2}$", description="Opens, local time HH:MM")
    close: str = Field(
        pattern=r"^\d{1,2}:\d{2}$",
        description="Closes, local time HH:MM (earlier than open: the next day)",
    )


class Sailing(Model):
    """A known sailing of a ferry line; given sailings replace the line's timetable."""

    line: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,80}$", description="Ferry line id, e.g. FERRY-chornomorsk-poti"
    )
    depart: Instant = Field(description="Departure, ISO 8601 with offset")


class Closure(Model):
    """A crossing closed for a while (a strike, an incident): nothing passes ``from`` to ``to``."""

    crossing: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,80}$", description="Crossing id, e.g. TUR-BGR-kapikule"
    )
    from_: Instant = Field(alias="from", description="Closed from, ISO 8601 with offset")
    to: Instant = Field(description="Open again from, ISO 8601 with offset")

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


class DriverRules(StrEnum):
    """Which driving-time law the vehicle keeps."""

    eu561 = "eu561"  # Regulation (EC) 561/2006, and the AETR agreement outside the EU
    none = "none"  # no driver hours (a car, a van driven by its owner)


class DriverState(Model):
    """Where the driver's clock stands at departure, when the trip did not start rested.

    A new plan version after an event starts where the consignment is: the driver has already
    driven since the last break and rest, and the law counts that. Times in minutes.
    """

    driving_since_break_minutes: float = Field(
        default=0.0, ge=0, le=24 * 60, description="Driving since the last break, minutes"
    )
    driving_since_rest_minutes: float = Field(
        default=0.0, ge=0, le=24 * 60, description="Driving since the last daily rest, minutes"
    )
    on_duty_since_rest_minutes: float = Field(
        default=0.0,
        ge=0,
        le=48 * 60,
        description="Time since the end of the last daily rest (driving, queues, waits), minutes",
    )


class Movement(Model):
    """How the consignment moves: speed against the network, ETA uncertainty, known stops."""

    speed_factor: float = Field(
        default=1.0, gt=0.2, le=3.0, description="Scales network travel times (2.0 = twice as slow)"
    )
    uncertainty: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="ETA window grows by ± this share of elapsed travel time",
    )
    stops: list[Stop] = Field(
        default_factory=list, max_length=MAX_STOPS, description="Known stops (rest, loading)"
    )
    drivers: int = Field(
        default=1, ge=1, le=2, description="1, or 2 for double manning (breaks on the move)"
    )
    driver_rules: DriverRules | None = Field(
        default=None,
        description="eu561 (the default for a truck or a bus: EU 561/2006 and AETR) or none "
        "(the default for a van or a car)",
    )
    driver_state: DriverState | None = Field(
        default=None,
        description="The driver's clock at departure (default: rested); a new version after an "
        "event carries it over",
    )
    crossing_hours: list[CrossingHours] = Field(
        default_factory=list,
        max_length=MAX_STOPS,
        description="Opening hours that override the geodata's, local time",
    )
    sailings: list[Sailing] = Field(
        default_factory=list,
        max_length=MAX_STOPS,
        description="Known sailings; for a line listed here they replace its timetable",
    )
    cancelled_sailings: list[Sailing] = Field(
        default_factory=list,
        max_length=MAX_STOPS,
        description="Sailings that will not leave (timetabled or given): the next one is taken",
    )
    closures: list[Closure] = Field(
        default_factory=list,
        max_length=MAX_STOPS,
        description="Crossings closed for a while: a queue there waits for the reopening",
    )
