"""Measuring on the ellipsoid and in local metric projections.

Storage is EPSG:4326 (lon, lat order inside shapely geometries). Lengths are geodesic on WGS 84.
Distances and buffers are computed in a local azimuthal equidistant projection centred on the
geometry, which is exact for distances from the centre and within 0.1 % over a few hundred km.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely import ops
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

WGS84 = CRS.from_epsg(4326)
_GEOD = Geod(ellps="WGS84")


def geodesic_km(line: LineString) -> float:
    """Length of a lon/lat line along the WGS 84 ellipsoid, in km."""
    lons, lats = line.xy
    return float(_GEOD.line_length(list(lons), list(lats))) / 1000.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance between two points, in km."""
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


@lru_cache(maxsize=4096)
def _transformers(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
    fwd = Transformer.from_crs(WGS84, local, always_xy=True)
    back = Transformer.from_crs(local, WGS84, always_xy=True)
    return fwd, back


def _key(center: Point) -> tuple[float, float]:
    # Centres rounded to half a degree share one projection: within 40 km of its centre an
    # azimuthal equidistant projection distorts distances by less than one part in 10,000.
    return round(center.x * 2) / 2, round(center.y * 2) / 2


def _apply(transformer: Transformer, geom: BaseGeometry) -> BaseGeometry:
    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def to_local(geom: BaseGeometry, center: Point) -> BaseGeometry:
    """Project a lon/lat geometry to metres around ``center``."""
    return _apply(_transformers(*_key(center))[0], geom)


def from_local(geom: BaseGeometry, center: Point) -> BaseGeometry:
    """Inverse of :func:`to_local`."""
    return _apply(_transformers(*_key(center))[1], geom)


def _near(point: Point, geom: BaseGeometry, deg: float = 1.0) -> BaseGeometry:
    """The part of ``geom`` within ``deg`` degrees of ``point`` (or all of it if that is empty)."""
    part = geom.intersection(box(point.x - deg, point.y - deg, point.x + deg, point.y + deg))
    return geom if part.is_empty else part


def point_to_geom_km(point: Point, geom: BaseGeometry) -> float:
    """Shortest distance from a point to a geometry, in km (local metric projection)."""
    return float(to_local(point, point).distance(to_local(_near(point, geom), point))) / 1000.0


def nearest_point_on(point: Point, geom: BaseGeometry) -> Point:
    """The point of ``geom`` nearest to ``point``, measured in metres, returned in lon/lat."""
    local_geom = to_local(_near(point, geom), point)
    local_pt = to_local(point, point)
    _, nearest = ops.nearest_points(local_pt, local_geom)
    result = from_local(nearest, point)
    assert isinstance(result, Point)
    return result


def buffer_km(geom: BaseGeometry, km: float) -> BaseGeometry:
    """Buffer a lon/lat geometry by ``km`` in a projection centred on it."""
    if km <= 0:
        return geom
    center = geom.centroid
    return from_local(to_local(geom, center).buffer(km * 1000.0), center)
