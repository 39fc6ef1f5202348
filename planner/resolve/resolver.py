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
from geodata.routing import Route
from planner.constants import CAR_SPEEDUP
from planner.model.problem import ForeignLimit, Problem
from planner.reasons import PlanningError, Reason
from planner.resolve.clock.context import clock_context
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
    t0 = scenario.operation.departure.astimezone(UTC)
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
    options = [route_option(scenario, geo, r, i, clock) for i, r in enumerate(routes)]
    teams = team_specs(scenario, geo, routes, options, t0)
    rules = scenario.rules
    max_follow = round(rules.max_follow_hours * 60)
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
    problem = Problem(
        t0=t0,
        routes=tuple(options),
        teams=teams,
        overlap=rules.handover_overlap_minutes,
        max_follow=max_follow,
        min_teams=rules.min_teams,
        weights=scenario.weights,
        foreign=foreign,
        car_speedup=CAR_SPEEDUP,
    )
    return Resolved(problem=problem, routes=tuple(routes), planned_at=planned_at)
