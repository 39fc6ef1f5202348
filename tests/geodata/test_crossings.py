"""Border crossings: ids, positions on the shared border, status, Schengen, attributes."""

from __future__ import annotations

from shapely.geometry import Point

from geodata import Geodata
from geodata.projection import point_to_geom_km
from geodata.schema import CrossingStatus, Mode
from geodata.sources import read_crossing_rows


def test_ids_unique_and_enough_open_crossings(geo: Geodata) -> None:
    rows = read_crossing_rows()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    opened = [c for c in geo.crossings.values() if c.status is CrossingStatus.open]
    assert len(opened) >= 70
    assert {m for c in geo.crossings.values() for m in c.modes} == {
        Mode.road,
        Mode.rail,
        Mode.ferry,
    }


def test_every_open_crossing_within_1_km_of_its_shared_border(geo: Geodata) -> None:
    # Computed here from the raw polygons, not through the snapping code under test.
    far = {}
    for c in geo.crossings.values():
        if c.status is not CrossingStatus.open:
            continue
        a, b = (geo.country_shapes[i] for i in c.countries)
        border = a.boundary.intersection(b.boundary)
        assert not border.is_empty, c.id
        km = point_to_geom_km(Point(c.lon, c.lat), border)
        if km > 1.0:
            far[c.id] = km
    assert far == {}


def test_curated_positions_were_close_to_the_border(geo: Geodata) -> None:
    """Snapping corrects estimates; it must not hide a crossing placed in the wrong valley."""
    moved = {c.id: c.snap_km for c in geo.crossings.values() if c.snap_km > 12.0}
    assert moved == {}


def test_status_of_closed_and_non_plannable_crossings(geo: Geodata) -> None:
    assert geo.crossings["TUR-ARM-alican"].status is CrossingStatus.closed
    for cid in ("RUS-GEO-psou", "RUS-GEO-roki", "MDA-UKR-kuchurhan"):
        assert geo.crossings[cid].status is CrossingStatus.non_plannable, cid
    assert geo.crossings["GEO-RUS-larsi"].status is CrossingStatus.open


def test_schengen_internal_and_external(geo: Geodata) -> None:
    assert geo.crossings["BGR-GRC-kulata"].schengen == "internal"
    assert geo.crossings["BGR-ROU-ruse"].schengen == "internal"
    assert geo.crossings["TUR-BGR-kapikule"].schengen == "external"
    assert geo.crossings["MDA-ROU-leuseni"].schengen == "external"
    assert geo.crossings["ARM-GEO-bagratashen"].schengen == "none"


def test_attributes_present(geo: Geodata) -> None:
    for c in geo.crossings.values():
        assert c.name_a and c.name_b, c.id
        assert c.hours == "24h" or len(c.hours.split("-")) == 2, c.id
        assert 0 <= c.truck_dwell_minutes <= 24 * 60, c.id
