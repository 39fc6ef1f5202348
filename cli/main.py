"""The ``cdplan`` command line: a thin interface over the same functions the HTTP API calls.

Exit codes (as in the README): 0 done, 2 bad input, 1 a fault of the program.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from cli.commit import commit_cmd, read_ledger
from cli.exercise import event_cmd, exercise_app, judge_cmd
from cli.files import write_plan_dir
from cli.places import places_app
from cli.robustness import robustness_cmd
from cli.service import audit_app, serve, users_app
from cli.summary import print_summary
from geodata import GeodataError, Mode, RouteRequest, best_routes, load
from geodata.export import export_all
from geodata.places import parse_place
from planner.commitments import without_committed
from planner.engine import plan
from planner.exports.compare import NotComparableError, render_compare
from planner.exports.i18n import LANGUAGES, UnknownLanguageError, parse_languages
from planner.exports.offline import OfflineAssetError
from planner.exports.pdf import font_gaps
from planner.exports.write import write_atomic
from planner.io import ScenarioError, json_schema, load_scenario
from planner.plan import Plan, PlanStatus
from planner.review import review
from planner.scenario import Scenario

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="cdplan: plan controlled deliveries."
)
geodata_app = typer.Typer(no_args_is_help=True, help="The region's geodata.")
app.add_typer(geodata_app, name="geodata")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(places_app, name="places")
app.add_typer(exercise_app, name="exercise")
app.command("judge")(judge_cmd)
app.command("event")(event_cmd)
app.command("commit")(commit_cmd)
app.command("serve")(serve)
app.command("robustness")(robustness_cmd)

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


def _scenario(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        for e in exc.errors:
            err.print(f"[red]error:[/red] {e['loc']}: {e['msg']} (fix: {e['fix']})")
        raise typer.Exit(code=2) from exc


@app.command("check")
def check_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON)")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {ok, errors, problems, warnings} as JSON")
    ] = False,
) -> None:
    """Everything wrong with a scenario at once, without solving it.

    Errors (input that cannot be planned) exit 2; problems (what would leave no plan) and
    warnings (what to know even with a plan) are printed, and exit 0.
    """
    sc = _scenario(scenario)
    found = review(sc, load())
    if as_json:
        payload = {
            "ok": found.ok,
            "errors": found.errors,
            "problems": [r.model_dump() for r in found.problems],
            "warnings": [r.model_dump() for r in found.warnings],
        }
        sys.stdout.write(json.dumps(payload, indent=1) + "\n")
    else:
        for e in found.errors:
            err.print(f"[red]error:[/red] {e['loc']}: {e['msg']} (fix: {e['fix']})")
        for r in found.problems:
            err.print(f"[red]no plan:[/red] {r.subject}: {r.message} [{r.code}]")
        for r in found.warnings:
            err.print(f"[yellow]warning:[/yellow] {r.subject}: {r.message} [{r.code}]")
        if found.ok:
            out.print(
                f"ok: {sc.operation.id}, {len(sc.teams)} teams, {len(sc.agencies)} agencies"
                + (f", {len(found.warnings)} warning(s)" if found.warnings else "")
            )
    if found.errors:
        raise typer.Exit(code=2)


@app.command("schema")
def schema_cmd() -> None:
    """Print the scenario's JSON Schema."""
    sys.stdout.write(json.dumps(json_schema(), indent=1) + "\n")


@app.command("plan")
def plan_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for plan.json")] = Path(
        "out"
    ),
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Print only the path of plan.json")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON")] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="LL[,LL...]",
            help="Briefings in these languages too: " + ", ".join(LANGUAGES),
        ),
    ] = "",
    pdf: Annotated[bool, typer.Option("--pdf", help="A PDF of every briefing too")] = False,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="Plan around the teams committed to other operations"),
    ] = None,
) -> None:
    """Plan a scenario: plan.json, map, timeline, briefing, GeoJSON, KML and scenario.json.

    Also each agency's need-to-know extract (briefings/<AGENCY-ID>.html), a briefing per extra
    language (briefing.<LL>.html) and, with --pdf, a PDF of each briefing.
    """
    try:
        langs = parse_languages(lang)
    except UnknownLanguageError as exc:
        _fail_input(f"--lang: {exc}")
    sc = _scenario(scenario)
    if ledger is not None:
        sc = without_committed(sc, read_ledger(ledger).commitments)
    geo = load()
    result = plan(sc, geo)
    written = write_plan_dir(result, sc, geo, output, langs=langs, pdf=pdf)
    path = written["plan.json"]
    if result.status is PlanStatus.invalid:
        # Bad input, found once the places were resolved: only plan.json, with the reasons.
        if as_json:
            sys.stdout.write(result.to_json() + "\n")
        for r in result.reasons:
            err.print(f"[red]error:[/red] {r.subject}: {r.message} [{r.code}]")
        err.print(f"invalid scenario: only {path} was written")
        raise typer.Exit(code=2)
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    elif quiet:
        out.print(str(path))
    else:
        print_summary(result, path)
        expected = {"map.html", "timeline.html", "briefing.html", "plan.geojson", "plan.kml"}
        missing = expected - set(written) | ({"briefing.pdf"} - set(written) if pdf else set())
        out.print("also: " + ", ".join(sorted(set(written) - {"plan.json", "scenario.json"})))
        if pdf:
            for gap in font_gaps():
                err.print(f"[yellow]fonts:[/yellow] {gap}")
        if missing:
            err.print(f"[red]not written:[/red] {', '.join(sorted(missing))} (see the log)")
            raise typer.Exit(code=1)


@app.command("compare")
def compare_cmd(
    plan_a: Annotated[Path, typer.Argument(metavar="PLAN_DIR_A", help="A plan's folder")],
    plan_b: Annotated[Path, typer.Argument(metavar="PLAN_DIR_B", help="Another plan's folder")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for compare.html")] = Path(
        "out/compare"
    ),
    names: Annotated[
        str, typer.Option("--names", metavar="A,B", help="What to call the two plans")
    ] = "",
) -> None:
    """Two plans of one operation side by side: compare.html (figures, one map, two timelines)."""
    plans = []
    for folder in (plan_a, plan_b):
        try:
            plans.append(Plan.model_validate_json((folder / "plan.json").read_text("utf-8")))
        except (OSError, ValueError) as exc:
            _fail_input(f"{folder}: no readable plan.json ({str(exc).splitlines()[0]})")
    given = [n.strip() for n in names.split(",")] if names else []
    if given and len(given) != 2:
        _fail_input("--names: give two names, comma-separated (e.g. optimum,trainee)")
    labels = (given[0], given[1]) if given else (plan_a.name, plan_b.name)
    try:
        page = render_compare(plans[0], plans[1], load(), labels)
    except NotComparableError as exc:
        _fail_input(str(exc))
    except OfflineAssetError as exc:
        err.print(f"[red]compare.html not written:[/red] {exc}")
        raise typer.Exit(code=1) from exc
    output.mkdir(parents=True, exist_ok=True)
    write_atomic(output / "compare.html", page)
    out.print(str(output / "compare.html"))


@app.command("bench")
def bench_cmd() -> None:
    """Benchmark build and solve times; ratios are against the baseline solved in the same run."""
    from cli.bench import run

    results = run(load())
    base = results[0]
    typer.echo(
        f"{'case':62} {'states':>6} {'km':>6} {'teams':>5} {'blocks':>6} {'status':>9} "
        f"{'build s':>8} {'solve s':>8} {'x base':>7} {'segs':>5} {'map s':>6}"
    )
    for r in results:
        ratio = r.solve_s / base.solve_s if base.solve_s else float("nan")
        typer.echo(
            f"{r.name:62} {r.countries:6d} {r.km:6.0f} {r.teams:5d} {r.blocks:6d} "
            f"{r.status:>9} {r.build_s:8.3f} {r.solve_s:8.3f} {ratio:7.2f} {r.segments:5d} "
            f"{r.map_s:6.3f}"
        )


@app.command("demo")
def demo(
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the outputs")] = Path(
        "out/demo"
    ),
) -> None:
    """Run the main job on the bundled data and print where the outputs are."""
    from cli.demo import run_demo

    try:
        run_demo(output, out)
    except GeodataError as exc:
        _fail_input(str(exc))


def main() -> None:  # pragma: no cover - console entry point
    """Run the ``cdplan`` command line."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
