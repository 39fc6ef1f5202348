"""Best lawful routes, and diverse alternatives, over the corridor network.

A route is the fastest chain of legs for a loaded truck (border dwell included), through the
``via`` places in order, that never uses a closed or non-plannable crossing, an avoided country or
crossing, a mode that is not allowed, or an edge entering an area without a cooperating authority.
Alternatives come from the penalty method: the edges of each route found are made dearer and the
search runs again; a new route is kept only when it differs enough and is not absurdly longer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field
from shapely.geometry import LineString, mapping

from geodata._errors import NoRouteError
from geodata.layers import Geodata
from geodata.network import Edge
from geodata.places import Coordinates, Place, Snapped, node_place, resolve, split_edge
from geodata.schema import CrossingStatus, Mode

PENALTY = 1.6  # weight multiplier on the edges of routes already found
MAX_STRETCH = 1.6  # an alternative may take at most this many times the best route's time
MAX_OVERLAP = 0.8  # share of km an alternative may have in common with a route already kept
USABLE_FERRY_STATUS = {"operating", "unverified"}


class RouteRequest(BaseModel):
    """What to route. Places are node ids or coordinates."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    origin: str | Coordinates = Field(description="Start: a node id or coordinates")
    destination: str | Coordinates = Field(description="End: a node id or coordinates")
    via: tuple[str | Coordinates, ...] = Field(default=(), description="Places passed, in order")
    avoid_countries: tuple[str, ...] = Field(default=(), description="ISO3 codes never entered")
    avoid_crossings: tuple[str, ...] = Field(default=(), description="Crossing ids never used")
    modes: tuple[Mode, ...] = Field(default=(Mode.road, Mode.ferry), description="Allowed modes")
    alternatives: int = Field(default=1, ge=1, le=10, description="How many routes at most")


class Leg(BaseModel):
    """One edge of a route, walked in the route's direction."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    edge: str = Field(description="Edge id in the network")
    from_node: str = Field(description="Node id (or snapped place id) where the leg starts")
    to_node: str = Field(description="Node id (or snapped place id) where the leg ends")
    mode: Mode
    country: str | None = Field(description="ISO3 of the leg; None at sea")
    km: float = Field(description="Length, km")
    minutes: float = Field(description="Typical travel time, minutes")
    minutes_max: float | None = Field(default=None, description="Longest typical time (ferries)")
    coordinates: list[tuple[float, float]] = Field(description="Geometry as [lon, lat] pairs")


class Route(BaseModel):
    """A route as ``cdplan route --json`` prints it (SPEC §5), plus its legs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    origin: Place
    destination: Place
    countries: list[str] = Field(description="ISO3 codes in the order entered")
    crossings: list[Place] = Field(description="Border crossings used, in order")
    length_km: float = Field(description="Total length, km")
    hours: float = Field(description="Travel time including typical border dwell, hours")
    geometry: dict[str, object] = Field(description="GeoJSON LineString, EPSG:4326")
    nodes: list[str] = Field(description="Node ids passed, in order")
    legs: list[Leg] = Field(description="Legs in order")


def _node_allowed(
    geo: Geodata, node_id: str, req: RouteRequest, ends: frozenset[str] = frozenset()
) -> bool:
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


def _edge_allowed(geo: Geodata, edge: Edge, req: RouteRequest) -> bool:
    if edge.restricted is not None or edge.mode not in req.modes:
        return False
    if edge.country is not None and edge.country in req.avoid_countries:
        return False
    return edge.mode is not Mode.ferry or geo.ferries[edge.id].status in USABLE_FERRY_STATUS


def _graph(
    geo: Geodata, req: RouteRequest, ends: Iterable[Snapped], *, lawful: bool = True
) -> nx.MultiGraph:
    """The network as this request may use it, with snapped places spliced in.

    With ``lawful=False`` (a known itinerary, which goes where it goes) only the modes filter:
    restricted edges and closed or non-plannable crossings stay, for the planner to judge.
    """
    graph = nx.MultiGraph()
    ends_list = list(ends)
    # The first two are the origin and the destination (see best_routes).
    endpoints = frozenset(s.key for s in ends_list[:2])
    allowed = {n for n in geo.network.nodes if not lawful or _node_allowed(geo, n, req, endpoints)}
    graph.add_nodes_from(allowed)
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
        dwell = sum(
            geo.crossings[n].truck_dwell_minutes / 2 for n in (e.u, e.v) if n in geo.crossings
        )
        graph.add_edge(e.u, e.v, key=e.id, edge=e, weight=e.minutes + dwell)
    return graph


def _shortest(graph: nx.MultiGraph, stops: Sequence[str]) -> list[tuple[str, str, str]]:
    """(from, to, edge key) triples through ``stops`` in order, by the ``weight`` attribute."""
    steps: list[tuple[str, str, str]] = []
    for a, b in itertools.pairwise(stops):
        if a == b:
            continue
        path = nx.dijkstra_path(graph, a, b, weight=_min_weight)
        for u, v in itertools.pairwise(path):
            key = _cheapest_key(graph, u, v)
            steps.append((u, v, key))
    return steps


def _cheapest_key(graph: nx.MultiGraph, u: str, v: str) -> str:
    options: dict[str, dict[str, float]] = graph[u][v]
    return min(options, key=lambda k: options[k]["weight"])


def _min_weight(u: str, v: str, data: dict[str, dict[str, float]]) -> float:
    return min(attrs["weight"] for attrs in data.values())


def _route(
    geo: Geodata,
    graph: nx.MultiGraph,
    steps: list[tuple[str, str, str]],
    origin: Place,
    destination: Place,
) -> Route:
    legs: list[Leg] = []
    coords: list[tuple[float, float]] = []
    countries: list[str] = []
    nodes = [origin.id]
    crossings: list[Place] = []
    minutes = 0.0
    for u, v, key in steps:
        edge: Edge = graph[u][v][key]["edge"]
        line = edge.oriented(u)
        pts = [(round(x, 5), round(y, 5)) for x, y in line.coords]
        coords += pts if not coords else pts[1:]
        legs.append(
            Leg(
                edge=edge.id,
                from_node=u,
                to_node=v,
                mode=edge.mode,
                country=edge.country,
                km=edge.km,
                minutes=edge.minutes,
                minutes_max=edge.minutes_max,
                coordinates=pts,
            )
        )
        minutes += edge.minutes
        if edge.country is not None and (not countries or countries[-1] != edge.country):
            countries.append(edge.country)
        if v in geo.crossings:
            crossings.append(node_place(geo, v))
            minutes += geo.crossings[v].truck_dwell_minutes
        elif edge.mode is Mode.ferry:
            port_country = geo.network.nodes[v].country
            if countries[-1:] != [port_country]:
                countries.append(port_country)
        nodes.append(v)
    if not countries:
        countries = [origin.country]
    return Route(
        origin=origin,
        destination=destination,
        countries=countries,
        crossings=crossings,
        length_km=round(sum(leg.km for leg in legs), 1),
        hours=round(minutes / 60.0, 2),
        geometry=dict(mapping(LineString(coords)))
        if len(coords) > 1
        else {"type": "LineString", "coordinates": []},
        nodes=nodes,
        legs=legs,
    )


def _overlap(
    a: list[tuple[str, str, str]], b: list[tuple[str, str, str]], km: dict[str, float]
) -> float:
    keys_a, keys_b = {k for _, _, k in a}, {k for _, _, k in b}
    total = min(sum(km[k] for k in keys_a), sum(km[k] for k in keys_b)) or 1.0
    return sum(km[k] for k in keys_a & keys_b) / total


def best_routes(geo: Geodata, req: RouteRequest) -> list[Route]:
    """The best route first, then up to ``alternatives - 1`` diverse alternatives.

    Raises :class:`NoRouteError` (naming what blocks it) when no lawful route exists.
    """
    modes = tuple(m for m in req.modes if m is not Mode.ferry) or (Mode.road,)
    origin = resolve(geo, req.origin, field="origin", modes=modes)
    destination = resolve(geo, req.destination, field="destination", modes=modes)
    via = [resolve(geo, p, field=f"via[{i}]", modes=modes) for i, p in enumerate(req.via)]
    for snapped, field in [(origin, "origin"), (destination, "destination")] + [
        (v, f"via[{i}]") for i, v in enumerate(via)
    ]:
        if snapped.place.country in req.avoid_countries:
            raise NoRouteError(
                f"{field} lies in {snapped.place.country}, which is to be avoided",
                field=field,
                hint="remove it from avoid.countries",
            )
    graph = _graph(geo, req, [origin, destination, *via])
    stops = [origin.key, *(v.key for v in via), destination.key]
    for stop, field in zip(
        stops, ["origin", *[f"via[{i}]" for i in range(len(via))], "destination"], strict=True
    ):
        if stop not in graph:
            raise NoRouteError(
                f"{field} cannot be used under these constraints (closed, avoided or "
                "not plannable)",
                field=field,
            )
    try:
        best = _shortest(graph, stops)
    except nx.NetworkXNoPath as exc:
        raise NoRouteError(
            "no lawful route joins these places with the allowed modes and avoidances",
            field="route",
            hint="allow more modes, avoid fewer countries or crossings",
        ) from exc
    km = {k: d["edge"].km for _, _, k, d in graph.edges(keys=True, data=True)}
    weight = {k: d["weight"] for _, _, k, d in graph.edges(keys=True, data=True)}
    best_time = sum(weight[k] for _, _, k in best)
    kept, last = [best], best
    for _ in range(req.alternatives * 4):
        if len(kept) >= req.alternatives:
            break
        for u, v, k in last:
            graph[u][v][k]["weight"] *= PENALTY
        try:
            candidate = _shortest(graph, stops)
        except nx.NetworkXNoPath:
            break
        last = candidate
        if sum(weight[k] for _, _, k in candidate) > best_time * MAX_STRETCH:
            break
        if all(_overlap(candidate, other, km) <= MAX_OVERLAP for other in kept):
            kept.append(candidate)
    for _, _, k, d in graph.edges(keys=True, data=True):
        d["weight"] = weight[k]
    return [_route(geo, graph, steps, origin.place, destination.place) for steps in kept]


def itinerary(geo: Geodata, places: Sequence[str | Coordinates], modes: Sequence[Mode]) -> Route:
    """A known itinerary through ``places`` in order, over the whole network.

    Unlike :func:`best_routes` it does not avoid restricted areas or closed crossings: the
    shipment goes where it goes, and the caller judges whether that is lawful.
    """
    req = RouteRequest(
        origin=places[0], destination=places[-1], via=tuple(places[1:-1]), modes=tuple(modes)
    )
    land = tuple(m for m in req.modes if m is not Mode.ferry) or (Mode.road,)
    snapped = [
        resolve(geo, p, field=f"waypoints[{i}]", modes=land, allow_restricted=True)
        for i, p in enumerate(places)
    ]
    graph = _graph(geo, req, snapped, lawful=False)
    steps: list[tuple[str, str, str]] = []
    try:
        for a, b in itertools.pairwise([s.key for s in snapped]):
            # Two ports joined by a ferry line: the itinerary sails, whatever is faster by road.
            ferry = [
                k
                for k, d in graph.get_edge_data(a, b, default={}).items()
                if d["edge"].mode is Mode.ferry
            ]
            steps += [(a, b, ferry[0])] if ferry else _shortest(graph, [a, b])
    except nx.NetworkXNoPath as exc:
        raise NoRouteError(
            "the waypoints cannot be joined with the allowed modes", field="route.waypoints"
        ) from exc
    return _route(geo, graph, steps, snapped[0].place, snapped[-1].place)


def travel_minutes_from(
    geo: Geodata, node_id: str, *, country: str, speedup: float = 1.25
) -> dict[str, float]:
    """Driving minutes by car from a node to every node reachable inside one country."""
    graph = nx.MultiGraph()
    for e in geo.network.edges.values():
        if e.country == country and e.restricted is None and e.mode is Mode.road:
            graph.add_edge(e.u, e.v, key=e.id, weight=e.minutes / speedup)
    if node_id not in graph:
        return {node_id: 0.0}
    return dict(nx.single_source_dijkstra_path_length(graph, node_id, weight=_min_weight))
