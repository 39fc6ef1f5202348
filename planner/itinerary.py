"""Where a consignment goes, as a scenario gives it.

Origin and destination (and via places), or a fixed itinerary; the places to avoid; the vehicle.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from geodata.schema import Vehicle
from planner.fields import Iso3, Place
from planner.strict import Model

MAX_WAYPOINTS = 50


class Avoid(Model):
    """Countries and border crossings the route must not use."""

    countries: list[Iso3] = Field(default_factory=list, description="Countries never entered")
    crossings: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")]] = Field(
        default_factory=list, description="Crossing ids never used"
    )


class Route(Model):
    """Where the consignment goes: origin, destination and ``via`` places, or a fixed itinerary.

    With ``origin`` and ``destination`` the engine picks the best ``alternatives`` lawful routes;
    with ``waypoints`` it checks the itinerary as given and never re-routes it.
    """

    origin: Place | None = Field(default=None, description="Where the consignment starts")
    destination: Place | None = Field(default=None, description="Where it is delivered")
    via: list[Place] = Field(
        default_factory=list,
        max_length=MAX_WAYPOINTS,
        description="Places that must be passed, in order",
    )
    avoid: Avoid = Field(default_factory=Avoid, description="Countries and crossings to avoid")
    modes: list[Literal["road", "rail", "ferry"]] = Field(
        default_factory=lambda: list[Literal["road", "rail", "ferry"]](["road", "ferry"]),
        min_length=1,
        description="Allowed leg modes",
    )
    alternatives: int = Field(default=3, ge=1, le=5, description="Candidate routes considered")
    vehicle: Vehicle = Field(
        default=Vehicle.truck,
        description="truck (default) | van | car | bus: which border crossings it may use",
    )
    waypoints: list[Place] | None = Field(
        default=None,
        min_length=2,
        max_length=MAX_WAYPOINTS,
        description="A known itinerary in fixed order; the engine does not re-route",
    )

    @model_validator(mode="after")
    def _ends(self) -> Route:
        if self.waypoints is None and (self.origin is None or self.destination is None):
            raise ValueError("give origin and destination, or waypoints (at least two)")
        if self.waypoints is not None and (
            self.origin is not None or self.destination is not None or self.via
        ):
            raise ValueError("waypoints replace origin, destination and via: give one or the other")
        return self
