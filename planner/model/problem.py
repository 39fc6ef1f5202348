"""The resolved planning problem: what the model is built from.

Everything is plain data in whole minutes after ``t0`` (the departure, UTC), so that tests can
write a problem by hand and the model never touches geography. :mod:`planner.resolve` builds
a problem from a scenario and the geodata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from planner.constants import CAR_SPEEDUP, FOLLOWING
from planner.weights import Weights

SegmentMode = Literal["road", "rail", "ferry", "stop", "border", "break", "rest", "wait"]


@dataclass(frozen=True)
class Spot:
    """A place on the route: node id (or ``@lat,lon``), name, position, country."""

    id: str
    name: str
    lat: float
    lon: float
    country: str
    crossing: str | None = None  # the crossing id when the spot is a border crossing
    port: bool = False
    kind: str = ""  # the node's kind: city, town, junction, truck_park, service_area, port...


@dataclass(frozen=True)
class Segment:
    """A stretch of one route watched by the same team(s), inside one jurisdiction.

    ``start`` / ``end`` bound the window in which the consignment may be on the stretch
    (earliest entry, latest exit). ``countries`` are the states whose teams may watch it without
    foreign observation: one country, or the two port states of a ferry leg.
    """

    id: str
    index: int
    mode: SegmentMode
    countries: tuple[str, ...]
    start_spot: Spot
    end_spot: Spot
    km: float
    start: int
    end: int
    nominal_start: int
    nominal_end: int
    drive_start: float  # cumulative driving minutes from the origin at the start spot
    drive_end: float
    min_minutes: int = 0  # shortest time the consignment takes on this stretch alone
    max_minutes: int = 0  # longest time it takes on this stretch alone
    # Longest time of moving on this stretch: queueing at a border is a static watch, not
    # following; None means all of max_minutes.
    moving_max: int | None = None
    # A static stretch: the pause (break, rest, weekly_rest), the wait's reason (crossing_hours,
    # sailing, truck_ban) or the formality (queue, port_customs); and a note for people.
    kind: str = ""
    note: str = ""
    part: tuple[int, int] | None = None  # a shift of a long static watch: (n, of)

    @property
    def follow_max(self) -> int:
        """Worst-case minutes of physical following on this stretch (0 unless road or rail)."""
        if not self.following:
            return 0
        return self.max_minutes if self.moving_max is None else self.moving_max

    @property
    def country(self) -> str:
        """The first of ``countries``: the state, or a ferry leg's departure port state."""
        return self.countries[0]

    @property
    def following(self) -> bool:
        """Whether watching this stretch is physical following (road or rail, rule 7)."""
        return self.mode in FOLLOWING


@dataclass(frozen=True)
class RouteOption:
    """One candidate route cut into segments, in order."""

    index: int
    segments: tuple[Segment, ...]
    countries: tuple[str, ...]
    crossings: tuple[Spot, ...]
    length_km: float
    coordinates: tuple[tuple[float, float], ...]  # lon, lat
    hours: float
    # The content modes the consignment has on each state's stretch (substitution points).
    modes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # In an operation of several movements: which one this route carries ("" with one), and
    # how many teams must watch it (None: the problem's min_teams; 0: only where cheap).
    movement: str = ""
    min_teams: int | None = None


@dataclass(frozen=True)
class TeamSpec:
    """A team as the model sees it: state, capabilities, availability, duty limits and reach.

    ``reach[(route, k)]`` is the driving time in minutes from the team's base to boundary ``k``
    of route ``route`` (boundary k is the start of segment k; the last boundary is the
    destination); missing means unreachable. ``availability`` holds (from, to) windows and
    ``max_duty``/``min_rest`` are in minutes.
    """

    id: str
    agency: str
    country: str
    capabilities: frozenset[str]
    availability: tuple[tuple[int, int], ...]
    max_duty: int
    min_rest: int
    reach: Mapping[tuple[int, int], int]
    base_name: str = ""
    base_lat: float = 0.0
    base_lon: float = 0.0


@dataclass(frozen=True)
class ForeignLimit:
    """Teams of ``team_country`` may follow into ``host`` for at most this far and long."""

    host: str
    team_country: str
    max_km: float
    max_minutes: int


@dataclass(frozen=True)
class Remote:
    """Where a technical team may cover a stretch remotely (a beacon watched from a desk)."""

    road: bool  # road stretches on the move
    static: bool  # where the consignment stands: stops, rests, waits
    max_minutes: int  # longest remote watch by one team at a time


@dataclass(frozen=True)
class Problem:
    """The whole planning problem: candidate routes, teams, rules and weights, in minutes.

    ``routes`` are the candidate routes, of which the plan uses exactly one; their index in
    the tuple is their ``RouteOption.index``.
    """

    t0: datetime  # UTC
    routes: tuple[RouteOption, ...]
    teams: tuple[TeamSpec, ...]
    overlap: int  # handover overlap, minutes
    max_follow: int  # minutes
    min_teams: int = 1
    weights: Weights = field(default_factory=Weights)
    foreign: tuple[ForeignLimit, ...] = ()
    # Leap-frogging: a team drives this many times faster than the consignment along the route.
    car_speedup: float = CAR_SPEEDUP
    # Re-planning after an event: the teams the previous version had on each (route, segment)'s
    # stretch (planner.replan.stability); empty for a first plan.
    previous: Mapping[tuple[int, int], frozenset[str]] = field(default_factory=dict)
    # The agency each state prefers to watch on its territory (legal[].lead_agency).
    lead_agency: Mapping[str, str] = field(default_factory=dict)
    # Remote (technical) coverage, when the scenario allows it; None: never.
    remote: Remote | None = None
    # Spots (ids) where no handover may take place (rules.no_handover_at).
    no_handover: frozenset[str] = frozenset()

    def need(self, route: int) -> int:
        """How many teams must watch every segment of candidate route ``route``."""
        own = self.routes[route].min_teams
        return self.min_teams if own is None else own

    def movements(self) -> dict[str, list[int]]:
        """The candidate routes of each movement ("" for a one-movement problem), in order."""
        out: dict[str, list[int]] = {}
        for r in self.routes:
            out.setdefault(r.movement, []).append(r.index)
        return out

    def at(self, minutes: float) -> datetime:
        """The absolute time, UTC, ``minutes`` after departure."""
        return self.t0 + timedelta(minutes=minutes)

    def team(self, team_id: str) -> TeamSpec:
        """The team with this id (StopIteration if there is none)."""
        return next(t for t in self.teams if t.id == team_id)

    def foreign_limit(self, host: str, team_country: str) -> ForeignLimit | None:
        """How far teams of ``team_country`` may follow into ``host``; None: not at all."""
        return next(
            (f for f in self.foreign if f.host == host and f.team_country == team_country), None
        )

    def min_transit(self, route: int, k1: int, k2: int) -> int:
        """Shortest time the consignment takes from boundary ``k1`` to boundary ``k2``."""
        return sum(s.min_minutes for s in self.routes[route].segments[k1:k2])

    def travel_along(self, route: int, k1: int, k2: int) -> int:
        """Minutes a team needs to drive between boundaries ``k1`` and ``k2`` of a route."""
        segs = self.routes[route].segments
        pos = [s.drive_start for s in segs] + [segs[-1].drive_end]
        return round(abs(pos[k2] - pos[k1]) / self.car_speedup)
