"""From a scenario and the geodata to the planning problem.

1. authorisation: which states have authorised this delivery type (a state without a legal entry
   has not);
2. routes: the known itinerary (checked, never re-routed), or the best candidate routes that
   avoid unauthorised states, avoided countries and crossings, and restricted areas;
3. segments and their ETA windows (planner.segments);
4. teams: how long each needs from its base to every point of each route, and when it is free;
5. rules, weights and the foreign-observation limits.
Problems with the input stop here with reasons (status invalid or infeasible), not exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from geodata import GeodataError, Mode, NoRouteError, RouteRequest, best_routes
from geodata.layers import Geodata
from geodata.places import Coordinates, resolve
from geodata.routing import Route, itinerary, travel_minutes_from
from planner import segments as seg
from planner.problem import ForeignLimit, Problem, RouteOption, Spot, TeamSpec, Weights
from planner.reasons import PlanningError, Reason
from planner.scenario import Scenario

CAR_SPEEDUP = 1.25  # surveillance cars against a loaded truck
DEFAULT_MARGIN_DAYS = 7  # a team with no availability given is free this long around the operation
MAX_ESTIMATED_BLOCKS = 120_000


@dataclass(frozen=True)
class Resolved:
    problem: Problem
    routes: tuple[Route, ...]  # the geodata routes, by the problem's route index
    planned_at: datetime


def _where(place: str | Coordinates) -> str:
    return place if isinstance(place, str) else (place.name or "a place given by coordinates")


def unauthorised(scenario: Scenario, countries: Sequence[str]) -> list[Reason]:
    delivery = scenario.operation.consignment.delivery
    out = []
    for c in dict.fromkeys(countries):
        entry = scenario.legal_for(c)
        if entry is None or not entry.authorised:
            out.append(
                Reason(
                    code="unauthorised_state",
                    message=f"{c} is on the route but has not authorised the delivery"
                    + (" (no legal entry)" if entry is None else "")
                    + "; request its authorisation or route around it",
                    subject=c,
                )
            )
        elif delivery not in entry.deliveries:
            accepted = ", ".join(d.value for d in entry.deliveries) or "none"
            out.append(
                Reason(
                    code="delivery_not_accepted",
                    message=f"{c} does not accept a {delivery.value} delivery "
                    f"(accepts: {accepted})",
                    subject=c,
                )
            )
    return out


def _authorised_countries(scenario: Scenario, geo: Geodata) -> set[str]:
    return {c for c in geo.countries if not unauthorised(scenario, [c])}


def _modes(scenario: Scenario) -> tuple[Mode, ...]:
    return tuple(Mode(m) for m in scenario.route.modes)


def _itinerary(scenario: Scenario, geo: Geodata) -> Route:
    waypoints = scenario.route.waypoints or []
    route = itinerary(geo, waypoints, _modes(scenario))
    reasons: list[Reason] = []
    for leg in route.legs:
        edge = geo.network.edges.get(leg.edge.split("@")[0]) or next(
            (e for e in geo.network.edges.values() if leg.edge.startswith(e.id)), None
        )
        area_id = edge.restricted if edge is not None else None
        if area_id is not None:
            area = geo.restricted[area_id]
            last = geo.network.nodes.get(leg.from_node)
            where = last.name if last is not None else leg.from_node
            reasons.append(
                Reason(
                    code="restricted_area",
                    message=f"the itinerary enters {area.name}, "
                    f"{area.wording[0].lower()}{area.wording[1:].rstrip('.')}; "
                    f"interdict at {where}, the last point under a cooperating authority, "
                    "or change the itinerary",
                    subject=area_id,
                )
            )
            break
    for place in route.crossings:
        crossing = geo.crossings[place.id]
        if crossing.status.value != "open":
            reasons.append(
                Reason(
                    code=f"crossing_{crossing.status.value}",
                    message=f"the itinerary uses {crossing.name}, which is "
                    + crossing.status.value.replace("non_plannable", "not plannable"),
                    subject=crossing.id,
                )
            )
        if crossing.id in scenario.route.avoid.crossings:
            reasons.append(
                Reason(
                    code="avoided_crossing",
                    subject=crossing.id,
                    message=f"the itinerary uses {crossing.name}, which is to be avoided",
                )
            )
    for c in route.countries:
        if c in scenario.route.avoid.countries:
            reasons.append(
                Reason(
                    code="avoided_country",
                    subject=c,
                    message=f"the itinerary enters {c}, which is to be avoided",
                )
            )
    reasons += unauthorised(scenario, route.countries)
    if reasons:
        raise PlanningError("infeasible", reasons, route=route)
    return route


def _candidates(scenario: Scenario, geo: Geodata) -> list[Route]:
    r = scenario.route
    assert r.origin is not None and r.destination is not None
    allowed = _authorised_countries(scenario, geo)
    blocked = sorted((set(geo.countries) - allowed) | set(r.avoid.countries))
    request = RouteRequest(
        origin=r.origin,
        destination=r.destination,
        via=tuple(r.via),
        avoid_countries=tuple(blocked),
        avoid_crossings=tuple(r.avoid.crossings),
        modes=_modes(scenario),
        alternatives=r.alternatives,
    )
    try:
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
                *unauthorised(scenario, lawful.countries),
            ],
        ) from exc


def _route_option(scenario: Scenario, geo: Geodata, route: Route, index: int) -> RouteOption:
    origin = Spot(**route.origin.model_dump())
    destination = Spot(**route.destination.model_dump())
    items = seg.atoms(geo, route, origin, destination)
    for i, stop in enumerate(scenario.movement.stops):
        try:
            snapped = resolve(geo, stop.at, field=f"movement.stops[{i}].at")
        except GeodataError as exc:
            raise PlanningError(
                "invalid",
                [Reason(code="bad_place", message=str(exc), subject=f"movement.stops[{i}].at")],
            ) from exc
        if not seg.insert_stop(items, snapped.key, float(stop.minutes)):
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
    items, forced = seg.foreign_cuts(items, limits)
    groups = seg.group(items, forced)
    segs = seg.timeline(
        groups,
        speed_factor=scenario.movement.speed_factor,
        uncertainty=scenario.movement.uncertainty,
        prefix=f"R{index + 1}-S",
    )
    crossings = tuple(seg.spot_for(geo, c.id) for c in route.crossings)
    return RouteOption(
        index=index,
        segments=tuple(segs),
        countries=tuple(route.countries),
        crossings=crossings,
        length_km=route.length_km,
        coordinates=tuple(tuple(c) for c in route.geometry["coordinates"]),  # type: ignore[attr-defined]
        hours=round(segs[-1].nominal_end / 60.0, 2) if segs else 0.0,
    )


def _positions(geo: Geodata, route: Route) -> tuple[list[str], np.ndarray]:
    """Node ids along a route and their cumulative driving minutes from the origin."""
    ids = [route.origin.id]
    pos = [0.0]
    for leg in route.legs:
        ids.append(leg.to_node)
        pos.append(pos[-1] + (leg.minutes if leg.mode is not Mode.ferry else 0.0))
    return ids, np.array(pos)


def _reach(
    geo: Geodata,
    team_country: str,
    base: str,
    base_extra: float,
    route: Route,
    option: RouteOption,
    technical: bool,
    cache: dict[tuple[str, str], dict[str, float]],
) -> dict[tuple[int, int], int]:
    """Minutes from a team's base to each boundary of a route (see TeamSpec.reach)."""
    key = (base, team_country)
    if key not in cache:
        cache[key] = travel_minutes_from(geo, base, country=team_country, speedup=CAR_SPEEDUP)
    dist = cache[key]
    ids, pos = _positions(geo, route)
    known = np.array([dist.get(n, np.inf) + base_extra for n in ids])
    segs = option.segments
    bounds = np.array([s.drive_start for s in segs] + [segs[-1].drive_end])
    # Reach a boundary through any route node the team can reach at home, then along the route.
    along = np.abs(pos[:, None] - bounds[None, :]) / CAR_SPEEDUP
    best = (known[:, None] + along).min(axis=0)
    out = {}
    for k, minutes in enumerate(best):
        if k < len(segs) and segs[k].mode == "ferry" and technical:
            out[(option.index, k)] = 0  # tracked remotely from a control room
        elif np.isfinite(minutes):
            out[(option.index, k)] = round(float(minutes))
    return out


def _teams(
    scenario: Scenario,
    geo: Geodata,
    routes: Sequence[Route],
    options: Sequence[RouteOption],
    t0: datetime,
) -> tuple[TeamSpec, ...]:
    horizon = max(o.segments[-1].end for o in options)
    margin = DEFAULT_MARGIN_DAYS * 24 * 60
    cache: dict[tuple[str, str], dict[str, float]] = {}
    on_route = {c for o in options for s in o.segments for c in s.countries}
    out = []
    for i, team in enumerate(scenario.teams):
        agency = scenario.agency(team.agency)
        try:
            snapped = resolve(geo, team.base, field=f"teams[{i}].base")
        except GeodataError as exc:
            raise PlanningError(
                "invalid", [Reason(code="bad_place", message=str(exc), subject=f"teams[{i}].base")]
            ) from exc
        base_node, extra = snapped.key, 0.0
        if snapped.edge is not None:
            # A base between two nodes: start from the nearer end.
            near_u = snapped.fraction <= 0.5
            base_node = snapped.edge.u if near_u else snapped.edge.v
            share = snapped.fraction if near_u else 1 - snapped.fraction
            extra = snapped.edge.minutes * share / CAR_SPEEDUP
        reach: dict[tuple[int, int], int] = {}
        if agency.country in on_route or any(
            agency.country in f.from_ for e in scenario.legal for f in e.foreign_observation
        ):
            for route, option in zip(routes, options, strict=True):
                reach |= _reach(
                    geo,
                    agency.country,
                    base_node,
                    extra,
                    route,
                    option,
                    "technical" in team.capabilities,
                    cache,
                )
        windows = tuple(
            (round((w.from_ - t0).total_seconds() / 60), round((w.to - t0).total_seconds() / 60))
            for w in team.available
        ) or ((-margin, horizon + margin),)
        out.append(
            TeamSpec(
                id=team.id,
                agency=team.agency,
                country=agency.country,
                capabilities=frozenset(c.value for c in team.capabilities),
                availability=windows,
                max_duty=round(team.max_duty_hours * 60),
                min_rest=round(team.min_rest_hours * 60),
                reach=reach,
                base_name=snapped.place.name,
                base_lat=snapped.place.lat,
                base_lon=snapped.place.lon,
            )
        )
    return tuple(out)


def _guard_size(options: Sequence[RouteOption], teams: Sequence[TeamSpec], max_follow: int) -> None:
    per_block = max(1, round(max_follow / seg.TARGET_MINUTES) + 1)
    estimate = sum(
        sum(1 for s in o.segments if t.country in s.countries) * per_block
        for o in options
        for t in teams
    )
    if estimate > MAX_ESTIMATED_BLOCKS:
        raise PlanningError(
            "invalid",
            [
                Reason(
                    code="model_too_large",
                    message=f"about {estimate} candidate assignments; the engine's limit is "
                    f"{MAX_ESTIMATED_BLOCKS}. Use fewer teams or alternatives, or a shorter route",
                    subject="teams",
                )
            ],
        )


def resolve_scenario(scenario: Scenario, geo: Geodata, *, now: datetime | None = None) -> Resolved:
    """Build the problem, or raise :class:`PlanningError` with reasons."""
    t0 = scenario.operation.departure.astimezone(UTC)
    planned_at = (scenario.operation.planned_at or now or datetime.now(UTC)).astimezone(UTC)
    try:
        routes = (
            [_itinerary(scenario, geo)] if scenario.route.waypoints else _candidates(scenario, geo)
        )
    except GeodataError as exc:
        raise PlanningError(
            "invalid",
            [Reason(code="bad_place", message=str(exc), subject=f"route.{exc.field or 'origin'}")],
        ) from exc
    options = [_route_option(scenario, geo, r, i) for i, r in enumerate(routes)]
    teams = _teams(scenario, geo, routes, options, t0)
    rules = scenario.rules
    max_follow = round(rules.max_follow_hours * 60)
    _guard_size(options, teams, max_follow)
    foreign = tuple(
        ForeignLimit(
            host=e.country,
            team_country=fo.from_,
            max_km=fo.max_km,
            max_minutes=round(fo.max_hours * 60),
        )
        for e in scenario.legal
        for fo in e.foreign_observation
    )
    w = scenario.weights
    problem = Problem(
        t0=t0,
        routes=tuple(options),
        teams=teams,
        overlap=rules.handover_overlap_minutes,
        max_follow=max_follow,
        min_teams=rules.min_teams,
        weights=Weights(
            handovers=w.handovers,
            team_hours=w.team_hours,
            exposure=w.exposure,
            foreign_observation=w.foreign_observation,
            stability=w.stability,
        ),
        foreign=foreign,
        car_speedup=CAR_SPEEDUP,
    )
    return Resolved(problem=problem, routes=tuple(routes), planned_at=planned_at)


def request_by(departure: datetime, lead_time_hours: float) -> datetime:
    return departure.astimezone(UTC) - timedelta(hours=lead_time_hours)
