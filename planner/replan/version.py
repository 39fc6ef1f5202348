"""A new plan version after an event: planned once the event's decisions are known.

Reporting an event decides the scenario for the rest of the operation and where the new version
starts (:func:`planner.replan.events.prepare`); that is stored with the version. Planning it later
(a worker, or the command line at once) needs only what was stored and the previous plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import AwareDatetime, Field

from geodata.layers import Geodata
from planner import engine
from planner.plan import Plan
from planner.replan.progress import history
from planner.replan.stability import differences, previous_watchers
from planner.scenario import Scenario
from planner.strict import Model


class ReplanContext(Model):
    """Where a new version starts, and what the event changed, as stored with the version."""

    at: AwareDatetime = Field(description="When the event happened or was reported, UTC")
    start: AwareDatetime = Field(
        description="When the new version starts: the event, or the landing after a ferry leg"
    )
    along: float = Field(
        description="The consignment's position along the previous route's line (degrees of "
        "line length, only for comparing positions)"
    )
    changes: list[str] = Field(description="What the event changed, in plain words")
    lost_team: str | None = Field(default=None, description="The team the event lost, if any")


@dataclass(frozen=True)
class Replanning:
    """The scenario for the rest of the operation, and its context."""

    scenario: Scenario
    context: ReplanContext


def plan_version(
    replanning: Replanning, previous: Plan, geo: Geodata, *, now: datetime | None = None
) -> Plan:
    """Plan the new version after an event.

    The plan prefers ``previous``'s teams on each stretch, keeps what already took place
    (``history``) and says what changed (``changes``).

    Args:
        replanning: what the event decided (see :func:`planner.replan.events.prepare`).
        previous: the version the event was reported on.
        geo: the geodata.
        now: the planning time (default: the scenario's, else the clock).

    Returns:
        The new version's plan.
    """
    ctx = replanning.context
    result = engine.plan(
        replanning.scenario,
        geo,
        now=now,
        previous=lambda problem: previous_watchers(problem, previous),
    )
    result.history = history(previous, at=ctx.at, start=ctx.start)
    result.changes = ctx.changes + differences(
        previous, result, start=ctx.start, position=ctx.along, lost=ctx.lost_team
    )
    return result
