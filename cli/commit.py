"""``cdplan commit``: adopt a plan into a ledger of commitments, or release it.

The ledger is a JSON file shared by the planners of one agency (or of agencies that lend each
other teams). ``cdplan plan SCENARIO --ledger FILE`` plans around the teams it commits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from cli.files import SCENARIO_FILE
from geodata import load
from planner.commitments import Ledger, commitments_of, conflicts, describe
from planner.exports.write import write_atomic
from planner.io import ScenarioError, load_scenario
from planner.plan import Plan

err = Console(stderr=True)
out = Console()


def _refuse(loc: str, msg: str, fix: str) -> NoReturn:
    err.print(f"[red]error:[/red] {loc}: {msg} (fix: {fix})")
    raise typer.Exit(code=2)


def read_ledger(path: Path) -> Ledger:
    """The ledger in ``path``; an empty one when the file does not exist yet."""
    if not path.exists():
        return Ledger()
    try:
        return Ledger.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        _refuse("--ledger", "not a readable cdplan ledger", "give the file cdplan commit wrote")


def commit_cmd(
    plan_dir: Annotated[Path, typer.Argument(help="A plan folder written by cdplan plan")],
    ledger: Annotated[Path, typer.Option("--ledger", help="The ledger file (JSON)")],
    release: Annotated[
        bool, typer.Option("--release", help="Release the plan's operation instead")
    ] = False,
) -> None:
    """Adopt a plan: its teams' hours become commitments (or --release them)."""
    try:
        plan = Plan.model_validate_json((plan_dir / "plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        _refuse(
            "plan", "no readable plan.json in the folder", "give a folder written by cdplan plan"
        )
    book = read_ledger(ledger)
    if release:
        kept = [c for c in book.commitments if c.operation != plan.operation.id]
        write_atomic(ledger, Ledger(commitments=kept).model_dump_json(indent=1, by_alias=True))
        out.print(
            f"released {len(book.commitments) - len(kept)} commitment(s) of {plan.operation.id}"
        )
        return
    if not plan.status.has_plan:
        _refuse(
            "plan",
            f"the plan is {plan.status.value}: nothing to commit",
            "adopt a plan with assignments",
        )
    try:
        scenario = load_scenario(plan_dir / SCENARIO_FILE)
    except ScenarioError:
        _refuse(
            "scenario",
            "no readable scenario.json in the folder",
            "plan the scenario again with cdplan plan",
        )
    new = commitments_of(plan, scenario, load(), ref=str(plan_dir))
    clash = conflicts(new, book.commitments)
    if clash:
        for c in clash:
            err.print(f"[red]conflict:[/red] {describe(c, owner=True)}")
        raise typer.Exit(code=2)
    kept = [c for c in book.commitments if c.operation != plan.operation.id]
    write_atomic(ledger, Ledger(commitments=kept + new).model_dump_json(indent=1, by_alias=True))
    out.print(f"committed {len(new)} team duty(ies) of {plan.operation.id} to {ledger}")
