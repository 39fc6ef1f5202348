"""What a planner should know about a scenario even when a plan exists: its warnings.

A plan can be optimal while the scenario hides a mistake: a team that is never available, a team
based in another state than its agency's, a request that is already too late, a state on the
shortest route that has not authorised the delivery (the plan quietly goes round it), a ferry
leg with nobody able to watch it. Each is a :class:`planner.reasons.Reason` with the code a
refusal of the same fault would carry, so a reader (or a trainer's answer key) finds it under one
name whether it stopped the plan or not. ``cdplan check`` prints them; every plan carries them in
``warnings``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from geodata import GeodataError, Mode
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.routing import Route
from planner.constants import DEFAULT_AVAILABILITY_MARGIN_DAYS
from planner.legal import Delivery
from planner.reasons import PlanningError, Reason
from planner.resolve.authorisation import request_by, unauthorised
from planner.resolve.law import observation_reasons
from planner.resolve.routes import candidate_routes
from planner.scenario import Scenario

# Watching a ferry leg needs an escort on board or remote tracking.
FERRY_CAPABLE = frozenset({"maritime", "technical"})


def _utc(ts: datetime) -> str:
    return f"{ts.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def relaxed(scenario: Scenario, geo: Geodata) -> Scenario:
    """The scenario as if every state had authorised every content mode.

    Its routes are the ones the geography gives, whatever the law says: the route a planner would
    draw on a map first, and the one a trainee is briefed on.
    """
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    given = {e["country"]: e for e in data["legal"]}
    data["legal"] = [
        {
            **given.get(c, {"country": c}),
            "authorised": True,
            "deliveries": [d.value for d in Delivery],
            "lead_agency": given.get(c, {}).get("lead_agency"),
        }
        for c in sorted(geo.countries)
    ]
    for e in data["legal"]:
        if e["lead_agency"] is None:
            del e["lead_agency"]
    return Scenario.model_validate_json(json.dumps(data))


def open_route(scenario: Scenario, geo: Geodata) -> Route | None:
    """The best route the geography gives (:func:`relaxed`), or None when there is none."""
    if scenario.route.waypoints:
        return None  # a fixed itinerary is judged as given
    try:
        return candidate_routes(relaxed(scenario, geo), geo)[0]
    except (PlanningError, GeodataError):
        return None


def _teams(scenario: Scenario, geo: Geodata, end: datetime) -> list[Reason]:
    out = []
    start = scenario.operation.departure
    for i, team in enumerate(scenario.teams):
        country = scenario.agency(team.agency).country
        try:
            base = resolve(geo, team.base, field=f"teams[{i}].base").place
        except GeodataError:
            continue  # a bad base is an error of its own (cdplan check)
        if base.country != country:
            out.append(
                Reason(
                    code="base_abroad",
                    subject=team.id,
                    message=f"team {team.id} of {team.agency} ({country}) is based in "
                    f"{base.name}, {base.country}: it may watch only in {country} (or under "
                    "foreign observation); check its base",
                )
            )
        if team.available and not any(w.to > start and w.from_ < end for w in team.available):
            spans = ", ".join(f"{_utc(w.from_)} to {_utc(w.to)}" for w in team.available)
            out.append(
                Reason(
                    code="team_unavailable",
                    subject=team.id,
                    message=f"team {team.id} is not available at any time of the operation "
                    f"({_utc(start)} to {_utc(end)}); it is available {spans}, so it cannot be "
                    "used",
                )
            )
    return out


def _too_late(scenario: Scenario, countries: list[str], planned_at: datetime) -> list[Reason]:
    out = []
    for c in dict.fromkeys(countries):
        entry = scenario.legal_for(c)
        if entry is None or not entry.authorised:
            continue
        due = request_by(scenario.operation.departure, entry.lead_time_hours)
        if due < planned_at:
            out.append(
                Reason(
                    code="too_late",
                    subject=c,
                    message=f"{c} needs {entry.lead_time_hours:g} h before departure: its "
                    f"authorisation had to be requested by {_utc(due)}, before the plan was "
                    f"made ({_utc(planned_at)}); use its urgency procedure or move the departure",
                )
            )
    return out


def _ferry_watch(scenario: Scenario, route: Route) -> list[Reason]:
    if not any(leg.mode is Mode.ferry for leg in route.legs):
        return []
    if any(FERRY_CAPABLE & {c.value for c in t.capabilities} for t in scenario.teams):
        return []
    return [
        Reason(
            code="missing_capability",
            subject="ferry",
            message="the route sails, and no team can watch a ferry leg (it needs a maritime "
            "escort or a technical team); add one",
        )
    ]


def findings(
    scenario: Scenario,
    geo: Geodata,
    planned_at: datetime,
    lawful: Route | None = None,
    arrival: datetime | None = None,
) -> list[Reason]:
    """The scenario's warnings (see the module doc), each named once.

    Args:
        scenario: the validated scenario.
        geo: the geodata.
        planned_at: when the plan is made, UTC.
        lawful: the route the plan takes, when there is one.
        arrival: the latest arrival on it (default: a week after departure).

    Returns:
        The warnings, in the order: law, requests, teams, capabilities.
    """
    end = arrival or scenario.operation.departure + timedelta(days=DEFAULT_AVAILABILITY_MARGIN_DAYS)
    out = list(observation_reasons(scenario))
    drawn = open_route(scenario, geo)
    if drawn is not None:
        on_route = set(lawful.countries) if lawful is not None else set()
        for r in unauthorised(scenario, drawn.countries):
            if r.subject in on_route or scenario.legal_for(r.subject) is None:
                # Refused for it already; or a state the scenario leaves out, which the
                # route simply goes round (a ferry instead of a coast road).
                continue
            around = "; the plan goes round it" if lawful is not None else ""
            text = r.message.split(";")[0].replace("is on the route", "is on the shortest route")
            out.append(r.model_copy(update={"message": text + around}))
    route = lawful or drawn
    if route is not None:
        out += _too_late(scenario, route.countries, planned_at)
        out += _ferry_watch(scenario, route)
    out += _teams(scenario, geo, end)
    seen: set[tuple[str, str]] = set()
    unique = []
    for r in out:
        if (r.code, r.subject) not in seen:
            seen.add((r.code, r.subject))
            unique.append(r)
    return unique
