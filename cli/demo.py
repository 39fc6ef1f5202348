"""The main job on the bundled data: what ``make demo`` and ``cdplan demo`` run."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from cli.summary import print_summary
from geodata import Geodata, RouteRequest, best_routes, load
from geodata.export import export_all
from geodata.overview import draw_overview
from planner.engine import plan
from planner.examples import DEFAULT, path_of
from planner.exports.compare import render_compare
from planner.exports.offline import OfflineAssetError
from planner.exports.pdf import font_gaps
from planner.exports.write import write_all, write_atomic
from planner.io import load_scenario, parse_scenario
from planner.plan import Plan
from planner.scenario import Scenario

# A second view of the network: the Moldova-Ukraine corridor around Transnistria.
EXTRA_ROUTES = [("Chisinau to Odesa", RouteRequest(origin="MDA-chisinau", destination="UKR-odesa"))]


def runner_up(scenario: Scenario, result: Plan) -> Scenario | None:
    """The scenario made to take its runner-up route: the chosen route's own crossings avoided.

    None when the plan considered no other route.
    """
    chosen = next((a for a in result.alternatives if a.chosen), None)
    other = next((a for a in result.alternatives if not a.chosen), None)
    if chosen is None or other is None:
        return None
    avoid = sorted(set(chosen.crossings) - set(other.crossings))
    if not avoid:
        return None
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["route"]["avoid"]["crossings"] = sorted({*data["route"]["avoid"]["crossings"], *avoid})
    return parse_scenario(data)


def _compare_alternative(
    scenario: Scenario, result: Plan, geo: Geodata, output: Path
) -> Path | None:
    """Plan the runner-up route into ``output/alternative`` and compare it: compare.html."""
    other = runner_up(scenario, result)
    if other is None:
        return None
    alternative = plan(other, geo)
    write_all(alternative, geo, output / "alternative")
    try:
        page = render_compare(result, alternative, geo, ("chosen route", "runner-up route"))
    except OfflineAssetError:
        return None
    write_atomic(output / "compare.html", page)
    return output / "compare.html"


def run_demo(output: Path, console: Console) -> Path:
    """Plan the bundled default scenario and write every output and the layers to ``output``.

    Writes the plan's outputs (with the PDF briefings), the plan of its runner-up route
    (``alternative/``) and the two side by side (``compare.html``), the geodata layers
    (``geodata/``), a second example route (``routes.json``) and a map of the network
    (``overview.png``), and prints a summary.

    Returns:
        The path of ``plan.json``.
    """
    geo = load()
    output.mkdir(parents=True, exist_ok=True)
    scenario = load_scenario(path_of(DEFAULT))
    result = plan(scenario, geo)
    written = write_all(result, geo, output, pdf=True)
    plan_path = written["plan.json"]

    print_summary(result, plan_path)
    compared = _compare_alternative(scenario, result, geo, output)
    layers = export_all(geo, output / "geodata")
    routes = {title: best_routes(geo, req)[0] for title, req in EXTRA_ROUTES}
    (output / "routes.json").write_text(
        json.dumps(
            {t: r.model_dump(mode="json", exclude={"legs"}) for t, r in routes.items()},
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    lines = [(f"{result.operation.name}: {result.route.length_km:.0f} km", result.route.geometry)]
    lines += [
        (f"{t}: {r.length_km:.0f} km, {r.hours:.1f} h", r.geometry) for t, r in routes.items()
    ]
    png = draw_overview(
        geo,
        output / "overview.png",
        routes=lines,
        title=f"cdplan: {result.operation.name} and the Black Sea network",
    )
    console.print(
        f"geodata:  {len(geo.crossings)} crossings, {len(geo.ports)} ports, "
        f"{len(geo.ferries)} ferry lines, {len(geo.network.nodes)} nodes, "
        f"{len(geo.network.edges)} edges, {len(geo.restricted)} restricted areas "
        f"-> {layers[0].parent}/"
    )
    console.print(f"outputs:  {', '.join(str(p) for p in written.values())}")
    if "briefing.pdf" not in written:
        console.print("[red]briefing.pdf not written[/red]: WeasyPrint needs Pango (see the log)")
    for gap in font_gaps():
        console.print(f"[yellow]fonts:[/yellow] {gap}")
    console.print(f"overview: {png}")
    if compared:
        console.print(f"compare:  {compared} (the plan against its runner-up route)")
    return plan_path
