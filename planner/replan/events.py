"""Events during an operation, and the new plan version each one makes.

Ten kinds of event (``kind``, :mod:`planner.replan.kinds`), each with ``at`` (when it happened
or was reported) and a ``note``; what each one decides is in :mod:`planner.replan.effects`.

:func:`prepare` returns the scenario for the rest of the operation; :func:`replan` also plans
it, preferring the previous version's teams, and returns the plan with what already took place
(``history``) and what changed (``changes``). The semantics common to every kind:

- ``at`` must lie between the departure of the current version and its latest arrival; when the
  position is estimated, before its expected arrival (else report a deviation with the position);
- where the consignment is at ``at``: a deviation's ``position``; a delay's or a vehicle swap's
  ``place`` when given; otherwise estimated from the previous version's expected timeline
  (planner.replan.progress: on a road, in a border queue, at a known stop, or at sea, when the
  new version starts at landing);
- the new scenario's route starts there, at that time (``operation.departure``): ``origin`` is
  the node, or the point on the road. The destination is kept, and so are the ``via`` places (or
  a fixed itinerary's waypoints) not yet passed, judged by position along the previous route,
  and the known stops still to come, judged by the previous timeline. Stops still to come are
  added to ``via`` as well, so that a new way round still reaches them. A deviation's
  ``destination`` and ``via`` replace the old ones; with a new ``via``, a stop not among the new
  places is dropped;
- a wait at the origin (the rest of a stop or border queue, a delay's minutes, a vehicle
  transfer, a closure it is caught in) is a static stop there, so that it is watched: the
  consignment leaves that much later;
- teams that worked in the last ``min_rest_hours`` may go on until their duty reaches
  ``max_duty_hours``, then only after their rest (their availability says so);
- ``operation.planned_at`` is kept: authorisations are those of the operation; a new country on
  the route is named in ``changes``.
Bad events raise :class:`planner.io.ScenarioError`, each error naming its field (``event.team``)
and never repeating coordinates.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from geodata import GeodataError
from geodata.layers import Geodata
from geodata.places import Coordinates, resolve
from planner.fields import Place
from planner.io import ScenarioError, parse_scenario
from planner.movement import MAX_STOP_MINUTES, Stop
from planner.plan import Plan
from planner.replan.effects import effect_of, reported_place
from planner.replan.kinds import Delay, Deviation, Event, event_error
from planner.replan.progress import (
    Cut,
    ahead,
    driver_state,
    estimate,
    history,
    land_modes,
    reported,
    rest,
    stops_ahead,
)
from planner.replan.stability import route_line
from planner.replan.version import ReplanContext, Replanning, plan_version
from planner.scenario import Scenario


def _utc(ts: datetime) -> str:
    return f"{ts.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _check_time(scenario: Scenario, previous: Plan, event: Event, at: datetime) -> None:
    if not previous.segments:
        raise event_error(
            "plan",
            "the previous version has no route to go on from",
            "plan the scenario anew instead of reporting an event",
        )
    departure = scenario.operation.departure.astimezone(UTC)
    if at < departure:
        raise event_error(
            "event.at",
            "before_departure: the event is before the departure of the current version "
            f"({_utc(departure)})",
            "give the time it happened, at or after the departure",
        )
    last = previous.segments[-1]
    if at > last.end:
        raise event_error(
            "event.at",
            "after_arrival: the event is after the latest arrival of the current version "
            f"({_utc(last.end)})",
            "the operation is over by then; plan a new one",
        )
    estimated = not isinstance(event, Deviation) and reported_place(event) is None
    if estimated and at >= last.nominal_end:
        raise event_error(
            "event.at",
            "at_destination: by the current version the consignment is expected at its "
            "destination by then, so where it is cannot be estimated",
            "report a deviation with its position, or a delay with its place",
        )


def _geo_error(exc: GeodataError, field: str) -> ScenarioError:
    return event_error(exc.field or field, str(exc), exc.hint or "give another place")


def _cut(
    scenario: Scenario, previous: Plan, event: Event, geo: Geodata, closed: frozenset[str]
) -> Cut:
    at = event.at.astimezone(UTC)
    line = route_line(previous)
    if line is None:
        raise event_error(
            "plan", "the previous version has no route line", "plan the scenario anew"
        )
    modes = land_modes(scenario.route.modes)
    try:
        if isinstance(event, Deviation):
            return reported(geo, line, at, event.position, field="event.position", modes=modes)
        place = reported_place(event)
        if place is not None:
            return reported(geo, line, at, place, field="event.place", modes=modes)
        return estimate(
            geo,
            previous,
            line,
            at,
            uncertainty=scenario.movement.uncertainty,
            modes=modes,
            closed=closed,
        )
    except GeodataError as exc:
        raise _geo_error(exc, "event") from exc


def _key(geo: Geodata, place: Place, field: str) -> str:
    try:
        return resolve(geo, place, field=field, allow_restricted=True).key
    except GeodataError as exc:
        raise _geo_error(exc, field) from exc


def _dump(place: Place) -> Any:
    if isinstance(place, Coordinates):
        return place.model_dump(mode="json", exclude_none=True)
    return place


def _name(place: Place) -> str:
    return place if isinstance(place, str) else (place.name or "a place given by coordinates")


def _route(
    scenario: Scenario, previous: Plan, event: Event, geo: Geodata, cut: Cut, changes: list[str]
) -> tuple[dict[str, Any], list[Stop]]:
    """The new ``route`` section and the known stops still to come (see the module doc)."""
    r = scenario.route
    line = route_line(previous)
    assert line is not None
    modes = land_modes(r.modes)
    old_via = list(r.waypoints[1:-1]) if r.waypoints else list(r.via)
    destination = r.waypoints[-1] if r.waypoints else r.destination
    assert destination is not None
    stops = stops_ahead(geo, previous, line, cut, scenario.movement.stops)
    if isinstance(event, Deviation) and event.destination is not None:
        destination = event.destination
        changes.append(f"destination now {_name(destination)}")
    if isinstance(event, Deviation) and event.via is not None:
        via = list(event.via)
        keys = {_key(geo, p, "event.via") for p in [*via, destination]}
        kept = [s for _, s in stops if _key(geo, s.at, "movement.stops") in keys]
        changes += [
            f"known stop at {_name(s.at)} dropped: not among the new places"
            for _, s in stops
            if s not in kept
        ]
    else:
        passes = ahead(geo, line, cut, old_via, modes)
        seen = {_key(geo, p, "route.via") for _, p in passes}
        # Known stops are passed through too, so that a new way round still reaches them.
        passes += [(pos, s.at) for pos, s in stops if _key(geo, s.at, "movement.stops") not in seen]
        via = [p for _, p in sorted(passes, key=lambda x: x[0])]
        kept = [s for _, s in stops]
    if _key(geo, cut.origin, "event") == _key(geo, destination, "route.destination"):
        raise event_error(
            "event.position" if isinstance(event, Deviation) else "event.at",
            "the consignment is at its destination: nothing is left to plan",
            "plan a new operation if it moves on",
        )
    out: dict[str, Any] = {
        "modes": list(r.modes),
        "alternatives": r.alternatives,
        "avoid": r.avoid.model_dump(mode="json"),
    }
    if r.waypoints is not None:
        out["waypoints"] = [_dump(p) for p in [cut.origin, *via, destination]]
    else:
        out |= {"origin": _dump(cut.origin), "destination": _dump(destination)}
        out["via"] = [_dump(p) for p in via]
    return out, kept


def _teams(
    scenario: Scenario, previous: Plan, cut: Cut, lost: str | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The teams left, with the rest that what they worked asks for.

    Only teams the previous version still counted on get a line in ``changes``: the others are
    not news.
    """
    worked = history(previous, at=cut.at, start=cut.start)
    planned = {a.team for a in previous.assignments if a.expected_end > cut.start}
    teams, changes = [], []
    for team in scenario.teams:
        if team.id == lost:
            continue
        entry = team.model_dump(mode="json", by_alias=True, exclude_none=True)
        tired = rest(team, worked, cut.start)
        if tired is not None and not tired.windows:
            changes.append(f"team {team.id} has no time left in its availability after its rest")
            continue
        if tired is not None:
            entry["available"] = [
                {"from": a.isoformat(), "to": b.isoformat()} for a, b in tired.windows
            ]
            if team.id in planned:
                changes.append(
                    f"team {team.id} has been on duty: it may stay on until "
                    f"{_utc(tired.duty_until)} (its duty limit), or start a new duty after its "
                    f"rest, from {_utc(tired.rested_from)}"
                )
        teams.append(entry)
    return teams, changes


def prepare(scenario: Scenario, previous: Plan, event: Event, geo: Geodata) -> Replanning:
    """What ``event`` decides for the rest of the operation: the new scenario and its start.

    See the module doc for the rules. Computed once, when the event is reported.

    Args:
        scenario: the scenario ``previous`` was planned from.
        previous: the latest plan version with a plan.
        event: the validated event.
        geo: the geodata.

    Raises:
        ScenarioError: the event does not fit this plan; each error names its field.
    """
    if scenario.movements:
        raise event_error(
            "plan",
            "events on an operation of several movements are not supported yet",
            "write what happened into the scenario (a later departure, a team's availability, "
            "movement.closures) and plan it again",
        )
    at = event.at.astimezone(UTC)
    _check_time(scenario, previous, event, at)
    effect = effect_of(scenario, previous, event, geo)
    changes = list(effect.changes)
    cut = _cut(scenario, previous, event, geo, frozenset(effect.avoid))
    if isinstance(event, Deviation):
        changes.append(f"off the planned route: re-planned from its reported position, {_utc(at)}")
    if cut.at_sea:
        changes.append(f"at sea: this version starts when it lands, {_utc(cut.start)}")
    route, stops = _route(scenario, previous, event, geo, cut, changes)
    route["avoid"]["crossings"] = effect.avoid
    waiting = cut.waiting + effect.wait + effect.hold(cut)
    if isinstance(event, Delay):
        leaves = cut.start + timedelta(minutes=waiting)
        changes.append(
            f"departure from its current position delayed {event.minutes} min: leaves at "
            f"{_utc(leaves)}"
        )
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["operation"]["departure"] = cut.start.isoformat()
    data["route"] = route
    # The wait at the origin is a stop of its own, so that someone watches it.
    wait = {"at": _dump(cut.origin), "minutes": min(waiting, MAX_STOP_MINUTES)}
    data["movement"]["stops"] = ([wait] if waiting > 0 else []) + [
        s.model_dump(mode="json", exclude_none=True) for s in stops
    ]
    data["movement"]["driver_state"] = driver_state(previous, cut.start)
    data["teams"], more = _teams(scenario, previous, cut, effect.lost)
    more += effect.patch(data, cut, geo)
    context = ReplanContext(
        at=cut.at, start=cut.start, along=cut.along, changes=changes + more, lost_team=effect.lost
    )
    return Replanning(scenario=parse_scenario(data), context=context)


def apply_event(scenario: Scenario, previous: Plan, event: Event, geo: Geodata) -> Scenario:
    """The scenario for the rest of the operation after ``event`` (see :func:`prepare`)."""
    return prepare(scenario, previous, event, geo).scenario


def replan(
    scenario: Scenario,
    previous: Plan,
    event: Event,
    geo: Geodata,
    *,
    now: datetime | None = None,
) -> tuple[Scenario, Plan]:
    """Prepare and plan the new version after ``event`` at once (the command line and tests).

    Returns:
        The scenario for the rest of the operation and its plan.
    """
    replanning = prepare(scenario, previous, event, geo)
    return replanning.scenario, plan_version(replanning, previous, geo, now=now)
