"""Records of the geodata layers, as strict pydantic models.

Coordinates are WGS 84 degrees (EPSG:4326). Country codes are ISO 3166-1 alpha-3 (Kosovo: XKX).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Iso3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code")]
NodeId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_-]{1,80}$", description="Id of a network node (city, crossing, port)"
    ),
]
Lat = Annotated[float, Field(ge=-90, le=90, description="Latitude, WGS 84 degrees")]
Lon = Annotated[float, Field(ge=-180, le=180, description="Longitude, WGS 84 degrees")]


class Mode(StrEnum):
    """How a leg is travelled."""

    road = "road"
    rail = "rail"
    ferry = "ferry"


class CrossingStatus(StrEnum):
    """Whether a crossing may appear in a plan."""

    open = "open"
    closed = "closed"
    non_plannable = "non_plannable"


class Freight(StrEnum):
    """What a border crossing clears for goods traffic (see sources/README.md)."""

    main = "main"  # trucks at any hour, with customs clearance of goods
    limited = "limited"  # trucks only at some hours, below some weight, or for some goods
    none = "none"  # passengers only: no customs clearance of commercial goods


class Vehicle(StrEnum):
    """What carries the consignment on the road; the rules per vehicle are in geodata.vehicles."""

    truck = "truck"  # heavy goods vehicle, over 3.5 t
    van = "van"  # light goods vehicle, up to 3.5 t
    car = "car"
    bus = "bus"


class RoadClass(StrEnum):
    """Class of a corridor; sets the loaded-truck speed and the winding factor."""

    motorway = "motorway"
    expressway = "expressway"
    trunk = "trunk"
    primary = "primary"
    mountain = "mountain"
    rail = "rail"


# Loaded truck (or freight train) average speeds, km/h, including ordinary slowdowns.
SPEED_KMH: dict[RoadClass, float] = {
    RoadClass.motorway: 80.0,
    RoadClass.expressway: 70.0,
    RoadClass.trunk: 60.0,
    RoadClass.primary: 50.0,
    RoadClass.mountain: 35.0,
    RoadClass.rail: 45.0,
}
# Vertices every 10-30 km cut the curves between them; these factors restore the real length.
# Calibrated on signed and route-planner distances between the region's cities (the reference
# pairs of tests/geodata/test_distances.py): with the earlier 1.03-1.08 the network ran 2-4 %
# short on every kind of road.
WINDING: dict[RoadClass, float] = {
    RoadClass.motorway: 1.06,
    RoadClass.expressway: 1.07,
    RoadClass.trunk: 1.09,
    RoadClass.primary: 1.11,
    RoadClass.mountain: 1.20,
    RoadClass.rail: 1.07,
}


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Country(Strict):
    """A country of the region with the facts the planner needs."""

    iso3: Iso3
    name: str = Field(description="Common English name")
    bsec: bool = Field(description="Member of the Black Sea Economic Cooperation")
    eu: bool = Field(description="Member of the European Union")
    schengen_since: date | None = Field(
        default=None, description="Date it joined the Schengen area with land-border checks lifted"
    )
    timezone: str = Field(description="IANA time zone of the country (e.g. Europe/Sofia)")


class ClosedBorder(Strict):
    """A land border with no lawful crossing for a controlled delivery."""

    countries: tuple[Iso3, Iso3] = Field(description="The two states")
    since: str = Field(description="When it closed (year or ISO date)")
    reason: str = Field(description="Why, in neutral words")
    source: str = Field(description="Where the fact comes from")


class Crossing(Strict):
    """A border crossing point, snapped onto the shared border of its two countries."""

    id: NodeId
    name: str = Field(description="Display name: post on side A - post on side B")
    name_a: str = Field(description="Name of the post on country_a's side")
    name_b: str = Field(description="Name of the post on country_b's side")
    countries: tuple[Iso3, Iso3] = Field(description="The two countries (A, B)")
    lat: Lat
    lon: Lon
    lat_source: Lat = Field(description="Latitude before snapping, as curated")
    lon_source: Lon = Field(description="Longitude before snapping, as curated")
    snap_km: float = Field(
        ge=0, description="Distance moved by snapping onto the shared border, km"
    )
    modes: tuple[Mode, ...] = Field(description="Modes the crossing serves")
    status: CrossingStatus
    schengen: Literal["internal", "external", "none"] = Field(
        description="Schengen internal border, Schengen external border, or neither side Schengen"
    )
    hours: str = Field(description="Opening hours: 24h or HH:MM-HH:MM local time")
    truck_dwell_minutes: int = Field(
        ge=0, description="Typical truck dwell (queue and formalities)"
    )
    notes: str = Field(default="", description="Facts worth knowing, short")
    coord_source: str = Field(default="", description="Where the curated position comes from")
    freight: Freight = Field(description="Goods traffic cleared: main, limited or none")
    freight_source: str = Field(default="", description="Where the freight class comes from")


class Port(Strict):
    """A sea, Danube or Caspian port."""

    id: NodeId
    name: str
    country: Iso3
    lat: Lat
    lon: Lon
    kind: Literal["sea", "river", "caspian"] = Field(description="Sea, Danube (river) or Caspian")
    notes: str = ""
    source: str = ""


class FerryLine(Strict):
    """A ferry or Ro-Ro line between two ports."""

    id: NodeId
    from_port: NodeId
    to_port: NodeId
    hours_min: float = Field(gt=0, description="Shortest typical crossing, hours")
    hours_typical: float = Field(gt=0, description="Typical crossing, hours")
    hours_max: float = Field(gt=0, description="Longest typical crossing (waits on board), hours")
    status: Literal["operating", "suspended", "historical", "unverified"]
    operator: str = ""
    notes: str = ""
    source: str = ""


NodeKind = Literal[
    "capital",
    "city",
    "town",
    "junction",
    "truck_park",
    "service_area",
    "crossing",
    "port",
]
PlaceKind = Literal["capital", "city", "town", "junction", "truck_park", "service_area"]


class City(Strict):
    """A named place of the network that is not a crossing or a port: a city, a town, a
    junction, a truck park or a motorway service area."""

    id: NodeId
    name: str
    country: Iso3
    lat: Lat
    lon: Lon
    kind: PlaceKind
    aliases: str = Field(
        default="", description="Other spellings and exonyms, separated by ';' (for search)"
    )
    name_local: str = Field(default="", description="Name in the local script, if not Latin")
    source: str = Field(default="", description="Where the position comes from")


class RestrictedArea(Strict):
    """An area without a cooperating authority (neutral wording; see the source)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    state: Iso3 = Field(description="The internationally recognised state")
    cooperating_authority: str = Field(description="'none', or the states that can cooperate there")
    since: str = Field(description="When the current situation began")
    valid_as_of: str = Field(description="Date of the line as drawn")
    active: bool = Field(description="False for historical areas kept for the record")
    buffer_km: float = Field(
        ge=0, description="Margin near the line where teams cannot operate, km"
    )
    wording: str = Field(description="Neutral wording for outputs")
    source: str = Field(description="What the outline is based on")
    ended: str | None = Field(default=None, description="When it ended, for historical areas")


class Node(Strict):
    """A node of the network, whatever it is."""

    id: NodeId
    name: str
    kind: NodeKind
    countries: tuple[Iso3, ...] = Field(description="One country, or two for a crossing")
    lat: Lat
    lon: Lon

    @property
    def country(self) -> str:
        return self.countries[0]


class Corridor(Strict):
    """A stretch of road or railway inside one country (see sources/README.md)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    country: Iso3
    mode: Literal["road", "rail"]
    road_class: RoadClass
    winding: float | None = Field(default=None, ge=1.0, le=1.6)
    water_km: float = Field(default=0.0, ge=0, le=20, description="Bridge over open water, km")
    closed_to: list[Vehicle] = Field(
        default_factory=list, description="Vehicles not allowed on this stretch"
    )
    closed_reason: str = Field(default="", description="Why, with its public source")
    points: list[NodeId | tuple[float, float]] = Field(min_length=2)

    @model_validator(mode="after")
    def _closed_needs_reason(self) -> Corridor:
        if self.closed_to and not self.closed_reason.strip():
            raise ValueError("closed_to needs a closed_reason (why, with its public source)")
        return self
