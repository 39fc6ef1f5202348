"""What each kind of event does to the scenario for the rest of the operation.

Every event is validated against the operation first (:func:`effect_of`: a team, crossing, line
or state it names must be the operation's); errors name the event's field and never repeat
coordinates. The :class:`Effect` then says what the new version inherits:

- ``delay``: the consignment leaves its position ``minutes`` later;
- ``deviation``: it is where the planners say (handled by the route, not here);
- ``team_lost``: the team is no longer used;
- ``crossing_closed``: the crossing is avoided for good;
- ``authorisation_withdrawn``: the state has authorised nothing any more and the route avoids
  it; when the consignment is already inside it, the new version says it must be stopped there;
- ``ferry_cancelled``: that sailing will not leave (``movement.cancelled_sailings``), so the next
  one is taken;
- ``counter_surveillance``: the team is burned and never used again, and its next relief
  handover may not take place where it was planned (``rules.no_handover_at``); a border or port
  handover cannot move, and the change says so;
- ``vehicle_swap``: from here the consignment moves in another vehicle (``route.vehicle``), after
  a transfer of :data:`VEHICLE_SWAP_MINUTES` that is watched where it happens;
- ``border_closed``: the crossing is closed from ``from`` to ``to`` (``movement.closures``): a
  queue there waits for it to reopen, or another crossing is taken;
- ``team_available``: the team may work from ``from`` to ``to`` (a new team is added).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from geodata import GeodataError
from geodata.layers import Geodata
from geodata.places import Coordinates, resolve
from planner.fields import Place
from planner.plan import Handover, Plan
from planner.replan.kinds import (
    AuthorisationWithdrawn,
    BorderClosed,
    CounterSurveillance,
    CrossingClosed,
    Delay,
    Event,
    FerryCancelled,
    TeamAvailable,
    TeamLost,
    VehicleSwap,
    event_error,
)
from planner.replan.progress import Cut, minutes
from planner.scenario import Scenario

# Moving a load from one vehicle to another (unloading, reloading, sealing) takes about an hour,
# and it is watched where it happens: the new version starts with a stop of this length.
VEHICLE_SWAP_MINUTES = 60

Data = dict[str, Any]
Patch = Callable[[Data, Cut, Geodata], list[str]]


def _utc(ts: datetime) -> str:
    return f"{ts.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _nothing(data: Data, cut: Cut, geo: Geodata) -> list[str]:
    return []


def _no_hold(cut: Cut) -> int:
    return 0


@dataclass
class Effect:
    """What an event decides, before and after the new version's start is known."""

    changes: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)  # crossing ids avoided from now on
    lost: str | None = None  # a team no longer used
    place: Place | None = None  # where the planners say the consignment is
    wait: int = 0  # minutes it stays where it is before it moves on
    patch: Patch = _nothing  # edits the new scenario's data; returns more changes
    hold: Callable[[Cut], int] = _no_hold  # more minutes to wait, once the position is known


def reported_place(event: Event) -> Place | None:
    """The position an event gives, when it gives one (else it is estimated)."""
    if isinstance(event, Delay | VehicleSwap):
        return event.place
    return None


def _team(scenario: Scenario, team: str, field_: str) -> None:
    if team not in {t.id for t in scenario.teams}:
        raise event_error(field_, "not a team of this operation", "give the id of one of its teams")
    if len(scenario.teams) == 1:
        raise event_error(field_, "the operation's last team", "add teams to the scenario")


def _crossing(geo: Geodata, crossing: str) -> str:
    found = geo.crossings.get(crossing)
    if found is None:
        raise event_error(
            "event.crossing",
            "not a known border crossing id",
            "use a crossing id from cdplan places search --kind crossing, e.g. TUR-BGR-kapikule",
        )
    return found.name


def _closed(scenario: Scenario, event: CrossingClosed, geo: Geodata, at: datetime) -> Effect:
    name = _crossing(geo, event.crossing)
    avoid = list(scenario.route.avoid.crossings)
    avoid += [] if event.crossing in avoid else [event.crossing]
    changes = [f"crossing {event.crossing} ({name}) closed at {_utc(at)}: avoided"]
    if scenario.route.waypoints is not None:
        changes.append(
            "the route is a fixed itinerary, never re-routed: if it used this crossing, "
            "report a deviation with new waypoints"
        )
    return Effect(changes=changes, avoid=avoid)


def _withdrawn(scenario: Scenario, event: AuthorisationWithdrawn) -> Effect:
    entry = scenario.legal_for(event.country)
    if entry is None or not entry.authorised:
        raise event_error(
            "event.country",
            "this state has not authorised the delivery: nothing to withdraw",
            "give a state of the operation's legal entries that has authorised it",
        )
    c = event.country

    def patch(data: Data, cut: Cut, geo: Geodata) -> list[str]:
        for e in data["legal"]:
            if e["country"] == c:
                e["authorised"] = False
        inside = resolve(geo, cut.origin, field="event", allow_restricted=True).place.country
        if inside == c:
            return [
                f"the consignment is in {c}, which withdrew its authorisation: it must be "
                f"stopped in {c} (interdiction by {c}'s agencies) unless it leaves at once"
            ]
        route = data["route"]
        end = route["waypoints"][-1] if "waypoints" in route else route["destination"]
        goal = end if isinstance(end, str) else Coordinates.model_validate(end)
        if resolve(geo, goal, field="route", allow_restricted=True).place.country == c:
            return [
                f"the destination is in {c}, which withdrew its authorisation: the consignment "
                f"must be stopped before it enters {c}"
            ]
        avoid = route["avoid"]["countries"]
        avoid += [] if c in avoid else [c]
        return [f"{c} withdrew its authorisation: the route avoids it from now on"]

    return Effect(patch=patch)


def _ferry(event: FerryCancelled, geo: Geodata, at: datetime) -> Effect:
    if event.line not in geo.ferries:
        raise event_error(
            "event.line", "not a known ferry line id", "see cdplan geodata export (ferries)"
        )
    if event.sailing < at:
        raise event_error(
            "event.sailing",
            "the sailing left before the event",
            "give the departure of a sailing still to come",
        )
    sailing = {"line": event.line, "depart": event.sailing.isoformat()}

    def patch(data: Data, cut: Cut, geo: Geodata) -> list[str]:
        data["movement"].setdefault("cancelled_sailings", []).append(sailing)
        return [
            f"sailing of {event.line} at {_utc(event.sailing)} cancelled: the next one is taken"
        ]

    return Effect(patch=patch)


def _next_handover(previous: Plan, team: str, at: datetime) -> Handover | None:
    coming = [h for h in previous.handovers if h.end > at]
    own = [h for h in coming if team in (h.from_team, h.to_team)]
    found = own or coming
    return found[0] if found else None


def _burned(
    scenario: Scenario, previous: Plan, event: CounterSurveillance, geo: Geodata, at: datetime
) -> Effect:
    _team(scenario, event.team, "event.team")
    changes = [f"team {event.team} burned at {_utc(at)} (counter-surveillance): never used again"]
    nxt = _next_handover(previous, event.team, at)
    if nxt is None:
        return Effect(changes=changes, lost=event.team)
    if nxt.kind != "relief":
        changes.append(
            f"the next handover, at {nxt.place.name}, is a {nxt.kind} handover and cannot move: "
            "the teams there should change vehicles and approach"
        )
        return Effect(changes=changes, lost=event.team)
    place: Any = (
        nxt.place.id
        if nxt.place.id in geo.network.nodes
        else {"lat": nxt.place.lat, "lon": nxt.place.lon, "name": nxt.place.name}
    )
    changes.append(f"no handover at {nxt.place.name} any more: the watch passes elsewhere")

    def patch(data: Data, cut: Cut, geo: Geodata) -> list[str]:
        data["rules"].setdefault("no_handover_at", []).append(place)
        return []

    return Effect(changes=changes, lost=event.team, patch=patch)


def _swap(event: VehicleSwap) -> Effect:
    def patch(data: Data, cut: Cut, geo: Geodata) -> list[str]:
        data["route"]["vehicle"] = event.vehicle.value
        return [
            f"the consignment changes to a {event.vehicle.value}: a transfer of "
            f"{VEHICLE_SWAP_MINUTES} min is watched where it happens"
        ]

    return Effect(place=event.place, wait=VEHICLE_SWAP_MINUTES, patch=patch)


def _border(event: BorderClosed, geo: Geodata, at: datetime) -> Effect:
    name = _crossing(geo, event.crossing)
    if event.to <= at:
        raise event_error(
            "event.to", "the crossing reopened before the event", "give a closure still in force"
        )
    closure = {
        "crossing": event.crossing,
        "from": event.from_.isoformat(),
        "to": event.to.isoformat(),
    }

    def patch(data: Data, cut: Cut, geo: Geodata) -> list[str]:
        data["movement"].setdefault("closures", []).append(closure)
        return [
            f"crossing {event.crossing} ({name}) closed from {_utc(event.from_)} to "
            f"{_utc(event.to)}: a queue there waits for it to reopen, or another crossing is taken"
        ]

    def held(cut: Cut) -> int:
        # Already in its queue when it closes: it waits there until it reopens.
        if cut.origin == event.crossing and event.from_ <= cut.start < event.to:
            return round(minutes(cut.start, event.to))
        return 0

    return Effect(patch=patch, hold=held)


def _available(scenario: Scenario, event: TeamAvailable, geo: Geodata) -> Effect:
    known = {t.id for t in scenario.teams}
    window = {"from": event.from_.isoformat(), "to": event.to.isoformat()}
    if event.team in known:
        team = next(t for t in scenario.teams if t.id == event.team)

        def extend(data: Data, cut: Cut, geo: Geodata) -> list[str]:
            entry = next((t for t in data["teams"] if t["id"] == event.team), None)
            if entry is None:
                return [f"team {event.team} is not in this version (lost or burned): not added"]
            if not entry.get("available") and not team.available:
                return [f"team {event.team} was already available for the whole operation"]
            entry.setdefault("available", []).append(window)
            return [f"team {event.team} available from {_utc(event.from_)} to {_utc(event.to)}"]

        return Effect(patch=extend)
    missing = [
        name
        for name, value in (
            ("agency", event.agency),
            ("base", event.base),
            ("capabilities", event.capabilities),
        )
        if value is None
    ]
    if missing:
        raise event_error(
            f"event.{missing[0]}",
            "a team the operation does not have needs agency, base and capabilities",
            f"give {', '.join(missing)}, or the id of one of its teams",
        )
    if event.agency not in {a.id for a in scenario.agencies}:
        raise event_error(
            "event.agency", "not an agency of this operation", "give the id of one of its agencies"
        )
    assert event.base is not None and event.capabilities is not None
    try:
        resolve(geo, event.base, field="event.base")
    except GeodataError as exc:
        raise event_error("event.base", "not a usable place", exc.hint or "give a city id") from exc
    base: Any = (
        event.base
        if not isinstance(event.base, Coordinates)
        else event.base.model_dump(mode="json", exclude_none=True)
    )
    entry = {
        "id": event.team,
        "agency": event.agency,
        "base": base,
        "capabilities": [c.value for c in event.capabilities],
        "available": [window],
    }

    def add(data: Data, cut: Cut, geo: Geodata) -> list[str]:
        data["teams"].append(entry)
        return [
            f"new team {event.team} of {event.agency} available from {_utc(event.from_)} to "
            f"{_utc(event.to)}"
        ]

    return Effect(patch=add)


def effect_of(scenario: Scenario, previous: Plan, event: Event, geo: Geodata) -> Effect:
    """Validate ``event`` against the operation and say what it decides (see the module doc).

    Raises:
        ScenarioError: the event names a team, crossing, line or state that is not the
            operation's, or a time that does not fit; the error names the field.
    """
    at = event.at.astimezone(UTC)
    avoid = list(scenario.route.avoid.crossings)
    if isinstance(event, Delay):
        return Effect(avoid=avoid, place=event.place, wait=event.minutes)
    if isinstance(event, TeamLost):
        _team(scenario, event.team, "event.team")
        return Effect(
            changes=[f"team {event.team} lost at {_utc(at)}: no longer used"],
            avoid=avoid,
            lost=event.team,
        )
    if isinstance(event, CrossingClosed):
        return _closed(scenario, event, geo, at)
    if isinstance(event, AuthorisationWithdrawn):
        effect = _withdrawn(scenario, event)
    elif isinstance(event, FerryCancelled):
        effect = _ferry(event, geo, at)
    elif isinstance(event, CounterSurveillance):
        effect = _burned(scenario, previous, event, geo, at)
    elif isinstance(event, VehicleSwap):
        effect = _swap(event)
    elif isinstance(event, BorderClosed):
        effect = _border(event, geo, at)
    elif isinstance(event, TeamAvailable):
        effect = _available(scenario, event, geo)
    else:  # a deviation: its position and places are the route's business
        effect = Effect()
    effect.avoid = avoid
    return effect
