"""The ``cdplan`` command line: a thin interface over the same functions the HTTP API calls.

Exit codes (SPEC §5): 0 done, 2 bad input, 1 a fault of the program.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from geodata import GeodataError, Mode, RouteRequest, best_routes, load
from geodata.export import export_all
from geodata.places import parse_place

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="cdplan: plan controlled deliveries."
)
geodata_app = typer.Typer(no_args_is_help=True, help="The region's geodata.")
app.add_typer(geodata_app, name="geodata")

err = Console(stderr=True)
out = Console()


def _fail_input(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=2)


def _modes(text: str) -> tuple[Mode, ...]:
    try:
        return tuple(Mode(m.strip()) for m in text.split(",") if m.strip())
    except ValueError:
        _fail_input(f"--modes: {text!r} is not a list of road, rail, ferry (e.g. road,ferry)")


@geodata_app.command("export")
def geodata_export(
    directory: Annotated[Path, typer.Argument(help="Folder to write the GeoJSON layers to")],
) -> None:
    """Write countries, crossings, ports, cities, network and restricted as GeoJSON (EPSG:4326)."""
    geo = load()
    for path in export_all(geo, directory):
        out.print(str(path))


@geodata_app.command("check")
def geodata_check() -> None:
    """Run every data check; exit 1 if any fails."""
    from geodata.validate import run_all

    problems = run_all(load())
    for p in problems:
        out.print(str(p))
    out.print(f"{len(problems)} problem(s)")
    if problems:
        raise typer.Exit(code=1)


@app.command("route")
def route(
    origin: Annotated[str, typer.Argument(metavar="FROM", help='"lat,lon" or a geodata id')],
    destination: Annotated[str, typer.Argument(metavar="TO", help='"lat,lon" or a geodata id')],
    via: Annotated[
        list[str] | None, typer.Option("--via", help="A place to pass (repeatable)")
    ] = None,
    avoid_country: Annotated[
        list[str] | None, typer.Option("--avoid-country", help="ISO3 code (repeatable)")
    ] = None,
    avoid_crossing: Annotated[
        list[str] | None, typer.Option("--avoid-crossing", help="Crossing id (repeatable)")
    ] = None,
    modes: Annotated[
        str, typer.Option("--modes", help="Allowed modes, comma-separated")
    ] = "road,ferry",
    alternatives: Annotated[int, typer.Option("--alternatives", min=1, max=10)] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts")] = False,
) -> None:
    """The best lawful route between two places (and diverse alternatives)."""
    try:
        request = RouteRequest(
            origin=parse_place(origin),
            destination=parse_place(destination),
            via=tuple(parse_place(v) for v in via or []),
            avoid_countries=tuple(c.upper() for c in avoid_country or []),
            avoid_crossings=tuple(avoid_crossing or []),
            modes=_modes(modes),
            alternatives=alternatives,
        )
        routes = best_routes(load(), request)
    except GeodataError as exc:
        _fail_input(str(exc))
    if as_json:
        keys = {"countries", "crossings", "length_km", "hours", "geometry"}
        payload = [r.model_dump(mode="json", include=keys) for r in routes]
        sys.stdout.write(json.dumps(payload[0] if alternatives == 1 else payload) + "\n")
        return
    for i, r in enumerate(routes, 1):
        out.print(
            f"[bold]route {i}[/bold]: {r.length_km:.0f} km, {r.hours:.1f} h, "
            f"{' > '.join(r.countries)}"
        )
        for c in r.crossings:
            out.print(f"  crossing {c.id}: {c.name}")


@app.command("demo")
def demo(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the outputs")] = Path(
        "out/demo"
    ),
) -> None:
    """Run the main job on the bundled data and print where the outputs are."""
    from api.demo import run_demo

    try:
        run_demo(output, out)
    except GeodataError as exc:
        _fail_input(str(exc))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
