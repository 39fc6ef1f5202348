"""Drawing ferry legs along open water.

A ferry line is known by its two ports and its duration; its drawn path only has to stay at sea
(a straight line from Chornomorsk to Batumi would cross Crimea). The path is the shortest chain
through a few hand-placed open-water waypoints (``sources/sea_waypoints.csv``) whose legs do not
cross land: a visibility graph, solved with Dijkstra.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import networkx as nx
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from geodata.jurisdiction import AreaIndex
from geodata.projection import geodesic_km
from geodata.sources import SOURCES, _csv_rows

# Land eroded by ~1 km so that straits narrower than the simplified coastline stay open.
_ERODE_DEG = 0.01
# A leg may touch eroded land this long (km): ports lie on the shore, capes are simplified.
_SHORE_KM = 4.0


@lru_cache(maxsize=1)
def _waypoints() -> tuple[tuple[float, float], ...]:
    rows = _csv_rows(SOURCES / "sea_waypoints.csv")
    return tuple((float(r["lon"]), float(r["lat"])) for r in rows)


_LAND_CACHE: dict[int, BaseGeometry] = {}


def _land(index: AreaIndex) -> BaseGeometry:
    key = id(index)
    if key not in _LAND_CACHE:
        land = shapely.union_all(list(index.shapes.values())).buffer(-_ERODE_DEG)
        shapely.prepare(land)
        _LAND_CACHE[key] = land
    return _LAND_CACHE[key]


def _clear(a: tuple[float, float], b: tuple[float, float], land: BaseGeometry) -> bool:
    seg = LineString([a, b])
    if not land.intersects(seg):
        return True
    return geodesic_km_any(seg.intersection(land)) <= _SHORE_KM


def geodesic_km_any(geom: BaseGeometry) -> float:
    if isinstance(geom, LineString):
        return geodesic_km(geom)
    return sum(geodesic_km_any(g) for g in getattr(geom, "geoms", []))


def sea_lane(a: tuple[float, float], b: tuple[float, float], land_index: AreaIndex) -> LineString:
    """A lon/lat path from ``a`` to ``b`` that stays at sea as far as the waypoints allow."""
    land = _land(land_index)
    if _clear(a, b, land):
        return LineString([a, b])
    points = [a, b, *_waypoints()]
    graph = nx.Graph()
    for i, j in itertools.combinations(range(len(points)), 2):
        if _clear(points[i], points[j], land):
            graph.add_edge(i, j, weight=geodesic_km(LineString([points[i], points[j]])))
    try:
        path = nx.shortest_path(graph, 0, 1, weight="weight")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return LineString([a, b])
    return LineString([points[i] for i in path])
