"""The events an operation can report, as strict input models, and their parsing.

Every event has ``at`` (when it happened or was reported, ISO 8601 with an offset) and a free
``note``. Errors name their field (``event.team``) and never repeat what was submitted.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from geodata.schema import Vehicle
from planner.fields import FreeText, Ident, Instant, Iso3, Place
from planner.io import ScenarioError, describe, jsonable
from planner.itinerary import MAX_WAYPOINTS
from planner.movement import MAX_STOP_MINUTES
from planner.scenario import Capability
from planner.strict import Model


class _Event(Model):
    """What every event has."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)

    at: Instant = Field(description="When it happened or was reported, ISO 8601 with offset")
    note: FreeText | None = Field(default=None, max_length=500, description="Free text for the log")


class Delay(_Event):
    """The consignment is late: it leaves where it is ``minutes`` later."""

    kind: Literal["delay"] = Field(description="The consignment is late")
    minutes: int = Field(
        ge=1, le=MAX_STOP_MINUTES, description="How late: it leaves its position this much later"
    )
    place: Place | None = Field(
        default=None, description="Where it is held (default: estimated from the plan)"
    )


class Deviation(_Event):
    """The consignment left the planned route and is at ``position``."""

    kind: Literal["deviation"] = Field(description="The consignment left the planned route")
    position: Place = Field(description="Where it is now: a geodata id or {lat, lon[, name]}")
    destination: Place | None = Field(default=None, description="A new destination, if known")
    via: list[Place] | None = Field(
        default=None,
        max_length=MAX_WAYPOINTS,
        description="New places to pass, in order (default: those not yet passed)",
    )


class TeamLost(_Event):
    """A team is lost, burned or unavailable from ``at`` on."""

    kind: Literal["team_lost"] = Field(description="A team is lost, burned or unavailable")
    team: Ident = Field(description="The team's id")


class CrossingClosed(_Event):
    """A border crossing is closed from ``at`` on."""

    kind: Literal["crossing_closed"] = Field(description="A border crossing is closed")
    crossing: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,80}$", description="Geodata crossing id, e.g. TUR-BGR-kapikule"
    )


CROSSING_ID = r"^[A-Za-z0-9_-]{1,80}$"


class AuthorisationWithdrawn(_Event):
    """A state withdraws its authorisation: the consignment must not enter it any more."""

    kind: Literal["authorisation_withdrawn"] = Field(description="A state withdraws its consent")
    country: Iso3 = Field(description="The state that withdraws (ISO3, e.g. BGR)")


class FerryCancelled(_Event):
    """One sailing of a ferry line is cancelled: the consignment takes the next one."""

    kind: Literal["ferry_cancelled"] = Field(description="A sailing is cancelled")
    line: str = Field(pattern=CROSSING_ID, description="Ferry line id, e.g. FERRY-burgas-batumi")
    sailing: Instant = Field(description="Its departure, ISO 8601 with offset")


class CounterSurveillance(_Event):
    """A team is burned: never used again, and the next planned handover place is avoided."""

    kind: Literal["counter_surveillance"] = Field(description="Counter-surveillance detected")
    team: Ident = Field(description="The burned team's id")


class VehicleSwap(_Event):
    """The consignment changes vehicle (``at`` is when, as for every event; ``place`` where)."""

    kind: Literal["vehicle_swap"] = Field(description="The consignment changes vehicle")
    vehicle: Vehicle = Field(description="The new vehicle: truck, van, car or bus")
    place: Place | None = Field(
        default=None, description="Where it happens (default: estimated from the plan)"
    )


class BorderClosed(_Event):
    """A crossing is closed for a while: queues there wait for it to reopen."""

    kind: Literal["border_closed"] = Field(description="A crossing closes for a while")
    crossing: str = Field(pattern=CROSSING_ID, description="Geodata crossing id")
    from_: Instant = Field(alias="from", description="Closed from, ISO 8601 with offset")
    to: Instant = Field(description="Open again from, ISO 8601 with offset")

    @model_validator(mode="after")
    def _order(self) -> BorderClosed:
        if self.to <= self.from_:
            raise ValueError("'to' must be after 'from'")
        return self


class TeamAvailable(_Event):
    """A team is available from ``from`` to ``to``: a team of the operation, or a new one.

    A new team (an id the operation does not have) needs ``agency``, ``base`` and
    ``capabilities``.
    """

    kind: Literal["team_available"] = Field(description="A team becomes available")
    team: Ident = Field(description="The team's id")
    from_: Instant = Field(alias="from", description="Available from, ISO 8601 with offset")
    to: Instant = Field(description="Available until, ISO 8601 with offset")
    agency: Ident | None = Field(default=None, description="A new team's agency id")
    base: Place | None = Field(default=None, description="A new team's base")
    capabilities: list[Capability] | None = Field(
        default=None, description="A new team's capabilities: road, rail, maritime, technical"
    )

    @model_validator(mode="after")
    def _order(self) -> TeamAvailable:
        if self.to <= self.from_:
            raise ValueError("'to' must be after 'from'")
        return self


Event = Annotated[
    Delay
    | Deviation
    | TeamLost
    | CrossingClosed
    | AuthorisationWithdrawn
    | FerryCancelled
    | CounterSurveillance
    | VehicleSwap
    | BorderClosed
    | TeamAvailable,
    Field(discriminator="kind"),
]
KINDS = (
    "delay",
    "deviation",
    "team_lost",
    "crossing_closed",
    "authorisation_withdrawn",
    "ferry_cancelled",
    "counter_surveillance",
    "vehicle_swap",
    "border_closed",
    "team_available",
)
_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def event_error(loc: str, msg: str, fix: str) -> ScenarioError:
    """A refusal of an event with one error: its field (``loc``), what is wrong, how to fix it."""
    return ScenarioError([{"loc": loc, "msg": msg, "fix": fix}])


def parse_event(data: Any) -> Event:
    """Validate already-parsed JSON data as an event (strict: JSON types, ISO times)."""
    try:
        text = json.dumps(data, default=jsonable)
    except TypeError as exc:
        raise event_error("event", str(exc), "use plain values") from exc
    try:
        return _ADAPTER.validate_json(text)
    except ValidationError as exc:
        out = []
        for raw, err in zip(exc.errors(), describe(exc), strict=True):
            if raw["type"] in ("union_tag_not_found", "union_tag_invalid"):
                # Pydantic's message repeats the given tag; say what is allowed instead.
                out.append(
                    {
                        "loc": "event.kind",
                        "msg": "missing or unknown kind",
                        "fix": f"kind is one of {', '.join(KINDS)}",
                    }
                )
                continue
            # The union's tag leads every other location: event.minutes, not delay.minutes.
            loc = err["loc"].split(".")
            tail = loc[1:] if loc[0] in KINDS else ([] if loc == ["scenario"] else loc)
            fix = err["fix"].replace("the scenario format", "the event formats")
            out.append({**err, "loc": ".".join(["event", *tail]), "fix": fix})
        raise ScenarioError(out) from exc
