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


# The main truck corridors: no stretch between two named places longer than this (km).
MAIN_SPACING_KM = 95.0
MAIN_CORRIDORS = [
    "AZE-m2-redbridge-baku",
    "GEO-e60-tbilisi-redbridge",
    "GEO-s1-khashuri-tbilisi",
    "GEO-s1-rikoti-zestaponi-khashuri",
    "GEO-s1-samtredia-kutaisi-zestaponi",
    "GEO-s12-grigoleti-samtredia",
    "GEO-e70-sarpi-batumi-grigoleti",
    "GEO-s6-tbilisi-sadakhlo",
    "ARM-m3-vanadzor-yerevan",
    "ARM-m2-yerevan-yeghegnadzor",
    "ARM-m2-yeghegnadzor-goris",
    "TUR-d010-samsun-sarp",
    "TUR-d795-kirikkale-samsun",
    "TUR-d100-gerede-merzifon",
    "TUR-o4-istanbul-ankara",
    "TUR-o7-odayeri-yss-kurtkoy",
    "TUR-o3-kapikule-istanbul",
    "TUR-d110-ipsala-kinali",
    "TUR-d200-kirikkale-sivas",
    "TUR-d100-sivas-erzurum",
    "BGR-a4-maritsa",
    "BGR-a1-trakia-sofia-plovdiv",
    "BGR-i8-sofia-kalotina",
    "BGR-i1-botevgrad-vidin",
    "SRB-a4-nis-gradina",
    "SRB-a1-belgrade-nis",
    "SRB-a1-horgos-belgrade",
    "SRB-a1-novi-sad-belgrade",
    "SRB-a3-batrovci-belgrade",
    "GRC-a2-egnatia-thessaloniki-kipoi",
    "GRC-a1-thessaloniki-evzoni",
    "MKD-a1-tabanovce-gevgelija",
    "ROU-a1-bucharest-pitesti",
    "ROU-dn7-pitesti-ramnicu-valcea",
    "ROU-dn7-ramnicu-valcea-sibiu",
    "ROU-a1-sibiu-deva-lugoj-timisoara",
    "ROU-a1-timisoara-arad-nadlac",
    "ROU-dn1-ploiesti-brasov",
    "ROU-dn1-brasov-sibiu",
    "ROU-dn1-cluj-oradea",
    "ROU-dn1-oradea-bors",
    "ROU-dn6-drobeta-craiova",
    "HUN-m5-budapest-szeged-roszke",
    "HRV-a3-zagreb-bajakovo",
]


def test_main_corridors_have_a_named_place_every_95_km(geo: Geodata) -> None:
    found = {e.corridor for e in geo.network.edges.values()}
    assert set(MAIN_CORRIDORS) <= found
    long = {
        e.id: e.km
        for e in geo.network.edges.values()
        if e.corridor in MAIN_CORRIDORS and e.km > MAIN_SPACING_KM
    }
    assert long == {}


def test_truck_parks_and_junctions_are_nodes(geo: Geodata) -> None:
    kinds = [n.kind for n in geo.network.nodes.values()]
    assert kinds.count("truck_park") >= 5
    assert kinds.count("junction") >= 60
    for city in geo.cities.values():
        if city.kind in {"truck_park", "service_area"}:
            assert city.source, city.id


def test_a_relief_after_merzifon_is_named_osmancik(geo: Geodata) -> None:
    from geodata import RouteRequest, best_routes

    route = best_routes(geo, RouteRequest(origin="TUR-samsun-city", destination="TUR-istanbul"))[0]
    i = route.nodes.index("TUR-merzifon")
    assert route.nodes[i + 1] == "TUR-osmancik"
    leg = route.legs[i]
    assert leg.from_node == "TUR-merzifon" and 50 <= leg.km <= 75


def test_constanta_budapest_by_rail_stays_in_romania_and_hungary(geo: Geodata) -> None:
    from geodata import RouteRequest, best_routes

    route = best_routes(
        geo, RouteRequest(origin="ROU-constanta", destination="HUN-budapest", modes=(Mode.rail,))
    )[0]
    assert route.countries == ["ROU", "HUN"]
    assert route.length_km < 1200
    assert [c.id for c in route.crossings] == ["ROU-HUN-curtici-rail"]
    belgrade = best_routes(
        geo, RouteRequest(origin="SRB-belgrade", destination="ROU-timisoara", modes=(Mode.rail,))
    )[0]
    assert [c.id for c in belgrade.crossings] == ["SRB-ROU-vrsac-rail"]


def test_sarajevo_is_reachable_from_its_neighbours(geo: Geodata) -> None:
    from geodata import RouteRequest, best_routes

    expected = {"SRB-belgrade": "SRB", "HRV-zagreb": "HRV", "MNE-podgorica": "MNE"}
    for other, country in expected.items():
        route = best_routes(geo, RouteRequest(origin="BIH-sarajevo", destination=other))[0]
        assert route.countries == ["BIH", country], other
        assert route.length_km < 450, other


# Stretches still longer than 100 km between named places, each for a reason: no town lies near
# the trace (Russia's M4 between Voronezh and Millerovo, Iran's Ardabil and Mianeh roads, Iraq's
# Dohuk-Erbil), or the trace needs redrawing first (Zanjan-Qazvin runs north of the freeway).
KNOWN_LONG = {
    "RUS-m4-voronezh-rostov#1",
    "RUS-m4-voronezh-rostov#3",
    "IRN-bilehsavar-ardabil#2",
    "IRN-freeway-tabriz-tehran#2",
    "IRN-freeway-tabriz-tehran#3",
    "IRN-freeway-tabriz-tehran#4",
    "IRQ-habur-dohuk-erbil#2",
}


def test_every_road_has_a_named_place_every_100_km(geo: Geodata) -> None:
    # A relief or a break can only be placed at a named node: no stretch may run on unnamed.
    corridors = {e.corridor for e in geo.network.edges.values()}
    long = {p.subject for p in validate.long_stretches(geo, corridors, 100.0)}
    assert long == KNOWN_LONG
