"""The shore rule: coastal cities and ports resolve to their country, and to their port.

The list (coastal_places.csv) covers the Black Sea, the Aegean, the Marmara, the Adriatic, the
Caspian and the Danube, with city centres and port gates; Natural Earth's 1:10m shore puts
several of them a few hundred metres "at sea".
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geodata import Geodata, PlaceNotOnLandError
from geodata.layers import SHORE_KM
from geodata.places import PORT_SNAP_KM, Coordinates, resolve

ROWS = list(
    csv.DictReader(
        line
        for line in Path(__file__).with_name("coastal_places.csv").open(encoding="utf-8")
        if not line.startswith("#")
    )
)


def test_the_list_is_long_enough_and_sourced() -> None:
    assert len(ROWS) >= 40
    assert {r["kind"] for r in ROWS} == {"city", "port"}
    assert all(r["source"] for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_coastal_place_resolves_to_its_country_and_port(geo: Geodata, row: dict[str, str]) -> None:
    spec = Coordinates(lat=float(row["lat"]), lon=float(row["lon"]), name=row["name"])
    snapped = resolve(geo, spec)
    assert snapped.place.country == row["country"]
    if row["port_id"]:
        assert snapped.node_id == row["port_id"]
        assert snapped.key == row["port_id"]  # a ferry leg can start there
    else:
        assert snapped.node_id not in geo.ports


def test_country_at_uses_the_full_resolution_shore(geo: Geodata) -> None:
    # On land in the 10m layer though at sea in the simplified outline, and the other way round.
    assert geo.country_at(40.98, 27.51) == "TUR"  # Tekirdag waterfront
    assert geo.land_country_at(40.98, 27.51) is None  # ... a few hundred metres "at sea"
    assert geo.country_at(42.6977, 23.3219) == "BGR"
    assert geo.country_at(43.0, 34.0) is None  # the middle of the Black Sea


def test_points_beyond_the_shore_margin_are_at_sea(geo: Geodata) -> None:
    assert SHORE_KM == 10.0
    with pytest.raises(PlaceNotOnLandError):  # ~15 km off Cape Galata: beyond the margin
        resolve(geo, Coordinates(lat=43.20, lon=28.20))
    assert geo.country_at(43.20, 28.12) == "BGR"  # ~9 km off the shore: Bulgaria


def test_port_snap_radius(geo: Geodata) -> None:
    varna = geo.ports["BGR-varna"]
    assert PORT_SNAP_KM == 3.0
    near = resolve(geo, Coordinates(lat=varna.lat + 0.02, lon=varna.lon))  # ~2.2 km north
    assert near.node_id == "BGR-varna"
    far = resolve(geo, Coordinates(lat=varna.lat + 0.05, lon=varna.lon))  # ~5.6 km north
    assert far.node_id != "BGR-varna"
