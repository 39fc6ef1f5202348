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
# Natural Earth's 1:10m coastline is generalised: at the region's waterfronts (Constanta, Kavala,
# Tekirdag, Batumi) it runs 0.1-0.5 km off the real shore, so a node or a coastal road traced on
# the real shore may seem this far out at sea.
SEA_TOLERANCE_KM = 0.3
# A port node sits on its quay, out in the basin from the generalised coastline; its access road
# may run at sea this close to it.
PORT_APPROACH_KM = 3.0
# Crossing nodes are snapped onto the border line, which is drawn to ~0.1-0.5 km; the last stretch
# of road to the post may run on either side of that line this close to the crossing.
CROSSING_APPROACH_KM = 1.0
# Anywhere else a neighbour's land is never entered: the margin only absorbs the rounding of
# traced vertices (4 decimals, ~10 m) and of the land layer (1e-5 degrees).
FOREIGN_TOLERANCE_KM = 0.02
MAX_STRAIGHT_KM = 40.0
SAMPLE_DEG = 0.005  # ~0.5 km between sampled points along an edge


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
        shape = geo.land_shapes.get(node.country)
        if shape is None:
            out.append(
                Problem("node-unknown-country", node.id, f"country {node.country} has no shape")
            )
            continue
        km = point_to_geom_km(Point(node.lon, node.lat), shape)
        tolerance = PORT_APPROACH_KM if node.kind == "port" else SEA_TOLERANCE_KM
        if km > tolerance:
            out.append(
                Problem("node-outside-country", node.id, f"{km:.2f} km outside {node.country}")
            )
    return out


def _ends(geo: Geodata, edge: Edge, kinds: dict[str, object]) -> list[Point]:
    return [Point(geo.node(n).lon, geo.node(n).lat) for n in (edge.u, edge.v) if n in kinds]


def _excursion(geo: Geodata, edge: Edge, x: float, y: float) -> tuple[float, str] | None:
    """How far a point of ``edge`` outside its country is out of bounds (km, and where), or
    None when it is allowed there."""
    pt = Point(x, y)
    crossings = _ends(geo, edge, geo.crossings)  # type: ignore[arg-type]
    if any(distance_km(y, x, e.y, e.x) <= CROSSING_APPROACH_KM for e in crossings):
        return None
    km = point_to_geom_km(pt, geo.land_shapes[edge.country or ""])
    other = geo.land_country_at(y, x)
    if other is not None:
        return (km, other) if km > FOREIGN_TOLERANCE_KM else None
    ports = _ends(geo, edge, geo.ports)  # type: ignore[arg-type]
    if any(distance_km(y, x, e.y, e.x) <= PORT_APPROACH_KM for e in ports):
        return None
    if km <= max(SEA_TOLERANCE_KM, edge.water_km):
        return None  # on the generalised shore, or on a bridge over open water
    return km, "sea"


def edges_in_country(geo: Geodata, edges: Iterable[Edge]) -> list[Problem]:
    """A road or rail edge stays in its country, judged on the full-resolution land layer.

    It may enter a neighbour's land only on the approach to an open crossing at one of its ends
    (:data:`CROSSING_APPROACH_KM`), and go out to sea only by :data:`SEA_TOLERANCE_KM`, near a
    port at one of its ends, or on a bridge over open water (the corridor's ``water_km``).
    """
    out = []
    for edge in edges:
        if edge.country is None:
            continue
        shape = geo.land_shapes[edge.country]
        if shape.contains(edge.geometry):
            continue
        coords = shapely.get_coordinates(shapely.segmentize(edge.geometry, SAMPLE_DEG))
        outside = ~shapely.intersects(shape, shapely.points(coords))
        worst: tuple[float, str, tuple[float, float]] | None = None
        for x, y in coords[outside]:
            found = _excursion(geo, edge, float(x), float(y))
            if found is not None and (worst is None or found[0] > worst[0]):
                worst = (found[0], found[1], (round(float(y), 4), round(float(x), 4)))
        if worst is not None:
            out.append(
                Problem(
                    "edge-leaves-country",
                    edge.id,
                    f"{worst[0]:.2f} km outside {edge.country} at lat,lon {worst[2]} "
                    f"(in {worst[1]})",
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


def terminals_connected(geo: Geodata) -> list[Problem]:
    """A rail terminal is a node that both a road and a railway reach (else nothing transfers)."""
    out = []
    for node_id in geo.terminals:
        modes = {e.mode for e in geo.network.edges_of(node_id)}
        if not {Mode.road, Mode.rail} <= modes:
            out.append(Problem("terminal-one-mode", node_id, f"reached only by {sorted(modes)}"))
    return out


def long_stretches(geo: Geodata, corridors: Iterable[str], max_km: float) -> list[Problem]:
    """Road edges of the given corridors longer than ``max_km`` between two named places."""
    wanted = set(corridors)
    return [
        Problem("long-stretch", e.id, f"{e.km:.0f} km between {e.u} and {e.v}")
        for e in geo.network.edges.values()
        if e.corridor in wanted and e.mode is Mode.road and e.km > max_km
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
    terminals_connected,
]


def run_all(geo: Geodata) -> list[Problem]:
    return [p for check in ALL_CHECKS for p in check(geo)]
