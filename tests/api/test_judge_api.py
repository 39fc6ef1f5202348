"""Trainers judge a trainee's plan through the API: a job whose verdict is `cdplan judge --json`'s,
with its debrief, kept per asking agency, in the exercise namespace only."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.db.tables import AuditRow
from api.store import sharing
from geodata import Geodata
from planner.exercises.judge import as_trainee, judge
from planner.io import parse_scenario
from planner.plan import Plan
from tests.api.conftest import AGENCIES, Solved, World, drain, seed_plan

OWN, OTHER = AGENCIES


@pytest.fixture
def exercise(world: World, aurora: Solved) -> str:
    """Operation Aurora as an exercise plan of OWN's trainers, done."""
    return seed_plan(world.db, world.principals[("trainer", OWN)], aurora)


def trainee_of(aurora: Solved) -> dict[str, Any]:
    """The engine's own answer, written as a trainee would write it."""
    plan = Plan.model_validate_json(aurora.plan_json)
    return as_trainee(plan).model_dump(mode="json", exclude_defaults=True)


def post(world: World, pid: str, body: Any, role: str = "trainer", agency: str = OWN) -> Any:
    return world.client.post(
        f"/v1/exercises/{pid}/judge", json=body, headers=world.headers(role, agency)
    )


def test_a_judgement_is_a_job_whose_verdict_is_the_command_lines(
    world: World, aurora: Solved, exercise: str, geo: Geodata
) -> None:
    body = trainee_of(aurora)
    # One assignment dropped: the trainee leaves a stretch unwatched, a rule broken.
    body["assignments"] = body["assignments"][1:]
    r = post(world, exercise, body)
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert (accepted["number"], accepted["version"], accepted["status"]) == (1, 1, "queued")
    assert r.headers["location"] == f"/v1/exercises/{exercise}/judgements/1"
    h = world.headers("trainer")
    queued = world.client.get(accepted["links"]["self"], headers=h).json()
    assert queued["status"] == "queued" and queued.get("judgement") is None
    assert world.client.get(accepted["links"]["page"], headers=h).status_code == 409

    assert drain(world.db, exercise) == [0]
    doc = world.client.get(accepted["links"]["self"], headers=h).json()
    assert doc["status"] == "done" and doc["error"] is None
    # The verdict `cdplan judge --json` prints for the same scenario and trainee's plan, judged
    # at the moment the exercise was planned.
    scenario = parse_scenario(json.loads(aurora.scenario_json))
    plan = Plan.model_validate_json(aurora.plan_json)
    from planner.exercises.trainee import parse_trainee

    expected = judge(scenario, parse_trainee(body), geo, now=plan.operation.planned_at)
    assert doc["judgement"] == json.loads(expected.judgement.model_dump_json())
    assert doc["judgement"]["feasible"] is False and doc["judgement"]["violations"]
    assert doc["judgement"]["score"] <= 50

    page = world.client.get(accepted["links"]["page"], headers=h)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-handling-code"] == "H2"
    assert "EXERCISE" in page.text and "Debrief" in page.text

    # The engine's own answer scores full marks; numbers go on per plan.
    again = post(world, exercise, trainee_of(aurora))
    assert again.json()["number"] == 2
    drain(world.db, exercise)
    best = world.client.get(again.json()["links"]["self"], headers=h).json()["judgement"]
    assert (best["score"], best["feasible"], best["gap"]) == (100, True, 0.0)


def test_unknown_teams_and_segments_are_422_naming_the_assignment(
    world: World, aurora: Solved, exercise: str
) -> None:
    body = trainee_of(aurora)
    body["assignments"][2]["team"] = "NO-SUCH-TEAM"
    body["assignments"][4]["segment"] = "R1-S99"
    r = post(world, exercise, body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "trainee_invalid" and err["field"] == "assignments[2].team"
    assert [e["loc"] for e in err["errors"]] == ["assignments[2].team", "assignments[4].segment"]
    assert "NO-SUCH-TEAM" not in r.text  # what was submitted is never repeated
    bad = post(world, exercise, {"status": "maybe", "assignments": []})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"
    with world.db.read() as s:
        from api.db.tables import Task

        assert s.query(Task).count() == 0  # nothing queued


def test_an_infeasible_declaration_needs_no_segments(world: World, exercise: str) -> None:
    r = post(world, exercise, {"status": "infeasible", "reasons": ["no team at the border"]})
    assert r.status_code == 202, r.text
    drain(world.db, exercise)
    doc = world.client.get(r.json()["links"]["self"], headers=world.headers("trainer")).json()
    # A plan exists: declaring the operation infeasible scores 0, and the trainee is told so.
    assert doc["judgement"]["score"] == 0 and doc["judgement"]["declared"] == "infeasible"


def test_only_trainers_judge_and_only_exercise_plans(
    world: World, aurora: Solved, exercise: str
) -> None:
    body = trainee_of(aurora)
    for role in ("planner", "coordinator", "admin", "auditor"):
        r = post(world, exercise, body, role)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", role
    operational = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    missing = post(world, "00000000-0000-4000-8000-000000000000", body)
    refused = post(world, operational, body)
    assert refused.status_code == 404 and refused.content == missing.content
    # Another agency's trainers see neither the exercise nor its judgements.
    assert post(world, exercise, body, agency=OTHER).status_code == 404


def test_a_judgement_belongs_to_the_agency_that_asked_for_it(
    world: World, aurora: Solved, exercise: str
) -> None:
    sharing.grant(world.db, world.principals[("trainer", OWN)], exercise, OTHER)
    mine = post(world, exercise, trainee_of(aurora))
    theirs = post(world, exercise, {"status": "infeasible"}, agency=OTHER)
    assert mine.status_code == theirs.status_code == 202
    # Numbered per agency: each sees its own judgement 1, never the other's.
    assert mine.json()["number"] == theirs.json()["number"] == 1
    drain(world.db, exercise)
    own = world.client.get(mine.json()["links"]["self"], headers=world.headers("trainer"))
    other = world.client.get(mine.json()["links"]["self"], headers=world.headers("trainer", OTHER))
    assert own.json()["judgement"]["declared"] == "planned"
    assert other.json()["judgement"]["declared"] == "infeasible"
    assert (
        world.client.get(
            f"/v1/exercises/{exercise}/judgements/2", headers=world.headers("trainer", OTHER)
        ).status_code
        == 404
    )
    # Every request is audited against the plan, with the caller's agency.
    with world.db.read() as s:
        rows = s.query(AuditRow).filter(AuditRow.action == "exercises.judge").all()
    assert {(r.agency, r.object_id, r.status_code) for r in rows} == {
        (OWN, exercise, 202),
        (OTHER, exercise, 202),
    }
