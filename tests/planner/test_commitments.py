"""Teams shared between operations: two adopted plans never share a team-hour."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cli.main import app
from geodata import Geodata
from planner.commitments import commitments_of, conflicts, describe, without_committed
from planner.engine import plan
from planner.examples import path_of
from planner.io import load_scenario, parse_scenario
from planner.scenario import Scenario

runner = CliRunner()


def _second(sc: Scenario, *, hours_later: float, drop: tuple[str, ...] = ()) -> Scenario:
    """Another operation of the same agencies, with the same teams, a little later."""
    data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["operation"]["id"] = "OP-SECOND"
    data["operation"]["departure"] = (
        sc.operation.departure + timedelta(hours=hours_later)
    ).isoformat()
    data["teams"] = [t for t in data["teams"] if t["id"] not in drop]
    return parse_scenario(data)


def test_a_second_plan_is_planned_around_the_committed_teams(geo: Geodata) -> None:
    first_sc = load_scenario(path_of("moldova-chisinau-odesa"))
    first = plan(first_sc, geo)
    committed = commitments_of(first, first_sc, geo)
    assert {c.team for c in committed} == {a.team for a in first.assignments}
    second_sc = _second(first_sc, hours_later=1)
    # Without the ledger the second operation wants the same teams at the same hours.
    naive = commitments_of(plan(second_sc, geo), second_sc, geo)
    assert conflicts(naive, committed)
    around = plan(without_committed(second_sc, committed), geo)
    assert around.status == "optimal", around.reasons
    mine = commitments_of(around, second_sc, geo)
    assert conflicts(mine, committed) == []


def test_a_plan_around_a_commitment_leaves_the_team_its_rest_before_it(geo: Geodata) -> None:
    """On a long operation a team's duty for the second plan may end just before its committed
    hours: its rest must fit in between, or the two commitments overlap."""
    first_sc = load_scenario(path_of("aurora-batumi-sofia"))
    committed = commitments_of(plan(first_sc, geo), first_sc, geo)
    second_sc = _second(first_sc, hours_later=0)
    around = plan(without_committed(second_sc, committed), geo)
    assert around.status.has_plan, around.reasons
    assert conflicts(commitments_of(around, second_sc, geo), committed) == []


def test_with_no_other_team_the_second_plan_has_none_and_says_why(geo: Geodata) -> None:
    first_sc = load_scenario(path_of("moldova-chisinau-odesa"))
    first = plan(first_sc, geo)
    committed = commitments_of(first, first_sc, geo)
    used = {c.team for c in committed}
    # Only the committed teams are left to the second operation.
    spare = tuple(t.id for t in first_sc.teams if t.id not in used)
    second = plan(without_committed(_second(first_sc, hours_later=1, drop=spare), committed), geo)
    assert second.status == "infeasible"
    said = {w.code for w in second.warnings} | {r.code for r in second.reasons}
    assert "team_unavailable" in said or "staffing_gap" in said


def test_conflicts_name_the_operation_only_to_its_owner(geo: Geodata) -> None:
    sc = load_scenario(path_of("moldova-chisinau-odesa"))
    first = commitments_of(plan(sc, geo), sc, geo)
    clash = conflicts(commitments_of(plan(_second(sc, hours_later=0), geo), sc, geo), first)
    assert clash
    assert "OP-LIMAN" in describe(clash[0], owner=True)
    assert "OP-LIMAN" not in describe(clash[0], owner=False)
    assert "committed elsewhere" in describe(clash[0], owner=False)


def test_commit_and_release_on_the_command_line(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.json"
    one = runner.invoke(
        app, ["plan", str(path_of("moldova-chisinau-odesa")), "-o", str(tmp_path / "a"), "--quiet"]
    )
    assert one.exit_code == 0, one.output
    done = runner.invoke(app, ["commit", str(tmp_path / "a"), "--ledger", str(ledger)])
    assert done.exit_code == 0, done.output
    data = yaml.safe_load(path_of("moldova-chisinau-odesa").read_text())
    data["operation"]["id"] = "OP-SECOND"
    second = tmp_path / "second.yaml"
    second.write_text(yaml.safe_dump(data))
    # Planned without the ledger, the second operation takes the same teams: adopting it is
    # refused, naming the team and the other operation.
    runner.invoke(app, ["plan", str(second), "-o", str(tmp_path / "b"), "--quiet"])
    refused = runner.invoke(app, ["commit", str(tmp_path / "b"), "--ledger", str(ledger)])
    assert refused.exit_code == 2 and "OP-LIMAN" in refused.output
    # Planned with the ledger it goes round them, and is adopted.
    runner.invoke(
        app, ["plan", str(second), "-o", str(tmp_path / "c"), "--ledger", str(ledger), "--quiet"]
    )
    ok = runner.invoke(app, ["commit", str(tmp_path / "c"), "--ledger", str(ledger)])
    assert ok.exit_code == 0, ok.output
    released = runner.invoke(
        app, ["commit", str(tmp_path / "a"), "--ledger", str(ledger), "--release"]
    )
    assert released.exit_code == 0 and "released" in released.output
    assert "OP-LIMAN" not in ledger.read_text()
