"""Why each limit on the scenario is what it is, and where a field is documented.

Validation errors name the field and the rule; for a limit they also say why it is there, so a
planner can tell a typo from a scenario the engine is not built for. Everything a user needs is
in ``docs/scenario.md``, the one document the errors point to.
"""

from __future__ import annotations

DOCS = "docs/scenario.md"

# Field name (the last part of an error's location) -> why its limit exists.
LIMIT_REASONS: dict[str, str] = {
    "max_duty_hours": "a maritime escort stays on board for a whole crossing and its waits, "
    "never more than a week; a team on land has at most 24 h (one working day)",
    "min_rest_hours": "a rest longer than two days is a team off duty: give its availability "
    "instead",
    "alternatives": "each candidate route multiplies the size of the model; five cover the "
    "lawful variants the network has between two places",
    "teams": "the model is sized for the teams of one joint operation; more do not fit the "
    "solver's time and memory budget",
    "agencies": "more agencies than one joint operation has",
    "via": "a route through more places than this is a known itinerary: give waypoints",
    "waypoints": "an itinerary longer than this does not fit one operation",
    "stops": "more known stops than one operation has",
    "minutes": "a stop longer than a week is storage, not a stop on the way",
    "speed_factor": "1.0 is a loaded truck at the network's speeds; below 0.2 or above 3 is not "
    "a road vehicle",
    "uncertainty": "a share of the elapsed travel time: 1.0 already doubles the window",
    "handover_overlap_minutes": "both teams are present at a handover for this long; ten hours "
    "is a static watch, not a handover",
    "max_follow_hours": "one team following for more than two days is not surveillance the "
    "consignment would not notice",
    "min_teams": "more than five teams at once is a convoy, not covert surveillance",
    "time_limit_seconds": "a solve is bounded to one hour; the engine proves most plans in seconds",
    "workers": "search workers beyond the machine's cores only slow the search",
    "lead_time_hours": "authorisations needing more than 60 days are outside one operation",
    "max_km": "foreign observation reaches at most 500 km past the border",
    "max_hours": "foreign observation lasts at most two days",
    "handovers": "weights are relative to each other; 1000 is ample",
    "team_hours": "weights are relative to each other; 1000 is ample",
    "exposure": "weights are relative to each other; 1000 is ample",
    "foreign_observation": "weights are relative to each other; 1000 is ample",
    "stability": "weights are relative to each other; 1000 is ample",
}

# pydantic error type -> how to say the bound (its context holds the number).
BOUNDS: dict[str, str] = {
    "less_than_equal": "at most {le}",
    "less_than": "less than {lt}",
    "greater_than_equal": "at least {ge}",
    "greater_than": "more than {gt}",
    "too_long": "at most {max_length} items or characters",
    "too_short": "at least {min_length} items or characters",
}


def limit_message(field: str, error_type: str, ctx: dict[str, object]) -> str | None:
    """The bound and, when known, its reason, for a limit error; None for other errors."""
    template = BOUNDS.get(error_type)
    if template is None:
        return None
    try:
        bound = template.format(**{k: _number(v) for k, v in ctx.items()})
    except KeyError:
        return None
    reason = LIMIT_REASONS.get(field)
    return f"{bound}: {reason}" if reason else bound


def _number(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
