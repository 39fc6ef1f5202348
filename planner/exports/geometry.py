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
    """Each segment's part of its route line (lon, lat), found by projecting its ends.

    With several movements, each movement's segments are cut from its own route.
    """
    if not plan.movements:
        return _cut(route_line(plan), plan.segments)
    out: dict[str, Coords] = {}
    for m in plan.movements:
        coords = coords_of(m.route.geometry)
        line = LineString(coords) if len(coords) > 1 else None
        out |= _cut(line, [s for s in plan.segments if s.movement == m.id])
    return out


def _cut(line: LineString | None, segments: list[PlanSegment]) -> dict[str, Coords]:
    out: dict[str, Coords] = {}
    if line is None:
        return out
    pos = 0.0
    for seg in segments:
        a = max(pos, line.project(Point(seg.from_.lon, seg.from_.lat)))
        b = max(a, line.project(Point(seg.to.lon, seg.to.lat)))
        piece = ops.substring(line, a, b)
        coords = (
            list(piece.coords)
            if isinstance(piece, LineString)
            else [(seg.from_.lon, seg.from_.lat)] * 2
        )
        out[seg.id] = [(round(x, 5), round(y, 5)) for x, y in coords]
        pos = b
    return out


def track(plan: Plan) -> list[tuple[datetime, float, float]]:
    """(expected time, lon, lat) of the consignment at each segment boundary and along it.

    With several movements, the consignment is the first movement's, on through its transfers.
    """
    lines = segment_lines(plan)
    out: list[tuple[datetime, float, float]] = []
    for seg in consignment_segments(plan):
        coords = lines.get(seg.id) or [(seg.from_.lon, seg.from_.lat), (seg.to.lon, seg.to.lat)]
        out += _along(seg, coords)
    return out


def consignment_segments(plan: Plan) -> list[PlanSegment]:
    """The segments the consignment travels, in order.

    All of them; or with several movements those of the first movement and of each movement a
    transfer hands the goods on to.
    """
    if not plan.movements:
        return list(plan.segments)
    chain = [plan.movements[0].id]
    while nxt := next((t.to for t in plan.transfers if t.from_ == chain[-1]), None):
        if nxt in chain:
            break
        chain.append(nxt)
    return [s for m in chain for s in plan.segments if s.movement == m]


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
