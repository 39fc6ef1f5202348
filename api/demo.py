"""The main job on the bundled data: what ``make demo`` and ``cdplan demo`` run."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from geodata import RouteRequest, best_routes, load
from geodata.export import export_all
from geodata.overview import draw_overview
from geodata.places import Coordinates

# Routes the research brief names (domain.md §2.4): the Caucasus route to the Balkans, the
# Moldova-Ukraine corridor around Transnistria, and the Balkan route's central branch.
DEMO_ROUTES: list[tuple[str, RouteRequest]] = [
    (
        "Batumi to Sofia",
        RouteRequest(
            origin=Coordinates(lat=41.6168, lon=41.6367, name="Batumi"),
            destination=Coordinates(lat=42.6977, lon=23.3219, name="Sofia"),
            alternatives=3,
        ),
    ),
    ("Chisinau to Odesa", RouteRequest(origin="MDA-chisinau", destination="UKR-odesa")),
    ("Istanbul to Belgrade", RouteRequest(origin="TUR-istanbul", destination="SRB-belgrade")),
]


def run_demo(output: Path, console: Console) -> None:
    geo = load()
    output.mkdir(parents=True, exist_ok=True)
    layers = export_all(geo, output / "geodata")
    console.print(
        f"geodata: {len(geo.crossings)} crossings, {len(geo.ports)} ports, "
        f"{len(geo.ferries)} ferry lines, {len(geo.network.nodes)} nodes, "
        f"{len(geo.network.edges)} edges, {len(geo.restricted)} restricted areas"
    )
    results = {}
    shown = []
    for title, request in DEMO_ROUTES:
        routes = best_routes(geo, request)
        results[title] = [r.model_dump(mode="json", exclude={"legs"}) for r in routes]
        best = routes[0]
        console.print(
            f"[bold]{title}[/bold]: {best.length_km:.0f} km, {best.hours:.1f} h, "
            f"{' > '.join(best.countries)} via "
            f"{', '.join(c.name for c in best.crossings) or 'no border'}"
            + (f" (+{len(routes) - 1} alternatives)" if len(routes) > 1 else "")
        )
        shown += routes if title == "Batumi to Sofia" else [best]
    routes_path = output / "routes.json"
    routes_path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    png = draw_overview(
        geo,
        output / "overview.png",
        routes=shown,
        title="cdplan: Black Sea corridor network and demo routes",
    )
    console.print(f"layers:   {layers[0].parent}/")
    console.print(f"routes:   {routes_path}")
    console.print(f"map:      {png}")
