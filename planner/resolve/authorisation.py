"""Which states have authorised the delivery, and by when each request must be made.

A state on the route with no legal entry has not authorised anything: nothing in the law is a
silent default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from geodata.layers import Geodata
from planner.legal import Delivery
from planner.reasons import Reason
from planner.scenario import Scenario


def possible_modes(scenario: Scenario) -> set[Delivery]:
    """Every content mode the consignment has somewhere: at departure and after each change."""
    consignment = scenario.operation.consignment
    return {consignment.delivery, *(c.delivery for c in consignment.changes)}


def unauthorised(
    scenario: Scenario,
    countries: Sequence[str],
    modes: Mapping[str, set[Delivery]] | None = None,
    entries: Mapping[str, str] | None = None,
) -> list[Reason]:
    """Reasons for every state among ``countries`` that does not allow this delivery (rule 8).

    A state breaks the rule when it has no legal entry or has not authorised the delivery
    (``unauthorised_state``), or when it does not accept every content mode the consignment has
    on its stretch (``delivery_not_accepted``). Each state is named once, in the order given.

    Args:
        scenario: the scenario, for its legal entries and the consignment's content mode.
        countries: ISO3 codes, for example the states a route enters, repeats allowed.
        modes: the content modes on each state's stretch (default: the mode at departure).
        entries: where the route enters each state (a crossing id), to propose a substitution
            point before its border.

    Returns:
        One reason per state that breaks the rule; empty when all allow the delivery.
    """
    initial = scenario.operation.consignment.delivery
    out = []
    for c in dict.fromkeys(countries):
        entry = scenario.legal_for(c)
        if entry is None or not entry.authorised:
            how = (
                f"; once its authority agrees, add legal: [{{country: {c}, authorised: true, "
                "deliveries: [...]}] (docs/scenario.md#legal), or route around it"
                if entry is None
                else "; request its authorisation or route around it"
            )
            out.append(
                Reason(
                    code="unauthorised_state",
                    message=f"{c} is on the route but has not authorised the delivery"
                    + (" (no legal entry)" if entry is None else "")
                    + how,
                    subject=c,
                )
            )
            continue
        needed = (modes or {}).get(c, {initial})
        refused = sorted(m.value for m in needed - set(entry.deliveries))
        if not refused:
            continue
        accepted = ", ".join(d.value for d in entry.deliveries) or "none"
        fix = ""
        if entries and c in entries:
            target = next(d.value for d in entry.deliveries)
            fix = (
                f"; substitute before its border: add consignment.changes: [{{at: {entries[c]}, "
                f"delivery: {target}}}]"
            )
        out.append(
            Reason(
                code="delivery_not_accepted",
                message=f"{c} does not accept a {' or '.join(refused)} delivery "
                f"(accepts: {accepted}){fix}",
                subject=c,
            )
        )
    return out


def authorised_countries(scenario: Scenario, geo: Geodata) -> set[str]:
    """The states a route may enter: authorised, and accepting a mode the consignment can have.

    Which mode it has in each state depends on where the substitution points fall on a route:
    that is checked on each candidate route (:func:`planner.resolve.law.route_modes`).
    """
    modes = possible_modes(scenario)
    out = set()
    for c in geo.countries:
        entry = scenario.legal_for(c)
        if entry is not None and entry.authorised and modes & set(entry.deliveries):
            out.add(c)
    return out


def request_by(departure: datetime, lead_time_hours: float) -> datetime:
    """The latest time to request a state's authorisation: departure less its lead time, in UTC."""
    return departure.astimezone(UTC) - timedelta(hours=lead_time_hours)
