"""The event path does its work once: the route decides the new scenario and its context when
the event is reported and stores them; the worker only plans them (no second application of the
event, no rewrite of the stored scenario). Preconditions live in the store and answer 409."""

from __future__ import annotations

import json
from typing import Any

import pytest

import planner.replan.events
from api import worker
from api.db.states import JobState
from api.store import jobs, versions
from api.store.database import ConflictError
from planner.plan import Plan, PlanStatus
from planner.replan.version import ReplanContext
from tests.api.conftest import AGENCIES, Solved, World, seed_plan

OWN, _ = AGENCIES


def team_lost(aurora: Solved) -> dict[str, Any]:
    plan = Plan.model_validate_json(aurora.plan_json)
    at = plan.segments[len(plan.segments) // 3].nominal_start
    return {"kind": "team_lost", "at": at.isoformat(), "team": plan.assignments[-1].team}


def test_the_new_scenario_and_its_context_are_stored_when_the_event_is_reported(
    world: World, aurora: Solved, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    event = team_lost(aurora)
    r = world.client.post(f"/v1/plans/{pid}/events", json=event, headers=world.headers("planner"))
    assert r.status_code == 202, r.text
    assert r.json()["version"] == 2 and r.json()["status"] == "queued"

    with world.db.read() as s:
        from api.db.tables import Version

        v2 = s.get(Version, (pid, 2))
        assert v2 is not None
        stored_scenario, replan_json = v2.scenario_json, v2.replan_json
    # The stored scenario is the one the event decided, not the one it was reported on.
    assert stored_scenario != aurora.scenario_json
    scenario = json.loads(stored_scenario)
    assert event["team"] not in {t["id"] for t in scenario["teams"]}
    assert (
        scenario["operation"]["departure"]
        != json.loads(aurora.scenario_json)["operation"]["departure"]
    )
    assert replan_json is not None
    context = ReplanContext.model_validate_json(replan_json)
    assert context.lost_team == event["team"]
    assert any(event["team"] in line for line in context.changes)

    # The worker plans what was stored; applying the event again would fail loudly here.
    def never(*_: object, **__: object) -> None:
        raise AssertionError("the worker applied the event again")

    monkeypatch.setattr(planner.replan.events, "prepare", never)
    monkeypatch.setattr(planner.replan.events, "apply_event", never)
    monkeypatch.setattr(planner.replan.events, "replan", never)
    claim = jobs.claim_next(world.db, 60.0, 3, plan_id=pid)
    assert claim is not None and claim.number == 2
    assert worker.run(world.db, claim) == worker.EXIT_OK
    done = versions.version(world.db, pid, 2)
    assert done is not None and done.status is JobState.done
    assert done.plan_status is not None and done.plan_status.has_plan
    plan = Plan.model_validate_json(done.plan_json or "")
    assert event["team"] not in {a.team for a in plan.assignments}
    assert plan.changes[: len(context.changes)] == context.changes and plan.history
    with world.db.read() as s:
        from api.db.tables import Version

        again = s.get(Version, (pid, 2))
        assert again is not None and again.scenario_json == stored_scenario


def test_complete_takes_no_scenario() -> None:
    """Finishing a job cannot overwrite the scenario a version was stored with."""
    import inspect

    assert "scenario_json" not in inspect.signature(jobs.complete).parameters


def test_an_event_on_a_version_not_done_is_409_from_the_store(world: World) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)])  # queued, never solved
    with pytest.raises(ConflictError) as exc:
        versions.event_base(world.db, pid)
    assert exc.value.code == "plan_not_ready"
    r = world.client.post(
        f"/v1/plans/{pid}/events",
        json={"kind": "delay", "at": "2026-12-03T04:00:00Z", "minutes": 30},
        headers=world.headers("planner"),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "plan_not_ready"


def test_an_event_on_a_plan_without_assignments_is_409(world: World, aurora: Solved) -> None:
    infeasible = Plan.model_validate_json(aurora.plan_json)
    infeasible.status = PlanStatus.infeasible
    solved = Solved(aurora.scenario_json, infeasible.to_json(), PlanStatus.infeasible, {})
    pid = seed_plan(world.db, world.principals[("planner", OWN)], solved)
    with pytest.raises(ConflictError) as exc:
        versions.event_base(world.db, pid)
    assert exc.value.code == "no_plan_to_change"
    r = world.client.post(
        f"/v1/plans/{pid}/events", json=team_lost(aurora), headers=world.headers("planner")
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_plan_to_change"
