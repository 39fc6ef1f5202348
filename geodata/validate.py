"""Checks of the assembled geodata, one function per kind of problem.

Each check returns a list of :class:`Problem`; an empty list means the data passes. The tests run
every check; ``python -m geodata.tools.check_corridors`` prints them for data authors.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx
import shapely
from shapely.geometry import LineString, Point

from geodata.layers import Geodata
from geodata.network import Edge
from geodata.projection import distance_km, geodesic_km, point_to_geom_km
from geodata.schema import CrossingStatus, Mode

BORDER_TOLERANCE_KM = 1.0  # an open crossing lies at most this far from its shared border
OUTSIDE_TOLERANCE_KM = 0.6  # simplified borders and coastlines are ~0.5 km off
NEAR_END_KM = 3.0  # an edge may cross the simplified line this close to its crossing or port
MAX_STRAIGHT_KM = 40.0
SAMPLE_DEG = 0.02  # ~2 km between sampled points along an edge


@dataclass(frozen=True)
class Problem:
    code: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.subject}: {self.message}"


def crossings_on_border(geo: Geodata) -> list[Problem]:
    out = []
    for c in geo.crossings.values():
        if c.status is not CrossingStatus.open:
            continue
        km = point_to_geom_km(Point(c.lon, c.lat), geo.shared_border(*c.countries))
        if km > BORDER_TOLERANCE_KM:
            out.append(
                Problem("crossing-off-border", c.id, f"{km:.2f} km from the {c.countries} border")
            )
    return out


def nodes_in_country(geo: Geodata) -> list[Problem]:
    out = []
    for node in geo.network.nodes.values():
        if node.kind == "crossing":
            continue
        shape = geo.country_shapes.get(node.country)
        if shape is None:
            out.append(
                Problem("node-unknown-country", node.id, f"country {node.country} has no shape")
            )
            continue
        km = point_to_geom_km(Point(node.lon, node.lat), shape)
        # Ports sit on the shore, where the simplified coastline may be a little inland.
        tolerance = 3.0 if node.kind == "port" else OUTSIDE_TOLERANCE_KM
        if km > tolerance:
            out.append(
                Problem("node-outside-country", node.id, f"{km:.2f} km outside {node.country}")
            )
    return out


def _shore_or_border_ends(geo: Geodata, edge: Edge) -> list[Point]:
    """Ends of an edge where it may legitimately touch a border or the shore."""
    return [
        Point(geo.node(n).lon, geo.node(n).lat)
        for n in (edge.u, edge.v)
        if n in geo.crossings or n in geo.ports
    ]


def edges_in_country(geo: Geodata, edges: Iterable[Edge]) -> list[Problem]:
    """A road or rail edge stays in its country; it may only touch the border at a crossing."""
    out = []
    for edge in edges:
        if edge.country is None:
            continue
        shape = geo.country_shapes[edge.country]
        if shape.contains(edge.geometry):
            continue
        ends = _shore_or_border_ends(geo, edge)
        worst, where = 0.0, None
        for x, y in shapely.segmentize(edge.geometry, SAMPLE_DEG).coords:
            pt = Point(x, y)
            if shape.intersects(pt):
                continue
            if any(distance_km(y, x, e.y, e.x) <= NEAR_END_KM for e in ends):
                continue
            km = point_to_geom_km(pt, shape)
            if km <= edge.water_km and geo.country_at(y, x) is None:
                continue  # on a bridge over open water
            if km > worst:
                worst, where = km, (round(y, 4), round(x, 4))
        if worst > OUTSIDE_TOLERANCE_KM:
            other = geo.country_at(where[0], where[1]) if where else None
            out.append(
                Problem(
                    "edge-leaves-country",
                    edge.id,
                    f"{worst:.1f} km outside {edge.country} at lat,lon {where} "
                    f"(in {other or 'sea'})",
                )
            )
    return out


def straight_pieces(edges: Iterable[Edge]) -> list[Problem]:
    out = []
    for edge in edges:
        if edge.mode is Mode.ferry:
            continue
        coords = list(edge.geometry.coords)
        for a, b in itertools.pairwise(coords):
            km = geodesic_km(LineString([a, b]))
            if km > MAX_STRAIGHT_KM:
                out.append(
                    Problem(
                        "straight-piece",
                        edge.id,
                        f"{km:.0f} km without a vertex after lat,lon ({a[1]:.3f}, {a[0]:.3f})",
                    )
                )
    return out


def crossing_modes(geo: Geodata, edges: Iterable[Edge]) -> list[Problem]:
    """A rail edge ends only at a rail crossing; a road edge at a road or ferry crossing."""
    out = []
    for edge in edges:
        for n in (edge.u, edge.v):
            crossing = geo.crossings.get(n)
            if crossing is None or edge.mode is Mode.ferry:
                continue
            ok = (
                Mode.rail in crossing.modes
                if edge.mode is Mode.rail
                else (Mode.road in crossing.modes or Mode.ferry in crossing.modes)
            )
            if not ok:
                out.append(
                    Problem("crossing-mode", edge.id, f"{edge.mode} edge at {n} ({crossing.modes})")
                )
            if edge.country not in crossing.countries:
                out.append(Problem("crossing-country", edge.id, f"{edge.country} edge at {n}"))
    return out


def crossings_connected(geo: Geodata) -> list[Problem]:
    """Every open crossing is reached from both of its countries, for each of its land modes."""
    out = []
    for c in geo.crossings.values():
        if c.status is not CrossingStatus.open:
            continue
        edges = geo.network.edges_of(c.id)
        for country in c.countries:
            if not any(e.country == country for e in edges):
                out.append(
                    Problem("crossing-unconnected", c.id, f"no edge from the {country} side")
                )
        if Mode.rail in c.modes and not any(e.mode is Mode.rail for e in edges):
            out.append(Problem("crossing-no-rail", c.id, "rail crossing without a rail edge"))
    return out


def ports_connected(geo: Geodata) -> list[Problem]:
    """Every BSEC port is on the land network, or one ferry leg from a port that is (Sulina is
    reached only by Danube boat from Tulcea)."""
    bsec = {c.iso3 for c in geo.countries.values() if c.bsec}

    def on_land(node: str) -> bool:
        return any(e.mode is not Mode.ferry for e in geo.network.edges_of(node))

    return [
        Problem("port-unconnected", port.id, "no road, rail or ferry link to the network")
        for port in geo.ports.values()
        if port.country in bsec
        and not on_land(port.id)
        and not any(
            e.mode is Mode.ferry and on_land(e.other(port.id))
            for e in geo.network.edges_of(port.id)
        )
    ]


def capitals_connected(geo: Geodata) -> list[Problem]:
    """All BSEC capitals lie in one component of the usable (lawful) network."""
    graph = nx.Graph()
    for e in geo.network.edges.values():
        if e.restricted is not None:
            continue
        if any(
            n in geo.crossings and geo.crossings[n].status is not CrossingStatus.open
            for n in (e.u, e.v)
        ):
            continue
        graph.add_edge(e.u, e.v)
    capitals = [
        c
        for c in geo.cities.values()
        if c.kind == "capital" and c.country in {k for k, v in geo.countries.items() if v.bsec}
    ]
    if not capitals:
        return [Problem("no-capitals", "network", "no BSEC capital in the cities files")]
    first = capitals[0].id
    reach = nx.node_connected_component(graph, first) if first in graph else {first}
    return [
        Problem("capital-unreachable", c.id, f"not connected to {first}")
        for c in capitals
        if c.id not in reach
    ]


ALL_CHECKS: list[Callable[[Geodata], list[Problem]]] = [
    crossings_on_border,
    nodes_in_country,
    lambda g: edges_in_country(g, g.network.edges.values()),
    lambda g: straight_pieces(g.network.edges.values()),
    lambda g: crossing_modes(g, g.network.edges.values()),
    crossings_connected,
    ports_connected,
    capitals_connected,
]


def run_all(geo: Geodata) -> list[Problem]:
    return [p for check in ALL_CHECKS for p in check(geo)]
