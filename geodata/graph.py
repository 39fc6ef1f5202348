"""The network as one request may use it: a road layer and a rail layer, joined only where a
load can change between lorry and train.

Graph nodes are ``(node id, layer)`` pairs. Road and ferry edges live in the road layer (a lorry
drives onto a Ro-Ro ferry), rail edges in the rail layer. The two layers meet only at a
transshipment point (a port, or a rail freight terminal of ``terminals.csv``), through a transfer
edge that costs :data:`TRANSFER_MINUTES`; so a route never switches mode in the middle of a road,
at a crossing or at a town without a terminal.

Edge weights are minutes for a loaded truck, plus half the dwell of each crossing the edge
touches, plus the vehicle's preference costs (see :mod:`geodata.vehicles`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Protocol

import networkx as nx

from geodata import vehicles
from geodata.layers import Geodata
from geodata.network import Edge
from geodata.places import Snapped, split_edge
from geodata.schema import CrossingStatus, Mode, Vehicle

ROAD, RAIL = "road", "rail"
LAYERS = (ROAD, RAIL)
# Moving a load between lorry and wagon at a terminal or port: waiting for a handling slot,
# unloading and loading, and the consignment papers. Intermodal terminals plan on a few hours
# between a lorry's arrival and the train's departure (and the reverse); three is the middle.
TRANSFER_MINUTES = 180.0
TRANSFER = "transfer:"  # key prefix of transfer edges
_SINK = ("<sink>", "")

GNode = tuple[str, str]
Step = tuple[GNode, GNode, str]


class Request(Protocol):
    """What :func:`request_graph` reads of a route request."""

    @property
    def avoid_countries(self) -> tuple[str, ...]: ...
    @property
    def avoid_crossings(self) -> tuple[str, ...]: ...
    @property
    def modes(self) -> tuple[Mode, ...]: ...
    @property
    def vehicle(self) -> Vehicle: ...


USABLE_FERRY_STATUS = {"operating", "unverified"}


def layer_of(mode: Mode) -> str:
    """The layer of an edge of this mode."""
    return RAIL if mode is Mode.rail else ROAD


def _node_allowed(geo: Geodata, node_id: str, req: Request, ends: frozenset[str]) -> bool:
    node = geo.network.nodes[node_id]
    # A route that starts or ends at a crossing enters only the crossing's first country.
    countries = node.countries[:1] if node_id in ends else node.countries
    if set(countries) & set(req.avoid_countries):
        return False
    crossing = geo.crossings.get(node_id)
    if crossing is None:
        return True
    return (
        crossing.status is CrossingStatus.open
        and node_id not in req.avoid_crossings
        and bool(set(crossing.modes) & set(req.modes))
    )


def _edge_allowed(geo: Geodata, edge: Edge, req: Request) -> bool:
    if edge.restricted is not None or edge.mode not in req.modes:
        return False
    if edge.country is not None and edge.country in req.avoid_countries:
        return False
    if edge.mode is Mode.road:
        if not vehicles.may_drive(req.vehicle, edge.closed_to):
            return False
        # A crossing's freight class describes its road goods traffic (every rail crossing of
        # the data takes freight trains), so the vehicle rules apply to road edges only.
        for end in (edge.u, edge.v):
            crossing = geo.crossings.get(end)
            if crossing is not None and not vehicles.may_cross(req.vehicle, crossing.freight):
                return False
    return edge.mode is not Mode.ferry or geo.ferries[edge.id].status in USABLE_FERRY_STATUS


def _cost(geo: Geodata, edge: Edge, vehicle: Vehicle) -> float:
    cost = edge.minutes
    if edge.u not in geo.crossings and edge.v not in geo.crossings:
        return cost  # most edges: no crossing at either end
    for end in (edge.u, edge.v):
        crossing = geo.crossings.get(end)
        if crossing is not None:
            # Half of the dwell and of the preference on each side of the crossing.
            cost += crossing.truck_dwell_minutes / 2
            if edge.mode is Mode.road:
                cost += vehicles.crossing_penalty(vehicle, crossing.freight) / 2
    return cost


def request_graph(
    geo: Geodata, req: Request, ends: Iterable[Snapped], *, lawful: bool = True
) -> nx.MultiGraph:
    """The layered network as this request may use it, with snapped places spliced in.

    The first two of ``ends`` are the origin and the destination. With ``lawful=False`` (a known
    itinerary, which goes where it goes) only the modes filter: restricted edges, closed or
    non-plannable crossings and the vehicle's rules stay, for the planner to judge; the vehicle's
    preferences still weigh.
    """
    graph = nx.MultiGraph()
    ends_list = list(ends)
    endpoints = frozenset(s.key for s in ends_list[:2])
    nodes = geo.network.nodes
    allowed = {n for n in nodes if not lawful or _node_allowed(geo, n, req, endpoints)}
    edges: list[Edge] = [
        e
        for e in geo.network.edges.values()
        if e.u in allowed
        and e.v in allowed
        and (_edge_allowed(geo, e, req) if lawful else e.mode in req.modes)
    ]
    for snapped in ends_list:
        if snapped.edge is not None:
            edges += [p for p in split_edge(snapped) if p.v in allowed]
    for e in edges:
        layer = layer_of(e.mode)
        graph.add_edge(
            (e.u, layer), (e.v, layer), key=e.id, edge=e, weight=_cost(geo, e, req.vehicle)
        )
    for node_id in sorted(set(geo.ports) | set(geo.terminals)):
        if (node_id, ROAD) in graph and (node_id, RAIL) in graph:
            graph.add_edge(
                (node_id, ROAD),
                (node_id, RAIL),
                key=f"{TRANSFER}{node_id}",
                edge=None,
                weight=TRANSFER_MINUTES,
            )
    return graph


def in_graph(graph: nx.MultiGraph, node_id: str) -> bool:
    """Whether the request graph has the node in any layer."""
    return any((node_id, layer) in graph for layer in LAYERS)


def shortest(graph: nx.MultiGraph, stops: Sequence[str]) -> list[Step]:
    """Steps ``(from, to, edge key)`` through ``stops`` in order, by the ``weight`` attribute.

    The first stop may be left in any layer; every later stop is left in the layer it was
    reached in (a via place is not a terminal unless the graph has a transfer edge there).
    """
    steps: list[Step] = []
    layer: str | None = None
    for a, b in itertools.pairwise(stops):
        if a == b:
            continue
        starts = {
            (a, lay) for lay in LAYERS if (a, lay) in graph and (layer is None or lay == layer)
        }
        targets = [(b, lay) for lay in LAYERS if (b, lay) in graph]
        if not starts or not targets:
            raise nx.NetworkXNoPath(f"no way from {a} to {b}")
        for target in targets:
            graph.add_edge(target, _SINK, key="sink", weight=0.0)
        try:
            _, path = nx.multi_source_dijkstra(graph, starts, target=_SINK, weight=_min_weight)
        finally:
            graph.remove_node(_SINK)
        path = path[:-1]
        layer = path[-1][1]
        steps += [(u, v, _cheapest_key(graph, u, v)) for u, v in itertools.pairwise(path)]
    return steps


def _cheapest_key(graph: nx.MultiGraph, u: GNode, v: GNode) -> str:
    options: dict[str, dict[str, float]] = graph[u][v]
    return min(options, key=lambda k: options[k]["weight"])


def _min_weight(u: GNode, v: GNode, data: dict[str, dict[str, float]]) -> float:
    return min(attrs["weight"] for attrs in data.values())
