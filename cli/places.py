"""``cdplan places search``: look up the id of a place by the name users know it by."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Literal

import typer
from rich.console import Console

from geodata import load, search_places

places_app = typer.Typer(no_args_is_help=True, help="Places of the network and their ids.")
out = Console()

Kind = Literal["city", "port", "crossing", "junction", "truck_park"]


@places_app.command("search")
def places_search(
    text: Annotated[str, typer.Argument(help="A name in any usual spelling (Constanta, Tiflis)")],
    country: Annotated[
        str | None, typer.Option("--country", help="Only places of this ISO3 country")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="city, port, crossing, junction or truck_park"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts")] = False,
) -> None:
    """The best matching places: id, kind, name, country, lat, lon.

    Diacritics, case and transliteration do not matter: Constanța, Constanta and Constantsa find
    the same places. A city that has a port of the same name is ``CCC-name-city``; the port is
    ``CCC-name``.
    """
    kinds = ("city", "port", "crossing", "junction", "truck_park")
    if kind is not None and kind not in kinds:
        out.print(f"[red]error:[/red] --kind: one of {', '.join(kinds)}", style=None)
        raise typer.Exit(code=2)
    if country is not None and len(country) != 3:
        out.print("[red]error:[/red] --country: the three-letter ISO 3166-1 code, e.g. TUR")
        raise typer.Exit(code=2)
    found = search_places(
        load(),
        text,
        country=country.upper() if country else None,
        kind=kind,  # type: ignore[arg-type]
        limit=limit,
    )
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False) + "\n")
        return
    if not found:
        out.print("no place matches; try another spelling or a nearby town")
        return
    for m in found:
        typer.echo(
            f"{m['id']:<28} {m['kind']:<10} {m['name'][:36]:<36} {m['country']}  "
            f"{m['lat']:.4f}, {m['lon']:.4f}"
        )
