"""The legal side of a plan: what to request from whom, on which basis, and whom to tell.

- one ``delivery`` authorisation per state on the route, with the instrument binding it to the
  requesting state (the state where the consignment starts) and the content modes on its
  stretch; the requesting state's own rests on its domestic law;
- one ``observation`` authorisation per foreign-observation stretch the plan uses, to the host
  state, with the basis that lets the other state's team in;
- the substitution points, as tasks;
- for every border handover, the customs and border police on both sides, with the scenario's
  contact points, so that nobody inspects a consignment the operation lets pass.
"""

from __future__ import annotations

from datetime import datetime

from geodata.layers import Geodata
from geodata.localtime import local_time
from planner.law.bases import authorities, delivery_basis, is_drugs, observation_basis
from planner.model.blocks import Block
from planner.model.problem import Problem, RouteOption
from planner.plan import (
    Authorisation,
    BorderSide,
    Coordination,
    Handover,
    PlacePoint,
    PlanSegment,
    Substitution,
)
from planner.resolve.authorisation import request_by
from planner.scenario import Scenario

CONTACT_PLACEHOLDER = "24/7 contact point: to be confirmed (add it under contacts)"


def _customs(scenario: Scenario) -> set[str]:
    return {a.country for a in scenario.agencies if a.kind in ("customs", "revenue")}


def authorisations(
    scenario: Scenario,
    route: RouteOption | None,
    countries: list[str],
    planned_at: datetime,
    blocks: list[Block] | None = None,
    problem: Problem | None = None,
) -> list[Authorisation]:
    """The authorisations to request, in route order: deliveries, then observations.

    A state without a legal entry gets none here: the plan is not made for it (rule 8).
    ``too_late`` is set when the request-by time is before ``planned_at``.
    """
    departure = scenario.operation.departure
    on = departure.date()
    drugs = is_drugs(scenario.operation.consignment.kind)
    customs = _customs(scenario)
    states = list(dict.fromkeys(countries))
    requesting = states[0] if states else ""
    out = []
    for c in states:
        entry = scenario.legal_for(c)
        if entry is None:
            continue
        modes = (route.modes.get(c) if route else None) or (
            scenario.operation.consignment.delivery.value,
        )
        if c == requesting:
            domestic = authorities().get(c)
            basis = f"domestic: {domestic.domestic_basis}" if domestic else "domestic law"
            note = "the requesting state"
        else:
            found = delivery_basis(c, requesting, on, drugs=drugs, customs=c in customs)
            basis = found.label if found else "none in force: case by case under national law"
            note = "" if found else f"no instrument binds {c} and {requesting}: ask for consent"
        by = request_by(departure, entry.lead_time_hours)
        out.append(
            Authorisation(
                country=c,
                authority=entry.authority,
                kind="delivery",
                basis=basis,
                delivery=", ".join(modes),
                request_by=by,
                too_late=by < planned_at,
                note=note,
            )
        )
    out += _observations(scenario, route, blocks or [], problem, planned_at)
    return out


def _observations(
    scenario: Scenario,
    route: RouteOption | None,
    blocks: list[Block],
    problem: Problem | None,
    planned_at: datetime,
) -> list[Authorisation]:
    """One observation request per (host, observing state) the plan's blocks use."""
    if route is None or problem is None:
        return []
    on = scenario.operation.departure.date()
    customs = _customs(scenario)
    seen: dict[tuple[str, str], Block] = {}
    for b in blocks:
        if b.foreign_country is not None:
            key = (b.foreign_country, problem.team(b.team).country)
            seen.setdefault(key, b)
    out = []
    for (host, guest), b in seen.items():
        entry = scenario.legal_for(host)
        permission = next(
            (fo for fo in (entry.foreign_observation if entry else []) if fo.from_ == guest), None
        )
        basis = observation_basis(host, guest, on, customs=guest in customs)
        if entry is None or permission is None or basis is None:
            continue  # the checker and the resolver refuse it
        if permission.urgent:
            # Urgent: notified at the crossing, authorised within the basis's hours.
            crossing = next(s for s in route.segments[b.first : b.last + 1] if host in s.countries)
            by = problem.at(crossing.nominal_start)
            limit = f"{basis.urgent_hours:g} h" if basis.urgent_hours else "the basis's limit"
            note = f"urgent: notify {host} at the crossing; stop if not authorised within {limit}"
        else:
            by = request_by(scenario.operation.departure, entry.lead_time_hours)
            note = f"up to {permission.max_km:g} km and {permission.max_hours:g} h past the border"
        out.append(
            Authorisation(
                country=host,
                authority=entry.authority,
                kind="observation",
                basis=basis.label,
                delivery=", ".join(route.modes.get(host, ())),
                request_by=by,
                too_late=by < planned_at,
                observer=guest,
                note=note + "; no arrest, no entry to private premises",
            )
        )
    return out


def substitutions(geo: Geodata, segments: list[PlanSegment]) -> list[Substitution]:
    """The substitution points of the plan's route, as tasks."""
    return [
        Substitution(
            place=s.from_,
            delivery=(s.note or "").removeprefix("substitution: ").removesuffix(" from here"),
            segment=s.id,
            expected=s.nominal_start,
            expected_local=local_time(geo, s.nominal_start, s.from_.country),
        )
        for s in segments
        if s.kind == "substitution"
    ]


def _side(scenario: Scenario, country: str) -> BorderSide:
    known = authorities().get(country)
    agencies = {a.id: a for a in scenario.agencies if a.country == country}
    contacts = [
        f"{c.agency}: {c.role}"
        + (f" via {c.channel}" if c.channel else "")
        + (f" ({c.ref})" if c.ref else "")
        for c in scenario.contacts
        if c.agency in agencies
    ]
    return BorderSide(
        country=country,
        customs=known.customs if known else "customs: to be confirmed",
        border_police=known.border_police if known else "border police: to be confirmed",
        contacts=contacts or [CONTACT_PLACEHOLDER],
    )


def coordination(scenario: Scenario, handovers: list[Handover]) -> list[Coordination]:
    """For every border or port handover between two states, both sides' border agencies."""
    out = []
    countries = {t.id: scenario.agency(t.agency).country for t in scenario.teams}
    for i, h in enumerate(handovers):
        a, b = countries.get(h.from_team, ""), countries.get(h.to_team, "")
        if h.kind == "relief" or a == b:
            continue
        out.append(
            Coordination(
                place=PlacePoint(**h.place.model_dump()),
                handover=i,
                sides=[_side(scenario, a), _side(scenario, b)],
            )
        )
    return out
