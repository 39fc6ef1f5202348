"""The plan document (``schema: cdplan.plan/1``): the engine's answer, whatever happened.

Times are UTC (ISO 8601), with the local time of the place alongside where people read them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from planner.reasons import Reason


class PlanStatus(StrEnum):
    """What the engine's answer is. Only ``optimal`` and ``feasible`` carry a plan to follow."""

    optimal = "optimal"  # a plan, proven best (objective = bound)
    feasible = "feasible"  # a plan that keeps every rule, not proven best within the time limit
    infeasible = "infeasible"  # no plan keeps every rule; the reasons say why
    invalid = "invalid"  # the scenario cannot be planned as written; the reasons say what to fix
    timeout = "timeout"  # no plan found within the time limit

    @property
    def has_plan(self) -> bool:
        """Whether this status carries assignments and handovers to follow."""
        return self in (PlanStatus.optimal, PlanStatus.feasible)


class Out(BaseModel):
    """The base of every output model: unknown fields are refused when a plan is read back."""

    model_config = ConfigDict(extra="forbid")


class PlacePoint(Out):
    """A place on the route or a team's base, with its position."""

    id: str = Field(description="Geodata id, or '@lat,lon' for a point between nodes")
    name: str = Field(description="Display name")
    lat: float = Field(description="Latitude, degrees")
    lon: float = Field(description="Longitude, degrees")
    country: str = Field(description="ISO3; a crossing gives its first country")
    kind: str | None = Field(
        default=None,
        description="What the place is: city, town, junction, truck_park, service_area, port, "
        "crossing",
    )


class OperationInfo(Out):
    """The operation as every output heads it: name, handling code, consignment, times."""

    id: str = Field(description="Operation id")
    name: str = Field(description="Operation name")
    handling_code: str = Field(description="H0..H3, shown on every output")
    consignment: str = Field(description="What is moved")
    delivery: str = Field(description="live | partial | substituted")
    departure: datetime = Field(description="Departure, UTC")
    planned_at: datetime = Field(description="When the plan was made, UTC")
    exercise: bool = Field(
        default=False, description="Exercise (training) data: marked EXERCISE on every output"
    )

    @property
    def marking(self) -> str:
        """What every output shows: the handling code, and EXERCISE for training data."""
        return f"EXERCISE · {self.handling_code}" if self.exercise else self.handling_code


class PlanRoute(Out):
    """The route the plan follows (or, without a plan, the route it was judged on)."""

    countries: list[str] = Field(default_factory=list, description="ISO3 in order")
    crossings: list[PlacePoint] = Field(default_factory=list, description="Crossings in order")
    length_km: float = Field(default=0.0, description="Length, km")
    hours: float = Field(default=0.0, description="Nominal travel time including stops, hours")
    geometry: dict[str, object] = Field(
        default_factory=lambda: dict[str, object](type="LineString", coordinates=[]),
        description="GeoJSON LineString, EPSG:4326",
    )


class PlanSegment(Out):
    """A stretch of the route watched by the same team(s), with its ETA window."""

    id: str = Field(description="Segment id (R<route>-S<n>)")
    country: str = Field(description="ISO3 (a ferry leg: the departure port's state)")
    countries: list[str] = Field(description="States whose teams may watch it at home")
    mode: Literal["road", "rail", "ferry", "border", "stop", "break", "rest", "wait"] = Field(
        description="How it is travelled: road, rail, ferry; or a static stretch: border (the "
        "queue at a crossing, or port formalities), stop (a known stop), break, rest (driver "
        "hours), wait (a closed crossing, a sailing, a truck ban)"
    )
    kind: str | None = Field(
        default=None,
        description="For a static stretch: break, rest or weekly_rest; the wait's reason "
        "(crossing_hours, sailing, truck_ban); queue or port_customs",
    )
    note: str | None = Field(
        default=None, description="What sets its time, in words (a sailing, opening hours, a ban)"
    )
    shift: str | None = Field(
        default=None, description="A long static watch split into shifts: 'n of m'"
    )
    from_: PlacePoint = Field(alias="from", description="Where it starts")
    to: PlacePoint = Field(description="Where it ends")
    movement: str | None = Field(
        default=None, description="The movement it belongs to, in an operation of several"
    )
    km: float = Field(description="Length, km")
    start: datetime = Field(description="Earliest the consignment may enter it, UTC")
    end: datetime = Field(description="Latest it may leave it, UTC")
    start_local: str = Field(description="start in the local time of its start place")
    end_local: str = Field(description="end in the local time of its end place")
    nominal_start: datetime = Field(description="Expected entry, UTC")
    nominal_end: datetime = Field(description="Expected exit, UTC")
    minutes_min: int = Field(description="Shortest time the consignment takes on it, minutes")
    minutes_max: int = Field(description="Longest time it takes on it, minutes")
    follow_minutes_max: int = Field(
        description="Longest time of physical following on it (queues and stops excluded)"
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Assignment(Out):
    """A team's presence on one segment.

    ``start``/``end`` span the segment's whole window (ready ``overlap`` minutes before the
    earliest arrival, until the latest exit); the expected times say when it most likely happens
    (teams are dispatched on live tracking).
    """

    team: str = Field(description="Team id")
    agency: str = Field(description="Agency id")
    segment: str = Field(description="Segment id")
    movement: str | None = Field(
        default=None, description="The movement watched, in an operation of several"
    )
    start: datetime = Field(description="Team ready from (earliest case), UTC")
    end: datetime = Field(description="Team needed until (latest case), UTC")
    expected_start: datetime = Field(description="Team in place, expected timeline, UTC")
    expected_end: datetime = Field(description="Team released, expected timeline, UTC")
    duty: int | None = Field(
        default=None, description="The team's duty number, 1 = first; none on board a ferry"
    )
    expected_start_local: str = Field(
        default="", description="expected_start in the team's own local time"
    )
    expected_end_local: str = Field(
        default="", description="expected_end in the team's own local time"
    )
    foreign: bool = Field(default=False, description="Foreign observation outside its own state")
    remote: bool = Field(default=False, description="Tracked remotely (technical), not on board")


class Handover(Out):
    """The watch passing from one team to the next, with both present for the overlap."""

    kind: Literal["border", "relief", "port", "transfer"] = Field(
        description="border, relief, port, or transfer (between two movements)"
    )
    place: PlacePoint = Field(description="Where the watch passes")
    movement: str | None = Field(
        default=None, description="The movement watched, in an operation of several"
    )
    from_team: str
    to_team: str
    from_agency: str
    to_agency: str
    start: datetime = Field(description="Both teams present from (expected), UTC")
    end: datetime = Field(description="Both teams present until: the expected passage, UTC")
    start_local: str = Field(description="start in the place's local time")
    end_local: str = Field(description="end in the place's local time")
    from_local: str = Field(
        default="", description="end (the passage) in the outgoing team's own local time"
    )
    to_local: str = Field(
        default="", description="end (the passage) in the incoming team's own local time"
    )
    earliest: datetime = Field(description="Earliest the consignment can pass here, UTC")
    latest: datetime = Field(description="Latest it can pass here, UTC")


class Authorisation(Out):
    """An authorisation to request from one state on the route, and by when."""

    country: str = Field(description="The state that authorises (ISO3)")
    authority: str = Field(description="Who authorises")
    kind: Literal["delivery", "observation"] = Field(
        default="delivery",
        description="delivery: the state lets the consignment pass under its control; "
        "observation: it lets another state's team keep watching on its territory",
    )
    basis: str = Field(
        default="",
        description="The instrument relied on: 'Vienna 1988 art. 11', 'CISA art. 40', "
        "'bilateral: ...', or 'domestic: ...' for the requesting state",
    )
    delivery: str = Field(description="The content mode(s) the state must accept on its stretch")
    request_by: datetime = Field(description="Latest time to request: departure - lead time, UTC")
    too_late: bool = Field(description="request_by is already past when the plan is made")
    observer: str | None = Field(
        default=None, description="For an observation: the state whose team observes"
    )
    note: str = Field(default="", description="Conditions and limits, in words")


class Substitution(Out):
    """A substitution point: the goods are removed or replaced here, a task for the plan."""

    place: PlacePoint = Field(description="Where")
    delivery: str = Field(description="The content mode from here on")
    segment: str = Field(description="The segment of the task (a stop)")
    expected: datetime = Field(description="Expected start, UTC")
    expected_local: str = Field(description="Expected start, local time of the place")


class BorderSide(Out):
    """One side of a crossing: the agencies that must let the consignment pass uninspected."""

    country: str = Field(description="ISO3")
    customs: str = Field(description="The customs agency at the crossing")
    border_police: str = Field(description="The border police or guard at the crossing")
    contacts: list[str] = Field(
        default_factory=list,
        description="The scenario's contact points of this state's agencies; a placeholder "
        "when none is given",
    )


class Coordination(Out):
    """Who must be told at a border handover so that the consignment passes uninspected."""

    place: PlacePoint = Field(description="The crossing or port")
    handover: int = Field(description="Index of the handover in the plan's list, from 0")
    sides: list[BorderSide] = Field(description="Both states' agencies at the crossing")


class Kpis(Out):
    """Headline figures of a plan, for comparing plans."""

    handovers: int = Field(default=0, description="Border, port and relief handovers")
    team_hours: float = Field(default=0.0, description="Hours teams are present on the route")
    longest_follow_hours: float = Field(default=0.0, description="Longest follow by one team")
    coverage: float = Field(default=0.0, description="Share of segments watched by min_teams")


class ObjectiveTerms(Out):
    """The objective split into its weighted terms (objective units: weight × hours or count).

    They add up to ``objective`` (up to the solver's rounding to 0.01 per team-stretch), so two
    plans can be compared term by term.
    """

    handovers: float = Field(default=0.0, description="Handovers after the first pick-ups")
    team_hours: float = Field(default=0.0, description="Team-hours, travel from base included")
    exposure: float = Field(default=0.0, description="Long follows by one team")
    foreign_observation: float = Field(default=0.0, description="Hours of foreign observation")
    remote_coverage: float = Field(default=0.0, description="Hours watched remotely")
    stability: float = Field(default=0.0, description="Hours changed since the last version")
    lead_agency: float = Field(
        default=0.0, description="Stretches watched by another agency than the state's lead"
    )
    optional_coverage: float = Field(
        default=0.0,
        description="Hours a movement with min_teams 0 is watched: a bonus, so negative",
    )


class SolverInfo(Out):
    """What the solver reported, so that the result can be reproduced and its quality judged.

    ``objective`` equal to ``bound`` means proven optimal.
    """

    objective: float | None = None
    bound: float | None = None
    wall_seconds: float = 0.0
    build_seconds: float = 0.0
    seed: int = 0
    workers: int = 0
    version: str = ""
    candidate_blocks: int = Field(default=0, description="Team-stretch choices in the model")
    terms: ObjectiveTerms | None = Field(
        default=None, description="The objective's weighted terms (a plan only)"
    )


class PlanTeam(Out):
    """A team of the scenario as the outputs show it (used or not)."""

    id: str
    agency: str
    country: str = Field(description="ISO3 of the team's agency")
    capabilities: list[str]
    base: PlacePoint = Field(description="Where the team starts from")


class Alternative(Out):
    """A candidate route the engine considered, and whether the plan uses it."""

    movement: str | None = Field(default=None, description="Its movement, with several")
    countries: list[str]
    crossings: list[str]
    length_km: float
    hours: float
    chosen: bool = Field(description="Whether the plan uses this route")
    geometry: dict[str, object]


class PlanMovement(Out):
    """One movement of an operation of several: what it carries, its route, its figures."""

    id: str = Field(description="The movement's id; its segment ids begin with it")
    consignment: str = Field(description="What it carries")
    delivery: str = Field(description="live | partial | substituted, at its departure")
    min_teams: int = Field(description="Teams watching it at every moment (0: where cheap)")
    route: PlanRoute = Field(description="The route it follows")
    kpis: Kpis = Field(description="Its own figures")


class PlanTransfer(Out):
    """Where the goods pass from one movement to the next, watched."""

    from_: str = Field(alias="from", description="The movement that ends here")
    to: str = Field(description="The movement that begins here")
    place: PlacePoint = Field(description="Where")
    start: datetime = Field(description="Expected start, UTC")
    end: datetime = Field(description="Expected end, UTC")
    start_local: str = Field(description="start in the place's local time")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Plan(Out):
    """The engine's answer: a status, and a plan to follow or the reasons there is none."""

    schema_: Literal["cdplan.plan/1"] = Field(default="cdplan.plan/1", alias="schema")
    operation: OperationInfo
    status: PlanStatus
    reasons: list[Reason] = Field(default_factory=list)
    warnings: list[Reason] = Field(
        default_factory=list,
        description="What the planners should know even with a plan: a team never available, a "
        "team based abroad, a request already too late, a state the plan goes round",
    )
    route: PlanRoute = Field(default_factory=PlanRoute)
    segments: list[PlanSegment] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    handovers: list[Handover] = Field(default_factory=list)
    authorisations: list[Authorisation] = Field(default_factory=list)
    substitutions: list[Substitution] = Field(
        default_factory=list, description="Substitution points on the route, in order"
    )
    coordination: list[Coordination] = Field(
        default_factory=list,
        description="For every border handover, the agencies on both sides to deconflict",
    )
    kpis: Kpis = Field(default_factory=Kpis)
    solver: SolverInfo = Field(default_factory=SolverInfo)
    alternatives: list[Alternative] = Field(default_factory=list)
    movements: list[PlanMovement] = Field(
        default_factory=list,
        description="Each movement of an operation of several (empty with one)",
    )
    transfers: list[PlanTransfer] = Field(
        default_factory=list, description="Where the goods pass between movements"
    )
    teams: list[PlanTeam] = Field(default_factory=list, description="The scenario's teams")
    history: list[Assignment] = Field(
        default_factory=list,
        description="Assignments of earlier versions that already took place before the last "
        "event, UTC",
    )
    changes: list[str] = Field(
        default_factory=list,
        description="What the last event changed against the previous version, in plain words",
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        """The plan as indented JSON, with its field aliases (``schema``, ``from``)."""
        return self.model_dump_json(by_alias=True, indent=1)
