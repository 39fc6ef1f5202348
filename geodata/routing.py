"""Best lawful routes, and diverse alternatives, over the corridor network.

A route is the fastest chain of legs for the request's vehicle (a loaded truck by default; border
dwell included), through the ``via`` places in order, that never uses a closed or non-plannable
crossing, an avoided country or crossing, a mode that is not allowed, a crossing or road the
vehicle may not use (see :mod:`geodata.vehicles`), or an edge entering an area without a
cooperating authority. Road and rail meet only at ports and rail terminals (see
:mod:`geodata.graph`).
Alternatives come from the penalty method: the edges of each route found are made dearer and the
search runs again; a new route is kept only when it differs enough and is not absurdly longer.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field
from shapely.geometry import LineString, mapping

from geodata._errors import NoRouteError
from geodata.graph import (
    ROAD,
    TRANSFER,
    TRANSFER_MINUTES,
    Step,
    in_graph,
    request_graph,
    shortest,
)
from geodata.layers import Geodata
from geodata.network import Edge
from geodata.places import Coordinates, Place, node_place, resolve
from geodata.schema import Mode, Vehicle

PENALTY = 1.6  # weight multiplier on the edges of routes already found
MAX_STRETCH = 1.6  # an alternative may take at most this many times the best route's time
MAX_OVERLAP = 0.8  # share of km an alternative may have in common with a route already kept


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
    vehicle: Vehicle = Field(
        default=Vehicle.truck,
        strict=False,
        description="Road vehicle: truck, van, car or bus (decides crossings and roads)",
    )


class Leg(BaseModel):
    """One edge of a route, walked in the route's direction."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    edge: str = Field(description="Edge id in the network (a piece of one: see base_edge)")
    base_edge: str = Field(
        default="", description="The network edge this leg runs on (its id before any split)"
    )
    waypoint_leg: int | None = Field(
        default=None, description="A known itinerary: which pair of waypoints the leg joins, 0..n-2"
    )
    from_node: str = Field(description="Node id (or snapped place id) where the leg starts")
    to_node: str = Field(description="Node id (or snapped place id) where the leg ends")
    mode: Mode
    country: str | None = Field(description="ISO3 of the leg; None at sea")
    km: float = Field(description="Length, km")
    minutes: float = Field(description="Typical travel time, minutes")
    minutes_max: float | None = Field(default=None, description="Longest typical time (ferries)")
    transfer_minutes: float = Field(
        default=0.0, description="Time moving the load between road and rail before this leg"
    )
    coordinates: list[tuple[float, float]] = Field(description="Geometry as [lon, lat] pairs")


class Route(BaseModel):
    """A route as ``cdplan route --json`` prints it, plus its legs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    origin: Place
    destination: Place
    countries: list[str] = Field(description="ISO3 codes in the order entered")
    crossings: list[Place] = Field(description="Border crossings used, in order")
    transfers: list[Place] = Field(
        default_factory=list, description="Ports or terminals where the load changes mode"
    )
    length_km: float = Field(description="Total length, km")
    hours: float = Field(description="Travel time including typical border dwell, hours")
    geometry: dict[str, object] = Field(description="GeoJSON LineString, EPSG:4326")
    nodes: list[str] = Field(description="Node ids passed, in order")
    legs: list[Leg] = Field(description="Legs in order")


def _route(
    geo: Geodata,
    graph: nx.MultiGraph,
    steps: list[Step],
    origin: Place,
    destination: Place,
    tags: Sequence[int] | None = None,
) -> Route:
    legs: list[Leg] = []
    coords: list[tuple[float, float]] = []
    countries: list[str] = []
    nodes = [origin.id]
    crossings: list[Place] = []
    transfers: list[Place] = []
    minutes = 0.0
    waiting = 0.0  # transfer time not yet given to a leg
    for n, (gu, gv, key) in enumerate(steps):
        u, v = gu[0], gv[0]
        if key.startswith(TRANSFER):
            transfers.append(node_place(geo, u))
            waiting += TRANSFER_MINUTES
            minutes += TRANSFER_MINUTES
            continue
        edge: Edge = graph[gu][gv][key]["edge"]
        line = edge.oriented(u)
        pts = [(round(x, 5), round(y, 5)) for x, y in line.coords]
        coords += pts if not coords else pts[1:]
        legs.append(
            Leg(
                edge=edge.id,
                base_edge=edge.base_id,
                from_node=u,
                to_node=v,
                mode=edge.mode,
                country=edge.country,
                km=edge.km,
                minutes=edge.minutes,
                minutes_max=edge.minutes_max,
                transfer_minutes=waiting,
                coordinates=pts,
                waypoint_leg=None if tags is None else tags[n],
            )
        )
        waiting = 0.0
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
        transfers=transfers,
        length_km=round(sum(leg.km for leg in legs), 1),
        hours=round(minutes / 60.0, 2),
        geometry=dict(mapping(LineString(coords)))
        if len(coords) > 1
        else {"type": "LineString", "coordinates": []},
        nodes=nodes,
        legs=legs,
    )


def _overlap(a: list[Step], b: list[Step], km: dict[str, float]) -> float:
    keys_a, keys_b = {k for _, _, k in a}, {k for _, _, k in b}
    total = min(sum(km[k] for k in keys_a), sum(km[k] for k in keys_b)) or 1.0
    return sum(km[k] for k in keys_a & keys_b) / total


def _land_modes(modes: Sequence[Mode]) -> tuple[Mode, ...]:
    return tuple(m for m in modes if m is not Mode.ferry) or (Mode.road,)


def best_routes(geo: Geodata, req: RouteRequest) -> list[Route]:
    """The best route first, then up to ``alternatives - 1`` diverse alternatives.

    Raises :class:`NoRouteError` (naming what blocks it) when no lawful route exists.
    """
    modes = _land_modes(req.modes)
    origin = resolve(geo, req.origin, field="origin", modes=modes)
    destination = resolve(geo, req.destination, field="destination", modes=modes)
    via = [resolve(geo, p, field=f"via[{i}]", modes=modes) for i, p in enumerate(req.via)]
    fields = ["origin", "destination", *[f"via[{i}]" for i in range(len(via))]]
    for snapped, field in zip([origin, destination, *via], fields, strict=True):
        if snapped.place.country in req.avoid_countries:
            raise NoRouteError(
                f"{field} lies in {snapped.place.country}, which is to be avoided",
                field=field,
                hint="remove it from avoid.countries",
            )
    graph = request_graph(geo, req, [origin, destination, *via])
    stops = [origin.key, *(v.key for v in via), destination.key]
    for stop, field in zip(
        stops, ["origin", *[f"via[{i}]" for i in range(len(via))], "destination"], strict=True
    ):
        if not in_graph(graph, stop):
            raise NoRouteError(
                f"{field} cannot be used under these constraints (closed, avoided, not "
                f"plannable or closed to a {req.vehicle.value})",
                field=field,
            )
    try:
        best = shortest(graph, stops)
    except nx.NetworkXNoPath as exc:
        raise NoRouteError(
            "no lawful route joins these places with the allowed modes, vehicle and avoidances",
            field="route",
            hint="allow more modes, avoid fewer countries or crossings",
        ) from exc
    kept = [best]
    if req.alternatives > 1:
        _add_alternatives(graph, stops, kept, req.alternatives)
    return [_route(geo, graph, steps, origin.place, destination.place) for steps in kept]


def _add_alternatives(
    graph: nx.MultiGraph, stops: list[str], kept: list[list[Step]], n: int
) -> None:
    """Append up to ``n - 1`` diverse alternatives to ``kept`` (the penalty method)."""
    edges = list(graph.edges(keys=True, data=True))
    km = {k: (d["edge"].km if d["edge"] else 0.0) for _, _, k, d in edges}
    weight = {k: d["weight"] for _, _, k, d in edges}
    best_time = sum(weight[k] for _, _, k in kept[0])
    last = kept[0]
    for _ in range(n * 4):
        if len(kept) >= n:
            break
        for u, v, k in last:
            graph[u][v][k]["weight"] *= PENALTY
        try:
            candidate = shortest(graph, stops)
        except nx.NetworkXNoPath:
            break
        last = candidate
        if sum(weight[k] for _, _, k in candidate) > best_time * MAX_STRETCH:
            break
        if all(_overlap(candidate, other, km) <= MAX_OVERLAP for other in kept):
            kept.append(candidate)
    for _, _, k, d in edges:
        d["weight"] = weight[k]


def itinerary(
    geo: Geodata,
    places: Sequence[str | Coordinates],
    modes: Sequence[Mode],
    *,
    vehicle: Vehicle = Vehicle.truck,
    avoid_countries: Sequence[str] = (),
    avoid_crossings: Sequence[str] = (),
) -> Route:
    """A known itinerary through ``places`` in order: the order is never changed.

    Each leg between two consecutive places takes the best lawful way: it avoids
    ``avoid_countries``, ``avoid_crossings``, restricted areas, closed crossings and what the
    vehicle may not use, and two ports joined by a usable ferry line are sailed. Where no lawful
    way joins two places the leg goes where it must, over the whole network, and the caller judges
    it: every leg carries the index of its pair of places (``waypoint_leg``) so a reason can name
    it.
    """
    req = RouteRequest(
        origin=places[0],
        destination=places[-1],
        via=tuple(places[1:-1]),
        modes=tuple(modes),
        vehicle=vehicle,
        avoid_countries=tuple(avoid_countries),
        avoid_crossings=tuple(avoid_crossings),
    )
    land = _land_modes(req.modes)
    snapped = [
        resolve(geo, p, field=f"waypoints[{i}]", modes=land, allow_restricted=True)
        for i, p in enumerate(places)
    ]
    lawful = request_graph(geo, req, snapped, lawful=True)
    anyway = request_graph(geo, req, snapped, lawful=False)
    steps: list[Step] = []
    tags: list[int] = []
    for k, (a, b) in enumerate(itertools.pairwise([s.key for s in snapped])):
        leg = _itinerary_leg(lawful, a, b)
        if leg is None:
            leg = _itinerary_leg(anyway, a, b)
        if leg is None:
            raise NoRouteError(
                f"leg {k + 1} of the waypoints cannot be joined with the allowed modes",
                field=f"route.waypoints[{k + 1}]",
            )
        steps += leg
        tags += [k] * len(leg)
    return _route(geo, anyway, steps, snapped[0].place, snapped[-1].place, tags)


def _itinerary_leg(graph: nx.MultiGraph, a: str, b: str) -> list[Step] | None:
    """The steps from ``a`` to ``b`` in ``graph``: the ferry line when both are ports joined by
    one (whatever is faster by road), else the best way; None when they are not joined."""
    ends = ((a, ROAD), (b, ROAD))
    ferry = [
        k
        for k, d in graph.get_edge_data(*ends, default={}).items()
        if d["edge"] is not None and d["edge"].mode is Mode.ferry
    ]
    if ferry:
        return [(*ends, ferry[0])]
    if not (in_graph(graph, a) and in_graph(graph, b)):
        return None
    try:
        return shortest(graph, [a, b])
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None


def travel_minutes_from(
    geo: Geodata, node_id: str, *, country: str, speedup: float
) -> dict[str, float]:
    """Driving minutes from a node to every node reachable inside one country.

    ``speedup`` is how much faster than the network's truck times the vehicle drives (the
    planner's car is ``planner.constants.CAR_SPEEDUP``).
    """
    graph = nx.MultiGraph()
    for e in geo.network.edges.values():
        if e.country == country and e.restricted is None and e.mode is Mode.road:
            graph.add_edge(e.u, e.v, key=e.id, weight=e.minutes / speedup)
    if node_id not in graph:
        return {node_id: 0.0}
    return dict(nx.single_source_dijkstra_path_length(graph, node_id, weight=_min_weight))


def _min_weight(u: str, v: str, data: dict[str, dict[str, float]]) -> float:
    return min(attrs["weight"] for attrs in data.values())
