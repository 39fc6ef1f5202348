"""Events through the API: a new version from the latest done one, with its history kept."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import World, fresh_database, make_world, scenario_body, test_settings


@pytest.fixture
def live_world(tmp_path: Path) -> Iterator[World]:
    url = next(fresh_database("sqlite", tmp_path))
    yield from make_world(test_settings(tmp_path, url), supervise=True)


def _wait(
    world: World, plan_id: str, version: int, role: str = "planner", timeout: float = 120.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc: dict[str, Any] = world.client.get(
            f"/v1/plans/{plan_id}?version={version}", headers=world.headers(role)
        ).json()
        if doc["status"] in ("done", "failed", "cancelled"):
            return doc
        time.sleep(0.2)
    raise AssertionError(f"version {version} not finished")


def test_team_lost_makes_version_2_without_that_team(live_world: World) -> None:
    w, h = live_world, live_world.headers("planner")
    pid = w.client.post("/v1/plans", json=scenario_body(), headers=h).json()["id"]
    first = _wait(w, pid, 1)
    assert first["status"] == "done" and first["plan"]["status"] == "optimal"
    segs = first["plan"]["segments"]
    at = segs[len(segs) // 3]["nominal_start"]
    lost = first["plan"]["assignments"][-1]["team"]

    bad = w.client.post(
        f"/v1/plans/{pid}/events", json={"kind": "team_lost", "at": at, "team": "NOPE"}, headers=h
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "event.team"

    r = w.client.post(
        f"/v1/plans/{pid}/events", json={"kind": "team_lost", "at": at, "team": lost}, headers=h
    )
    assert r.status_code == 202, r.text
    assert r.json()["version"] == 2
    second = _wait(w, pid, 2)
    plan = second["plan"]
    assert second["status"] == "done" and plan["status"] in ("optimal", "feasible")
    assert lost not in {a["team"] for a in plan["assignments"]}
    cut = datetime.fromisoformat(at)
    assert plan["history"]
    assert all(datetime.fromisoformat(a["start"]) < cut for a in plan["history"])
    assert any(lost in line for line in plan["changes"])

    versions = w.client.get(f"/v1/plans/{pid}/versions", headers=h).json()["items"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["event"]["team"] == lost and versions[0]["event"] is None
    # The first version is kept, unchanged, and its outputs are still served.
    again = w.client.get(f"/v1/plans/{pid}?version=1", headers=h).json()
    assert again["plan"] == first["plan"]
    assert w.client.get(f"/v1/plans/{pid}/map?version=1", headers=h).status_code == 200
    assert w.client.get(f"/v1/plans/{pid}/map", headers=h).headers["x-plan-version"] == "2"


def test_trainer_plans_are_exercise_data(live_world: World) -> None:
    w, h = live_world, live_world.headers("trainer")
    pid = w.client.post("/v1/plans", json=scenario_body(), headers=h).json()["id"]
    doc = _wait(w, pid, 1, "trainer")
    assert doc["exercise"] is True and doc["plan"]["operation"]["exercise"] is True
    assert "EXERCISE" in w.client.get(f"/v1/plans/{pid}/map", headers=h).text
    assert w.client.get(f"/v1/plans/{pid}", headers=w.headers("planner")).status_code == 404
