"""Vehicles: freight classes of crossings, preferences, roads closed to trucks, and where road
and rail may meet."""

from __future__ import annotations

import pytest

from geodata import (
    Freight,
    Geodata,
    Mode,
    NoRouteError,
    RouteRequest,
    Vehicle,
    best_routes,
    vehicles,
)
from geodata.graph import RAIL, ROAD, TRANSFER, TRANSFER_MINUTES, request_graph
from geodata.places import resolve
from geodata.routing import Route


def _route(geo: Geodata, **kw: object) -> Route:
    return best_routes(geo, RouteRequest(**kw))[0]  # type: ignore[arg-type]


def _crossings(route: Route) -> list[str]:
    return [c.id for c in route.crossings]


def test_every_crossing_has_a_freight_class_with_its_source(geo: Geodata) -> None:
    for c in geo.crossings.values():
        assert isinstance(c.freight, Freight), c.id
        assert c.freight_source, c.id
    classes = {c.freight for c in geo.crossings.values()}
    assert classes == set(Freight)


def test_the_rules_live_in_one_table() -> None:
    assert not vehicles.may_cross(Vehicle.truck, Freight.none)
    assert not vehicles.may_cross(Vehicle.van, Freight.none)
    assert vehicles.may_cross(Vehicle.car, Freight.none)
    assert vehicles.may_cross(Vehicle.bus, Freight.none)
    assert vehicles.crossing_penalty(Vehicle.truck, Freight.limited) > 0
    assert vehicles.crossing_penalty(Vehicle.truck, Freight.main) == 0
    assert vehicles.crossing_penalty(Vehicle.car, Freight.limited) == 0
    assert not vehicles.may_drive(Vehicle.truck, {Vehicle.truck})


def test_the_request_takes_a_vehicle_by_name_and_defaults_to_truck() -> None:
    assert RouteRequest(origin="a", destination="b").vehicle is Vehicle.truck
    assert RouteRequest(origin="a", destination="b", vehicle="car").vehicle is Vehicle.car  # type: ignore[arg-type]


def test_istanbul_belgrade_without_bulgaria_takes_ipsala_and_evzoni(geo: Geodata) -> None:
    route = _route(geo, origin="TUR-istanbul", destination="SRB-belgrade", avoid_countries=("BGR",))
    assert _crossings(route)[:2] == ["TUR-GRC-ipsala", "GRC-MKD-evzoni"]
    assert "GRC-MKD-doirani" not in _crossings(route)


@pytest.mark.parametrize(
    ("destination", "expected"),
    [("BGR-sofia", "TUR-BGR-kapikule"), ("GRC-thessaloniki", "TUR-GRC-ipsala")],
)
def test_trucks_prefer_the_main_gates(geo: Geodata, destination: str, expected: str) -> None:
    route = _route(geo, origin="TUR-istanbul", destination=destination)
    assert _crossings(route)[0] == expected
    assert not {"TUR-GRC-pazarkule", "TUR-BGR-derekoy"} & set(_crossings(route))


def test_a_truck_never_uses_a_passenger_crossing(geo: Geodata) -> None:
    # Edirne to Orestiada by road without Bulgaria and Ipsala: only Pazarkule - Kastanies is
    # left, which takes passengers only.
    blocked: dict[str, object] = {
        "origin": "TUR-edirne",
        "destination": "GRC-orestiada",
        "avoid_countries": ("BGR",),
        "avoid_crossings": ("TUR-GRC-ipsala",),
        "modes": (Mode.road,),
    }
    with pytest.raises(NoRouteError):
        _route(geo, **blocked)
    car = _route(geo, **blocked, vehicle=Vehicle.car)
    assert _crossings(car) == ["TUR-GRC-pazarkule"]
    for destination in ("BGR-sofia", "GRC-thessaloniki", "BGR-burgas", "ROU-bucharest"):
        route = _route(geo, origin="TUR-istanbul", destination=destination)
        assert all(geo.crossings[c].freight is not Freight.none for c in _crossings(route))


def test_trucks_cross_the_bosphorus_on_the_northern_motorway(geo: Geodata) -> None:
    truck = _route(geo, origin="TUR-istanbul", destination="TUR-ankara")
    car = _route(geo, origin="TUR-istanbul", destination="TUR-ankara", vehicle=Vehicle.car)
    corridors = {geo.network.edges[leg.edge].corridor for leg in truck.legs}
    assert "TUR-o7-odayeri-yss-kurtkoy" in corridors
    assert "TUR-istanbul-fsm-bridge" not in corridors
    assert "TUR-istanbul-fsm-bridge" in {geo.network.edges[leg.edge].corridor for leg in car.legs}
    port_to_port = _route(geo, origin="TUR-ambarli", destination="TUR-haydarpasa")
    assert "TUR-j-odayeri" in port_to_port.nodes


def test_road_and_rail_meet_only_at_ports_and_terminals(geo: Geodata) -> None:
    req = RouteRequest(origin="BGR-sofia", destination="HUN-budapest", modes=(Mode.road, Mode.rail))
    ends = [resolve(geo, req.origin), resolve(geo, req.destination)]  # type: ignore[arg-type]
    graph = request_graph(geo, req, ends)
    for (u, lu), (v, lv), key in graph.edges(keys=True):
        if lu != lv:
            assert key.startswith(TRANSFER), key
            assert u == v and geo.is_transshipment(u), u
            assert {lu, lv} == {ROAD, RAIL}


def test_a_change_of_mode_costs_the_transfer_time(geo: Geodata) -> None:
    # Kesan has no railway and Medias (on the Brasov - Teius line) no modelled road: the load
    # must change from lorry to train, at a terminal.
    route = _route(geo, origin="TUR-kesan", destination="ROU-medias", modes=(Mode.road, Mode.rail))
    assert route.transfers
    switches = [
        (a, b) for a, b in zip(route.legs, route.legs[1:], strict=False) if a.mode is not b.mode
    ]
    assert switches
    for _, after in switches:
        assert geo.is_transshipment(after.from_node)
        assert after.transfer_minutes == TRANSFER_MINUTES
    moving = sum(leg.minutes for leg in route.legs)
    assert route.hours * 60 >= moving + TRANSFER_MINUTES * len(route.transfers) - 1
