"""An operation of several movements as one planning problem.

Each movement is resolved as a scenario of its own (planner.resolve.resolver): its candidate
routes, cut into segments with their windows. Then:

- times are put on one clock, minutes after the first departure;
- a movement that begins at a transfer leaves when the movement before it arrives, its origin
  watched for the transfer's minutes (a stop there), and its windows widened by the spread of
  that arrival: an early or late truck makes an early or late van;
- a movement that ends in a transfer keeps one candidate route, so that the transfer has one
  place and one time;
- segment ids carry the movement (``M1-R1-S04``), and each candidate route knows its movement
  and how many teams must watch it;
- the teams are those of the operation, with their reach to every candidate of every movement.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from geodata import GeodataError
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.routing import Route
from planner.model.problem import RouteOption
from planner.movements import MovementSpec
from planner.reasons import PlanningError, Reason
from planner.resolve.places import place_errors
from planner.resolve.resolver import Resolved, problem_for, resolve_scenario
from planner.scenario import Scenario


def movement_scenario(scenario: Scenario, spec: MovementSpec, departure: datetime) -> Scenario:
    """One movement as a scenario of its own: its consignment, departure, route and movement.

    The teams, law, rules and weights are the operation's. A movement that begins at a transfer
    gets the transfer's watch as a stop at its origin; one that ends in a transfer, and one
    watched only where cheap (``min_teams`` 0), one route.
    """
    data: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.pop("movements", None)
    data.pop("transfers", None)
    data["operation"]["consignment"] = spec.consignment.model_dump(mode="json", exclude_none=True)
    data["operation"]["departure"] = departure.isoformat()
    data["route"] = spec.route.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["movement"] = spec.movement.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"]["min_teams"] = max(1, spec.min_teams)
    for t in scenario.transfers:
        if t.to == spec.id and t.minutes > 0:
            at = t.at if isinstance(t.at, str) else t.at.model_dump(mode="json", exclude_none=True)
            data["movement"]["stops"] = [
                {"at": at, "minutes": t.minutes},
                *data["movement"].get("stops", []),
            ]
        if t.from_ == spec.id:
            data["route"]["alternatives"] = 1
    if spec.min_teams == 0:
        # A movement watched only where cheap is followed, not steered: its best route, or the
        # watching bonus would pick the longest road to watch it longer.
        data["route"]["alternatives"] = 1
    return Scenario.model_validate_json(json.dumps(data))


def _order(scenario: Scenario) -> list[MovementSpec]:
    """The movements with a departure first, then each after the one it takes over from."""
    done: list[MovementSpec] = [m for m in scenario.movements if m.departure is not None]
    left = [m for m in scenario.movements if m.departure is None]
    while left:
        ready = [
            m
            for m in left
            if any(t.to == m.id and t.from_ in {d.id for d in done} for t in scenario.transfers)
        ]
        if not ready:
            raise PlanningError(
                "invalid",
                [
                    Reason(
                        code="transfer_cycle",
                        subject="transfers",
                        message="the transfers go round in a circle: each movement must begin "
                        "after one that has a departure",
                    )
                ],
            )
        done += ready
        left = [m for m in left if m not in ready]
    return done


def _end(route: Any) -> Any:
    return route.waypoints[-1] if route.waypoints else route.destination


def _start(route: Any) -> Any:
    return route.waypoints[0] if route.waypoints else route.origin


def _check_transfers(scenario: Scenario, geo: Geodata) -> None:
    """Each transfer's place is the first movement's destination and the second's origin."""
    specs = {m.id: m for m in scenario.movements}
    bad = []
    for i, t in enumerate(scenario.transfers):
        try:
            at = resolve(geo, t.at, field=f"transfers[{i}].at").key
            ends = resolve(geo, _end(specs[t.from_].route), field="route").key
            starts = resolve(geo, _start(specs[t.to].route), field="route").key
        except GeodataError:
            continue  # a place that does not resolve is reported with its own field
        if at != ends or at != starts:
            bad.append(
                Reason(
                    code="transfer_place",
                    subject=f"transfers[{i}].at",
                    message=f"the transfer from {t.from_} to {t.to} must be where {t.from_} ends "
                    f"(its destination) and {t.to} begins (its origin): give the same place",
                )
            )
    if bad:
        raise PlanningError("invalid", bad)


def _shift(
    option: RouteOption, spec: MovementSpec, index: int, offset: int, spread: tuple[int, int]
) -> RouteOption:
    early, late = spread
    segments = tuple(
        dataclasses.replace(
            s,
            id=f"{spec.id}-{s.id}",
            start=s.start + offset - early,
            end=s.end + offset + late,
            nominal_start=s.nominal_start + offset,
            nominal_end=s.nominal_end + offset,
        )
        for s in option.segments
    )
    return dataclasses.replace(
        option, index=index, segments=segments, movement=spec.id, min_teams=spec.min_teams
    )


def resolve_operation(scenario: Scenario, geo: Geodata, *, now: datetime | None = None) -> Resolved:
    """The planning problem of all the operation's movements (see the module doc).

    Raises:
        PlanningError: a movement that cannot be planned (its reasons name the movement), or
            transfers that do not join their movements.
    """
    bad = place_errors(scenario, geo)
    if bad:
        raise PlanningError(
            "invalid",
            [
                Reason(code="bad_place", message=f"{e['msg']} ({e['fix']})", subject=e["loc"])
                for e in bad
            ],
        )
    _check_transfers(scenario, geo)
    planned_at = (scenario.operation.planned_at or now or datetime.now(UTC)).astimezone(UTC)
    departures: dict[str, datetime] = {}
    arrivals: dict[str, tuple[datetime, int, int]] = {}  # id -> (nominal arrival, early, late)
    parts: list[tuple[MovementSpec, Resolved]] = []
    for spec in _order(scenario):
        incoming = next((t for t in scenario.transfers if t.to == spec.id), None)
        spread = (0, 0)
        if incoming is not None:
            arrival, early, late = arrivals[incoming.from_]
            departures[spec.id], spread = arrival, (early, late)
        else:
            assert spec.departure is not None
            departures[spec.id] = spec.departure.astimezone(UTC)
        single = movement_scenario(scenario, spec, departures[spec.id])
        try:
            resolved = resolve_scenario(single, geo, now=planned_at)
        except PlanningError as exc:
            raise PlanningError(
                exc.status,
                [
                    r.model_copy(update={"message": f"movement {spec.id}: {r.message}"})
                    for r in exc.reasons
                ],
                route=exc.route,
            ) from exc
        last = resolved.problem.routes[0].segments[-1]
        arrivals[spec.id] = (
            departures[spec.id] + timedelta(minutes=last.nominal_end),
            last.nominal_end - (last.start + last.min_minutes) + spread[0],
            last.end - last.nominal_end + spread[1],
        )
        parts.append((spec, resolved))
    t0 = min(departures.values())
    routes: list[Route] = []
    options: list[RouteOption] = []
    order = [m.id for m in scenario.movements]
    for spec, resolved in sorted(parts, key=lambda p: order.index(p[0].id)):
        offset = round((departures[spec.id] - t0).total_seconds() / 60)
        incoming = next((t for t in scenario.transfers if t.to == spec.id), None)
        spread = (0, 0) if incoming is None else arrivals[incoming.from_][1:]
        for route, option in zip(resolved.routes, resolved.problem.routes, strict=True):
            options.append(_shift(option, spec, len(options), offset, spread))
            routes.append(route)
    first = movement_scenario(scenario, scenario.movements[0], t0)
    return problem_for(first, geo, routes, options, planned_at)
