"""Which country, which restricted area: point and line look-ups over the country layer."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from geodata.projection import geodesic_km, point_to_geom_km


@dataclass(frozen=True)
class Piece:
    """A part of a line inside one jurisdiction."""

    jurisdiction: str
    geometry: LineString
    km: float


@dataclass
class AreaIndex:
    """A spatial index over named polygons (countries, restricted areas)."""

    shapes: Mapping[str, BaseGeometry]
    _keys: list[str] = field(init=False)
    _tree: STRtree = field(init=False)
    _geoms: list[BaseGeometry] = field(init=False)

    def __post_init__(self) -> None:
        self._keys = list(self.shapes)
        self._geoms = [self.shapes[k] for k in self._keys]
        shapely.prepare(self._geoms)
        self._tree = STRtree(self._geoms)

    def __getstate__(self) -> dict[str, object]:
        # The tree is rebuilt on load: pickle only the shapes.
        return {"shapes": dict(self.shapes)}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.shapes = state["shapes"]  # type: ignore[assignment]
        self.__post_init__()

    def _hits(self, geom: BaseGeometry) -> list[int]:
        # Bounding boxes from the tree, then the exact test on the prepared polygons.
        return [int(i) for i in self._tree.query(geom) if self._geoms[i].intersects(geom)]

    def at(self, lon: float, lat: float) -> str | None:
        """The key of the polygon containing the point, or None (sea, outside the region)."""
        hits = self._hits(Point(lon, lat))
        if not hits:
            return None
        # On a shared border two polygons intersect the point; the lowest key wins, for determinism.
        return str(min(self._keys[i] for i in hits))

    def nearest(self, lon: float, lat: float, max_km: float) -> tuple[str, float] | None:
        """The polygon nearest to a point within ``max_km`` (0 km inside one), with its km."""
        inside = self.at(lon, lat)
        if inside is not None:
            return inside, 0.0
        # A box of max_km around the point: 111.3 km per degree of latitude, fewer of longitude.
        dlat = max_km / 111.3
        dlon = dlat / max(math.cos(math.radians(lat)), 0.1)
        probe = shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
        point = Point(lon, lat)
        best: tuple[str, float] | None = None
        for i in self._tree.query(probe):
            key = self._keys[int(i)]
            km = point_to_geom_km(point, self._geoms[int(i)])
            if km <= max_km and (best is None or (km, key) < (best[1], best[0])):
                best = (key, km)
        return best

    def near(self, geom: BaseGeometry) -> list[str]:
        """Keys of the polygons that intersect ``geom``."""
        return sorted(self._keys[i] for i in self._hits(geom))

    def split(self, line: LineString) -> list[Piece]:
        """Cut a line into its parts inside each polygon, ordered along the line.

        Parts outside every polygon (at sea) are returned with jurisdiction ``"sea"``.
        """
        pieces: list[tuple[float, Piece]] = []
        for key in self.near(line):
            inside = line.intersection(self.shapes[key])
            for part in _lines(inside):
                pieces.append(
                    (line.project(Point(part.coords[0])), Piece(key, part, geodesic_km(part)))
                )
        keys = self.near(line)
        rest = line.difference(shapely.union_all([self.shapes[k] for k in keys])) if keys else line
        for part in _lines(rest):
            if geodesic_km(part) > 0.01:
                pieces.append(
                    (line.project(Point(part.coords[0])), Piece("sea", part, geodesic_km(part)))
                )
        pieces.sort(key=lambda p: p[0])
        return [p for _, p in pieces]


def _lines(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, LineString):
        return [] if geom.is_empty else [geom]
    if isinstance(geom, MultiLineString):
        return [g for g in geom.geoms if not g.is_empty]
    if hasattr(geom, "geoms"):
        return [g for sub in geom.geoms for g in _lines(sub)]
    return []
