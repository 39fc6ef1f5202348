"""The route scenario: the strict input models of ``schema: cdplan.scenario/1``.

Every field has a description (``cdplan schema`` prints them as a JSON Schema).

Unknown fields are errors; times are ISO 8601 with an offset; places are a geodata id or
``{lat, lon[, name]}``. Cross-references (team -> agency, legal countries) are validated here so
that every error names its field.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from geodata.schema import Vehicle
from planner.fields import FreeText, Ident, Instant, Iso3, Kind, Place
from planner.itinerary import MAX_WAYPOINTS, Route
from planner.legal import Consignment, Contact, Legal
from planner.movement import DriverRules, Movement
from planner.movements import MAX_MOVEMENTS, MovementSpec, Transfer
from planner.strict import Model
from planner.weights import Weights

# Hard limits on the input, so that no scenario can build a model too large for the machine.
MAX_TEAMS = 400
MAX_AGENCIES = 100
MAX_LAND_DUTY_HOURS = 24.0  # one working day; longer watches are split by relief handovers
MAX_SEA_DUTY_HOURS = 7 * 24.0  # an escort on board stays for the whole crossing and its waits


class Capability(StrEnum):
    """What a team can do: follow by road or rail, escort at sea, or track technically."""

    road = "road"
    rail = "rail"
    maritime = "maritime"
    technical = "technical"


class HandlingCode(StrEnum):
    """Handling code of the operation, shown on every output: H0 least to H3 most restricted."""

    H0 = "H0"
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"


class Operation(Model):
    """The operation: its name, consignment, handling code and departure."""

    id: Ident = Field(description="Operation id, [A-Za-z0-9_-]{1,64}")
    name: FreeText = Field(min_length=1, max_length=200, description="Operation name")
    consignment: Consignment = Field(description="The consignment and its content mode")
    handling_code: HandlingCode = Field(default=HandlingCode.H2, description="H0..H3")
    departure: Instant = Field(description="Departure from the origin, ISO 8601 with offset")
    planned_at: Instant | None = Field(
        default=None,
        description="When the plan is made (for 'too late to request'); default: now",
    )
    exercise: bool = Field(
        default=False,
        description="Training data: every output (map, timeline, briefing, KML, GeoJSON, "
        "plan.json) says EXERCISE",
    )


class Agency(Model):
    """A national agency taking part; its ``country`` is where its teams may work."""

    id: Ident
    country: Iso3 = Field(description="The agency's state")
    name: FreeText = Field(min_length=1, max_length=200, description="Official name")
    kind: Kind = Field(description="Kind of agency: police, customs, border_police, prosecutor...")


class Window(Model):
    """A time window from ``from`` to ``to``, both ISO 8601 with a UTC offset."""

    from_: Instant = Field(alias="from", description="Start, ISO 8601 with offset")
    to: Instant = Field(description="End, ISO 8601 with offset")

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _order(self) -> Window:
        if self.to <= self.from_:
            raise ValueError("'to' must be after 'from'")
        return self


class Team(Model):
    """A surveillance team of an agency: where it starts, what it can do, when and how long."""

    id: Ident
    agency: Ident = Field(description="Id of the team's agency")
    base: Place = Field(description="Where the team starts from")
    capabilities: list[Capability] = Field(
        min_length=1, description="road, rail, maritime, technical"
    )
    available: list[Window] = Field(
        default_factory=list, description="When the team can work; default: the whole operation"
    )
    max_duty_hours: float = Field(
        default=12.0,
        gt=0,
        le=MAX_SEA_DUTY_HOURS,
        description="Longest duty, hours: at most 24 for a team on land; a maritime escort's "
        "duty may run a whole crossing",
    )
    min_rest_hours: float = Field(
        default=8.0, ge=0, le=48, description="Shortest rest between duties"
    )

    @model_validator(mode="after")
    def _land_duty(self) -> Team:
        on_land = {Capability.road, Capability.rail} & set(self.capabilities)
        if on_land and self.max_duty_hours > MAX_LAND_DUTY_HOURS:
            raise ValueError(
                f"max_duty_hours: at most {MAX_LAND_DUTY_HOURS:g} for a team that follows by "
                "road or rail: a duty on land is one working day, and a longer watch is split "
                "between teams with relief handovers (only a maritime escort, outside the duty "
                "model, may have a longer duty)"
            )
        return self


class TechnicalCoverage(Model):
    """Where remote (technical) coverage may stand in for a team on the spot."""

    road: bool = Field(default=False, description="On a road stretch on the move")
    stop: bool = Field(
        default=True, description="Where the consignment stands: a stop, a rest, a wait"
    )
    max_hours: float = Field(
        default=12.0, gt=0, le=72, description="Longest remote watch by one team at a time, hours"
    )


class SolverSettings(Model):
    """Settings of the CP-SAT search: time limit, workers and seed (for reproducible plans)."""

    time_limit_seconds: float = Field(default=30.0, gt=0, le=3600, description="Wall-clock limit")
    workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Search workers; 0 = one LP-guided worker (measured fastest on this model, "
        "and deterministic), more = a portfolio",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Random seed")


class Rules(Model):
    """The operation's rules for handovers, following and the number of teams on watch."""

    handover_overlap_minutes: int = Field(
        default=30, ge=0, le=600, description="Both teams present at a handover, minutes"
    )
    max_follow_hours: float = Field(
        default=6.0, gt=0, le=48, description="Longest physical follow by one team, hours"
    )
    min_teams: int = Field(default=1, ge=1, le=5, description="Teams watching at every moment")
    technical_coverage: TechnicalCoverage | None = Field(
        default=None,
        description="Whether a beacon watched remotely may cover a stretch alone (default: no)",
    )
    no_handover_at: list[Place] = Field(
        default_factory=list,
        max_length=MAX_WAYPOINTS,
        description="Places where no handover may take place (a place burned by "
        "counter-surveillance): the watch passes before or after them",
    )


class Scenario(Model):
    """A route scenario: what moves, from where to where, who watches it, under which law.

    Every field is documented, with an example per section, in ``docs/scenario.md`` of the
    cdplan repository.
    """

    schema_: Literal["cdplan.scenario/1"] = Field(alias="schema", description="Format version")
    operation: Operation
    route: Route
    movement: Movement = Field(default_factory=Movement)
    agencies: list[Agency] = Field(min_length=1, max_length=MAX_AGENCIES)
    teams: list[Team] = Field(min_length=1, max_length=MAX_TEAMS)
    legal: list[Legal] = Field(default_factory=list, description="One entry per state")
    movements: list[MovementSpec] = Field(
        default_factory=list,
        max_length=MAX_MOVEMENTS,
        description="Several movements in one operation (instead of one consignment and route)",
    )
    transfers: list[Transfer] = Field(
        default_factory=list,
        max_length=MAX_MOVEMENTS,
        description="Where the goods pass from one movement to another",
    )
    contacts: list[Contact] = Field(
        default_factory=list,
        max_length=MAX_AGENCIES,
        description="Contact points per agency, for the communications table",
    )
    rules: Rules = Field(default_factory=Rules)
    weights: Weights = Field(default_factory=Weights)
    solver: SolverSettings = Field(default_factory=SolverSettings)

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _movements(self) -> Scenario:
        if not self.movements:
            if self.transfers:
                raise ValueError("transfers: only between movements (give movements)")
            return self
        ids = [m.id for m in self.movements]
        if len(set(ids)) != len(ids):
            raise ValueError("movements: ids must be unique")
        if self.route != self.movements[0].route:
            raise ValueError("route: with movements, give each movement its own route")
        incoming = {t.to for t in self.transfers}
        for i, t in enumerate(self.transfers):
            for name, ref in (("from", t.from_), ("to", t.to)):
                if ref not in ids:
                    raise ValueError(f"transfers[{i}].{name}: {ref!r} is not a movement id")
            if t.from_ == t.to:
                raise ValueError(f"transfers[{i}]: a movement cannot transfer to itself")
        if len(incoming) != len(self.transfers):
            raise ValueError("transfers: a movement begins at one transfer at most")
        for i, m in enumerate(self.movements):
            if m.departure is None and m.id not in incoming:
                raise ValueError(
                    f"movements[{i}].departure: required, unless the movement begins at a transfer"
                )
            if m.departure is not None and m.id in incoming:
                raise ValueError(
                    f"movements[{i}].departure: a movement that begins at a transfer leaves when "
                    "it ends; remove the departure"
                )
        if not any(m.departure is not None for m in self.movements):
            raise ValueError("movements: at least one needs a departure")
        return self

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
        by_id = {a.id: a for a in self.agencies}
        for i, entry in enumerate(self.legal):
            lead = by_id.get(entry.lead_agency or "")
            if entry.lead_agency is not None and (lead is None or lead.country != entry.country):
                raise ValueError(
                    f"legal[{i}].lead_agency: not an agency of {entry.country} in agencies"
                )
        for i, contact in enumerate(self.contacts):
            if contact.agency not in by_id:
                raise ValueError(f"contacts[{i}].agency: not an agency id")
        return self

    @property
    def driver_hours_apply(self) -> bool:
        """Whether the driver-hours law binds this movement.

        By default it binds the vehicles it covers: goods vehicles and buses (a van or a car
        driven by its owner is outside it); ``movement.driver_rules`` says otherwise.
        """
        rules = self.movement.driver_rules
        if rules is None:
            return self.route.vehicle in (Vehicle.truck, Vehicle.bus)
        return rules is DriverRules.eu561

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id (validation guarantees that every team's agency exists)."""
        return next(a for a in self.agencies if a.id == agency_id)

    def legal_for(self, country: str) -> Legal | None:
        """The legal entry of an ISO3 state, or None: then the state has authorised nothing."""
        return next((entry for entry in self.legal if entry.country == country), None)


def mirror_first_movement(data: Any) -> Any:
    """With ``movements``, the one-movement fields mirror the first movement (planner.movements).

    The operation departs with the first departure. Applied to the data as read, before it is
    validated (``planner.io.parse_scenario``); a scenario written back keeps the mirror.
    """
    if not isinstance(data, dict) or not data.get("movements"):
        return data
    movements = data["movements"]
    first = movements[0] if isinstance(movements, list) and isinstance(movements[0], dict) else {}
    operation = dict(data.get("operation") or {})
    departures = sorted(
        str(m["departure"]) for m in movements if isinstance(m, dict) and m.get("departure")
    )
    if "consignment" in first:
        operation.setdefault("consignment", first["consignment"])
    if departures:
        operation.setdefault("departure", _earliest(departures))
    out = {**data, "operation": operation}
    if "route" in first:
        out.setdefault("route", first["route"])
    if "movement" in first:
        out.setdefault("movement", first["movement"])
    return out


def _earliest(times: list[str]) -> str:
    """The earliest of ISO 8601 times as written (a bad one is left to the field's own check)."""
    try:
        return min(times, key=datetime.fromisoformat)
    except ValueError:
        return times[0]


def utc(ts: datetime) -> datetime:
    """A timezone-aware datetime in UTC."""
    from datetime import UTC

    return ts.astimezone(UTC)
