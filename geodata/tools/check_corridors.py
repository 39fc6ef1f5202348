"""Check corridor files while authoring them, and print network distances.

    python -m geodata.tools.check_corridors [FILE.yaml ...] [--pair A B ...] [--all]
        [--spacing KM]

Without files, checks every corridor file. Problems in the named files are listed first; with
``--all`` every problem of the whole dataset is listed; with ``--spacing`` the road edges of the
named files longer than KM between two named places (to know where a town, a junction or a
truck park is missing).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

from geodata._errors import GeodataError
from geodata.layers import build
from geodata.network import Edge, build_network, corridor_edges, ferry_edge
from geodata.routing import RouteRequest, best_routes
from geodata.sources import SOURCES, read_corridors
from geodata.validate import (
    ALL_CHECKS,
    Problem,
    crossing_modes,
    edges_in_country,
    long_stretches,
    straight_pieces,
)

_INTERIM_STATUS = {
    "TUR-ARM-alican": "closed",
    "RUS-GEO-psou": "non_plannable",
    "RUS-GEO-roki": "non_plannable",
    "MDA-UKR-kuchurhan": "non_plannable",
}


def _interim_sources(tmp: Path) -> Path:
    """A copy of the sources with interim stand-ins for curated files not written yet."""
    dst = tmp / "sources"
    shutil.copytree(SOURCES, dst, ignore=shutil.ignore_patterns("corridors"))
    (dst / "corridors").mkdir()
    if not (dst / "crossings.csv").exists():
        with (
            (dst / "crossings_reference.csv").open(newline="") as fh,
            (dst / "crossings.csv").open("w", newline="") as out,
        ):
            cols = [
                "id",
                "name_a",
                "name_b",
                "country_a",
                "country_b",
                "lat",
                "lon",
                "modes",
                "freight",
                "status",
                "hours",
                "truck_dwell_minutes",
                "notes",
                "coord_source",
            ]
            writer = csv.DictWriter(out, cols)
            writer.writeheader()
            for r in csv.DictReader(fh):
                a, _, b = r["name"].partition(" - ")
                writer.writerow(
                    {
                        "id": r["id"],
                        "name_a": a,
                        "name_b": b or a,
                        "country_a": r["country_a"],
                        "country_b": r["country_b"],
                        "lat": r["lat"],
                        "lon": r["lon"],
                        "modes": r["mode"].replace("/", ";"),
                        "freight": "main",
                        "status": _INTERIM_STATUS.get(r["id"], "open"),
                        "hours": "24h",
                        "truck_dwell_minutes": "60",
                        "notes": "",
                        "coord_source": "interim",
                    }
                )
    if not (dst / "ports.csv").exists():
        with (
            (dst / "ports_reference.csv").open(newline="") as fh,
            (dst / "ports.csv").open("w", newline="") as out,
        ):
            rows = list(csv.DictReader(fh))
            writer = csv.DictWriter(out, ["id", "name", "country", "lat", "lon", "kind"])
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {k: r[k] for k in ["id", "name", "country", "lat", "lon"]} | {"kind": "sea"}
                )
    if not (dst / "ferries.csv").exists():
        (dst / "ferries.csv").write_text(
            "id,from_port,to_port,hours_min,hours_typical,hours_max,status,operator,notes,source\n"
        )
    return dst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--pair", nargs=2, action="append", default=[], metavar=("A", "B"))
    parser.add_argument("--all", action="store_true", help="list every problem of the dataset")
    parser.add_argument("--spacing", type=float, default=None, metavar="KM")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        sources = _interim_sources(Path(tmp))
        base = build(sources=sources)
    problems: list[Problem] = []
    edges: list[Edge] = []
    mine: set[str] = set()
    all_files = sorted((SOURCES / "corridors").glob("*.yaml"))
    named = {f.resolve() for f in args.files} or {f.resolve() for f in all_files}
    for path in all_files:
        try:
            corridors = read_corridors(files=[path])
        except GeodataError as exc:
            problems.append(Problem("corridor-file", path.name, str(exc)))
            continue
        for corridor in corridors:
            try:
                new = corridor_edges(corridor, base.network.nodes, base.restricted_index)
            except GeodataError as exc:
                problems.append(Problem("corridor", corridor.id, str(exc)))
                continue
            edges += new
            if path.resolve() in named:
                mine.update(e.id for e in new)
    edges += [ferry_edge(f, base.network.nodes, base.country_index) for f in base.ferries.values()]
    ids = [e.id for e in edges]
    dupes = {i for i in ids if ids.count(i) > 1}
    for d in sorted(dupes):
        problems.append(Problem("duplicate-edge", d, "corridor id used twice"))
    edges = list({e.id: e for e in edges}.values())
    geo = dataclasses.replace(base, network=build_network(base.network.nodes, edges))

    own = [e for e in edges if e.id in mine]
    problems += edges_in_country(geo, own) + straight_pieces(own) + crossing_modes(geo, own)
    if args.spacing is not None:
        problems += long_stretches(geo, {e.corridor for e in own}, args.spacing)
    if args.all:
        problems += [p for check in ALL_CHECKS[:2] + ALL_CHECKS[5:] for p in check(geo)]
    for p in problems:
        print(p)
    print(
        f"{len(problems)} problem(s); {len(own)} edges checked of {len(edges)} in the network, "
        f"{len(geo.network.nodes)} nodes"
    )
    restricted = sorted({(e.corridor, e.restricted) for e in own if e.restricted})
    for name, area in restricted:
        print(f"note: {name} enters restricted area {area} (the router will not use it)")
    for a, b in args.pair:
        try:
            route = best_routes(geo, RouteRequest(origin=a, destination=b))[0]
        except GeodataError as exc:
            print(f"{a} -> {b}: {exc}")
            continue
        print(
            f"{a} -> {b}: {route.length_km:.0f} km, {route.hours:.1f} h, "
            f"{'-'.join(route.countries)}, via {[c.id for c in route.crossings]}"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
