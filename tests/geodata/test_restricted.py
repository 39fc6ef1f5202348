"""Areas without a cooperating authority: polygons, wording, and what they do to the network."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from geodata import Geodata

ACTIVE = {
    "transnistria",
    "abkhazia",
    "south_ossetia",
    "crimea",
    "occupied_ukraine",
    "russia_ukraine_border_zone",
}


def test_the_areas_are_there_with_date_source_and_neutral_wording(geo: Geodata) -> None:
    active = {k for k, a in geo.restricted.items() if a.active}
    assert active == ACTIVE
    for area in geo.restricted.values():
        assert area.source and area.since and area.valid_as_of
        assert geo.restricted_shapes[area.id].is_valid
        if area.active:
            assert "no cooperating authority" in area.wording.lower()
        else:
            assert area.ended


@pytest.mark.parametrize(
    ("lat", "lon", "area"),
    [
        (46.84, 29.63, "transnistria"),  # Tiraspol
        (46.83, 29.48, "transnistria"),  # Bender, on the right bank
        (43.0, 41.02, "abkhazia"),  # Sukhumi
        (42.225, 43.97, "south_ossetia"),  # Tskhinvali
        (44.95, 34.10, "crimea"),  # Simferopol
        (47.10, 37.55, "occupied_ukraine"),  # Mariupol
        (47.0105, 28.8638, None),  # Chisinau
        (46.63, 29.28, None),  # Causeni, on the lawful road around Transnistria
        (42.51, 41.87, None),  # Zugdidi
        (41.98, 44.11, None),  # Gori
        (46.97, 32.00, None),  # Mykolaiv
        (47.84, 35.14, None),  # Zaporizhzhia
    ],
)
def test_points_inside_and_outside(geo: Geodata, lat: float, lon: float, area: str | None) -> None:
    found = geo.restricted_at(lat, lon)
    assert (found.id if found else None) == area


def test_areas_lie_inside_their_recognised_state(geo: Geodata) -> None:
    for key, shape in geo.restricted_shapes.items():
        state = geo.country_shapes[geo.restricted[key].state]
        assert shape.difference(state.buffer(1e-6)).area < 1e-9, key


def test_crossings_on_their_edge_are_not_plannable(geo: Geodata) -> None:
    for cid in ("RUS-GEO-psou", "RUS-GEO-roki", "MDA-UKR-kuchurhan"):
        c = geo.crossings[cid]
        near = geo.restricted_index.near(Point(c.lon, c.lat).buffer(0.05))
        assert near, cid
        assert c.status.value == "non_plannable"
