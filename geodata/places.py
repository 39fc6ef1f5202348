"""Places: a node id, or coordinates snapped onto the network of their own country.

Coordinates are judged on the full-resolution land layer: a point on land, or at sea within
``SHORE_KM`` (10 km) of the shore, belongs to the nearest country; a point within
:data:`PORT_SNAP_KM` of a port of that country *is* the port (its node), so a ferry leg can start
there; any other point is snapped onto the nearest usable road or railway of its country.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from shapely import ops
from shapely.geometry import LineString, Point

from geodata._errors import (
    PlaceFormatError,
    PlaceInRestrictedAreaError,
    PlaceNotOnLandError,
    PlaceOffNetworkError,
    UnknownPlaceError,
)
from geodata.layers import SHORE_KM, Geodata
from geodata.network import Edge
from geodata.projection import distance_km, point_to_geom_km
from geodata.schema import Mode
from geodata.search import closest_ids

# A point further than this from any usable road or railway of its country is not on the network.
MAX_SNAP_KM = 60.0
# Within this distance of a node, snap to the node itself rather than to the middle of an edge.
NODE_SNAP_KM = 2.0
# A port node marks its ferry and Ro-Ro terminal; the port's gates, quays and basins reach about
# 2-3 km from it (Constanta's gates to the ferry berths, Batumi's harbour to the city), so a point
# this close to a port of its country means the port.
PORT_SNAP_KM = 3.0
# "lat,lon" or "lat lon" in decimal degrees, with any spaces around the numbers.
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*(?:,|\s)\s*({_NUMBER})\s*$")
_LOOKS_LIKE_COORDINATES = re.compile(r"^[\s\d.,;+-]*\d[\s\d.,;+-]*$")
_FORMAT_HINT = 'write "lat,lon" in decimal degrees, latitude first, e.g. "42.6977, 23.3219"'


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


def parse_place(text: str, *, field: str = "place") -> str | Coordinates:
    """Parse a command-line place: ``"lat,lon"`` (spaces allowed, or ``"lat lon"``) or a node id.

    Raises:
        PlaceFormatError: the text is meant as coordinates (it has a comma, or only numbers) but
            is not a pair of decimal degrees in range. The message never repeats the text, which
            may be a sensitive position.
    """
    match = _PAIR.match(text)
    if match is None:
        if "," in text or _LOOKS_LIKE_COORDINATES.match(text):
            raise PlaceFormatError(
                f"{field}: not a coordinate pair", field=field, hint=_FORMAT_HINT
            )
        return text.strip()
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise PlaceFormatError(f"{field}: not a coordinate pair", field=field, hint=_FORMAT_HINT)
    try:
        return Coordinates(lat=lat, lon=lon)
    except ValidationError as exc:
        raise PlaceFormatError(
            f"{field}: latitude must lie in -90..90 and longitude in -180..180",
            field=field,
            hint=_FORMAT_HINT,
        ) from exc


def _unknown(geo: Geodata, spec: str, field: str) -> UnknownPlaceError:
    """The error for an unknown id, with the closest ids as the hint."""
    suggestions = closest_ids(geo, spec)
    hint = (
        f"did you mean {' or '.join(suggestions)}?"
        if suggestions
        else "use a crossing, port or city id (see cdplan geodata export) or lat,lon"
    )
    # Repeat the text only when it looks like an id: a mistyped coordinate is not echoed.
    shown = f"{spec!r} " if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,79}", spec) else ""
    return UnknownPlaceError(f"{field}: {shown}is not a known place id", field=field, hint=hint)


def nearest_port(geo: Geodata, lat: float, lon: float, country: str) -> str | None:
    """The port of ``country`` within :data:`PORT_SNAP_KM` of a point, nearest first."""
    best: tuple[float, str] | None = None
    for port in geo.ports.values():
        if port.country != country or abs(port.lat - lat) > 0.1 or abs(port.lon - lon) > 0.1:
            continue
        km = distance_km(lat, lon, port.lat, port.lon)
        if km <= PORT_SNAP_KM and (best is None or (km, port.id) < best):
            best = (km, port.id)
    return None if best is None else best[1]


def node_place(geo: Geodata, node_id: str) -> Place:
    """The :class:`Place` of a network node."""
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
    """Resolve a place: a node id, or coordinates (see the module docstring for the rules).

    Returns:
        A :class:`Snapped` place. For coordinates within :data:`PORT_SNAP_KM` of a port, and
        within ``NODE_SNAP_KM`` of a node on the nearest edge, ``node_id`` is that node's id
        (``Snapped.key`` too); otherwise the point on the nearest usable edge.

    Raises:
        UnknownPlaceError: an id that is not a node (the hint names the closest ids).
        PlaceNotOnLandError: coordinates at sea beyond the shore margin, or outside the region.
        PlaceInRestrictedAreaError: coordinates in an area without a cooperating authority.
        PlaceOffNetworkError: no usable road or railway of the country within ``MAX_SNAP_KM``.
    """
    if isinstance(spec, str):
        if spec not in geo.network.nodes:
            raise _unknown(geo, spec, field)
        return Snapped(place=node_place(geo, spec), node_id=spec)
    country = geo.country_at(spec.lat, spec.lon)
    if country is None:
        raise PlaceNotOnLandError(
            f"{field}: the coordinates are at sea (more than {SHORE_KM:.0f} km from the shore) "
            "or outside the region's countries",
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
    port = nearest_port(geo, spec.lat, spec.lon, country)
    if port is not None:
        offset = distance_km(spec.lat, spec.lon, geo.ports[port].lat, geo.ports[port].lon)
        return Snapped(
            place=_named(node_place(geo, port), spec), node_id=port, offset_km=round(offset, 3)
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
            return Snapped(
                place=_named(node_place(geo, end), spec), node_id=end, offset_km=round(offset, 3)
            )
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


def _named(place: Place, spec: Coordinates) -> Place:
    """A node reached from named coordinates keeps the user's name, with the node's after it."""
    if not spec.name or spec.name == place.name:
        return place
    return place.model_copy(update={"name": f"{spec.name} ({place.name})"})


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
                base=edge.base_id,
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
                water_km=edge.water_km,
                closed_to=edge.closed_to,
            )
        )
    return parts[0], parts[1]
