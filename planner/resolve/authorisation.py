"""Which states have authorised the delivery, and by when each request must be made.

A state on the route with no legal entry has not authorised anything: nothing in the law is a
silent default.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from geodata.layers import Geodata
from planner.reasons import Reason
from planner.scenario import Scenario


def unauthorised(scenario: Scenario, countries: Sequence[str]) -> list[Reason]:
    """Reasons for every state among ``countries`` that does not allow this delivery (rule 8).

    A state breaks the rule when it has no legal entry or has not authorised the delivery
    (``unauthorised_state``), or when it does not accept the consignment's content mode
    (``delivery_not_accepted``). Each state is named once, in the order given.

    Args:
        scenario: the scenario, for its legal entries and the consignment's content mode.
        countries: ISO3 codes, for example the states a route enters, repeats allowed.

    Returns:
        One reason per state that breaks the rule; empty when all allow the delivery.
    """
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


def authorised_countries(scenario: Scenario, geo: Geodata) -> set[str]:
    """The states of the geodata a route may enter: those that allow this delivery."""
    return {c for c in geo.countries if not unauthorised(scenario, [c])}


def request_by(departure: datetime, lead_time_hours: float) -> datetime:
    """The latest time to request a state's authorisation: departure less its lead time, in UTC."""
    return departure.astimezone(UTC) - timedelta(hours=lead_time_hours)
