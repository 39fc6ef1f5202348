"""Two plans side by side: the figures with their differences, one map, a timeline each."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.offline
import pytest
from typer.testing import CliRunner

from cli.demo import runner_up
from cli.main import app
from geodata import Geodata
from planner.engine import plan
from planner.examples import DEFAULT, path_of
from planner.exports.compare import NotComparableError, render_compare, rows
from planner.exports.write import write_all
from planner.io import load_scenario
from planner.plan import Plan


@pytest.fixture(scope="module")
def alternative(demo_plan: Plan, geo: Geodata) -> Plan:
    """Aurora along its runner-up route (Hamzabeyli - Lesovo instead of Kapikule)."""
    other = runner_up(load_scenario(path_of(DEFAULT)), demo_plan)
    assert other is not None
    result = plan(other, geo)
    assert result.status == "optimal"
    assert [c.name for c in result.route.crossings] != [c.name for c in demo_plan.route.crossings]
    return result


def test_the_objective_terms_add_up_to_the_objective(demo_plan: Plan, double_plan: Plan) -> None:
    for p in (demo_plan, double_plan):
        assert p.solver.terms is not None and p.solver.objective is not None
        total = sum(p.solver.terms.model_dump().values())
        # each team-stretch's cost is rounded to 0.01 in the model
        assert total == pytest.approx(p.solver.objective, abs=0.01 * len(p.assignments))


def test_rows_hold_each_figure_and_its_difference(demo_plan: Plan, double_plan: Plan) -> None:
    by_name = {r.name: r for r in rows(demo_plan, double_plan)}
    handovers = by_name["Handovers"]
    assert handovers.a == str(demo_plan.kpis.handovers)
    assert handovers.b == str(double_plan.kpis.handovers)
    assert handovers.diff == f"{double_plan.kpis.handovers - demo_plan.kpis.handovers:+d}"
    assert handovers.verdict == "worse"  # more handovers: B is worse on this line
    assert by_name["Route"].diff == "same"
    assert any(n.startswith("Objective term: Handovers") for n in by_name)


def test_compare_on_two_alternatives_of_aurora(
    demo_plan: Plan, alternative: Plan, geo: Geodata, tmp_path: Path
) -> None:
    write_all(demo_plan, geo, tmp_path / "kapikule")
    write_all(alternative, geo, tmp_path / "lesovo")
    result = CliRunner().invoke(
        app,
        ["compare", str(tmp_path / "kapikule"), str(tmp_path / "lesovo"), "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "compare.html").read_text(encoding="utf-8")
    assert "A: kapikule" in page and "B: lesovo" in page
    assert "Hamzabeyli - Lesovo" in page and "Kapikule - Kapitan Andreevo" in page
    assert 'id="cdplan-timeline-a"' in page and 'id="cdplan-timeline-b"' in page
    # plotly.js once, as its own script element, for both timelines
    library = plotly.offline.get_plotlyjs()
    assert page.count(library) == 1
    assert f'<script type="text/javascript">{library}</script>' in page
    assert not re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"'][^\"']*//", page)
    assert page.count("H2") >= 1 and "Two plans of Operation Aurora" in page
    assert render_compare(demo_plan, alternative, geo) == render_compare(
        demo_plan, alternative, geo
    )


def test_plans_of_two_operations_are_not_compared(
    demo_plan: Plan, geo: Geodata, tmp_path: Path
) -> None:
    other = demo_plan.model_copy(
        update={"operation": demo_plan.operation.model_copy(update={"id": "OP-OTHER"})}
    )
    with pytest.raises(NotComparableError, match="two operations"):
        render_compare(demo_plan, other, geo)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "plan.json").write_text(demo_plan.to_json())
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "plan.json").write_text(other.to_json())
    result = CliRunner().invoke(
        app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    missing = CliRunner().invoke(
        app, ["compare", str(tmp_path / "a"), str(tmp_path / "nothing"), "-o", str(tmp_path)]
    )
    assert missing.exit_code == 2 and "plan.json" in missing.output
