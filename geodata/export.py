"""The layers as GeoJSON (RFC 7946, EPSG:4326, lon/lat), as ``cdplan geodata export`` writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from geodata.layers import Geodata

Feature = dict[str, Any]
LAYERS = ("countries", "crossings", "ports", "cities", "network", "restricted")


def _feature(geom: BaseGeometry, props: dict[str, Any]) -> Feature:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def countries(geo: Geodata) -> list[Feature]:
    out = []
    for iso3, shape in sorted(geo.country_shapes.items()):
        facts = geo.countries[iso3]
        out.append(
            _feature(
                shape,
                {
                    "iso3": iso3,
                    "name": facts.name,
                    "bsec": facts.bsec,
                    "eu": facts.eu,
                    "schengen": facts.schengen_since is not None,
                    "timezone": facts.timezone,
                },
            )
        )
    return out


def crossings(geo: Geodata) -> list[Feature]:
    return [
        _feature(
            Point(c.lon, c.lat),
            {
                "id": c.id,
                "name": c.name,
                "countries": list(c.countries),
                "modes": [m.value for m in c.modes],
                "freight": c.freight.value,
                "status": c.status.value,
                "schengen": c.schengen,
                "hours": c.hours,
                "truck_dwell_minutes": c.truck_dwell_minutes,
                "name_a": c.name_a,
                "name_b": c.name_b,
                "snap_km": c.snap_km,
                "notes": c.notes,
            },
        )
        for c in sorted(geo.crossings.values(), key=lambda c: c.id)
    ]


def ports(geo: Geodata) -> list[Feature]:
    return [
        _feature(
            Point(p.lon, p.lat), {"id": p.id, "name": p.name, "country": p.country, "kind": p.kind}
        )
        for p in sorted(geo.ports.values(), key=lambda p: p.id)
    ]


def cities(geo: Geodata) -> list[Feature]:
    return [
        _feature(
            Point(c.lon, c.lat),
            {
                "id": c.id,
                "name": c.name,
                "country": c.country,
                "kind": c.kind,
                "name_local": c.name_local,
                "terminal": geo.terminals.get(c.id),
            },
        )
        for c in sorted(geo.cities.values(), key=lambda c: c.id)
    ]


def network(geo: Geodata) -> list[Feature]:
    return [
        _feature(
            e.geometry,
            {
                "id": e.id,
                "from": e.u,
                "to": e.v,
                "mode": e.mode.value,
                "km": e.km,
                "minutes": e.minutes,
                "country": e.country,
                "road_class": e.road_class.value if e.road_class else None,
                "restricted": e.restricted,
            },
        )
        for e in sorted(geo.network.edges.values(), key=lambda e: e.id)
    ]


def restricted(geo: Geodata) -> list[Feature]:
    return [
        _feature(
            geo.restricted_shapes[k],
            {
                "id": a.id,
                "name": a.name,
                "state": a.state,
                "cooperating_authority": a.cooperating_authority,
                "since": a.since,
                "source": a.source,
                "active": a.active,
                "valid_as_of": a.valid_as_of,
                "buffer_km": a.buffer_km,
                "wording": a.wording,
            },
        )
        for k, a in sorted(geo.restricted.items())
    ]


BUILDERS = {
    "countries": countries,
    "crossings": crossings,
    "ports": ports,
    "cities": cities,
    "network": network,
    "restricted": restricted,
}


def collection(geo: Geodata, layer: str) -> dict[str, Any]:
    """One layer as a GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "name": layer, "features": BUILDERS[layer](geo)}


def frame(geo: Geodata, layer: str) -> gpd.GeoDataFrame:
    """One layer as a GeoDataFrame in EPSG:4326 (for renderers)."""
    return gpd.GeoDataFrame.from_features(BUILDERS[layer](geo), crs="EPSG:4326")


def export_all(geo: Geodata, directory: Path) -> list[Path]:
    """Write every layer to ``directory/<layer>.geojson``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for layer in LAYERS:
        path = directory / f"{layer}.geojson"
        tmp = path.with_suffix(".geojson.tmp")
        tmp.write_text(json.dumps(collection(geo, layer), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # never leave a half-written layer behind
        written.append(path)
    return written
