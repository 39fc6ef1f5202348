"""Routing: lawful routes, avoidances, via, modes, alternatives, and the named errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from geodata import (
    Geodata,
    Mode,
    NoRouteError,
    PlaceInRestrictedAreaError,
    PlaceNotOnLandError,
    RouteRequest,
    UnknownPlaceError,
    best_routes,
)
from geodata.places import Coordinates
from geodata.schema import CrossingStatus


def _route(geo: Geodata, **kw: object):  # type: ignore[no-untyped-def]
    return best_routes(geo, RouteRequest(**kw))  # type: ignore[arg-type]


def test_chisinau_to_odesa_goes_around_transnistria(geo: Geodata) -> None:
    route = _route(geo, origin="MDA-chisinau", destination="UKR-odesa")[0]
    line = shape(route.geometry)
    assert not line.intersects(geo.restricted_shapes["transnistria"])
    assert [c.id for c in route.crossings] == ["MDA-UKR-palanca"]
    assert route.countries == ["MDA", "UKR"]


def test_restricted_edges_exist_but_are_never_used(geo: Geodata) -> None:
    blocked = {e.id for e in geo.network.edges.values() if e.restricted}
    assert blocked
    route = _route(geo, origin="RUS-sochi-city", destination="GEO-tbilisi", modes=(Mode.road,))[0]
    assert not blocked & {leg.edge for leg in route.legs}
    assert "GEO-RUS-larsi" in [c.id for c in route.crossings]


def test_avoid_country_is_honoured(geo: Geodata) -> None:
    plain = _route(geo, origin="TUR-istanbul", destination="SRB-belgrade")[0]
    assert "BGR" in plain.countries
    around = _route(
        geo, origin="TUR-istanbul", destination="SRB-belgrade", avoid_countries=("BGR",)
    )[0]
    assert "BGR" not in around.countries
    assert around.length_km > plain.length_km


def test_avoid_crossing_is_honoured(geo: Geodata) -> None:
    plain = _route(geo, origin="TUR-istanbul", destination="BGR-sofia")[0]
    first = plain.crossings[0].id
    other = _route(geo, origin="TUR-istanbul", destination="BGR-sofia", avoid_crossings=(first,))[0]
    assert first not in [c.id for c in other.crossings]


def test_via_places_are_passed_in_order(geo: Geodata) -> None:
    route = _route(
        geo, origin="TUR-istanbul", destination="SRB-belgrade", via=("GRC-thessaloniki",)
    )[0]
    assert "GRC-thessaloniki" in route.nodes
    assert route.countries[:2] == ["TUR", "GRC"]


def test_alternatives_are_distinct_and_not_better(geo: Geodata) -> None:
    routes = _route(geo, origin="TUR-istanbul", destination="SRB-belgrade", alternatives=3)
    assert len(routes) >= 2
    keys = [tuple(leg.edge for leg in r.legs) for r in routes]
    assert len(set(keys)) == len(keys)
    assert all(r.hours >= routes[0].hours - 1e-6 for r in routes)


def test_ferry_route_needs_the_ferry_mode(geo: Geodata) -> None:
    # Around the Black Sea by land is faster than the 60 h ferry; without Romania and Moldova
    # only the ferry is left.
    land = ("MDA", "ROU", "HUN", "POL", "SVK")
    by_sea = _route(
        geo,
        origin="UKR-chornomorsk",
        destination="GEO-batumi",
        modes=(Mode.road, Mode.ferry),
        avoid_countries=land,
    )[0]
    assert [leg.mode for leg in by_sea.legs if leg.mode is Mode.ferry] == [Mode.ferry]
    assert by_sea.hours >= 48
    with pytest.raises(NoRouteError):
        _route(
            geo,
            origin="UKR-chornomorsk",
            destination="GEO-batumi",
            modes=(Mode.road,),
            avoid_countries=land,
        )


def test_coordinates_are_snapped_to_the_network(geo: Geodata) -> None:
    route = _route(
        geo,
        origin=Coordinates(lat=41.6168, lon=41.6367, name="Batumi"),
        destination=Coordinates(lat=42.6977, lon=23.3219, name="Sofia"),
    )[0]
    assert route.origin.country == "GEO" and route.destination.country == "BGR"
    assert route.countries[0] == "GEO" and route.countries[-1] == "BGR"


def test_named_errors(geo: Geodata) -> None:
    with pytest.raises(UnknownPlaceError, match="origin"):
        _route(geo, origin="XXX-nowhere", destination="BGR-sofia")
    with pytest.raises(PlaceNotOnLandError, match="destination"):
        _route(geo, origin="BGR-sofia", destination=Coordinates(lat=43.0, lon=34.0))
    with pytest.raises(PlaceInRestrictedAreaError, match="Abkhazia"):
        _route(
            geo, origin=Coordinates(lat=43.0, lon=41.02, name="Sukhumi"), destination="GEO-tbilisi"
        )
    with pytest.raises(NoRouteError):
        _route(geo, origin="TUR-istanbul", destination="BGR-sofia", avoid_countries=("BGR",))


BSEC_CAPITALS = [
    "ALB-tirana",
    "ARM-yerevan",
    "AZE-baku",
    "BGR-sofia",
    "GEO-tbilisi",
    "GRC-athens",
    "MDA-chisinau",
    "MKD-skopje",
    "ROU-bucharest",
    "SRB-belgrade",
    "TUR-ankara",
    "UKR-kyiv",
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pair=st.tuples(st.sampled_from(BSEC_CAPITALS), st.sampled_from(BSEC_CAPITALS)).filter(
        lambda p: p[0] != p[1]
    )
)
def test_any_route_is_lawful(geo: Geodata, pair: tuple[str, str]) -> None:
    """Any route: open crossings only, a crossing at every change of country, no restricted edge."""
    route = _route(geo, origin=pair[0], destination=pair[1])[0]
    for leg in route.legs:
        assert (
            geo.network.edges[leg.edge].restricted is None
            if leg.edge in geo.network.edges
            else True
        )
    for c in route.crossings:
        assert geo.crossings[c.id].status is CrossingStatus.open
    for a, b in zip(route.legs, route.legs[1:], strict=False):
        if a.country and b.country and a.country != b.country:
            node = a.to_node
            assert node in geo.crossings, (a.edge, b.edge)
            assert {a.country, b.country} == set(geo.crossings[node].countries)
