"""The corridor network: every rule of the data, checked with the solver-free validators."""

from __future__ import annotations

from geodata import Geodata, validate
from geodata.schema import Mode


def test_no_edge_changes_country_away_from_a_crossing(geo: Geodata) -> None:
    assert validate.edges_in_country(geo, geo.network.edges.values()) == []


def test_edges_follow_the_corridor_not_straight_lines(geo: Geodata) -> None:
    assert validate.straight_pieces(geo.network.edges.values()) == []


def test_edges_meet_crossings_of_their_mode_and_country(geo: Geodata) -> None:
    assert validate.crossing_modes(geo, geo.network.edges.values()) == []


def test_nodes_inside_their_country(geo: Geodata) -> None:
    assert validate.nodes_in_country(geo) == []


def test_every_open_crossing_reached_from_both_sides(geo: Geodata) -> None:
    assert validate.crossings_connected(geo) == []


def test_every_bsec_port_on_the_network(geo: Geodata) -> None:
    assert validate.ports_connected(geo) == []


def test_bsec_capitals_connected_over_lawful_edges(geo: Geodata) -> None:
    assert validate.capitals_connected(geo) == []
    capitals = {c.country for c in geo.cities.values() if c.kind == "capital"}
    assert {
        "ALB",
        "ARM",
        "AZE",
        "BGR",
        "GEO",
        "GRC",
        "MDA",
        "MKD",
        "ROU",
        "RUS",
        "SRB",
        "TUR",
        "UKR",
    } <= capitals


def test_edge_country_matches_the_ground(geo: Geodata) -> None:
    """The midpoint of a long road edge lies in (or within the border's drawing precision of) the
    edge's country: checked here without the validators."""
    from shapely.geometry import Point

    from geodata.projection import point_to_geom_km

    for e in geo.network.edges.values():
        if e.mode is Mode.ferry or e.km < 20:
            continue
        mid = e.geometry.interpolate(0.5, normalized=True)
        assert e.country is not None
        km = point_to_geom_km(Point(mid.x, mid.y), geo.country_shapes[e.country])
        assert km <= max(0.6, e.water_km), e.id


def test_edges_into_restricted_areas_are_flagged(geo: Geodata) -> None:
    flagged = {e.restricted for e in geo.network.edges.values() if e.restricted}
    assert {"transnistria", "abkhazia"} <= flagged
