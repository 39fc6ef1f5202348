"""A small static map of a briefing's stretch of the route, as inline SVG.

It prints (the PDF has no scripts) and needs no network: country outlines from the geodata, the
route, the stretch the briefing covers in the watching agencies' colours, and numbered handover
points that match the briefing's handover table. Around the stretch it shows ``MARGIN_KM`` of
ground, so an extract shows where the consignment comes from and goes to, and nothing more.
"""

from __future__ import annotations

import math
from html import escape

from shapely.geometry import LineString, MultiLineString, box
from shapely.geometry.base import BaseGeometry

from geodata.layers import Geodata
from planner.exports.geometry import Coords, movement_lines, route_line, segment_lines
from planner.exports.scope import Content

MARGIN_KM = 40.0
KM_PER_DEGREE = 111.0
WIDTH_PX = 680
MAX_HEIGHT_PX = 300
LAND = "#f3efe2"
OTHER_ROUTE = "#8a8a8a"
LABEL_MARGIN_PX = 18


def _lines(geom: BaseGeometry) -> list[Coords]:
    if isinstance(geom, LineString):
        return [list(geom.coords)]
    if isinstance(geom, MultiLineString):
        return [list(g.coords) for g in geom.geoms]
    return [list(g.coords) for g in getattr(geom, "geoms", []) if isinstance(g, LineString)]


def _rings(geom: BaseGeometry) -> list[Coords]:
    polys = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", []))
    out: list[Coords] = []
    for p in polys:
        if p.geom_type != "Polygon":
            continue
        out.append(list(p.exterior.coords))
        out += [list(r.coords) for r in p.interiors]
    return out


class _Frame:
    """Lon/lat to pixels: equirectangular, scaled by the cosine of the middle latitude."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        self.x0, self.y0, x1, y1 = bounds
        self.k = math.cos(math.radians((self.y0 + y1) / 2))
        span_x = max((x1 - self.x0) * self.k, 1e-6)
        span_y = max(y1 - self.y0, 1e-6)
        self.scale = min(WIDTH_PX / span_x, MAX_HEIGHT_PX / span_y)
        self.width = round(span_x * self.scale)
        self.height = round(span_y * self.scale)
        self.y1 = y1

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round((lon - self.x0) * self.k * self.scale, 1),
            round((self.y1 - lat) * self.scale, 1),
        )

    def path(self, coords: Coords, close: bool = False) -> str:
        pts = [self.xy(x, y) for x, y in coords]
        d = "M" + " L".join(f"{x},{y}" for x, y in pts)
        return d + (" Z" if close else "")


def sketch(content: Content, geo: Geodata, colours: dict[str, str]) -> str:
    """The SVG of ``content``'s stretch (empty when the plan has no route to draw)."""
    plan = content.plan
    line = route_line(plan)
    pieces = segment_lines(plan)
    shown = [pieces[s.id] for s in content.segments if len(pieces.get(s.id, [])) > 1]
    if line is None or not shown:
        return ""
    stretch = MultiLineString(shown)
    pad = MARGIN_KM / KM_PER_DEGREE
    lon0, lat0, lon1, lat1 = stretch.bounds
    lat_pad = pad
    lon_pad = pad / max(math.cos(math.radians((lat0 + lat1) / 2)), 0.2)
    view = box(lon0 - lon_pad, lat0 - lat_pad, lon1 + lon_pad, lat1 + lat_pad)
    frame = _Frame(view.bounds)
    tolerance = (view.bounds[2] - view.bounds[0]) / 600
    parts: list[str] = []
    labels: list[str] = []
    for iso3, shape in sorted(geo.country_shapes.items()):
        part = shape.intersection(view)
        if part.is_empty:
            continue
        part = part.simplify(tolerance, preserve_topology=True)
        d = " ".join(frame.path(r, close=True) for r in _rings(part) if len(r) > 2)
        if d:
            parts.append(f'<path d="{d}" fill="{LAND}" stroke="#999" stroke-width="0.7"/>')
            spot = part.representative_point()
            x, y = frame.xy(spot.x, spot.y)
            # A code whose country barely enters the frame would be cut at its edge.
            if not (
                LABEL_MARGIN_PX < x < frame.width - LABEL_MARGIN_PX and 12 < y < frame.height - 4
            ):
                continue
            labels.append(
                f'<text x="{x}" y="{y}" text-anchor="middle" font-size="11" fill="#666">'
                f"{escape(iso3)}</text>"
            )
    routes = movement_lines(plan).values()
    for coords in (c for r in routes for c in _lines(r.intersection(view))):
        parts.append(
            f'<path d="{frame.path(coords)}" fill="none" stroke="{OTHER_ROUTE}" '
            'stroke-width="2" stroke-dasharray="5 3"/>'
        )
    agency_of = {a.segment: a.agency for a in content.assignments}
    for seg in content.segments:
        coords = pieces.get(seg.id, [])
        # A stretch nobody watches (a movement watched only where it is cheap) stays dashed.
        if len(coords) < 2 or seg.id not in agency_of:
            continue
        colour = colours.get(agency_of[seg.id], "#333")
        parts.append(
            f'<path d="{frame.path(coords)}" fill="none" stroke="{colour}" stroke-width="4" '
            'stroke-linecap="round"/>'
        )
    for number, h in content.handovers:
        x, y = frame.xy(h.place.lon, h.place.lat)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="8" fill="#fff" stroke="#000" stroke-width="1.5"/>'
            f'<text x="{x}" y="{y + 3.5}" text-anchor="middle" font-size="10" '
            f'font-weight="bold">{number}</text>'
        )
    return (
        f'<svg class="sketch" width="{frame.width}" '
        f'height="{frame.height}" viewBox="0 0 {frame.width} {frame.height}" role="img">'
        f'<rect width="{frame.width}" height="{frame.height}" fill="#dbe9f3"/>'
        + "".join(parts)
        + "".join(labels)
        + "</svg>"
    )
