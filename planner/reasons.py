"""Reasons: why a plan is infeasible or invalid, in the planners' words."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Reason(BaseModel):
    """One reason, with a stable code, a sentence for people, and what it is about."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(description="Stable machine code, e.g. unauthorised_state, staffing_gap")
    message: str = Field(description="What is wrong and what would fix it, in plain words")
    subject: str = Field(description="What it is about: a country, segment, team, field or area")


class PlanningError(Exception):
    """Raised inside resolution to stop with reasons; the engine turns it into a plan."""

    def __init__(self, status: str, reasons: list[Reason], route: object = None) -> None:
        super().__init__("; ".join(r.message for r in reasons))
        self.status = status
        self.reasons = reasons
        self.route = route  # the route judged, when there is one (a geodata Route)
