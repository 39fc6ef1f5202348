"""The events an operation can report, as strict input models, and their parsing.

Every event has ``at`` (when it happened or was reported, ISO 8601 with an offset) and a free
``note``. Errors name their field (``event.team``) and never repeat what was submitted.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from planner.io import ScenarioError, describe, jsonable
from planner.scenario import MAX_STOP_MINUTES, MAX_WAYPOINTS, FreeText, Ident, Instant, Place
from planner.strict import Model


class _Event(Model):
    """What every event has."""

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


Event = Annotated[Delay | Deviation | TeamLost | CrossingClosed, Field(discriminator="kind")]
KINDS = ("delay", "deviation", "team_lost", "crossing_closed")
_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def event_error(loc: str, msg: str, fix: str) -> ScenarioError:
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
