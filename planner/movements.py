"""Several movements in one operation: a truck and its scout car, or a load moved to a van.

A scenario gives either one consignment (``operation.consignment``, ``route``, ``movement``) or
``movements``, each with its consignment, departure, route and movement, and ``transfers`` where
the goods pass from one movement to the next. In the second form the top-level fields mirror
the first movement, so that everything that reads one movement still reads the scenario.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from planner.fields import Ident, Instant, Place
from planner.itinerary import Route
from planner.legal import Consignment
from planner.movement import MAX_STOP_MINUTES, Movement
from planner.strict import Model

MAX_MOVEMENTS = 10


class MovementSpec(Model):
    """One movement of the operation: what travels, from when, along which route."""

    id: Ident = Field(description="The movement's id, e.g. M1; it prefixes its segment ids")
    consignment: Consignment = Field(description="What this movement carries")
    departure: Instant | None = Field(
        default=None,
        description="When it leaves, ISO 8601 with offset; none for a movement that begins at "
        "a transfer (it leaves when the transfer ends)",
    )
    route: Route = Field(description="Its route, as a scenario's route")
    movement: Movement = Field(default_factory=Movement, description="Its speed, stops, clock")
    min_teams: int = Field(
        default=1,
        ge=0,
        le=5,
        description="Teams watching it at every moment; 0: watched only where a team is free "
        "and near (a scout car)",
    )


class Transfer(Model):
    """The goods pass from movement ``from`` to movement ``to`` at ``at``, in ``minutes``."""

    from_: Ident = Field(alias="from", description="The movement that ends here")
    to: Ident = Field(description="The movement that begins here")
    at: Place = Field(description="Where: the first's destination and the second's origin")
    minutes: int = Field(
        default=60, ge=0, le=MAX_STOP_MINUTES, description="How long the transfer takes, watched"
    )

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)
