"""``cdplan bench --peers`` as a user runs it, and the peers' plans before the checker."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from geodata import Geodata
from planner.io import parse_scenario
from planner.model.blocks import all_blocks
from planner.model.solve import solve
from planner.peers.instances import SPECS, Size, bundled, instance_of
from planner.peers.run import Method, solve_instance, verdict
from planner.resolve.resolver import resolve_scenario

runner = CliRunner()

CONTRACT = {"engine", "greedy", "mip_highs", "mip_scip"}
ROOT = Path(__file__).resolve().parents[2]


def test_small_instances_as_json_and_a_plot(tmp_path: Path) -> None:
    # A real process: the MIP solvers write from C++ straight to file descriptor 1, which an
    # in-process runner would not see; standard output must hold the JSON document alone.
    png = tmp_path / "peers.png"
    args = ["bench", "--peers", "--sizes", "S", "--json", "--plot", str(png), "--time-limit", "20"]
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["time_limit_seconds"] == 20
    assert doc["threads"] == 1
    assert len(doc["instances"]) == sum(1 for s in SPECS if s.size is Size.S)
    for inst in doc["instances"]:
        assert {"name", "states", "km", "teams", "segments", "results"} <= set(inst)
        assert set(inst["results"]) == CONTRACT | {"cpsat"}
        engine = inst["results"]["engine"]
        assert engine["status"] == "optimal"
        assert engine["seconds_vs_engine"] == 1
        for name, r in inst["results"].items():
            assert {"status", "objective", "bound", "seconds"} <= set(r)
            if r["objective"] is not None:
                # Every plan was judged by the checker and passed it; none beats the engine.
                assert r["checked"] is True, (inst["name"], name, r["violations"])
                assert r["objective"] >= engine["objective"] - 1e-6
                assert r["objective_vs_engine"] >= 1 - 1e-9
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_size_is_bad_input() -> None:
    result = runner.invoke(app, ["bench", "--peers", "--sizes", "S,XXL"])
    assert result.exit_code == 2
    assert "XXL" in result.output
    assert runner.invoke(app, ["bench", "--json"]).exit_code == 2


def test_a_refused_scenario_is_reported_not_raised() -> None:
    inst = next(i for i in bundled() if i.name == "infeasible-transnistria-itinerary")
    out = solve_instance(inst, (Method.engine, Method.greedy), time_limit=5)
    assert {r.status for r in out.results.values()} == {"refused"}
    assert "restricted_area" in out.results["engine"].detail


def test_a_broken_peer_plan_is_flagged_by_the_checker(geo: Geodata) -> None:
    inst = next(i for i in bundled() if i.name == "moldova-chisinau-odesa")
    scenario = parse_scenario(inst.scenario)
    resolved = resolve_scenario(scenario, geo)
    sol = solve(resolved.problem, blocks=all_blocks(resolved.problem))
    assert verdict(scenario, geo, resolved, sol) == (True, [])
    # A plan that leaves the last stretch unwatched, as a faulty peer might return it.
    broken = dataclasses.replace(sol, blocks=sol.blocks[:-1])
    ok, found = verdict(scenario, geo, resolved, broken)
    assert ok is False
    assert any("rule 1" in v or "needed" in v for v in found), found


def test_the_generator_is_seeded(geo: Geodata) -> None:
    spec = next(s for s in SPECS if s.size is Size.S)
    assert instance_of(spec, geo) == instance_of(spec, geo)
    other = instance_of(spec.model_copy(update={"seed": 99}), geo)
    rosters = [
        [(t.get("max_duty_hours"), t.get("available")) for t in i.scenario["teams"]]
        for i in (instance_of(spec, geo), other)
    ]
    assert rosters[0] != rosters[1]


def test_the_largest_instance_is_as_large_as_promised(geo: Geodata) -> None:
    spec = next(s for s in SPECS if s.name == "Baku-Warsaw")
    problem = resolve_scenario(parse_scenario(instance_of(spec, geo).scenario), geo).problem
    route = problem.routes[0]
    assert route.length_km > 3000
    assert len(route.segments) > 100
    assert 300 <= len(problem.teams) <= 400


def test_an_operation_of_several_movements() -> None:
    # The MIPs solve the whole operation's model (between-movement rows, optional coverage)
    # and agree with the engine; the dispatcher plans one consignment at a time and says so.
    inst = next(i for i in bundled() if i.name == "tandem-edirne-plovdiv-sofia")
    out = solve_instance(inst, time_limit=20)
    engine = out.results["engine"]
    assert engine.status == "optimal"
    for name in ("cpsat", "mip_highs", "mip_scip"):
        r = out.results[name]
        assert r.status == "optimal", (name, r.detail)
        assert r.checked is True, (name, r.violations)
        assert r.objective == pytest.approx(engine.objective)
    assert out.results["greedy"].status == "unsupported"
