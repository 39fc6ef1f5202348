"""Trainers' commands: ``cdplan exercise list|new|brief|run``, ``cdplan judge``, ``cdplan event``.

Exit codes as everywhere: 0 done, 2 input that cannot be read (the error names the field), 1 a
fault of the program. ``cdplan judge`` exits 0 whatever the score.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from cli.files import dump_yaml, read_yaml, write_plan_dir
from geodata import load
from geodata.layers import Geodata
from planner.exercises.brief import build_brief
from planner.exercises.exercise import new_exercise
from planner.exercises.generate import Difficulty
from planner.exercises.judge import as_trainee, judge
from planner.exercises.notes import trainer_notes
from planner.exercises.packs import load_packs
from planner.exercises.run import run_injects
from planner.exercises.trainee import load_trainee
from planner.exports.debrief import render_debrief
from planner.exports.replay import render_replay
from planner.exports.trainee_brief import render_trainee_brief
from planner.exports.write import write_atomic
from planner.io import ScenarioError, load_scenario, parse_scenario
from planner.plan import Plan
from planner.reasons import PlanningError
from planner.replan.events import replan
from planner.replan.kinds import parse_event
from planner.scenario import Scenario

exercise_app = typer.Typer(no_args_is_help=True, help="Exercises for trainers.")
err = Console(stderr=True)
out = Console()


def _refuse(errors: list[dict[str, str]]) -> NoReturn:
    for e in errors:
        err.print(f"[red]error:[/red] {e['loc']}: {e['msg']} (fix: {e['fix']})")
    raise typer.Exit(code=2)


def _scenario(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        _refuse(exc.errors)


@exercise_app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the packs as JSON")] = False,
) -> None:
    """The bundled exercise packs: id, title, difficulty, route and skills trained."""
    packs = load_packs()
    if as_json:
        sys.stdout.write(json.dumps([p.meta.model_dump() for p in packs], indent=1) + "\n")
        return
    for p in packs:
        m = p.meta
        out.print(f"[bold]{m.id}[/bold] ({m.difficulty}): {m.title}")
        out.print(f"  route: {m.route}; skills: {', '.join(m.skills)}")
        out.print(f"  {p.path}")


@exercise_app.command("new")
def new_cmd(
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same exercise")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the exercise")],
    difficulty: Annotated[Difficulty, typer.Option("--difficulty")] = Difficulty.medium,
    faults: Annotated[
        int | None,
        typer.Option("--faults", min=0, max=7, help="Faults to plant (default by difficulty)"),
    ] = None,
) -> None:
    """A generated exercise: scenario, injects, trainer notes, answer key and brief."""
    geo = load()
    ex = new_exercise(seed, difficulty, faults, geo)
    answer_dir = output / "answer"
    answer_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(output / "scenario.yaml", dump_yaml(ex.scenario))
    write_atomic(output / "injects.yaml", dump_yaml({"injects": ex.injects}))
    write_atomic(output / "trainer-notes.md", trainer_notes(ex))
    write_atomic(answer_dir / "plan.json", reproducible(ex.answer).to_json())
    trainee = as_trainee(ex.answer).model_dump(mode="json", exclude_defaults=True)
    write_atomic(answer_dir / "trainee.yaml", dump_yaml(trainee))
    write_atomic(answer_dir / "fixed.yaml", dump_yaml(ex.fixed))
    _write_brief(parse_scenario(ex.scenario), geo, output / "brief")
    out.print(
        f"exercise {ex.scenario['operation']['id']}: {len(ex.faults)} fault(s), "
        f"{len(ex.injects)} inject(s); trainer notes: {output / 'trainer-notes.md'}"
    )


def reproducible(plan: Plan) -> Plan:
    """The plan without its timings, so that an answer key is the same byte for byte."""
    solver = plan.solver.model_copy(update={"wall_seconds": 0.0, "build_seconds": 0.0})
    return plan.model_copy(update={"solver": solver})


def _write_brief(scenario: Scenario, geo: Geodata, directory: Path) -> None:
    try:
        brief = build_brief(scenario, geo)
    except PlanningError as exc:
        _refuse(
            [
                {"loc": r.subject, "msg": r.message, "fix": "see docs/scenario.md"}
                for r in exc.reasons
            ]
        )
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(directory / "brief.json", brief.model_dump_json(indent=1, by_alias=True))
    write_atomic(directory / "brief.html", render_trainee_brief(brief))


@exercise_app.command("brief")
def brief_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON)")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for brief.json, brief.html")
    ],
) -> None:
    """What a trainee plans on: routes, segments, teams, the law (brief.json, brief.html)."""
    _write_brief(_scenario(scenario), load(), output)
    out.print(f"brief: {output / 'brief.html'}")


@exercise_app.command("run")
def run_cmd(
    exercise: Annotated[Path, typer.Argument(help="Exercise folder (scenario.yaml, injects.yaml)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the versions")],
) -> None:
    """Play the injects in time order: one plan version each, and a replay page."""
    geo = load()
    fixed = exercise / "answer" / "fixed.yaml"
    try:
        result = run_injects(
            _scenario(exercise / "scenario.yaml"),
            read_yaml(exercise / "injects.yaml"),
            geo,
            fallback=_scenario(fixed) if fixed.exists() else None,
        )
    except ScenarioError as exc:
        _refuse(exc.errors)
    for i, (version, scen) in enumerate(zip(result.plans, result.scenarios, strict=True), 1):
        write_plan_dir(version, scen, geo, output / f"v{i}")
    write_atomic(output / "run.json", result.summary_json())
    write_atomic(output / "replay.html", render_replay(result, geo))
    for line in result.lines():
        out.print(line)
    out.print(f"replay: {output / 'replay.html'}")


def judge_cmd(
    scenario: Annotated[Path, typer.Argument(help="The exercise's scenario (YAML or JSON)")],
    trainee: Annotated[Path, typer.Argument(help="The trainee's plan (YAML or JSON)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the judgement as JSON")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Folder for debrief.html")
    ] = None,
) -> None:
    """Score a trainee's plan against the rules and the proven optimum (exit 0 on any score)."""
    sc = _scenario(scenario)
    try:
        plan_given = load_trainee(trainee)
        geo = load()
        judged = judge(sc, plan_given, geo)
    except ScenarioError as exc:
        _refuse(exc.errors)
    except PlanningError as exc:
        _refuse(
            [
                {"loc": r.subject, "msg": r.message, "fix": "see docs/scenario.md"}
                for r in exc.reasons
            ]
        )
    j = judged.judgement
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        write_atomic(output / "judgement.json", j.model_dump_json(indent=1))
        write_atomic(output / "debrief.html", render_debrief(judged, geo))
    if as_json:
        sys.stdout.write(j.model_dump_json(indent=1) + "\n")
        return
    verdict = (
        "declared infeasible"
        if j.declared == "infeasible"
        else "keeps every rule"
        if j.feasible
        else "breaks rules"
    )
    out.print(
        f"[bold]score {j.score}[/bold]: {verdict}; objective {j.objective}, optimum "
        f"{j.optimum} ({j.engine_status})"
    )
    for v in j.violations:
        out.print(f"  rule {v.number} ({v.rule}) {v.subject}: {v.message}")
    for n in j.notes:
        out.print(f"  - {n}")
    if output is not None:
        out.print(f"debrief: {output / 'debrief.html'}")


def event_cmd(
    plan_dir: Annotated[Path, typer.Argument(help="A plan folder (plan.json and scenario.json)")],
    event: Annotated[Path, typer.Argument(help="The event (YAML or JSON)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the new version")],
) -> None:
    """One event on a plan: the next plan version, with what changed (the API's event kinds)."""
    geo = load()
    try:
        previous = Plan.model_validate_json((plan_dir / "plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        _refuse(
            [
                {
                    "loc": "plan",
                    "msg": "no readable plan.json in the folder",
                    "fix": "give a folder written by cdplan plan",
                }
            ]
        )
    scenario_path = plan_dir / "scenario.json"
    if not scenario_path.exists():
        _refuse(
            [
                {
                    "loc": "scenario",
                    "msg": "no scenario.json in the folder",
                    "fix": "plan the scenario again with cdplan plan (it writes scenario.json)",
                }
            ]
        )
    sc = _scenario(scenario_path)
    data: Any = read_yaml(event)
    try:
        new_scenario, result = replan(sc, previous, parse_event(data), geo)
    except ScenarioError as exc:
        _refuse(exc.errors)
    write_plan_dir(result, new_scenario, geo, output)
    out.print(f"[bold]{result.status}[/bold]: {output / 'plan.json'}")
    for c in result.changes:
        out.print(f"  - {c}")
    for r in result.reasons:
        out.print(f"  ! {r.message} [{r.code}]")
