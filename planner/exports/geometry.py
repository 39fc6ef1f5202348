"""Geometry of a plan: the route line cut into its segments, positions along it in time."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from shapely import ops
from shapely.geometry import LineString, Point

from planner.plan import Plan, PlanSegment

Coords = list[tuple[float, float]]


def coords_of(geometry: dict[str, object]) -> Coords:
    """The [lon, lat] pairs of a GeoJSON LineString held as a plain dict."""
    raw = cast(list[list[float]], geometry.get("coordinates") or [])
    return [(float(x), float(y)) for x, y, *_ in raw]


def route_line(plan: Plan) -> LineString | None:
    """The plan's route as a line in (lon, lat) degrees, or None without at least two points."""
    coords = coords_of(plan.route.geometry)
    return LineString(coords) if len(coords) > 1 else None


def movement_lines(plan: Plan) -> dict[str | None, LineString]:
    """The route line of each movement (key None: the plan's route, its first movement's)."""
    out: dict[str | None, LineString] = {}
    line = route_line(plan)
    if line is not None:
        out[None] = line
    for mv in plan.movements:
        coords = coords_of(mv.route.geometry)
        if len(coords) > 1:
            out[mv.id] = LineString(coords)
    return out


def segment_lines(plan: Plan) -> dict[str, Coords]:
    """Each segment's part of its movement's route line (lon, lat), found by projecting its ends."""
    lines = movement_lines(plan)
    out: dict[str, Coords] = {}
    pos: dict[str | None, float] = {}
    for seg in plan.segments:
        key = seg.movement if seg.movement in lines else None
        line = lines.get(key)
        if line is None:
            continue
        a = max(pos.get(key, 0.0), line.project(Point(seg.from_.lon, seg.from_.lat)))
        b = max(a, line.project(Point(seg.to.lon, seg.to.lat)))
        piece = ops.substring(line, a, b)
        coords = (
            list(piece.coords)
            if isinstance(piece, LineString)
            else [(seg.from_.lon, seg.from_.lat)] * 2
        )
        out[seg.id] = [(round(x, 5), round(y, 5)) for x, y in coords]
        pos[key] = b
    return out


def track(plan: Plan) -> list[tuple[datetime, float, float]]:
    """(expected time, lon, lat) of the consignment at each segment boundary and along it."""
    lines = segment_lines(plan)
    out: list[tuple[datetime, float, float]] = []
    for seg in plan.segments:
        coords = lines.get(seg.id) or [(seg.from_.lon, seg.from_.lat), (seg.to.lon, seg.to.lat)]
        out += _along(seg, coords)
    return out


def _along(seg: PlanSegment, coords: Coords) -> list[tuple[datetime, float, float]]:
    line = LineString(coords) if len(coords) > 1 else None
    start, end = seg.nominal_start, seg.nominal_end
    if line is None or line.length == 0:
        return [(start, coords[0][0], coords[0][1]), (end, coords[-1][0], coords[-1][1])]
    total = line.length
    out = []
    done = 0.0
    prev = coords[0]
    for pt in coords:
        done += LineString([prev, pt]).length if pt != prev else 0.0
        out.append((start + (end - start) * (done / total), pt[0], pt[1]))
        prev = pt
    return out
