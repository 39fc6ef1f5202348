"""From a scenario and the geodata to the planning problem.

The steps:

1. authorisation: which states have authorised this delivery type (a state without a legal entry
   has not);
2. routes: the known itinerary (checked, never re-routed), or the best candidate routes that
   avoid unauthorised states, avoided countries and crossings, and restricted areas;
3. segments and their ETA windows (planner.resolve.segments);
4. teams: how long each needs from its base to every point of each route, and when it is free;
5. rules, weights and the foreign-observation limits.

Problems with the input stop here with reasons (status invalid or infeasible), not exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from geodata import GeodataError
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.projection import distance_km
from geodata.routing import Route
from planner.constants import CAR_SPEEDUP, NO_HANDOVER_KM
from planner.law.bases import observation_basis
from planner.model.problem import ForeignLimit, Problem, Remote, RouteOption
from planner.reasons import PlanningError, Reason
from planner.resolve.clock.context import ClockContext, clock_context
from planner.resolve.law import observation_reasons
from planner.resolve.places import place_errors
from planner.resolve.routes import candidate_routes, itinerary_route, route_option
from planner.resolve.teams import team_specs
from planner.scenario import Scenario


@dataclass(frozen=True)
class Resolved:
    """The planning problem, with the geodata routes it was cut from and the planning time."""

    problem: Problem
    routes: tuple[Route, ...]  # the geodata routes, by the problem's route index
    planned_at: datetime


def _lawful_options(
    scenario: Scenario, geo: Geodata, routes: list[Route], clock: ClockContext
) -> tuple[list[Route], list[RouteOption]]:
    """The candidate routes cut into segments, less those a state's content mode rules out.

    Raises:
        PlanningError: every candidate breaks a rule; the first one's reasons.
    """
    kept: list[Route] = []
    options: list[RouteOption] = []
    first_error: PlanningError | None = None
    for route in routes:
        try:
            options.append(route_option(scenario, geo, route, len(options), clock))
            kept.append(route)
        except PlanningError as exc:
            if exc.status != "infeasible":
                raise
            first_error = first_error or exc
    if not options:
        assert first_error is not None
        raise first_error
    return kept, options


def foreign_limits(scenario: Scenario) -> tuple[ForeignLimit, ...]:
    """How far and long each state lets each neighbour's teams follow in.

    The state's own ``max_km`` and ``max_hours``; an urgent observation, begun without prior
    authorisation, also stops at its legal basis's limit (5 h under CISA art. 40).
    """
    on = scenario.operation.departure.date()
    out = []
    for e in scenario.legal:
        for fo in e.foreign_observation:
            hours = fo.max_hours
            basis = observation_basis(e.country, fo.from_, on)
            if fo.urgent and basis is not None and basis.urgent_hours is not None:
                hours = min(hours, basis.urgent_hours)
            out.append(
                ForeignLimit(
                    host=e.country,
                    team_country=fo.from_,
                    max_km=fo.max_km,
                    max_minutes=round(hours * 60),
                )
            )
    return tuple(out)


def no_handover_spots(
    scenario: Scenario, geo: Geodata, options: list[RouteOption]
) -> frozenset[str]:
    """The route spots where no handover may take place: at or near a ``no_handover_at`` place."""
    places = [
        resolve(geo, p, field=f"rules.no_handover_at[{i}]", allow_restricted=True)
        for i, p in enumerate(scenario.rules.no_handover_at)
    ]
    out = set()
    for option in options:
        for seg in option.segments:
            spot = seg.start_spot
            if any(
                spot.id == p.key
                or distance_km(spot.lat, spot.lon, p.place.lat, p.place.lon) <= NO_HANDOVER_KM
                for p in places
            ):
                out.add(spot.id)
    return frozenset(out)


def resolve_scenario(scenario: Scenario, geo: Geodata, *, now: datetime | None = None) -> Resolved:
    """Build the planning problem of a scenario.

    Args:
        scenario: the validated scenario.
        geo: the geodata.
        now: the planning time when the scenario gives no ``operation.planned_at`` (default:
            the clock).

    Returns:
        The problem (whole minutes after the departure in UTC), its routes and the planning time.

    Raises:
        PlanningError: with status ``invalid`` (a place that cannot be resolved, a stop off the
            route) or ``infeasible`` (no lawful route, an itinerary that breaks a rule), and the
            reasons.
    """
    planned_at = (scenario.operation.planned_at or now or datetime.now(UTC)).astimezone(UTC)
    # Every place first, all at once: a mistyped city is told with its neighbours by name.
    bad = place_errors(scenario, geo)
    if bad:
        raise PlanningError(
            "invalid",
            [
                Reason(code="bad_place", message=f"{e['msg']} ({e['fix']})", subject=e["loc"])
                for e in bad
            ],
        )
    # Foreign observation without a treaty in force is refused before any route is sought.
    unlawful = observation_reasons(scenario)
    if unlawful:
        raise PlanningError("invalid", unlawful)
    try:
        routes = (
            [itinerary_route(scenario, geo)]
            if scenario.route.waypoints
            else candidate_routes(scenario, geo)
        )
    except GeodataError as exc:
        raise PlanningError(
            "invalid",
            [Reason(code="bad_place", message=str(exc), subject=f"route.{exc.field or 'origin'}")],
        ) from exc
    clock = clock_context(scenario, geo)
    routes, options = _lawful_options(scenario, geo, routes, clock)
    return problem_for(scenario, geo, routes, options, planned_at)


def problem_for(
    scenario: Scenario,
    geo: Geodata,
    routes: list[Route],
    options: list[RouteOption],
    planned_at: datetime,
) -> Resolved:
    """The planning problem of a scenario on routes already cut into segments.

    :func:`resolve_scenario` calls it on the lawful candidates; judging a trainee's plan calls it
    on the routes of the brief, which may include one the law rules out.
    """
    t0 = scenario.operation.departure.astimezone(UTC)
    teams = team_specs(scenario, geo, routes, options, t0)
    rules = scenario.rules
    max_follow = round(rules.max_follow_hours * 60)
    tc = rules.technical_coverage
    problem = Problem(
        t0=t0,
        routes=tuple(options),
        teams=teams,
        overlap=rules.handover_overlap_minutes,
        max_follow=max_follow,
        min_teams=rules.min_teams,
        weights=scenario.weights,
        foreign=foreign_limits(scenario),
        car_speedup=CAR_SPEEDUP,
        lead_agency={e.country: e.lead_agency for e in scenario.legal if e.lead_agency},
        remote=None
        if tc is None
        else Remote(road=tc.road, static=tc.stop, max_minutes=round(tc.max_hours * 60)),
        no_handover=no_handover_spots(scenario, geo, options),
    )
    return Resolved(problem=problem, routes=tuple(routes), planned_at=planned_at)
