"""Ports and ferry lines."""

from __future__ import annotations

from shapely.geometry import LineString

from geodata import Geodata
from geodata.schema import Mode

BLACK_SEA_LONG_LEGS = {
    ("UKR-chornomorsk", "GEO-batumi"),
    ("BGR-varna", "GEO-batumi"),
    ("BGR-burgas", "GEO-batumi"),
}


def test_enough_ports_including_danube(geo: Geodata) -> None:
    assert len(geo.ports) >= 30
    assert sum(p.kind == "river" for p in geo.ports.values()) >= 4


def test_ports_lie_on_their_countrys_shore(geo: Geodata) -> None:
    from shapely.geometry import Point

    from geodata.projection import point_to_geom_km

    for p in geo.ports.values():
        km = point_to_geom_km(Point(p.lon, p.lat), geo.country_shapes[p.country])
        assert km <= 3.0, (p.id, km)


def test_enough_usable_ferry_lines(geo: Geodata) -> None:
    usable = [f for f in geo.ferries.values() if f.status in {"operating", "unverified"}]
    assert len(usable) >= 15
    for f in geo.ferries.values():
        assert f.from_port in geo.ports and f.to_port in geo.ports, f.id
        assert f.hours_min <= f.hours_typical <= f.hours_max, f.id


def test_black_sea_crossings_take_two_days_or_more(geo: Geodata) -> None:
    legs = {(f.from_port, f.to_port): f for f in geo.ferries.values()}
    for key in BLACK_SEA_LONG_LEGS:
        assert 48 <= legs[key].hours_typical <= 62, key


def test_ferry_paths_stay_at_sea(geo: Geodata) -> None:
    """Drawn ferry legs do not cut across land (e.g. Chornomorsk-Batumi does not cross Crimea)."""
    land = geo.country_shapes["UKR"].union(geo.country_shapes["TUR"]).buffer(-0.05)
    for edge in geo.network.edges.values():
        if edge.mode is Mode.ferry:
            assert isinstance(edge.geometry, LineString)
            assert edge.geometry.intersection(land).length < 0.05, edge.id
