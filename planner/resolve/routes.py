"""The route a scenario asks for, and each route cut into segments with their ETA windows.

A fixed itinerary is checked and never re-routed; otherwise the best candidate routes avoid
unauthorised and avoided states, avoided crossings and restricted areas (rules 8 and 9,
docs/rules.md).
"""

from __future__ import annotations

from shapely.geometry import LineString, Point

from geodata import GeodataError, Mode, NoRouteError, RouteRequest, best_routes
from geodata.layers import Geodata
from geodata.places import Coordinates, resolve
from geodata.routing import Leg, Route, itinerary
from planner.legal import Delivery
from planner.model.problem import RouteOption, Spot
from planner.reasons import PlanningError, Reason
from planner.resolve import atoms, law
from planner.resolve import segments as seg
from planner.resolve.authorisation import authorised_countries, unauthorised
from planner.resolve.clock.context import ClockContext
from planner.resolve.clock.schedule import Timed, schedule
from planner.scenario import Scenario


def _where(place: str | Coordinates) -> str:
    return place if isinstance(place, str) else (place.name or "a place given by coordinates")


def _modes(scenario: Scenario) -> tuple[Mode, ...]:
    return tuple(Mode(m) for m in scenario.route.modes)


def _waypoint_name(geo: Geodata, place: str | Coordinates, k: int) -> str:
    if isinstance(place, str):
        node = geo.network.nodes.get(place)
        return node.name if node is not None else place
    return place.name or f"waypoint {k + 1}"


def _leg_reasons(scenario: Scenario, geo: Geodata, legs: list[Leg], where: str) -> list[Reason]:
    """What breaks the rules on one leg of an itinerary (``where`` names it)."""
    reasons: list[Reason] = []
    for leg in legs:
        edge = geo.network.edges.get(leg.base_edge)
        area_id = edge.restricted if edge is not None else None
        if area_id is not None:
            area = geo.restricted[area_id]
            last = geo.network.nodes.get(leg.from_node)
            stop_at = last.name if last is not None else leg.from_node
            wording = f"{area.wording[0].lower()}{area.wording[1:].rstrip('.')}"
            reasons.append(
                Reason(
                    code="restricted_area",
                    message=f"{where} enters {area.name}, {wording}; interdict at {stop_at}, the "
                    "last point under a cooperating authority, or change the itinerary",
                    subject=area_id,
                )
            )
            break
    for leg in legs:
        crossing = geo.crossings.get(leg.to_node)
        if crossing is None:
            continue
        if crossing.status.value != "open":
            status = crossing.status.value.replace("non_plannable", "not plannable")
            reasons.append(
                Reason(
                    code=f"crossing_{crossing.status.value}",
                    message=f"{where} uses {crossing.name}, which is {status}",
                    subject=crossing.id,
                )
            )
        if crossing.id in scenario.route.avoid.crossings:
            reasons.append(
                Reason(
                    code="avoided_crossing",
                    subject=crossing.id,
                    message=f"{where} uses {crossing.name}, which is to be avoided",
                )
            )
    # A ferry leg has no country of its own: it lands in its port's state.
    entered = (
        leg.country or (geo.network.nodes[leg.to_node].country if leg.mode is Mode.ferry else "")
        for leg in legs
    )
    countries = list(dict.fromkeys(c for c in entered if c))
    for c in countries:
        if c in scenario.route.avoid.countries:
            reasons.append(
                Reason(
                    code="avoided_country",
                    subject=c,
                    message=f"{where} enters {c}, which is to be avoided",
                )
            )
    # Content modes depend on where the substitution points fall: judged on the whole route.
    for r in unauthorised(scenario, countries):
        if r.code != "delivery_not_accepted" or not scenario.operation.consignment.changes:
            reasons.append(r.model_copy(update={"message": f"{where}: {r.message}"}))
    return reasons


def itinerary_route(scenario: Scenario, geo: Geodata) -> Route:
    """The fixed itinerary of ``route.waypoints``, checked against rules 8 and 9 (docs/rules.md).

    The order of the waypoints is kept. Each leg takes the best lawful way between its two
    waypoints when one exists (it sails between two ports joined by a line); a leg that cannot be
    lawful is judged and named ("leg 2, Poti to Chornomorsk").

    Raises:
        PlanningError: status ``infeasible``, with every breach found per leg (the first
            restricted area entered, crossings not open or avoided, avoided and unauthorised
            states) and the route judged, so that the plan can show it.
    """
    waypoints = scenario.route.waypoints or []
    blocked = sorted(
        (set(geo.countries) - authorised_countries(scenario, geo))
        | set(scenario.route.avoid.countries)
    )
    route = itinerary(
        geo,
        waypoints,
        _modes(scenario),
        vehicle=scenario.route.vehicle,
        avoid_countries=blocked,
        avoid_crossings=scenario.route.avoid.crossings,
    )
    reasons: list[Reason] = []
    for k in range(len(waypoints) - 1):
        legs = [leg for leg in route.legs if leg.waypoint_leg == k]
        a, b = _waypoint_name(geo, waypoints[k], k), _waypoint_name(geo, waypoints[k + 1], k + 1)
        reasons += _leg_reasons(scenario, geo, legs, f"leg {k + 1} ({a} to {b})")
    if reasons:
        raise PlanningError("infeasible", reasons, route=route)
    return route


def candidate_routes(scenario: Scenario, geo: Geodata) -> list[Route]:
    """The best ``route.alternatives`` routes from origin to destination that keep rule 8.

    Raises:
        PlanningError: status ``infeasible``: ``no_route`` when no route exists even through
            unauthorised states, or ``no_authorised_route`` with the states that block the best
            such route.
    """
    r = scenario.route
    assert r.origin is not None and r.destination is not None
    allowed = authorised_countries(scenario, geo)
    blocked = sorted((set(geo.countries) - allowed) | set(r.avoid.countries))
    request = RouteRequest(
        origin=r.origin,
        destination=r.destination,
        via=tuple(r.via),
        avoid_countries=tuple(blocked),
        avoid_crossings=tuple(r.avoid.crossings),
        modes=_modes(scenario),
        alternatives=r.alternatives,
        vehicle=r.vehicle,
    )
    try:
        if scenario.movement.stops or scenario.operation.consignment.changes:
            request = request.model_copy(update={"via": _via_and_stops(scenario, geo, request)})
        return best_routes(geo, request)
    except NoRouteError as exc:
        # Say which states block it, when a route exists without the authorisation rule.
        try:
            open_req = request.model_copy(
                update={"avoid_countries": tuple(r.avoid.countries), "alternatives": 1}
            )
            lawful = best_routes(geo, open_req)[0]
        except GeodataError:
            raise PlanningError(
                "infeasible",
                [Reason(code="no_route", message=str(exc), subject=exc.field or "route")],
            ) from exc
        raise PlanningError(
            "infeasible",
            [
                Reason(
                    code="no_authorised_route",
                    message="every lawful route crosses a state that has not authorised the "
                    "delivery",
                    subject="route",
                ),
                *unauthorised(scenario, lawful.countries, entries=law.entries_of(lawful, geo)),
            ],
        ) from exc


def _via_and_stops(
    scenario: Scenario, geo: Geodata, request: RouteRequest
) -> tuple[str | Coordinates, ...]:
    """The via places with the known stops among them, in the order the best route meets them.

    A stop is a place the consignment will be at, so every candidate route must pass it: the
    stops become via places, ordered by where they lie along the best route through the via
    places alone (the via places keep their own order). A stop at a via place is not repeated.
    """
    best = best_routes(geo, request.model_copy(update={"alternatives": 1}))[0]
    line = LineString(best.geometry["coordinates"])
    land = tuple(m for m in request.modes if m is not Mode.ferry) or (Mode.road,)

    def snap(place: str | Coordinates, field: str) -> tuple[str, float]:
        found = resolve(geo, place, field=field, modes=land)
        return found.key, float(line.project(Point(found.place.lon, found.place.lat)))

    via = [(*snap(p, f"route.via[{i}]"), p) for i, p in enumerate(request.via)]
    keys = {key for key, _, _ in via}
    placed: list[tuple[float, int, str | Coordinates]] = []
    last = -1.0
    for i, (_, pos, p) in enumerate(via):
        # Via places are passed in the order given, even where the line bends back.
        last = max(last, pos)
        placed.append((last, i, p))
    musts = [(f"movement.stops[{j}].at", s.at) for j, s in enumerate(scenario.movement.stops)]
    musts += [
        (f"operation.consignment.changes[{j}].at", c.at)
        for j, c in enumerate(scenario.operation.consignment.changes)
    ]
    for j, (field, place) in enumerate(musts):
        key, pos = snap(place, field)
        if key not in keys:
            keys.add(key)
            placed.append((pos, len(via) + j, place))
    return tuple(p for _, _, p in sorted(placed, key=lambda t: (t[0], t[1])))


def timed_groups(
    scenario: Scenario, geo: Geodata, route: Route, clock: ClockContext
) -> list[list[Timed]]:
    """A geodata route's atoms, timed and grouped into segments (see :func:`_timed`)."""
    return _timed(scenario, geo, route, clock)[0]


def _timed(
    scenario: Scenario, geo: Geodata, route: Route, clock: ClockContext
) -> tuple[list[list[Timed]], dict[str, set[Delivery]]]:
    """A geodata route's atoms, timed on the convoy's clock and grouped into segments.

    The known stops are inserted at their places, the route is cut at the limits of foreign
    observation, and the convoy's clock adds its pauses and waits and times every stretch
    (:mod:`planner.resolve.clock.schedule`). One group per segment, in route order; the
    robustness replay walks the same atoms. Also the content modes on each state's stretch.

    Raises:
        PlanningError: status ``invalid`` when a stop's place cannot be resolved or is not on
            the route; ``infeasible`` when a ferry has no usable sailing.
    """
    origin = Spot(**route.origin.model_dump())
    destination = Spot(**route.destination.model_dump())
    items = atoms.atoms(geo, route, origin, destination, scenario.route.vehicle)
    for i, stop in enumerate(scenario.movement.stops):
        try:
            snapped = resolve(geo, stop.at, field=f"movement.stops[{i}].at")
        except GeodataError as exc:
            raise PlanningError(
                "invalid",
                [Reason(code="bad_place", message=str(exc), subject=f"movement.stops[{i}].at")],
            ) from exc
        if not atoms.insert_stop(items, snapped.key, float(stop.minutes)):
            raise PlanningError(
                "invalid",
                [
                    Reason(
                        code="stop_not_on_route",
                        message=f"the stop at {_where(stop.at)} is not on the route; "
                        "give a city or crossing the route passes",
                        subject=f"movement.stops[{i}].at",
                    )
                ],
            )
    limits = {
        (e.country, fo.from_): fo.max_km for e in scenario.legal for fo in e.foreign_observation
    }
    law.insert_changes(items, scenario, geo)
    items, forced = atoms.foreign_cuts(items, limits)
    modes, entries = law.route_modes(items, scenario)
    refused = unauthorised(scenario, list(modes), modes, entries)
    if refused:
        raise PlanningError("infeasible", refused, route=route)
    try:
        timed = seg.split_shifts(schedule(items, clock))
    except PlanningError as exc:
        raise PlanningError(exc.status, exc.reasons, route=route) from exc
    return seg.group(timed, frozenset(forced)), modes


def route_option(
    scenario: Scenario, geo: Geodata, route: Route, index: int, clock: ClockContext
) -> RouteOption:
    """A geodata route as the model sees it: cut into segments with their windows.

    The route's atoms are timed and grouped by :func:`timed_groups`; segment ids are
    ``R<index + 1>-S<nn>``.

    Raises:
        PlanningError: status ``invalid`` when a stop's place cannot be resolved or is not on
            the route; ``infeasible`` when a ferry has no usable sailing.
    """
    groups, modes = _timed(scenario, geo, route, clock)
    segs = seg.segments_from(groups, prefix=f"R{index + 1}-S")
    crossings = tuple(atoms.spot_for(geo, c.id) for c in route.crossings)
    return RouteOption(
        index=index,
        segments=tuple(segs),
        countries=tuple(route.countries),
        crossings=crossings,
        length_km=route.length_km,
        coordinates=tuple(tuple(c) for c in route.geometry["coordinates"]),  # type: ignore[attr-defined]
        hours=round(segs[-1].nominal_end / 60.0, 2) if segs else 0.0,
        modes={c: tuple(sorted(m.value for m in ms)) for c, ms in modes.items()},
    )
