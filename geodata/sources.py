"""Reading the curated source files of ``geodata/sources`` into records.

Only parsing happens here; snapping, intersecting and graph building are in :mod:`geodata.layers`.
A malformed row raises :class:`SourceDataError` naming the file, the row and the field.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

from geodata._errors import SourceDataError
from geodata.schema import City, ClosedBorder, Corridor, Country, FerryLine, Port, RestrictedArea

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCES = PACKAGE_DIR / "sources"
DATA = PACKAGE_DIR / "data"

M = TypeVar("M", bound=BaseModel)


def _model(cls: type[M], row: dict[str, Any], where: str) -> M:
    try:
        return cls.model_validate(row, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise SourceDataError(f"{where}: field {loc!r}: {first['msg']}") from exc


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(row for row in fh if not row.startswith("#"))
        ]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster


def _yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # a safe loader (C or Python)


def read_countries(sources: Path = SOURCES) -> tuple[list[Country], list[ClosedBorder]]:
    doc = _yaml(sources / "countries.yaml")
    countries = [
        _model(Country, c, f"countries.yaml country {i}") for i, c in enumerate(doc["countries"])
    ]
    closed = [
        _model(
            ClosedBorder, {**c, "countries": tuple(c["countries"])}, f"countries.yaml closed {i}"
        )
        for i, c in enumerate(doc.get("closed_borders", []))
    ]
    return countries, closed


def read_country_shapes(data: Path = DATA) -> dict[str, BaseGeometry]:
    doc = json.loads((data / "countries.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["iso3"]: shape(f["geometry"]) for f in doc["features"]}


def read_land_shapes(data: Path = DATA) -> dict[str, BaseGeometry]:
    """The full-resolution land layer (``scripts/build_land.py``), for jurisdiction decisions."""
    doc = json.loads(gzip.decompress((data / "land_10m.geojson.gz").read_bytes()))
    return {f["properties"]["iso3"]: shape(f["geometry"]) for f in doc["features"]}


def read_crossing_rows(sources: Path = SOURCES) -> list[dict[str, str]]:
    """Curated crossing rows (snapping happens in layers)."""
    return _csv_rows(sources / "crossings.csv")


def read_ports(sources: Path = SOURCES) -> list[Port]:
    rows = _csv_rows(sources / "ports.csv")
    return [_model(Port, r, f"ports.csv row {i + 2}") for i, r in enumerate(rows)]


def read_ferries(sources: Path = SOURCES) -> list[FerryLine]:
    rows = _csv_rows(sources / "ferries.csv")
    return [_model(FerryLine, r, f"ferries.csv row {i + 2}") for i, r in enumerate(rows)]


def read_cities(sources: Path = SOURCES) -> list[City]:
    cities: list[City] = []
    for path in sorted((sources / "cities").glob("*.csv")):
        rows = _csv_rows(path)
        cities += [_model(City, r, f"cities/{path.name} row {i + 2}") for i, r in enumerate(rows)]
    return cities


def read_terminals(sources: Path = SOURCES) -> dict[str, str]:
    """Rail freight terminals: node id -> terminal name (``terminals.csv``)."""
    path = sources / "terminals.csv"
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    for i, row in enumerate(_csv_rows(path)):
        if not row.get("id") or not row.get("terminal") or not row.get("source"):
            raise SourceDataError(f"terminals.csv row {i + 2}: id, terminal and source are needed")
        out[row["id"]] = row["terminal"]
    return out


def read_corridors(sources: Path = SOURCES, files: list[Path] | None = None) -> list[Corridor]:
    corridors: list[Corridor] = []
    for path in files if files is not None else sorted((sources / "corridors").glob("*.yaml")):
        doc = _yaml(path) or {}
        for i, raw in enumerate(doc.get("corridors") or []):
            pts = [tuple(p) if isinstance(p, list) else p for p in raw.get("points", [])]
            corridors.append(
                _model(Corridor, {**raw, "points": pts}, f"corridors/{path.name} #{i}")
            )
    return corridors


def read_restricted(sources: Path = SOURCES) -> list[tuple[RestrictedArea, Polygon]]:
    """Restricted-area records with their clip outline (lon/lat polygon)."""
    path = sources / "restricted.yaml"
    if not path.exists():
        return []
    out: list[tuple[RestrictedArea, Polygon]] = []
    for i, raw in enumerate(_yaml(path)["areas"]):
        clip = Polygon([(lon, lat) for lat, lon in raw["clip"]])
        fields = {k: v for k, v in raw.items() if k != "clip"}
        fields = {
            k: (str(v) if k in {"since", "valid_as_of", "ended"} and v is not None else v)
            for k, v in fields.items()
        }
        out.append((_model(RestrictedArea, fields, f"restricted.yaml area {i}"), clip))
    return out
