"""Border crossings: curated rows placed on the shared border of their two countries."""

from __future__ import annotations

from collections.abc import Mapping

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geodata._errors import SourceDataError
from geodata.projection import nearest_point_on, point_to_geom_km
from geodata.schema import Country, Crossing, CrossingStatus, Freight, Mode, RestrictedArea

# A curated position further than this from its border is a data error, not an estimate to snap.
MAX_SNAP_KM = 25.0
# Crossings this close to a restricted area (beyond its own buffer) cannot be planned through.
RESTRICTED_EDGE_KM = 1.0


def shared_border(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """The line two country polygons share (or the points where they touch)."""
    shared = shapely.intersection(a.boundary, b.boundary)
    if shared.is_empty or shared.length == 0:
        # Neighbours that share an edge exactly give a line above; this is the fallback for
        # borders drawn with tiny gaps or touching at points only.
        shared = shapely.intersection(a.boundary, b.buffer(1e-6))
    return shared


def _schengen(a: Country, b: Country) -> str:
    count = (a.schengen_since is not None) + (b.schengen_since is not None)
    return {2: "internal", 1: "external", 0: "none"}[count]


def build_crossing(
    row: Mapping[str, str],
    countries: Mapping[str, Country],
    land: Mapping[str, BaseGeometry],
    closed: set[frozenset[str]],
    restricted: Mapping[str, tuple[RestrictedArea, BaseGeometry]],
) -> Crossing:
    """One crossing from its ``crossings.csv`` row, snapped onto the full-resolution border."""
    where = f"crossings.csv {row.get('id', '?')}"
    a, b = row["country_a"], row["country_b"]
    for iso in (a, b):
        if iso not in land or iso not in countries:
            raise SourceDataError(f"{where}: unknown country {iso!r}")
    lat, lon = float(row["lat"]), float(row["lon"])
    source = Point(lon, lat)
    border = shared_border(land[a], land[b])
    if border.is_empty:
        raise SourceDataError(f"{where}: {a} and {b} share no border in the land layer")
    snapped = nearest_point_on(source, border)
    snap_km = point_to_geom_km(source, snapped)
    if snap_km > MAX_SNAP_KM:
        raise SourceDataError(
            f"{where}: curated position is {snap_km:.1f} km from the {a}-{b} border",
            hint="correct lat/lon in geodata/sources/crossings.csv",
        )
    status = CrossingStatus(row["status"])
    notes = row.get("notes", "")
    if frozenset((a, b)) in closed and status is CrossingStatus.open:
        status = CrossingStatus.closed
        notes = f"{notes}; border closed".strip("; ")
    if status is CrossingStatus.open:
        for area, shape in restricted.values():
            if (
                area.active
                and point_to_geom_km(snapped, shape) <= area.buffer_km + RESTRICTED_EDGE_KM
            ):
                status = CrossingStatus.non_plannable
                notes = f"{notes}; on the edge of {area.name}".strip("; ")
    modes = tuple(Mode(m.strip()) for m in row["modes"].split(";") if m.strip())
    freight = row.get("freight", "")
    if freight not in Freight.__members__:
        raise SourceDataError(f"{where}: freight must be main, limited or none, not {freight!r}")
    return Crossing(
        id=row["id"],
        name=f"{row['name_a']} - {row['name_b']}",
        name_a=row["name_a"],
        name_b=row["name_b"],
        countries=(a, b),
        lat=round(snapped.y, 6),
        lon=round(snapped.x, 6),
        lat_source=lat,
        lon_source=lon,
        snap_km=round(snap_km, 3),
        modes=modes,
        status=status,
        schengen=_schengen(countries[a], countries[b]),  # type: ignore[arg-type]
        hours=row.get("hours") or "24h",
        truck_dwell_minutes=int(float(row.get("truck_dwell_minutes") or 60)),
        notes=notes,
        coord_source=row.get("coord_source", ""),
        freight=Freight(freight),
        freight_source=row.get("freight_source", ""),
    )
