"""Places: a node id, or coordinates snapped onto the network of their own country."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from shapely import ops
from shapely.geometry import LineString, Point

from geodata._errors import (
    PlaceInRestrictedAreaError,
    PlaceNotOnLandError,
    PlaceOffNetworkError,
    UnknownPlaceError,
)
from geodata.layers import Geodata
from geodata.network import Edge
from geodata.projection import distance_km, point_to_geom_km
from geodata.schema import Mode

# A point further than this from any usable road or railway of its country is not on the network.
MAX_SNAP_KM = 60.0
# Within this distance of a node, snap to the node itself rather than to the middle of an edge.
NODE_SNAP_KM = 2.0


class Coordinates(BaseModel):
    """A place given as coordinates (WGS 84)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    lat: float = Field(ge=-90, le=90, description="Latitude, degrees")
    lon: float = Field(ge=-180, le=180, description="Longitude, degrees")
    name: str | None = Field(default=None, max_length=120, description="Display name")


class Place(BaseModel):
    """A place as plans and routes show it."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    id: str = Field(description="Node id, or '@lat,lon' for a snapped coordinate")
    name: str = Field(description="Display name")
    lat: float = Field(description="Latitude, degrees (on the network)")
    lon: float = Field(description="Longitude, degrees (on the network)")
    country: str = Field(description="ISO3 code; for a crossing, the first of its two countries")


@dataclass(frozen=True)
class Snapped:
    """A resolved place: either an existing node, or a point on an edge."""

    place: Place
    node_id: str | None
    edge: Edge | None = None
    fraction: float = 0.0  # along edge.geometry from edge.u, 0..1 of its lon/lat length
    offset_km: float = 0.0  # from the given coordinates to the network

    @property
    def key(self) -> str:
        return self.node_id if self.node_id is not None else self.place.id


def parse_place(text: str) -> str | Coordinates:
    """Parse a command-line place: ``"lat,lon"`` or a node id."""
    parts = text.split(",")
    if len(parts) == 2:
        try:
            return Coordinates(lat=float(parts[0]), lon=float(parts[1]))
        except ValueError:
            pass
    return text.strip()


def node_place(geo: Geodata, node_id: str) -> Place:
    node = geo.node(node_id)
    return Place(id=node.id, name=node.name, lat=node.lat, lon=node.lon, country=node.country)


def resolve(
    geo: Geodata,
    spec: str | Coordinates,
    *,
    field: str = "place",
    modes: tuple[Mode, ...] = (Mode.road, Mode.rail),
    allow_restricted: bool = False,
) -> Snapped:
    """Resolve a place. Raises a named :class:`GeodataError` that says what to do."""
    if isinstance(spec, str):
        if spec not in geo.network.nodes:
            raise UnknownPlaceError(
                f"{field}: {spec!r} is not a known place id",
                field=field,
                hint="use a crossing, port or city id (see cdplan geodata export) or lat,lon",
            )
        return Snapped(place=node_place(geo, spec), node_id=spec)
    country = geo.country_at(spec.lat, spec.lon)
    if country is None:
        raise PlaceNotOnLandError(
            f"{field}: the coordinates are at sea or outside the region's countries",
            field=field,
            hint="give a point on land, or the id of a port",
        )
    area = geo.restricted_at(spec.lat, spec.lon)
    if area is not None and not allow_restricted:
        raise PlaceInRestrictedAreaError(
            f"{field}: the coordinates lie in {area.name}: {area.wording}",
            field=field,
            hint="choose a place under the control of a cooperating authority",
        )
    point = Point(spec.lon, spec.lat)
    best: tuple[float, Edge] | None = None
    for edge in geo.network.edges.values():
        if edge.country != country or edge.mode not in modes:
            continue
        if edge.restricted is not None and not allow_restricted:
            continue
        # Cheap bound first (degrees), exact metres only for the close ones.
        if edge.geometry.distance(point) > 1.0:
            continue
        km = point_to_geom_km(point, edge.geometry)
        if best is None or km < best[0]:
            best = (km, edge)
    if best is None or best[0] > MAX_SNAP_KM:
        raise PlaceOffNetworkError(
            f"{field}: no usable road or railway of {country} within {MAX_SNAP_KM:.0f} km",
            field=field,
            hint="give a place nearer a main road, or a city id",
        )
    offset, edge = best
    for end in (edge.u, edge.v):
        node = geo.node(end)
        if distance_km(spec.lat, spec.lon, node.lat, node.lon) <= NODE_SNAP_KM:
            return Snapped(place=node_place(geo, end), node_id=end, offset_km=round(offset, 3))
    fraction = edge.geometry.project(point, normalized=True)
    on_line = edge.geometry.interpolate(fraction, normalized=True)
    name = spec.name or f"{spec.lat:.4f}, {spec.lon:.4f}"
    place = Place(
        id=f"@{on_line.y:.5f},{on_line.x:.5f}",
        name=name,
        lat=round(on_line.y, 6),
        lon=round(on_line.x, 6),
        country=country,
    )
    return Snapped(
        place=place, node_id=None, edge=edge, fraction=fraction, offset_km=round(offset, 3)
    )


def split_edge(snapped: Snapped) -> tuple[Edge, Edge]:
    """Two edges from the snapped point to each end of its edge, with prorated km and minutes."""
    edge = snapped.edge
    assert edge is not None
    line = edge.geometry
    cut = snapped.fraction
    first = ops.substring(line, 0.0, cut, normalized=True)
    second = ops.substring(line, cut, 1.0, normalized=True)
    parts = []
    for suffix, piece, share, end in (("a", first, cut, edge.u), ("b", second, 1.0 - cut, edge.v)):
        geom = piece if isinstance(piece, LineString) else LineString([piece, piece])
        start_pt = (snapped.place.lon, snapped.place.lat)
        coords = list(geom.coords)
        # Orient every part from the snapped point to the edge end.
        if suffix == "a":
            coords = coords[::-1]
        coords[0] = start_pt
        if len(coords) < 2:
            coords.append(start_pt)
        parts.append(
            Edge(
                id=f"{edge.id}{snapped.key}{suffix}",
                u=snapped.key,
                v=end,
                mode=edge.mode,
                road_class=edge.road_class,
                km=round(edge.km * share, 2),
                minutes=round(edge.minutes * share, 1),
                country=edge.country,
                geometry=LineString(coords),
                corridor=edge.corridor,
                restricted=edge.restricted,
            )
        )
    return parts[0], parts[1]
