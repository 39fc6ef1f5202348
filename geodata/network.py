"""The corridor network: a multigraph of road, rail and ferry edges between named nodes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
from shapely.geometry import LineString

from geodata._errors import SourceDataError
from geodata.jurisdiction import AreaIndex
from geodata.projection import geodesic_km
from geodata.schema import (
    SPEED_KMH,
    WINDING,
    Corridor,
    FerryLine,
    Mode,
    Node,
    RoadClass,
    Vehicle,
)
from geodata.sealanes import sea_lane


@dataclass(frozen=True)
class Edge:
    """One leg between two nodes. ``geometry`` runs from ``u`` to ``v`` (lon/lat)."""

    id: str
    u: str
    v: str
    mode: Mode
    road_class: RoadClass | None
    km: float
    minutes: float
    country: str | None  # None for a sea leg
    geometry: LineString
    corridor: str
    restricted: str | None  # id of the restricted area the edge enters, if any
    minutes_max: float | None = None  # ferries: the longest typical crossing
    water_km: float = 0.0  # a bridge over open water: how far from land the edge may be
    closed_to: frozenset[Vehicle] = frozenset()  # vehicles not allowed (see geodata.vehicles)
    base: str | None = None  # a piece of an edge split at a snapped place: the whole edge's id

    @property
    def base_id(self) -> str:
        """The id of the network edge this edge is (or is a piece of)."""
        return self.base or self.id

    def oriented(self, start: str) -> LineString:
        """The geometry walked from node ``start``."""
        if start == self.u:
            return self.geometry
        if start == self.v:
            return LineString(self.geometry.coords[::-1])
        raise ValueError(f"node {start} is not an end of edge {self.id}")

    def other(self, node: str) -> str:
        return self.v if node == self.u else self.u


@dataclass(frozen=True)
class Network:
    """Nodes by id, edges by id, and the graph that joins them (edge key = edge id)."""

    nodes: Mapping[str, Node]
    edges: Mapping[str, Edge]
    graph: nx.MultiGraph

    def edges_of(self, node_id: str) -> list[Edge]:
        return [self.edges[k] for _, _, k in self.graph.edges(node_id, keys=True)]


def corridor_edges(
    corridor: Corridor, nodes: Mapping[str, Node], restricted: AreaIndex | None
) -> list[Edge]:
    """Cut a corridor into edges at every node id it lists."""
    where = f"corridor {corridor.id}"
    if not isinstance(corridor.points[0], str) or not isinstance(corridor.points[-1], str):
        raise SourceDataError(f"{where}: must start and end at a node id")
    edges: list[Edge] = []
    start: str = corridor.points[0]
    coords: list[tuple[float, float]] = []
    winding = corridor.winding or WINDING[corridor.road_class]
    speed = SPEED_KMH[corridor.road_class]
    for point in corridor.points:
        if isinstance(point, str):
            if point not in nodes:
                raise SourceDataError(f"{where}: unknown node id {point!r}")
            node = nodes[point]
            coords.append((node.lon, node.lat))
            if point != start or len(coords) > 1:
                if point == start:
                    raise SourceDataError(f"{where}: node {point!r} repeats with nothing between")
                line = LineString(coords)
                km = geodesic_km(line) * winding
                zone = restricted.near(line) if restricted is not None else []
                edges.append(
                    Edge(
                        id=f"{corridor.id}#{len(edges) + 1}",
                        u=start,
                        v=point,
                        mode=Mode(corridor.mode),
                        road_class=corridor.road_class,
                        km=round(km, 2),
                        minutes=round(km / speed * 60.0, 1),
                        country=corridor.country,
                        geometry=line,
                        corridor=corridor.id,
                        restricted=zone[0] if zone else None,
                        water_km=corridor.water_km,
                        closed_to=frozenset(corridor.closed_to),
                    )
                )
                start, coords = point, [(node.lon, node.lat)]
        else:
            lat, lon = point
            coords.append((lon, lat))
    return edges


def ferry_edge(line: FerryLine, nodes: Mapping[str, Node], land: AreaIndex) -> Edge:
    """A ferry leg between two ports, drawn along open water."""
    for port in (line.from_port, line.to_port):
        if port not in nodes:
            raise SourceDataError(f"ferry {line.id}: unknown port {port!r}")
    a, b = nodes[line.from_port], nodes[line.to_port]
    geometry = sea_lane((a.lon, a.lat), (b.lon, b.lat), land)
    return Edge(
        id=line.id,
        u=a.id,
        v=b.id,
        mode=Mode.ferry,
        road_class=None,
        km=round(geodesic_km(geometry), 2),
        minutes=line.hours_typical * 60.0,
        minutes_max=line.hours_max * 60.0,
        country=None,
        geometry=geometry,
        corridor=line.id,
        restricted=None,
    )


def build_network(nodes: Mapping[str, Node], edges: Iterable[Edge]) -> Network:
    graph = nx.MultiGraph()
    graph.add_nodes_from(nodes)
    by_id: dict[str, Edge] = {}
    for edge in edges:
        if edge.id in by_id:
            raise SourceDataError(f"edge id {edge.id!r} is used twice")
        by_id[edge.id] = edge
        graph.add_edge(edge.u, edge.v, key=edge.id)
    return Network(nodes=dict(nodes), edges=by_id, graph=graph)
