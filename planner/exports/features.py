"""The plan as GeoJSON and as KML, for GIS tools, Google Earth and ATAK.

GeoJSON holds the route, the segments with their teams and agencies, the handovers and the
crossings. KML (simplekml) holds the route, the segments and handover placemarks with time
spans, so Google Earth can animate them and ATAK can load them.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

import simplekml

from planner.exports.geometry import coords_of, segment_lines
from planner.plan import Plan


def _iso(value: Any) -> str:
    return str(value.isoformat()).replace("+00:00", "Z")


def plan_geojson(plan: Plan) -> dict[str, Any]:
    """The plan as a GeoJSON FeatureCollection (EPSG:4326), each feature with its ``kind``."""
    op = plan.operation
    common = {"operation": op.id, "handling_code": op.handling_code, "exercise": op.exercise}
    features: list[dict[str, Any]] = []
    if plan.route.geometry.get("coordinates"):
        features.append(
            {
                "type": "Feature",
                "geometry": plan.route.geometry,
                "properties": {
                    **common,
                    "kind": "route",
                    "countries": plan.route.countries,
                    "length_km": plan.route.length_km,
                    "status": plan.status,
                },
            }
        )
    teams: dict[str, list[str]] = {}
    agencies: dict[str, list[str]] = {}
    for a in plan.assignments:
        teams.setdefault(a.segment, []).append(a.team)
        agencies.setdefault(a.segment, []).append(a.agency)
    for seg_id, coords in segment_lines(plan).items():
        seg = next(s for s in plan.segments if s.id == seg_id)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    **common,
                    "kind": "segment",
                    "id": seg.id,
                    "mode": seg.mode,
                    "country": seg.country,
                    "teams": teams.get(seg.id, []),
                    "agencies": sorted(set(agencies.get(seg.id, []))),
                    "start": _iso(seg.start),
                    "end": _iso(seg.end),
                },
            }
        )
    for h in plan.handovers:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [h.place.lon, h.place.lat]},
                "properties": {
                    **common,
                    "kind": "handover",
                    "handover": h.kind,
                    "place": h.place.name,
                    "from_team": h.from_team,
                    "to_team": h.to_team,
                    "from_agency": h.from_agency,
                    "to_agency": h.to_agency,
                    "start": _iso(h.start),
                    "end": _iso(h.end),
                },
            }
        )
    for c in plan.route.crossings:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": {**common, "kind": "crossing", "id": c.id, "name": c.name},
            }
        )
    return {"type": "FeatureCollection", "name": f"{op.id} plan", "features": features}


def plan_kml(plan: Plan) -> str:
    """The plan as a KML document; segments span their expected times, handovers their overlap."""
    op = plan.operation
    kml = simplekml.Kml(name=f"{op.marking} {op.name} ({op.id})")
    coords = coords_of(plan.route.geometry)
    if coords:
        route = kml.newlinestring(name=f"Route ({op.handling_code})", coords=coords)
        route.style.linestyle.width = 4
        route.style.linestyle.color = simplekml.Color.red
    teams: dict[str, list[str]] = {}
    for a in plan.assignments:
        teams.setdefault(a.segment, []).append(a.team)
    folder = kml.newfolder(name="Segments")
    for seg_id, line in segment_lines(plan).items():
        seg = next(s for s in plan.segments if s.id == seg_id)
        ls = folder.newlinestring(
            name=f"{seg.id} {', '.join(teams.get(seg.id, []))}",
            coords=line,
            # KML viewers show descriptions as HTML: names are escaped for it (and for XML).
            description=f"{escape(seg.from_.name)} to {escape(seg.to.name)}",
        )
        ls.timespan.begin, ls.timespan.end = _iso(seg.nominal_start), _iso(seg.nominal_end)
    hfolder = kml.newfolder(name="Handovers")
    for h in plan.handovers:
        pt = hfolder.newpoint(
            name=f"{h.kind}: {h.place.name}",
            coords=[(h.place.lon, h.place.lat)],
            description=f"{h.from_team} ({h.from_agency}) to {h.to_team} "
            f"({h.to_agency}), {h.start_local} to {h.end_local}",
        )
        pt.timespan.begin, pt.timespan.end = _iso(h.start), _iso(h.end)
    return _stable_ids(str(kml.kml()))


_KML_ID = re.compile(r'(?<=id=")\d+(?=")|(?<=<styleUrl>#)\d+(?=</styleUrl>)')


def _stable_ids(text: str) -> str:
    """Number simplekml's element ids from 1 in order of appearance.

    simplekml counts ids across every document a process makes, so a second rendering of the
    same plan would differ; renumbered, the same plan gives the same bytes.
    """
    seen: dict[str, str] = {}
    return _KML_ID.sub(lambda m: seen.setdefault(m.group(0), str(len(seen) + 1)), text)


def dumps(doc: dict[str, Any]) -> str:
    """A GeoJSON document as compact JSON text, non-ASCII names kept as they are."""
    return json.dumps(doc, ensure_ascii=False)
