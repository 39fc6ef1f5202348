"""The objective's weights: one model, read by the scenario and by the planning problem.

It lives apart from the scenario so that the model layer, which knows no geography, can hold it.
"""

from __future__ import annotations

from pydantic import Field

from planner.strict import Model


class Weights(Model):
    """Weights of the objective's terms: how much each hour or handover costs the plan.

    The engine minimises the weighted sum; only the ratios between weights matter. The terms are
    described in :mod:`planner.model.objective`.
    """

    handovers: float = Field(default=10.0, ge=0, le=1000, description="Per handover")
    team_hours: float = Field(default=1.0, ge=0, le=1000, description="Per team-hour on watch")
    exposure: float = Field(
        default=5.0, ge=0, le=1000, description="Per exposure hour (long follows by one team)"
    )
    foreign_observation: float = Field(
        default=20.0, ge=0, le=1000, description="Per hour of foreign observation"
    )
    remote_coverage: float = Field(
        default=0.25,
        ge=0,
        le=1000,
        description="Per hour a beacon is watched remotely instead of a team on the spot (less "
        "than a team-hour, more than nothing)",
    )
    optional_coverage: float = Field(
        default=10.0,
        ge=0,
        le=1000,
        description="A bonus per hour a movement with min_teams 0 (a scout car) is watched: an "
        "hour of it is worth a handover, so a free team near it watches it, and one that would "
        "be called in for less than about an hour does not",
    )
    stability: float = Field(
        default=5.0,
        ge=0,
        le=1000,
        description="When re-planning after an event: per hour of watch by a team the previous "
        "version did not have on that stretch (or on a stretch it did not go along)",
    )
