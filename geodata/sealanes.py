"""Drawing ferry legs along open water.

A ferry line is known by its two ports and its duration; its drawn path only has to stay at sea
(a straight line from Chornomorsk to Batumi would cross Crimea). The path is the shortest chain
through a few hand-placed open-water waypoints (``sources/sea_waypoints.csv``) whose legs do not
cross land: a visibility graph, solved with Dijkstra.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx
import shapely
from shapely.geometry import LineString, box
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from geodata.jurisdiction import AreaIndex
from geodata.projection import geodesic_km
from geodata.sources import SOURCES, _csv_rows

# Land eroded by ~1 km so that straits narrower than the simplified coastline stay open.
_ERODE_DEG = 0.01
# A leg may touch eroded land this long (km): ports lie on the shore, capes are simplified.
_SHORE_KM = 2.5


@lru_cache(maxsize=1)
def _waypoints() -> tuple[tuple[float, float], ...]:
    rows = _csv_rows(SOURCES / "sea_waypoints.csv")
    return tuple((float(r["lon"]), float(r["lat"])) for r in rows)


@dataclass
class _Land:
    """Eroded land cut into 1-degree tiles, so a segment is only intersected with its tiles."""

    tiles: list[BaseGeometry]
    tree: STRtree
    visible: dict[tuple[int, int], float] = field(default_factory=dict)  # waypoint pairs -> km


_LAND_CACHE: dict[int, _Land] = {}


def _land(index: AreaIndex) -> _Land:
    key = id(index)
    if key not in _LAND_CACHE:
        tiles: list[BaseGeometry] = []
        for shape in index.shapes.values():
            for part in _subdivide(shape.buffer(-_ERODE_DEG)):
                tiles.append(part)
        _LAND_CACHE[key] = _Land(tiles=tiles, tree=STRtree(tiles))
    return _LAND_CACHE[key]


def _subdivide(geom: BaseGeometry, max_points: int = 200) -> list[BaseGeometry]:
    """Cut a polygon into pieces of at most ``max_points`` vertices (quadtree halving)."""
    if geom.is_empty:
        return []
    if shapely.get_num_coordinates(geom) <= max_points:
        return [geom]
    x0, y0, x1, y1 = geom.bounds
    if x1 - x0 >= y1 - y0:
        mid = (x0 + x1) / 2
        halves = (box(x0, y0, mid, y1), box(mid, y0, x1, y1))
    else:
        mid = (y0 + y1) / 2
        halves = (box(x0, y0, x1, mid), box(x0, mid, x1, y1))
    return [p for h in halves for p in _subdivide(geom.intersection(h), max_points)]


def _clear(a: tuple[float, float], b: tuple[float, float], land: _Land) -> bool:
    seg = LineString([a, b])
    km = 0.0
    for i in land.tree.query(seg, predicate="intersects"):
        km += geodesic_km_any(seg.intersection(land.tiles[i]))
        if km > _SHORE_KM:
            return False
    return True


def geodesic_km_any(geom: BaseGeometry) -> float:
    if isinstance(geom, LineString):
        return geodesic_km(geom)
    return sum(geodesic_km_any(g) for g in getattr(geom, "geoms", []))


def sea_lane(a: tuple[float, float], b: tuple[float, float], land_index: AreaIndex) -> LineString:
    """A lon/lat path from ``a`` to ``b`` that stays at sea as far as the waypoints allow."""
    land = _land(land_index)
    if _clear(a, b, land):
        return LineString([a, b])
    waypoints = _waypoints()
    if not land.visible:
        for i, j in itertools.combinations(range(len(waypoints)), 2):
            if _clear(waypoints[i], waypoints[j], land):
                land.visible[(i, j)] = geodesic_km(LineString([waypoints[i], waypoints[j]]))
    points = [a, b, *waypoints]
    graph = nx.Graph()
    for (i, j), km in land.visible.items():
        graph.add_edge(i + 2, j + 2, weight=km)
    for end in (0, 1):
        for k in range(2, len(points)):
            if _clear(points[end], points[k], land):
                graph.add_edge(end, k, weight=geodesic_km(LineString([points[end], points[k]])))
    try:
        path = nx.shortest_path(graph, 0, 1, weight="weight")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return LineString([a, b])
    return LineString([points[i] for i in path])
