"""The scenario (SPEC §3): strict input models with a description on every field.

Unknown fields are errors; times are ISO 8601 with an offset; places are a geodata id or
``{lat, lon[, name]}``. Cross-references (team -> agency, legal countries) are validated here so
that every error names its field.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, model_validator

from geodata.places import Coordinates
from planner.strict import Model
from planner.weights import Weights

# Dates an operation may have. Times are moved by UTC offsets (up to 14 h) and by travel times,
# and Python's dates end at years 1 and 9999: a date near those ends cannot be planned or drawn,
# and a controlled delivery outside these years is a typing mistake.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def _plannable(ts: datetime) -> datetime:
    if not EARLIEST_YEAR <= ts.year <= LATEST_YEAR:
        raise ValueError(f"a date between the years {EARLIEST_YEAR} and {LATEST_YEAR} is expected")
    return ts


def _printable(text: str) -> str:
    # Control characters break the KML and HTML outputs (and hide text from the reader); an
    # unpaired surrogate is not text at all and cannot be written as UTF-8.
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            raise ValueError("control characters and unpaired surrogates are not allowed")
    return text


_PLACE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def _place(place: str | Coordinates) -> str | Coordinates:
    if isinstance(place, str) and not _PLACE_ID.match(place):
        raise ValueError("a geodata id has only letters, digits, '-' and '_'")
    if isinstance(place, Coordinates) and place.name is not None:
        _printable(place.name)
    return place


Instant = Annotated[
    AwareDatetime,
    AfterValidator(_plannable),
    Field(description=f"ISO 8601 with offset, years {EARLIEST_YEAR}-{LATEST_YEAR}"),
]
FreeText = Annotated[str, AfterValidator(_printable)]
Iso3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 country code")]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Identifier")]
Place = Annotated[
    str | Coordinates,
    AfterValidator(_place),
    Field(description="A geodata id (e.g. MDA-chisinau) or {lat, lon[, name]}"),
]

# Hard limits on the input, so that no scenario can build a model too large for the machine.
MAX_TEAMS = 400
MAX_AGENCIES = 100
MAX_WAYPOINTS = 50
MAX_STOPS = 100
MAX_STOP_MINUTES = 7 * 24 * 60  # a week: longer is a storage, not a stop on the way


class Delivery(StrEnum):
    """Content mode of the consignment (domain.md §1.2 item 3)."""

    live = "live"
    partial = "partial"
    substituted = "substituted"


class Capability(StrEnum):
    """What a team can do: follow by road or rail, escort at sea, or track technically."""

    road = "road"
    rail = "rail"
    maritime = "maritime"
    technical = "technical"


class HandlingCode(StrEnum):
    """Handling code (SPEC §8): H0 least restricted to H3 most restricted."""

    H0 = "H0"
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"


class Consignment(Model):
    kind: FreeText = Field(
        min_length=1, max_length=64, description="What is moved (heroin, cash...)"
    )
    delivery: Delivery = Field(description="live | partial | substituted")


class Operation(Model):
    id: Ident = Field(description="Operation id, [A-Za-z0-9_-]{1,64}")
    name: FreeText = Field(min_length=1, max_length=200, description="Operation name")
    consignment: Consignment = Field(description="The consignment and its content mode")
    handling_code: HandlingCode = Field(default=HandlingCode.H2, description="H0..H3")
    departure: Instant = Field(description="Departure from the origin, ISO 8601 with offset")
    planned_at: Instant | None = Field(
        default=None,
        description="When the plan is made (for 'too late to request'); default: now",
    )


class Avoid(Model):
    countries: list[Iso3] = Field(default_factory=list, description="Countries never entered")
    crossings: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")]] = Field(
        default_factory=list, description="Crossing ids never used"
    )


class Route(Model):
    origin: Place | None = Field(default=None, description="Where the consignment starts")
    destination: Place | None = Field(default=None, description="Where it is delivered")
    via: list[Place] = Field(
        default_factory=list,
        max_length=MAX_WAYPOINTS,
        description="Places that must be passed, in order",
    )
    avoid: Avoid = Field(default_factory=Avoid, description="Countries and crossings to avoid")
    modes: list[Literal["road", "rail", "ferry"]] = Field(
        default_factory=lambda: list[Literal["road", "rail", "ferry"]](["road", "ferry"]),
        min_length=1,
        description="Allowed leg modes",
    )
    alternatives: int = Field(default=3, ge=1, le=5, description="Candidate routes considered")
    waypoints: list[Place] | None = Field(
        default=None,
        min_length=2,
        max_length=MAX_WAYPOINTS,
        description="A known itinerary in fixed order; the engine does not re-route",
    )

    @model_validator(mode="after")
    def _ends(self) -> Route:
        if self.waypoints is None and (self.origin is None or self.destination is None):
            raise ValueError("give origin and destination, or waypoints (at least two)")
        if self.waypoints is not None and (
            self.origin is not None or self.destination is not None or self.via
        ):
            raise ValueError("waypoints replace origin, destination and via: give one or the other")
        return self


class Stop(Model):
    at: Place = Field(description="Where the consignment stops (snapped to the route)")
    minutes: int = Field(ge=1, le=MAX_STOP_MINUTES, description="How long, minutes")


class Movement(Model):
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


class Agency(Model):
    id: Ident
    country: Iso3 = Field(description="The agency's state")
    name: FreeText = Field(min_length=1, max_length=200, description="Official name")
    kind: Literal[
        "police", "customs", "border_guard", "coast_guard", "security", "gendarmerie", "other"
    ] = Field(description="Kind of agency")


class Window(Model):
    from_: Instant = Field(alias="from", description="Start, ISO 8601 with offset")
    to: Instant = Field(description="End, ISO 8601 with offset")

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _order(self) -> Window:
        if self.to <= self.from_:
            raise ValueError("'to' must be after 'from'")
        return self


class Team(Model):
    id: Ident
    agency: Ident = Field(description="Id of the team's agency")
    base: Place = Field(description="Where the team starts from")
    capabilities: list[Capability] = Field(
        min_length=1, description="road, rail, maritime, technical"
    )
    available: list[Window] = Field(
        default_factory=list, description="When the team can work; default: the whole operation"
    )
    max_duty_hours: float = Field(default=12.0, gt=0, le=24, description="Longest duty, hours")
    min_rest_hours: float = Field(
        default=8.0, ge=0, le=48, description="Shortest rest between duties"
    )


class ForeignObservation(Model):
    from_: Iso3 = Field(alias="from", description="Whose teams may follow into this state")
    max_km: float = Field(gt=0, le=500, description="How far past the border, km")
    max_hours: float = Field(gt=0, le=48, description="For how long, hours")

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


class Legal(Model):
    country: Iso3
    authorised: bool = Field(description="Whether the state has authorised the delivery")
    deliveries: list[Delivery] = Field(
        default_factory=lambda: list(Delivery), description="Content modes the state accepts"
    )
    lead_time_hours: float = Field(
        default=48.0,
        ge=0,
        le=24 * 60,
        description="Time the authority needs before departure, hours",
    )
    authority: FreeText = Field(
        default="Public prosecutor", max_length=200, description="Who authorises"
    )
    foreign_observation: list[ForeignObservation] = Field(
        default_factory=list, description="Foreign teams allowed to follow into this state"
    )


class Rules(Model):
    handover_overlap_minutes: int = Field(
        default=30, ge=0, le=600, description="Both teams present at a handover, minutes"
    )
    max_follow_hours: float = Field(
        default=6.0, gt=0, le=48, description="Longest physical follow by one team, hours"
    )
    min_teams: int = Field(default=1, ge=1, le=5, description="Teams watching at every moment")


class SolverSettings(Model):
    time_limit_seconds: float = Field(default=30.0, gt=0, le=3600, description="Wall-clock limit")
    workers: int = Field(default=0, ge=0, le=64, description="Search workers; 0 = all cores")
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Random seed")


class Scenario(Model):
    schema_: Literal["cdplan.scenario/1"] = Field(alias="schema", description="Format version")
    operation: Operation
    route: Route
    movement: Movement = Field(default_factory=Movement)
    agencies: list[Agency] = Field(min_length=1, max_length=MAX_AGENCIES)
    teams: list[Team] = Field(min_length=1, max_length=MAX_TEAMS)
    legal: list[Legal] = Field(default_factory=list, description="One entry per state")
    rules: Rules = Field(default_factory=Rules)
    weights: Weights = Field(default_factory=Weights)
    solver: SolverSettings = Field(default_factory=SolverSettings)

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        agencies = [a.id for a in self.agencies]
        if len(set(agencies)) != len(agencies):
            raise ValueError("agencies: ids must be unique")
        teams = [t.id for t in self.teams]
        if len(set(teams)) != len(teams):
            raise ValueError("teams: ids must be unique")
        for i, team in enumerate(self.teams):
            if team.agency not in agencies:
                # The position, not the value: errors never repeat what was submitted.
                raise ValueError(f"teams[{i}].agency is not one of the agencies' ids")
        countries = [entry.country for entry in self.legal]
        if len(set(countries)) != len(countries):
            raise ValueError("legal: one entry per country")
        return self

    def agency(self, agency_id: str) -> Agency:
        return next(a for a in self.agencies if a.id == agency_id)

    def legal_for(self, country: str) -> Legal | None:
        return next((entry for entry in self.legal if entry.country == country), None)


def utc(ts: datetime) -> datetime:
    """A timezone-aware datetime in UTC."""
    from datetime import UTC

    return ts.astimezone(UTC)
