"""Queues, quotas and retention: exercises have their own queue and solver share, agencies take
turns, an agency's storage is bounded, and old outputs of finished operations are removed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api.db.audit import AuditEntry
from api.db.clock import as_utc
from api.db.tables import Artifact, Version
from api.security import Principal
from api.store import jobs, retention, versions
from api.store.database import Database
from tests.api.conftest import (
    AGENCIES,
    Solved,
    World,
    fresh_database,
    make_world,
    scenario_body,
    seed_plan,
    test_settings,
)

OWN, OTHER = AGENCIES


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Any]:
    gens: list[Iterator[World]] = []

    def build(**overrides: Any) -> World:
        sub = tmp_path / f"w{len(gens)}"
        sub.mkdir()
        gen = make_world(
            test_settings(sub, next(fresh_database("sqlite", sub)), **overrides), supervise=False
        )
        gens.append(gen)
        return next(gen)

    yield build
    for gen in gens:
        gen.close()


def submit(world: World, role: str, agency: str = OWN) -> Any:
    return world.client.post("/v1/plans", json=scenario_body(), headers=world.headers(role, agency))


def test_exercises_have_their_own_queue_and_say_nothing_of_the_other(make: Any) -> None:
    w = make(max_queued_per_agency=2, max_queued_exercise_per_agency=3)
    for _ in range(3):
        assert submit(w, "trainer").status_code == 202
    full = submit(w, "trainer")
    assert full.status_code == 503 and full.json()["error"]["code"] == "queue_full"
    assert "3 exercise plans" in full.json()["error"]["message"]
    # The trainer's full exercise queue takes nothing from the planner of the same agency.
    assert [submit(w, "planner").status_code for _ in range(2)] == [202, 202]
    refused = submit(w, "planner")
    assert refused.status_code == 503
    message = refused.json()["error"]["message"]
    assert message == "2 plans of your agency are waiting" and "exercise" not in message


def claim_order(db: Database, slots: int = 1) -> list[str]:
    """Which plans the supervisor takes, one at a time, each finished before the next."""
    order = []
    while (claim := jobs.claim_next(db, 60.0, 3, exercise_slots=slots)) is not None:
        order.append(claim.plan_id)
        jobs.fail(db, claim, "test", "done with it")
    return order


def test_agencies_take_turns_instead_of_first_come_first_served(world: World) -> None:
    a, b = world.principals[("planner", OWN)], world.principals[("planner", OTHER)]
    burst = [seed_plan(world.db, a) for _ in range(3)]
    late = seed_plan(world.db, b)
    assert claim_order(world.db) == [burst[0], late, burst[1], burst[2]]


def test_operational_jobs_go_first_and_exercises_share_a_slot(world: World) -> None:
    trainer, planner = world.principals[("trainer", OWN)], world.principals[("planner", OTHER)]
    exercises = [seed_plan(world.db, trainer) for _ in range(2)]
    operation = seed_plan(world.db, planner)
    first = jobs.claim_next(world.db, 60.0, 3, exercise_slots=1)
    assert first is not None and first.plan_id == operation  # submitted last, runs first
    second = jobs.claim_next(world.db, 60.0, 3, exercise_slots=1)
    assert second is not None and second.plan_id == exercises[0]
    # One exercise runs: the other waits even though a solver is free.
    assert jobs.claim_next(world.db, 60.0, 3, exercise_slots=1) is None
    jobs.fail(world.db, second, "test", "done")
    third = jobs.claim_next(world.db, 60.0, 3, exercise_slots=1)
    assert third is not None and third.plan_id == exercises[1]


@pytest.mark.parametrize(
    ("quota", "code"),
    [({"quota_plans": 2}, "quota_plans"), ({"quota_versions": 2}, "quota_versions")],
)
def test_a_used_up_quota_is_507_with_a_clear_message(
    make: Any, quota: dict[str, int], code: str
) -> None:
    w = make(**quota)
    assert [submit(w, "planner").status_code for _ in range(2)] == [202, 202]
    r = submit(w, "planner")
    assert r.status_code == 507, r.text
    err = r.json()["error"]
    assert err["code"] == code and "quota" in err["message"] and "2" in err["message"]
    # Per agency and namespace: the other agency and the exercise namespace are untouched.
    assert submit(w, "planner", OTHER).status_code == 202
    assert submit(w, "trainer").status_code == 202


def test_a_byte_quota_counts_what_done_versions_store(make: Any, aurora: Solved) -> None:
    w = make(quota_bytes=100_000)
    seed_plan(w.db, w.principals[("planner", OWN)], aurora)  # about 150 kB stored
    r = submit(w, "planner")
    assert r.status_code == 507 and r.json()["error"]["code"] == "quota_bytes"


def second_version(db: Database, owner: Principal, plan_id: str, solved: Solved) -> None:
    entry = AuditEntry(request_id=str(uuid.uuid4()), action="plans.event", method="POST", path="/")
    new = versions.NewVersion(1, "{}", solved.scenario_json, "{}", 100.0)
    versions.add_event_version(db, owner, plan_id, new, entry, jobs_limits())
    claim = jobs.claim_next(db, 60.0, 3, plan_id=plan_id)
    assert claim is not None and claim.number == 2
    assert jobs.complete(
        db,
        claim,
        plan_json=solved.plan_json,
        plan_status=solved.plan_status,
        artifacts=solved.artifacts,
    )


def jobs_limits() -> Any:
    from api.store.quotas import Limits

    return Limits(max_queued=100)


def test_retention_removes_old_outputs_of_finished_operations(world: World, aurora: Solved) -> None:
    owner = world.principals[("planner", OWN)]
    pid = seed_plan(world.db, owner, aurora)
    second_version(world.db, owner, pid, aurora)
    with world.db.read() as s:
        before = s.scalar(select(func.count()).select_from(Artifact).where(Artifact.plan_id == pid))
        v1 = s.get(Version, (pid, 1))
        assert v1 is not None and v1.ends_at is not None and before == 12
        ended = as_utc(v1.ends_at)
    # Not yet: the operation ended less than the retention period ago.
    assert retention.purge(world.db, days=30, now=ended + timedelta(days=29)) == 0
    assert retention.purge(world.db, days=30, now=ended + timedelta(days=31)) == 1
    h = world.headers("planner")
    gone = world.client.get(f"/v1/plans/{pid}/map?version=1", headers=h)
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "purged"
    assert world.client.get(f"/v1/plans/{pid}/map", headers=h).status_code == 200
    old = world.client.get(f"/v1/plans/{pid}?version=1", headers=h).json()
    assert old["plan"]["status"] == aurora.plan_status  # the record of what was planned stays
    with world.db.read() as s:
        after = s.scalar(select(func.count()).select_from(Artifact).where(Artifact.plan_id == pid))
    assert after == 6
