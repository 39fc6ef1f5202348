"""What a trainee plans on: the routes cut into segments, the teams, the law as the states set it.

The brief's routes are the lawful candidates the engine would weigh (``R1``, ``R2``... exactly as
the engine numbers them, so that the engine's own plan can be written against the brief), then
the routes the geography alone gives when the law rules some out. A trainee may pick any of
them; a route the law forbids is caught when the plan is judged. The brief never says which
routes are lawful: telling them apart is the exercise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import Field

from geodata.layers import Geodata
from geodata.places import resolve
from geodata.routing import Route
from planner import assemble
from planner.model.problem import RouteOption
from planner.plan import Out, PlanSegment
from planner.reasons import PlanningError, Reason
from planner.resolve.authorisation import request_by
from planner.resolve.clock.context import clock_context
from planner.resolve.findings import relaxed
from planner.resolve.law import observation_reasons, without_unlawful_observation
from planner.resolve.resolver import Resolved, problem_for, resolve_scenario
from planner.resolve.routes import candidate_routes, itinerary_route, route_option
from planner.scenario import Scenario


@dataclass(frozen=True)
class BriefRoutes:
    """The brief's routes, as the geodata found them and cut into segments, in brief order."""

    routes: list[Route]
    options: list[RouteOption]
    lawful: int  # the first ``lawful`` are the engine's own candidates


def _key(route: Route) -> tuple[str, ...]:
    return tuple(route.nodes)


def brief_routes(scenario: Scenario, geo: Geodata, *, now: datetime | None = None) -> BriefRoutes:
    """The routes of the brief (see the module doc); the judge rebuilds them the same way.

    Raises:
        PlanningError: the scenario cannot be cut into segments at all (a bad place).
    """
    if scenario.movements:
        raise PlanningError(
            "invalid",
            [
                Reason(
                    code="not_supported",
                    subject="movements",
                    message="briefs and judging of an operation of several movements are not "
                    "supported yet: give each movement as an exercise of its own",
                )
            ],
        )
    base = without_unlawful_observation(scenario) if observation_reasons(scenario) else scenario
    routes: list[Route] = []
    options: list[RouteOption] = []
    try:
        resolved = resolve_scenario(base, geo, now=now)
        routes, options = list(resolved.routes), list(resolved.problem.routes)
    except PlanningError as exc:
        if exc.status == "invalid":
            raise
    lawful = len(routes)
    open_scenario = relaxed(base, geo)
    try:
        drawn = (
            [itinerary_route(open_scenario, geo)]
            if scenario.route.waypoints
            else candidate_routes(open_scenario, geo)
        )
    except PlanningError as exc:
        # An itinerary that breaks a rule the law cannot waive (a restricted area) is still
        # the route the trainee is asked about.
        drawn = [exc.route] if isinstance(exc.route, Route) else []
    seen = {_key(r) for r in routes}
    extra = [r for r in drawn if _key(r) not in seen]
    clock = clock_context(open_scenario, geo)
    options += [route_option(open_scenario, geo, r, lawful + i, clock) for i, r in enumerate(extra)]
    routes += extra
    return BriefRoutes(routes=routes, options=options, lawful=lawful)


def brief_problem(scenario: Scenario, geo: Geodata, *, now: datetime | None = None) -> Resolved:
    """The planning problem on the brief's routes: what a trainee's plan is costed against."""
    found = brief_routes(scenario, geo, now=now)
    planned_at = (scenario.operation.planned_at or now or datetime.now(UTC)).astimezone(UTC)
    return problem_for(scenario, geo, found.routes, found.options, planned_at)


class BriefRoute(Out):
    """One route a trainee may plan on."""

    id: str = Field(description="R1, R2...: the prefix of its segment ids")
    countries: list[str] = Field(description="ISO3 in the order entered")
    crossings: list[str] = Field(description="Border crossings, by name, in order")
    length_km: float = Field(description="Length, km")
    hours: float = Field(description="Nominal travel time including stops, hours")
    segments: list[PlanSegment] = Field(description="Its segments, with windows in UTC and local")


class BriefTeam(Out):
    """A team as the trainee sees it."""

    id: str = Field(description="Team id, as the plan names it")
    agency: str = Field(description="Its agency's id")
    country: str = Field(description="ISO3 of its agency's state")
    base: str = Field(description="Where it starts from, by name")
    base_country: str = Field(description="ISO3 of the base")
    capabilities: list[str] = Field(description="road, rail, maritime, technical")
    available: list[str] = Field(description="Availability windows, UTC; empty: always")
    max_duty_hours: float = Field(description="Longest duty, hours")
    min_rest_hours: float = Field(description="Shortest rest between duties, hours")


class BriefLegal(Out):
    """One state's legal position, with the time its request is due."""

    country: str = Field(description="ISO3")
    authorised: bool = Field(description="Whether it has authorised the delivery")
    deliveries: list[str] = Field(description="Content modes it accepts")
    authority: str = Field(description="Who authorises")
    lead_time_hours: float = Field(description="Time its authority needs, hours")
    request_by: datetime = Field(description="Departure less the lead time, UTC")
    foreign_observation: list[str] = Field(description="Who may follow in, how far and long")


class Brief(Out):
    """Everything a trainee needs to write a plan by hand."""

    schema_: str = Field(default="cdplan.brief/1", alias="schema", description="Format version")
    operation: dict[str, object] = Field(description="Id, name, consignment, departure...")
    rules: dict[str, object] = Field(description="min_teams, overlap, follow limit")
    routes: list[BriefRoute] = Field(description="The routes to choose from")
    teams: list[BriefTeam] = Field(description="Every team of the scenario")
    agencies: list[dict[str, str]] = Field(description="Id, name, country and kind")
    legal: list[BriefLegal] = Field(description="Each state's position, as the states set it")


def _window(a: datetime, b: datetime) -> str:
    return f"{a.astimezone(UTC):%Y-%m-%d %H:%M} to {b.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def build_brief(scenario: Scenario, geo: Geodata, *, now: datetime | None = None) -> Brief:
    """The trainee's brief of a scenario (see the module doc)."""
    resolved = brief_problem(scenario, geo, now=now)
    problem = resolved.problem
    op = scenario.operation
    routes = [
        BriefRoute(
            id=f"R{o.index + 1}",
            countries=r.countries,
            crossings=[c.name for c in r.crossings],
            length_km=round(r.length_km, 1),
            hours=round(o.hours, 2),
            segments=assemble.segments(geo, problem, o),
        )
        for r, o in zip(resolved.routes, problem.routes, strict=True)
    ]
    teams = []
    for i, t in enumerate(scenario.teams):
        base = resolve(geo, t.base, field=f"teams[{i}].base").place
        teams.append(
            BriefTeam(
                id=t.id,
                agency=t.agency,
                country=scenario.agency(t.agency).country,
                base=base.name,
                base_country=base.country,
                capabilities=[c.value for c in t.capabilities],
                available=[_window(w.from_, w.to) for w in t.available],
                max_duty_hours=t.max_duty_hours,
                min_rest_hours=t.min_rest_hours,
            )
        )
    legal = [
        BriefLegal(
            country=e.country,
            authorised=e.authorised,
            deliveries=[d.value for d in e.deliveries],
            authority=e.authority,
            lead_time_hours=e.lead_time_hours,
            request_by=request_by(op.departure, e.lead_time_hours),
            foreign_observation=[
                f"{fo.from_} teams up to {fo.max_km:g} km / {fo.max_hours:g} h"
                + (" (urgent)" if fo.urgent else "")
                for fo in e.foreign_observation
            ],
        )
        for e in scenario.legal
    ]
    return Brief(
        operation={
            "id": op.id,
            "name": op.name,
            "exercise": op.exercise,
            "handling_code": op.handling_code.value,
            "consignment": op.consignment.kind,
            "delivery": op.consignment.delivery.value,
            "departure": op.departure.astimezone(UTC).isoformat(),
            "planned_at": resolved.planned_at.isoformat(),
        },
        rules={
            "min_teams": scenario.rules.min_teams,
            "handover_overlap_minutes": scenario.rules.handover_overlap_minutes,
            "max_follow_hours": scenario.rules.max_follow_hours,
        },
        routes=routes,
        teams=teams,
        agencies=[
            {"id": a.id, "name": a.name, "country": a.country, "kind": str(a.kind)}
            for a in scenario.agencies
        ],
        legal=legal,
    )
