"""Judging trainees' plans: the engine's own answer scores 100, each kind of mistake is found and
named, "no plan exists" is never a safe answer, and unknown ids are refused with what exists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata import Geodata
from planner.engine import plan
from planner.examples import path_of
from planner.exercises import score
from planner.exercises.judge import as_trainee, judge
from planner.exercises.trainee import TraineePlan, parse_trainee
from planner.io import ScenarioError, load_scenario
from planner.plan import Plan
from planner.reasons import Reason
from planner.scenario import Scenario


@pytest.fixture(scope="module")
def aurora(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = load_scenario(path_of("aurora-batumi-sofia"))
    result = plan(sc, geo)
    assert result.status == "optimal"
    return sc, result


def _with(trainee: TraineePlan, **changes: object) -> TraineePlan:
    data = trainee.model_dump(mode="json", exclude_defaults=True)
    data.update(changes)
    return parse_trainee(data)


def test_the_engines_own_plan_scores_100(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, result = aurora
    j = judge(sc, as_trainee(result), geo).judgement
    assert (j.score, j.feasible, j.violations, j.gap) == (100, True, [], 0.0)
    assert j.objective == j.optimum == result.solver.objective
    assert j.terms["trainee"] == j.terms["optimum"]


def test_one_assignment_removed_is_a_coverage_gap(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, result = aurora
    trainee = as_trainee(result)
    middle = len(trainee.assignments) // 2
    missing = trainee.assignments[middle]
    gappy = _with(
        trainee,
        assignments=[
            a.model_dump(mode="json") for i, a in enumerate(trainee.assignments) if i != middle
        ],
    )
    j = judge(sc, gappy, geo).judgement
    assert not j.feasible and j.score <= score.BROKEN_CAP - score.VIOLATION_POINTS
    assert any(v.rule == "coverage" and v.subject == missing.segment for v in j.violations)


def test_a_team_swapped_across_a_border_breaks_jurisdiction(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, result = aurora
    trainee = as_trainee(result)
    # A Bulgarian stretch given to the Georgian team: no foreign observation allows it.
    bulgarian = {s.id for s in result.segments if s.countries == ["BGR"]}
    swapped = [
        {**a.model_dump(mode="json"), "team": "GE-T1"}
        if a.segment in bulgarian
        else a.model_dump(mode="json")
        for a in trainee.assignments
    ]
    j = judge(sc, _with(trainee, assignments=swapped), geo).judgement
    assert not j.feasible
    assert any(v.rule == "jurisdiction" and v.subject == "GE-T1" for v in j.violations)


def test_declaring_infeasible_when_a_plan_exists_scores_0(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, _ = aurora
    gamed = parse_trainee({"status": "infeasible", "reasons": ["too hard"]})
    j = judge(sc, gamed, geo).judgement
    assert j.score == 0
    assert any("a plan exists" in n for n in j.notes)


def test_infeasible_with_the_right_reason_scores_100_and_without_it_70(geo: Geodata) -> None:
    sc = load_scenario(path_of("infeasible-transnistria-itinerary"))
    right = parse_trainee(
        {"status": "infeasible", "reasons": ["the itinerary enters Transnistria: restricted_area"]}
    )
    vague = parse_trainee({"status": "infeasible", "reasons": ["it looks wrong"]})
    assert judge(sc, right, geo).judgement.score == 100
    assert judge(sc, vague, geo).judgement.score == score.RIGHT_WITHOUT_CAUSE


def test_unknown_teams_and_segments_are_refused_with_what_exists(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, _ = aurora
    bad = parse_trainee(
        {
            "status": "planned",
            "assignments": [
                {"team": "XX-T9", "segment": "R1-S01"},
                {"team": "GE-T1", "segment": "R7-S99"},
            ],
        }
    )
    with pytest.raises(ScenarioError) as info:
        judge(sc, bad, geo)
    errors = {e["loc"]: e for e in info.value.errors}
    assert set(errors) == {"assignments[0].team", "assignments[1].segment"}
    assert "XX-T9" in errors["assignments[0].team"]["msg"]
    assert "GE-T1" in errors["assignments[0].team"]["fix"]
    assert "R1-S01.." in errors["assignments[1].segment"]["fix"]


def test_a_late_request_is_a_violation(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, result = aurora
    trainee = as_trainee(result)
    late = [
        {**a.model_dump(mode="json"), "request_by": "2026-12-03T00:00:00Z"}
        for a in trainee.authorisations or []
    ]
    j = judge(sc, _with(trainee, authorisations=late), geo).judgement
    # Bulgaria needs 72 h: a request on the day of departure is too late for it.
    assert any(v.rule == "requests" and v.subject == "BGR" for v in j.violations)


def test_bad_trainee_files_name_the_field() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_trainee({"status": "maybe", "assignments": [{"team": "A", "segment": "S1"}]})
    locs = {e["loc"] for e in info.value.errors}
    assert {"status", "assignments[0].segment"} <= locs
    assert all("trainers.md" in e["fix"] for e in info.value.errors)


@given(st.floats(min_value=0.0, max_value=5.0), st.floats(min_value=0.0, max_value=5.0))
def test_a_dearer_plan_never_scores_more(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert score.plan_score(0, high) <= score.plan_score(0, low) <= 100
    assert score.plan_score(0, high) >= score.FEASIBLE_POINTS
    # Any rule broken costs more than any gap.
    assert score.plan_score(1, 0.0) < score.plan_score(0, high)


@given(st.integers(min_value=0, max_value=20))
def test_violations_only_lower_the_score(n: int) -> None:
    assert score.plan_score(n + 1, None) <= score.plan_score(n, None)
    assert score.plan_score(n, None) >= 0


def test_infeasible_scores_and_causes() -> None:
    reasons = [Reason(code="unauthorised_state", subject="SRB", message="SRB withdrew")]
    assert score.names_cause(["Serbia (SRB) withdrew"], reasons)
    assert score.names_cause(["an unauthorised state"], reasons)
    assert not score.names_cause(["the weather"], reasons)
    assert score.infeasible_score(True, True, True) == 0
    assert score.infeasible_score(False, True, True) == 100
    assert score.infeasible_score(False, False, True) == score.UNDECIDED
