"""Loading every layer once, and the :class:`Geodata` object the rest of cdplan reads.

The steps of :func:`load`, in order:
1. countries and their facts, indexed for point look-ups;
2. restricted areas: each clip outline cut to its recognised state, plus its operating buffer;
3. crossings: snapped onto the shared border of their two countries (the curated coordinates are
   often a few km off), then closed if their border is closed and made non-plannable if they sit
   on the edge of a restricted area;
4. ports, ferry lines, cities;
5. the network: corridor edges (flagged when they enter a restricted area) and ferry edges.
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
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geodata._errors import SourceDataError
from geodata.jurisdiction import AreaIndex, Piece
from geodata.network import Network, build_network, corridor_edges, ferry_edge
from geodata.projection import buffer_km, nearest_point_on, point_to_geom_km
from geodata.schema import (
    City,
    ClosedBorder,
    Country,
    Crossing,
    CrossingStatus,
    FerryLine,
    Mode,
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
    read_ports,
    read_restricted,
)

log = logging.getLogger(__name__)

# A curated position further than this from its border is a data error, not an estimate to snap.
MAX_SNAP_KM = 25.0
# Crossings this close to a restricted area (beyond its own buffer) cannot be planned through.
RESTRICTED_EDGE_KM = 1.0


@dataclass(frozen=True)
class Geodata:
    """All layers of the region, read-only. Build with :func:`load`."""

    countries: Mapping[str, Country]
    country_shapes: Mapping[str, BaseGeometry]
    closed_borders: tuple[ClosedBorder, ...]
    crossings: Mapping[str, Crossing]
    ports: Mapping[str, Port]
    ferries: Mapping[str, FerryLine]
    cities: Mapping[str, City]
    restricted: Mapping[str, RestrictedArea]
    restricted_shapes: Mapping[str, BaseGeometry]
    network: Network
    country_index: AreaIndex
    restricted_index: AreaIndex  # over the buffered zones of active areas

    def country_at(self, lat: float, lon: float) -> str | None:
        """ISO3 code of the country at a point, or None at sea / outside the region."""
        return self.country_index.at(lon, lat)

    def restricted_at(self, lat: float, lon: float) -> RestrictedArea | None:
        """The active restricted area (with its buffer) containing a point, if any."""
        key = self.restricted_index.at(lon, lat)
        return None if key is None else self.restricted[key]

    def split_by_country(self, line: LineString) -> list[Piece]:
        """Cut a lon/lat line into per-country pieces with their km, in order along the line."""
        return self.country_index.split(line)

    def node(self, node_id: str) -> Node:
        return self.network.nodes[node_id]

    def shared_border(self, a: str, b: str) -> BaseGeometry:
        return _shared_border(self.country_shapes[a], self.country_shapes[b])


def _shared_border(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    shared = shapely.intersection(a.boundary, b.boundary)
    if shared.is_empty or shared.length == 0:
        # Coverage simplification keeps shared edges identical; this is the fallback for touching
        # points only.
        shared = shapely.intersection(a.boundary, b.buffer(1e-6))
    return shared


def _schengen(a: Country, b: Country) -> str:
    count = (a.schengen_since is not None) + (b.schengen_since is not None)
    return {2: "internal", 1: "external", 0: "none"}[count]


def _crossing(
    row: Mapping[str, str],
    countries: Mapping[str, Country],
    shapes: Mapping[str, BaseGeometry],
    closed: set[frozenset[str]],
    restricted: Mapping[str, tuple[RestrictedArea, BaseGeometry]],
) -> Crossing:
    where = f"crossings.csv {row.get('id', '?')}"
    a, b = row["country_a"], row["country_b"]
    for iso in (a, b):
        if iso not in shapes or iso not in countries:
            raise SourceDataError(f"{where}: unknown country {iso!r}")
    lat, lon = float(row["lat"]), float(row["lon"])
    source = Point(lon, lat)
    border = _shared_border(shapes[a], shapes[b])
    if border.is_empty:
        raise SourceDataError(f"{where}: {a} and {b} share no border in countries.geojson")
    snapped = nearest_point_on(source, border)
    snap_km = point_to_geom_km(source, snapped)
    if snap_km > MAX_SNAP_KM:
        raise SourceDataError(
            f"{where}: curated position is {snap_km:.1f} km from the {a}-{b} border",
            hint="correct lat/lon in geodata/sources/crossings.csv",
        )
    status = CrossingStatus(row["status"])
    notes = row.get("notes", "")
    if frozenset((a, b)) in closed and status is CrossingStatus.open:
        status = CrossingStatus.closed
        notes = f"{notes}; border closed".strip("; ")
    if status is CrossingStatus.open:
        for area, shape in restricted.values():
            if (
                area.active
                and point_to_geom_km(snapped, shape) <= area.buffer_km + RESTRICTED_EDGE_KM
            ):
                status = CrossingStatus.non_plannable
                notes = f"{notes}; on the edge of {area.name}".strip("; ")
    modes = tuple(Mode(m.strip()) for m in row["modes"].split(";") if m.strip())
    return Crossing(
        id=row["id"],
        name=f"{row['name_a']} - {row['name_b']}",
        name_a=row["name_a"],
        name_b=row["name_b"],
        countries=(a, b),
        lat=round(snapped.y, 6),
        lon=round(snapped.x, 6),
        lat_source=lat,
        lon_source=lon,
        snap_km=round(snap_km, 3),
        modes=modes,
        status=status,
        schengen=_schengen(countries[a], countries[b]),  # type: ignore[arg-type]
        hours=row.get("hours") or "24h",
        truck_dwell_minutes=int(float(row.get("truck_dwell_minutes") or 60)),
        notes=notes,
        coord_source=row.get("coord_source", ""),
    )


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
    country_index = AreaIndex(shapes)

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
        row["id"]: _crossing(row, countries, shapes, closed, restricted)
        for row in read_crossing_rows(sources)
    }
    ports = {p.id: p for p in read_ports(sources)}
    ferries = {f.id: f for f in read_ferries(sources)}
    cities = {c.id: c for c in read_cities(sources)}
    nodes = _nodes(crossings, ports, cities)

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
        closed_borders=tuple(closed_list),
        crossings=crossings,
        ports=ports,
        ferries=ferries,
        cities=cities,
        restricted={k: a for k, (a, _) in restricted.items()},
        restricted_shapes={k: s for k, (_, s) in restricted.items()},
        network=network,
        country_index=country_index,
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
