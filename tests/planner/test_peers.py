"""Peers on hand-made problems: the greedy dispatcher, the MIP of the block model, the relaxation.

Objectives worked out by hand (weights 10 / 1 / 5 / 20, overlap 30 min, as test_objective.py),
and a property: on random small problems the engine, CP-SAT alone, HiGHS and SCIP agree.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from geodata import Geodata
from planner.examples import path_of
from planner.io import load_scenario, parse_scenario
from planner.model.blocks import all_blocks
from planner.model.builder import build
from planner.model.objective import SCALE
from planner.model.problem import Problem, Remote
from planner.model.relaxation import lawful_cover
from planner.model.solve import solve
from planner.peers.greedy import dispatch
from planner.peers.linear import from_cp_model
from planner.peers.mip import solve_highs, solve_scip
from planner.plan import PlanStatus
from planner.resolve.resolver import resolve_scenario
from planner.weights import Weights
from tests.planner.builders import problem, route, team


def _two_stretches(b_reach: int) -> Problem:
    # Two 120-min road stretches, exposure weighted 20; A sits on the route (no travel).
    r = route([("BGR", "road", 120), ("BGR", "road", 120)])
    teams = [team("A", "BGR", routes=[r]), team("B", "BGR", routes=[r], reach=b_reach)]
    return problem([r], teams, weights=Weights(exposure=20))


def test_the_dispatcher_keeps_a_team_too_long() -> None:
    # With exposure weighted 20, one team on both stretches costs (watch 4.5 h, follow 4 h)
    # 4.5 + 20 * 16 / 6 = 57.83. Relieving it halfway costs A: 2.5 + 20 * 4 / 6 = 15.83, B (an
    # hour's travel) 16.83, and one handover 10: 42.66 (each block rounded to 0.01).
    # The dispatcher sends A, the first there, and keeps it as long as the rules allow.
    pb = _two_stretches(b_reach=60)
    blocks = all_blocks(pb)
    greedy = dispatch(pb, blocks)
    assert greedy.stuck_at is None
    assert [(b.team, b.first, b.last) for b in greedy.blocks] == [("A", 0, 1)]
    assert greedy.objective == pytest.approx(57.83, abs=0.005)
    best = solve(pb, blocks=blocks)
    assert best.status is PlanStatus.optimal
    assert best.report.objective == pytest.approx(42.66, abs=0.005)
    assert len(best.blocks) == 2


def test_the_dispatcher_gets_stuck_where_a_plan_exists() -> None:
    # Three 100-min stretches, follow limit 3 h. A (on the route) can watch any of them; B is
    # free only for the first 3 hours. The dispatcher gives A the first two stretches (the
    # longest lawful watch), and then no one can take the third: A cannot overtake the
    # consignment, B is off duty. The only plan: B on the first stretch, A on the other two.
    r = route([("BGR", "road", 100)] * 3)
    a = team("A", "BGR", routes=[r])
    b = team("B", "BGR", routes=[r], availability=((-600, 180),))
    pb = problem([r], [a, b], max_follow_hours=3.5)
    blocks = all_blocks(pb)
    greedy = dispatch(pb, blocks)
    assert greedy.stuck_at == 2
    assert greedy.objective is None
    best = solve(pb, blocks=blocks)
    assert best.status is PlanStatus.optimal
    assert [(x.team, x.first, x.last) for x in best.blocks] == [("B", 0, 0), ("A", 1, 2)]


def test_the_relaxation_proves_or_hands_over_to_cp_sat() -> None:
    # A relieved by A is the cheapest cover (25.83 + 25.83 - 10 = 41.67), but A cannot be in
    # two places. With B as close as A, B's block costs the same: the cover swaps it in, keeps
    # every rule and is proven optimal without a model.
    pb = _two_stretches(b_reach=0)
    cover = lawful_cover(pb, all_blocks(pb))
    assert cover is not None
    assert cover.objective == 2583 + 2583 - 1000
    assert sorted(b.team for b in cover.blocks) == ["A", "B"]
    assert solve(pb).report.status_detail == "OPTIMAL (lawful cheapest cover)"
    # B an hour and a half away costs more: no lawful cover at the bound, so CP-SAT decides
    # (A and B, 25.83 + 27.33 - 10 = 43.16 with each block rounded).
    pb = _two_stretches(b_reach=90)
    assert lawful_cover(pb, all_blocks(pb)) is None
    sol = solve(pb)
    assert sol.status is PlanStatus.optimal
    assert sol.report.status_detail == "OPTIMAL"
    assert sol.report.objective == pytest.approx(43.16, abs=0.01)


def test_the_linear_model_reads_every_row_of_the_cp_model() -> None:
    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    model.add(2 * x + y - z >= 1)
    model.add_at_most_one([x, ~y])  # x + (1 - y) <= 1  ->  x - y <= 0
    model.add_exactly_one([x, y, z])
    model.add_bool_or([~x, z])  # (1 - x) + z >= 1  ->  -x + z >= 0
    model.minimize(3 * x + 2 * y + 5)
    lm = from_cp_model(model)
    rows = [
        (
            {lm.index[k]: lm.value[k] for k in range(lm.starts[r], lm.starts[r + 1])},
            lm.row_lo[r],
            lm.row_hi[r],
        )
        for r in range(lm.rows)
    ]
    assert rows == [
        ({0: 2.0, 1: 1.0, 2: -1.0}, 1.0, math.inf),
        ({0: 1.0, 1: -1.0}, -math.inf, 0.0),
        ({0: 1.0, 1: 1.0, 2: 1.0}, 1.0, 1.0),
        ({0: -1.0, 2: 1.0}, 0.0, math.inf),
    ]
    assert lm.objective_of([0.0, 1.0, 0.0]) == 7.0
    # y alone: 2 + 5; both MIP solvers agree.
    for run in (solve_highs, solve_scip):
        out = run(lm, time_limit=5)
        assert out.status == "optimal"
        assert out.objective == pytest.approx(7.0)
        assert out.bound == pytest.approx(7.0)


def test_an_enforced_row_is_refused_not_dropped() -> None:
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add(x + y >= 1).only_enforce_if(x)
    with pytest.raises(ValueError, match="enforced"):
        from_cp_model(model)


@st.composite
def _problems(draw: st.DrawFn) -> Problem:
    """Random small problems: 2-6 stretches in one or two states, 2-6 teams with duty limits,
    some free only in one or two windows, some technical where a desk may watch a beacon."""
    n = draw(st.integers(2, 6))
    parts = [
        (
            draw(st.sampled_from(["BGR", "ROU"])) if k else "BGR",
            draw(st.sampled_from(["road", "road", "stop"])),
            draw(st.integers(30, 200)),
        )
        for k in range(n)
    ]
    r = route(parts, uncertainty=draw(st.sampled_from([0.0, 0.1])))  # type: ignore[arg-type]
    teams = [
        team(
            f"T{i}",
            draw(st.sampled_from(["BGR", "ROU"])),
            routes=[r],
            caps=draw(st.sampled_from([("road",), ("road",), ("road", "technical")])),
            reach=draw(st.sampled_from([0, 0, 30, 60, 120])),  # ties: teams as near as others
            duty_hours=draw(st.sampled_from([4, 6, 12])),
            rest_hours=draw(st.sampled_from([2, 8])),
            availability=draw(
                st.sampled_from(
                    [((-10_000, 100_000),), ((-600, 400),), ((-600, 300), (420, 2_000))]
                )
            ),
        )
        for i in range(draw(st.integers(2, 6)))
    ]
    pb = problem(
        [r],
        teams,
        max_follow_hours=draw(st.sampled_from([3, 6])),
        weights=Weights(exposure=draw(st.sampled_from([5.0, 20.0]))),
    )
    # Sometimes a beacon may be watched from a desk: remote blocks and their desk windows.
    remote = draw(
        st.sampled_from(
            [
                None,
                Remote(road=False, static=True, max_minutes=90),
                Remote(road=True, static=True, max_minutes=240),
            ]
        )
    )
    return dataclasses.replace(pb, remote=remote)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problems())
def test_every_solver_finds_the_same_optimum(pb: Problem) -> None:
    blocks = all_blocks(pb)
    engine = solve(pb, blocks=blocks)
    cpsat = solve(pb, blocks=blocks, relaxation=False)
    lm = from_cp_model(build(pb, blocks).model)
    mips = [run(lm, time_limit=10) for run in (solve_highs, solve_scip)]
    assert engine.status == cpsat.status
    assert all(m.status == cpsat.status.value for m in mips)
    if engine.report.status_detail == "OPTIMAL (lawful cheapest cover)":
        # The cover keeps every row of the model: fixed to it, the model is still feasible.
        fixed = build(pb, blocks)
        taken = {b.id for b in engine.blocks}
        for k, var in fixed.vars.take.items():
            fixed.model.add(var == int(k in taken))
        code = cp_model.CpSolver().solve(fixed.model)
        assert code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if cpsat.status is PlanStatus.optimal:
        assert engine.report.objective == pytest.approx(cpsat.report.objective)
        for m in mips:
            assert m.objective is not None
            assert m.objective / SCALE == pytest.approx(cpsat.report.objective)
        greedy = dispatch(pb, blocks)
        if greedy.objective is not None:
            assert greedy.objective >= cpsat.report.objective - 1e-9


def test_the_relaxation_knows_every_family_of_rows(geo: Geodata) -> None:
    # The relaxation proves a cover lawful by asking it the rules of route choice, coverage,
    # presence and duty (land and desk). A new family of rows must be taught to it first.
    data = load_scenario(path_of("aurora-batumi-sofia")).model_dump(mode="json", by_alias=True)
    pb = resolve_scenario(parse_scenario(data), geo).problem
    names = {ct.name.split("-")[0] for ct in build(pb).model.proto.constraints}
    assert {"route", "coverage", "presence", "duty"} <= names
    assert names <= {"route", "coverage", "presence", "duty", "desk"}
