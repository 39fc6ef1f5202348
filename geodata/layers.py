"""Loading every layer once, and the :class:`Geodata` object the rest of cdplan reads.

The steps of :func:`load`, in order:
1. countries and their facts, indexed for point look-ups;
2. restricted areas: each clip outline cut to its recognised state, plus its operating buffer;
3. crossings: snapped onto the shared border of their two countries in the full-resolution land
   layer (the curated coordinates are often a few km off), then closed if their border is closed
   and made non-plannable if they sit on the edge of a restricted area;
4. ports, ferry lines, cities and other named places, rail terminals;
5. the network: corridor edges (flagged when they enter a restricted area) and ferry edges.

Two country layers are kept: the simplified outline (``country_shapes``) for drawing, and the
full-resolution Natural Earth land layer (``land_shapes``) for every jurisdiction decision.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from geodata._errors import SourceDataError
from geodata.crossings import build_crossing, shared_border
from geodata.jurisdiction import AreaIndex, Piece
from geodata.network import Network, build_network, corridor_edges, ferry_edge
from geodata.projection import buffer_km
from geodata.schema import (
    City,
    ClosedBorder,
    Country,
    Crossing,
    FerryLine,
    Node,
    Port,
    RestrictedArea,
)
from geodata.sources import (
    DATA,
    SOURCES,
    read_cities,
    read_corridors,
    read_countries,
    read_country_shapes,
    read_crossing_rows,
    read_ferries,
    read_land_shapes,
    read_ports,
    read_restricted,
    read_terminals,
)

log = logging.getLogger(__name__)

# A point at sea this close to the shore belongs to the nearest country. Natural Earth's 1:10m
# coastline runs a few hundred metres off real waterfronts (Constanta, Kavala and Tekirdag city
# centres and the Batumi harbour fall "at sea" in it), and a harbour basin, a bay or an anchorage
# is under the coastal state anyway: its territorial sea reaches 12 nautical miles (22 km). 10 km
# covers every port basin and roadstead of the region while leaving open water open.
SHORE_KM = 10.0


@dataclass(frozen=True)
class Geodata:
    """All layers of the region, read-only. Build with :func:`load`."""

    countries: Mapping[str, Country]
    country_shapes: Mapping[str, BaseGeometry]  # simplified outline, for drawing
    land_shapes: Mapping[str, BaseGeometry]  # full resolution, for jurisdiction decisions
    closed_borders: tuple[ClosedBorder, ...]
    crossings: Mapping[str, Crossing]
    ports: Mapping[str, Port]
    ferries: Mapping[str, FerryLine]
    cities: Mapping[str, City]
    terminals: Mapping[str, str]  # node id -> name of its road-rail freight terminal
    restricted: Mapping[str, RestrictedArea]
    restricted_shapes: Mapping[str, BaseGeometry]
    network: Network
    country_index: AreaIndex  # over the simplified outline (drawing, sea lanes)
    land_index: AreaIndex  # over the full-resolution land layer
    restricted_index: AreaIndex  # over the buffered zones of active areas

    def country_at(self, lat: float, lon: float) -> str | None:
        """ISO3 code of the country a point belongs to, or None at sea / outside the region.

        A point on land belongs to the country it is in; a point at sea within
        :data:`SHORE_KM` of the shore to the nearest country (ports, waterfronts, bays).
        """
        found = self.land_index.nearest(lon, lat, SHORE_KM)
        return None if found is None else found[0]

    def land_country_at(self, lat: float, lon: float) -> str | None:
        """ISO3 code of the country whose land (full resolution) contains the point, else None."""
        return self.land_index.at(lon, lat)

    def is_transshipment(self, node_id: str) -> bool:
        """Whether road and rail meet at this node: a port or a rail freight terminal."""
        return node_id in self.ports or node_id in self.terminals

    def restricted_at(self, lat: float, lon: float) -> RestrictedArea | None:
        """The active restricted area (with its buffer) containing a point, if any."""
        key = self.restricted_index.at(lon, lat)
        return None if key is None else self.restricted[key]

    def split_by_country(self, line: LineString) -> list[Piece]:
        """Cut a lon/lat line into per-country pieces with their km, in order along the line
        (judged on the full-resolution land layer)."""
        return self.land_index.split(line)

    def node(self, node_id: str) -> Node:
        """The network node with this id (KeyError if there is none)."""
        return self.network.nodes[node_id]

    def shared_border(self, a: str, b: str) -> BaseGeometry:
        """The border of two countries in the full-resolution land layer."""
        return shared_border(self.land_shapes[a], self.land_shapes[b])


def _nodes(
    crossings: Mapping[str, Crossing], ports: Mapping[str, Port], cities: Mapping[str, City]
) -> dict[str, Node]:
    nodes: dict[str, Node] = {}

    def add(node: Node) -> None:
        if node.id in nodes:
            raise SourceDataError(f"node id {node.id!r} is defined twice")
        nodes[node.id] = node

    for c in crossings.values():
        add(
            Node(id=c.id, name=c.name, kind="crossing", countries=c.countries, lat=c.lat, lon=c.lon)
        )
    for p in ports.values():
        add(Node(id=p.id, name=p.name, kind="port", countries=(p.country,), lat=p.lat, lon=p.lon))
    for city in cities.values():
        add(
            Node(
                id=city.id,
                name=city.name,
                kind=city.kind,
                countries=(city.country,),
                lat=city.lat,
                lon=city.lon,
            )
        )
    return nodes


def build(sources: Path = SOURCES, data: Path = DATA) -> Geodata:
    """Read every source and assemble the layers (uncached; see :func:`load`)."""
    country_list, closed_list = read_countries(sources)
    countries = {c.iso3: c for c in country_list}
    shapes = read_country_shapes(data)
    land = read_land_shapes(data)
    if set(land) != set(shapes):
        raise SourceDataError("land_10m and countries.geojson hold different countries")
    country_index = AreaIndex(shapes)
    land_index = AreaIndex(land)

    restricted: dict[str, tuple[RestrictedArea, BaseGeometry]] = {}
    for area, clip in read_restricted(sources):
        shape = shapely.make_valid(clip.intersection(shapes[area.state]))
        if shape.is_empty:
            raise SourceDataError(f"restricted area {area.id}: clip does not overlap {area.state}")
        restricted[area.id] = (area, shape)
    zones = {k: buffer_km(s, a.buffer_km) for k, (a, s) in restricted.items() if a.active}
    restricted_index = AreaIndex(zones)

    closed = {frozenset(c.countries) for c in closed_list}
    crossings = {
        row["id"]: build_crossing(row, countries, land, closed, restricted)
        for row in read_crossing_rows(sources)
    }
    ports = {p.id: p for p in read_ports(sources)}
    ferries = {f.id: f for f in read_ferries(sources)}
    cities = {c.id: c for c in read_cities(sources)}
    nodes = _nodes(crossings, ports, cities)
    terminals = read_terminals(sources)
    unknown = sorted(set(terminals) - set(nodes))
    if unknown:
        raise SourceDataError(f"terminals.csv: unknown node ids {unknown}")

    edges = [e for c in read_corridors(sources) for e in corridor_edges(c, nodes, restricted_index)]
    edges += [ferry_edge(f, nodes, country_index) for f in ferries.values()]
    network = build_network(nodes, edges)
    log.info(
        "geodata: %d countries, %d crossings, %d ports, %d ferry lines, %d nodes, %d edges, "
        "%d restricted areas",
        len(countries),
        len(crossings),
        len(ports),
        len(ferries),
        len(nodes),
        len(edges),
        len(restricted),
    )
    return Geodata(
        countries=countries,
        country_shapes=shapes,
        land_shapes=land,
        closed_borders=tuple(closed_list),
        crossings=crossings,
        ports=ports,
        ferries=ferries,
        cities=cities,
        terminals=terminals,
        restricted={k: a for k, (a, _) in restricted.items()},
        restricted_shapes={k: s for k, (_, s) in restricted.items()},
        network=network,
        country_index=country_index,
        land_index=land_index,
        restricted_index=restricted_index,
    )


def _fingerprint() -> str:
    """A hash of everything the layers are built from: sources, data and this package's code."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted([*SOURCES.rglob("*"), *DATA.rglob("*"), *root.glob("*.py")]):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cache_dir() -> Path:
    base = os.environ.get("CDPLAN_DATA_DIR")
    return Path(base) / "cache" if base else Path.home() / ".cache" / "cdplan"


@lru_cache(maxsize=1)
def load() -> Geodata:
    """The region's geodata, built once per process and cached on disk between processes.

    The cache file is named by a hash of the sources and the code, so an edit rebuilds it; a
    cache that cannot be read or written is simply ignored.
    """
    path = cache_dir() / f"geodata-{_fingerprint()}.pickle"
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)  # our own file, named by its content hash
        if isinstance(cached, Geodata):
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    geo = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(geo, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        log.warning("geodata cache not written (%s)", exc)
    return geo
