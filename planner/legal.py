"""The law in a scenario: each state's position, content modes, observation, contacts.

A state on the route without a ``legal`` entry has authorised nothing, and ``deliveries`` has no
default: the content modes a state accepts are always written down. The legal bases between
states (which treaty lets whom observe where) are data of the engine (``planner/law/``), not
input: the scenario says what the states have decided.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from planner.fields import FreeText, Ident, Iso3, Place
from planner.strict import Model


class Delivery(StrEnum):
    """Content mode of the consignment.

    ``live``: the illicit goods travel as found; ``partial``: part of them has been replaced by a
    harmless substitute; ``substituted``: all of them have. Each state says which modes it accepts
    (``Legal.deliveries``).
    """

    live = "live"
    partial = "partial"
    substituted = "substituted"


class Change(Model):
    """A substitution point: from here on the consignment travels in another content mode."""

    at: Place = Field(description="Where the goods are removed or replaced (on the route)")
    delivery: Delivery = Field(description="The content mode from this point on")


class ForeignObservation(Model):
    """Permission for teams of state ``from`` to follow into this state, within km and hours."""

    from_: Iso3 = Field(alias="from", description="Whose teams may follow into this state")
    max_km: float = Field(gt=0, le=500, description="How far past the border, km (the state's own)")
    max_hours: float = Field(gt=0, le=48, description="For how long, hours (the state's own)")
    urgent: bool = Field(
        default=False,
        description="Begun without prior authorisation (urgency): the legal basis's own time "
        "limit applies as well (5 h under CISA art. 40)",
    )

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


class Legal(Model):
    """One state's legal position: whether it authorised the delivery, and on what terms.

    A state on the route without an entry has authorised nothing.
    """

    country: Iso3
    authorised: bool = Field(description="Whether the state has authorised the delivery")
    deliveries: list[Delivery] = Field(
        min_length=1,
        description="Content modes the state accepts: live, partial, substituted (required)",
    )
    lead_time_hours: float = Field(
        default=48.0,
        ge=0,
        le=24 * 60,
        description="Time the authority needs before departure, hours",
    )
    authority: FreeText = Field(
        default="Public prosecutor", max_length=200, description="Who authorises"
    )
    lead_agency: Ident | None = Field(
        default=None,
        description="The agency whose teams this state prefers to watch on its territory",
    )
    foreign_observation: list[ForeignObservation] = Field(
        default_factory=list, description="Foreign teams allowed to follow into this state"
    )


class Contact(Model):
    """A contact point of an agency for the operation (the 24/7 desk, a liaison officer)."""

    agency: Ident = Field(description="The agency's id")
    role: FreeText = Field(min_length=1, max_length=120, description="e.g. 24/7 contact point")
    channel: FreeText = Field(
        default="", max_length=120, description="How it is reached: SIENA, phone, liaison"
    )
    ref: FreeText = Field(default="", max_length=120, description="A reference or call sign")


class Consignment(Model):
    """What is moved and in which content mode."""

    kind: FreeText = Field(
        min_length=1, max_length=64, description="What is moved (heroin, cash...)"
    )
    delivery: Delivery = Field(description="live | partial | substituted, at departure")
    changes: list[Change] = Field(
        default_factory=list,
        max_length=10,
        description="Substitution points in route order: from each, another content mode",
    )
