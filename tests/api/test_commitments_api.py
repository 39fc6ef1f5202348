"""Adopted plans commit their teams: a later plan is planned around them, a conflicting adoption
is a 409 naming the team and the hours (the other operation only to its owner), and releasing
frees them. Operations are an agency's; exercises never touch operations."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

import api.store.commitments
from api.db.audit import AuditEntry
from api.db.tables import AuditRow
from api.store import jobs, plans, sharing
from api.store.quotas import Limits
from geodata import Geodata
from planner.commitments import commitments_of
from planner.io import parse_scenario
from planner.plan import Plan
from tests.api.conftest import AGENCIES, Solved, World, drain, scenario_body

OWN, OTHER = AGENCIES
# Aurora's teams work from 2026-12-02 (driving to their first posts) to 2026-12-06 (rested).
BEFORE = datetime(2026, 11, 29, 12, tzinfo=UTC)
AFTER = datetime(2026, 12, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests happen before Operation Aurora, whatever the date they are run."""
    monkeypatch.setattr(api.store.commitments, "utcnow", lambda: BEFORE)


def seed(world: World, aurora: Solved, role: str, agency: str, operation: str = "OP-AURORA") -> str:
    """Aurora, done, as plan ``operation`` of ``agency`` (same teams, same hours)."""
    scenario = json.loads(aurora.scenario_json)
    scenario["operation"]["id"] = operation
    plan = json.loads(aurora.plan_json)
    plan["operation"]["id"] = operation
    entry = AuditEntry(request_id=str(uuid.uuid4()), action="seed", method="POST", path="/")
    new = plans.NewPlan(json.dumps(scenario), operation, "H2", deadline_seconds=120.0)
    owner = world.principals[(role, agency)]
    sub = plans.submit(world.db, owner, new, entry=entry, limits=Limits(max_queued=1000))
    claim = jobs.claim_next(world.db, 60.0, 3, plan_id=sub.plan.id)
    assert claim is not None
    assert jobs.complete(
        world.db, claim, plan_json=json.dumps(plan), plan_status=aurora.plan_status, artifacts={}
    )
    return sub.plan.id


def call(world: World, pid: str, what: str, role: str = "planner", agency: str = OWN) -> Any:
    return world.client.post(f"/v1/plans/{pid}/{what}", headers=world.headers(role, agency))


def spans(commitments: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for c in commitments:
        out.setdefault(c["team"], []).append((c["from"], c["to"]))
    return out


def test_adopting_commits_each_teams_duties_audited(world: World, aurora: Solved) -> None:
    pid = seed(world, aurora, "planner", OWN)
    r = call(world, pid, "adopt")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["version"] == 1 and doc["replaced"] == [] and r.headers["x-handling-code"] == "H2"
    teams = {a.team for a in Plan.model_validate_json(aurora.plan_json).assignments}
    assert set(spans(doc["commitments"])) == teams
    for c in doc["commitments"]:
        assert c["operation"] == "OP-AURORA" and c["plan"] == pid and c["from"] < c["to"]
    with world.db.read() as s:
        rows = s.query(AuditRow).filter(AuditRow.action == "plans.adopt").all()
    assert [(r.object_id, r.status_code, r.agency) for r in rows] == [(pid, 200, OWN)]


def test_a_conflicting_adoption_is_409_and_release_frees_the_teams(
    world: World, aurora: Solved
) -> None:
    first = seed(world, aurora, "planner", OWN)
    mine = seed(world, aurora, "planner", OWN, "OP-OTHER")  # planned before the adoption
    theirs = seed(world, aurora, "planner", OTHER, "OP-THEIRS")
    assert call(world, first, "adopt").status_code == 200

    r = call(world, mine, "adopt")
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "committed_elsewhere" and len(err["errors"]) >= len(
        spans(call(world, first, "adopt").json()["commitments"])
    )
    # The owner of the other operation is told which it is, with the team and the hours.
    teams = {a.team for a in Plan.model_validate_json(aurora.plan_json).assignments}
    assert any(
        f"team {t} is committed to operation OP-AURORA from 2026-12-0" in json.dumps(err)
        for t in teams
    )
    assert "UTC" in err["message"]

    r = call(world, theirs, "adopt", agency=OTHER)
    assert r.status_code == 409
    text = json.dumps(r.json())
    assert "committed elsewhere" in text and "OP-AURORA" not in text
    assert any(f"team {t} is committed" in text for t in teams)

    released = call(world, first, "release")
    assert released.status_code == 200 and released.json()["released"] > 0
    assert call(world, first, "release").json()["error"]["code"] == "not_adopted"
    assert call(world, mine, "adopt").status_code == 200
    assert call(world, theirs, "adopt", agency=OTHER).status_code == 409  # now "mine" holds them
    with world.db.read() as s:
        codes = [
            r.status_code
            for r in s.query(AuditRow)
            .filter(AuditRow.action == "plans.adopt")
            .order_by(AuditRow.seq)
        ]
    assert codes == [200, 409, 200, 409, 200, 409]


def test_a_later_plan_of_the_operation_replaces_the_earlier(world: World, aurora: Solved) -> None:
    first = seed(world, aurora, "planner", OWN)
    again = seed(world, aurora, "planner", OWN)  # the same operation, planned anew
    assert call(world, first, "adopt").status_code == 200
    r = call(world, again, "adopt")
    assert r.status_code == 200 and r.json()["replaced"] == [first]
    assert call(world, first, "release").status_code == 409


def test_a_finished_operation_frees_its_teams(
    world: World, aurora: Solved, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = seed(world, aurora, "planner", OWN)
    later = seed(world, aurora, "planner", OWN, "OP-LATER")
    assert call(world, first, "adopt").status_code == 200
    assert call(world, later, "adopt").status_code == 409
    monkeypatch.setattr(api.store.commitments, "utcnow", lambda: AFTER)
    assert call(world, later, "adopt").status_code == 200
    assert api.store.commitments.ledger(world.db, later) == []


def test_exercises_and_operations_never_meet(world: World, aurora: Solved) -> None:
    operation = seed(world, aurora, "planner", OWN)
    exercise = seed(world, aurora, "trainer", OWN, "EX-1")
    theirs = seed(world, aurora, "trainer", OTHER, "EX-2")
    assert call(world, operation, "adopt").status_code == 200
    assert call(world, exercise, "adopt", "trainer").status_code == 200
    assert api.store.commitments.ledger(world.db, exercise) == []
    # Another agency's exercise with the same teams: its own sandbox, no conflict.
    assert call(world, theirs, "adopt", "trainer", OTHER).status_code == 200
    # A coordinator reads but never adopts; another agency gets the 404 of a missing plan.
    assert call(world, operation, "adopt", "coordinator").status_code == 403
    assert call(world, operation, "adopt", agency=OTHER).status_code == 404


def _overlap(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> bool:
    return any(x0 < y1 and y0 < x1 for x0, x1 in a for y0, y1 in b)


def _second(world: World, agency: str, operation: str) -> tuple[str, Plan]:
    """Aurora again, as another operation at the same hours, submitted and planned now."""
    body = scenario_body()
    body["operation"]["id"] = operation
    r = world.client.post("/v1/plans", json=body, headers=world.headers("planner", agency))
    assert r.status_code == 202, r.text
    pid = r.json()["id"]
    assert drain(world.db, pid) == [0]
    doc = world.client.get(f"/v1/plans/{pid}", headers=world.headers("planner", agency)).json()
    return pid, Plan.model_validate(doc["plan"])


def test_a_later_plan_is_planned_around_the_committed_teams(
    world: World, aurora: Solved, geo: Geodata
) -> None:
    first = seed(world, aurora, "planner", OWN)
    committed = spans(call(world, first, "adopt").json()["commitments"])
    pid, plan = _second(world, OWN, "OP-AURORA-2")
    assert plan.status.has_plan or plan.reasons
    scenario = parse_scenario(scenario_body())
    second = commitments_of(plan, scenario, geo)
    mine = spans([c.model_dump(mode="json", by_alias=True) for c in second])
    for team, hours in mine.items():
        assert not _overlap(hours, committed.get(team, [])), team  # no team-hour shared
    # It was planned around them: the same scenario alone would take the committed teams.
    assert set(committed) - set(mine)
    if plan.status.has_plan:  # and so it can be adopted beside the first
        assert call(world, pid, "adopt").status_code == 200


def test_grants_share_commitments_for_planning(world: World, aurora: Solved) -> None:
    theirs = seed(world, aurora, "planner", OTHER, "OP-THEIRS")
    committed = spans(call(world, theirs, "adopt", agency=OTHER).json()["commitments"])
    # Not shared: OWN does not see OTHER's commitments and plans with the same teams...
    _, unshared = _second(world, OWN, "OP-MINE")
    assert {a.team for a in unshared.assignments} & set(committed)
    # ...shared by a grant: OWN's next plan avoids them.
    sharing.grant(world.db, world.principals[("planner", OTHER)], theirs, OWN)
    pid, shared = _second(world, OWN, "OP-MINE-2")
    ledger = api.store.commitments.ledger(world.db, pid)
    assert {c.team for c in ledger} == set(committed)
    assert all(c.operation == "OP-THEIRS (BGR-GDBOP)" for c in ledger)
    assert set(committed) - {a.team for a in shared.assignments}
