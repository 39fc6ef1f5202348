"""Words the outputs show for the plan's codes: statuses, kinds, modes, reasons.

Each is marked with :func:`label` so that catalog extraction finds it (keyword ``label``); a page
translates it when it shows it. The plan keeps the codes; only the words change with the reader.
"""

from __future__ import annotations


def label(message: str) -> str:
    """Mark ``message`` for translation; it is translated when a page shows it."""
    return message


STATUS = {
    "optimal": label("optimal: the best plan, proven"),
    "feasible": label("feasible: keeps every rule, not proven best"),
    "infeasible": label("infeasible: no plan keeps every rule"),
    "invalid": label("invalid: the scenario cannot be planned as written"),
    "timeout": label("timeout: no plan found in time"),
}

DELIVERY = {
    "live": label("live"),
    "partial": label("partial"),
    "substituted": label("substituted"),
}

# Common consignments; any other kind is shown as the scenario writes it.
CONSIGNMENT = {
    "heroin": label("heroin"),
    "cocaine": label("cocaine"),
    "cannabis": label("cannabis"),
    "methamphetamine": label("methamphetamine"),
    "amphetamine": label("amphetamine"),
    "captagon": label("captagon"),
    "precursors": label("drug precursors"),
    "cigarettes": label("cigarettes"),
    "cash": label("cash"),
    "cigarettes and cash": label("cigarettes and cash"),
    "weapons": label("weapons"),
}

HANDOVER = {
    "border": label("border"),
    "relief": label("relief"),
    "port": label("port"),
    "transfer": label("transfer between movements"),
}

AUTHORISATION = {
    "delivery": label("controlled delivery"),
    "observation": label("cross-border observation"),
}

# What a static stretch is: by its mode, or by the reason of a wait.
STANDING = {
    "border": label("border queue"),
    "stop": label("known stop"),
    "break": label("driver's break"),
    "rest": label("driver's daily rest"),
    "wait": label("wait"),
}
WAITS = {
    "crossing_hours": label("wait for the crossing to open"),
    "crossing_closed": label("wait for the closed crossing to reopen"),
    "sailing": label("wait for the sailing"),
    "truck_ban": label("wait out a truck ban"),
    "weekly_rest": label("driver's weekly rest"),
    "port_customs": label("port formalities"),
    "substitution": label("substitution of the goods"),
}

CONTINGENCY = {
    "border": label("last point before the border"),
    "delivery": label("last point before delivery"),
    "restricted": label("mandatory interdiction before %(area)s"),
}

# Why there is no plan (or what to know despite one), by reason code; the engine's own sentence
# is shown beside it.
REASON = {
    "alternatives_also_fail": label("The alternative routes cannot be staffed either."),
    "avoided_country": label("The route enters a country that is to be avoided."),
    "avoided_crossing": label("The route uses a crossing that is to be avoided."),
    "bad_place": label("A place cannot be found or cannot be used."),
    "base_abroad": label("A team is based outside its agency's state."),
    "change_not_on_route": label("A substitution point is not on the route."),
    "crossing_closed": label("The route uses a closed crossing."),
    "crossing_non_plannable": label("The route uses a crossing that cannot be planned."),
    "crossing_never_open": label("A crossing is never open long enough."),
    "delivery_not_accepted": label("A state does not accept this content mode."),
    "infeasible": label("No plan keeps every rule."),
    "missing_capability": label("No team can watch a ferry leg."),
    "model_too_large": label("The planning problem is too large."),
    "no_authorised_route": label(
        "Every lawful route crosses a state that has not authorised the delivery."
    ),
    "no_legal_basis": label("No treaty in force allows the observation across this border."),
    "no_route": label("No route connects the places."),
    "no_sailing": label("No usable sailing on a ferry line."),
    "restricted_area": label("The route enters an area without a cooperating authority."),
    "self_check_failed": label("The plan failed the engine's own check."),
    "staffing_gap": label("No team can watch a stretch of the route."),
    "stop_not_on_route": label("A stop is not on the route."),
    "team_limits": label("The teams' duty, rest and travel limits leave a gap."),
    "team_unavailable": label("A team is not available at any time of the operation."),
    "timeout": label("No plan was found within the time limit."),
    "too_late": label("An authorisation can no longer be requested in time."),
    "unauthorised_state": label("A state on the route has not authorised the delivery."),
    "unknown_crossing": label("Unknown crossing."),
    "unknown_ferry_line": label("Unknown ferry line."),
}


def word(table: dict[str, str], code: str | None) -> str:
    """The label of ``code`` in ``table`` (untranslated), or the code itself if it has none."""
    return table.get(code or "", code or "")
