"""Robustness studies through the API: a job on the supervisor's workers whose figures are those of
`cdplan robustness` for the same seed, with the map of how often each handover holds."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from geodata import Geodata
from planner.io import parse_scenario
from planner.plan import Plan
from planner.robust.cluster import InProcess
from planner.robust.study import assess
from tests.api.conftest import (
    AGENCIES,
    ROOT,
    Solved,
    World,
    drain,
    fresh_database,
    make_world,
    scenario_body,
    seed_plan,
    test_settings,
)

OWN, OTHER = AGENCIES
TANDEM = ROOT / "planner/examples/tandem-edirne-plovdiv-sofia.yaml"
# What depends on where and how fast the study ran, not on the plan and the seed.
RUN = {"seconds", "workers", "scheduler"}


def study(world: World, pid: str, body: dict[str, Any], role: str = "planner") -> Any:
    return world.client.post(f"/v1/plans/{pid}/robustness", json=body, headers=world.headers(role))


def figures(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc["robustness"].items() if k not in RUN}


def test_a_study_gives_the_command_lines_figures_for_the_seed(
    world: World, aurora: Solved, geo: Geodata
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    r = study(world, pid, {"samples": 200, "seed": 7})
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert (accepted["number"], accepted["version"], accepted["status"]) == (1, 1, "queued")
    assert r.headers["location"] == f"/v1/plans/{pid}/robustness/1"
    again = study(world, pid, {"samples": 200, "seed": 7})
    assert again.json()["number"] == 2
    assert drain(world.db, pid) == [0, 0]

    h = world.headers("coordinator")  # whoever reads the plan reads its studies
    first = world.client.get(accepted["links"]["self"], headers=h).json()
    assert first["status"] == "done" and first["error"] is None
    expected = assess(
        parse_scenario(json.loads(aurora.scenario_json)),
        Plan.model_validate_json(aurora.plan_json),
        InProcess(),
        samples=200,
        seed=7,
    )
    assert figures(first) == {
        k: v for k, v in json.loads(expected.model_dump_json()).items() if k not in RUN
    }
    assert first["robustness"]["scheduler"] == "in-process"
    assert 0 < first["robustness"]["holds"] <= 1 and first["robustness"]["handovers"]
    # The same seed, the same figures.
    second = world.client.get(again.json()["links"]["self"], headers=h).json()
    assert figures(second) == figures(first)

    page = world.client.get(accepted["links"]["page"], headers=h)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "how often they hold" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_replanning_the_failed_samples(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    r = study(world, pid, {"samples": 30, "seed": 1, "replan": True})
    assert r.status_code == 202
    drain(world.db, pid)
    doc = world.client.get(r.json()["links"]["self"], headers=world.headers("planner")).json()
    result = doc["robustness"]
    assert result["failed"] > 0 and 0 <= result["replanned_ok"] <= 1


def test_what_cannot_be_studied_is_refused(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    for body, field in (
        ({"samples": 0}, "body.samples"),
        ({"samples": 100_001}, "body.samples"),
        ({"samples": 10, "seed": -1}, "body.seed"),
        ({"samples": 10, "replan": "yes"}, "body.replan"),
        ({"samples": 10, "extra": 1}, "body.*"),
    ):
        r = study(world, pid, body)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (body, r.text)
    queued = seed_plan(world.db, world.principals[("planner", OWN)])
    assert study(world, queued, {"samples": 10}).json()["error"]["code"] == "plan_not_ready"
    # A plan that is not its scenario's cannot be replayed: the study fails, saying so.
    tandem = parse_scenario(scenario_body(TANDEM)).model_dump_json(by_alias=True)
    mismatch = Solved(tandem, aurora.plan_json, aurora.plan_status, {})
    pid2 = seed_plan(world.db, world.principals[("planner", OWN)], mismatch)
    r = study(world, pid2, {"samples": 10})
    assert r.status_code == 202
    assert drain(world.db, pid2) == [5]  # failed with its reason, not retried
    doc = world.client.get(r.json()["links"]["self"], headers=world.headers("planner")).json()
    assert doc["status"] == "failed" and doc["error"]["code"] == "not_studied", doc
    # Only the owner agency asks; a coordinator reads.
    assert study(world, pid, {"samples": 10}, "coordinator").status_code == 403
    missing = world.client.get(f"/v1/plans/{pid}/robustness/9", headers=world.headers("planner"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "robustness_not_found"


def test_a_study_runs_on_the_supervisors_workers_within_its_limits(tmp_path: Path) -> None:
    url = next(fresh_database("sqlite", tmp_path))
    settings = test_settings(tmp_path, url)
    for world in make_world(settings, supervise=True):
        h = world.headers("planner")
        pid = world.client.post("/v1/plans", json=scenario_body(), headers=h).json()["id"]
        deadline = time.monotonic() + 120
        while world.client.get(f"/v1/plans/{pid}", headers=h).json()["status"] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        r = study(world, pid, {"samples": 50, "seed": 2})
        assert r.status_code == 202, r.text
        doc: dict[str, Any] = {}
        while time.monotonic() < deadline:
            doc = world.client.get(r.json()["links"]["self"], headers=h).json()
            if doc["status"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.2)
        assert doc["status"] == "done", doc
        assert doc["robustness"]["samples"] == 50
        queue = world.client.get("/v1/admin/queue", headers=world.headers("admin")).json()
        assert queue["counts"] == {"done": 2}  # the version and the study


def test_a_study_past_its_deadline_is_killed_and_fails(tmp_path: Path, aurora: Solved) -> None:
    url = next(fresh_database("sqlite", tmp_path))
    # Deadline = 0.5 s of study + no set-up allowance + 0.5 s grace; the worker sleeps far longer.
    settings = test_settings(
        tmp_path,
        url,
        robustness_seconds=0.5,
        setup_seconds=0.0,
        grace_seconds=0.5,
        fault_delay_seconds=60.0,
    )
    for world in make_world(settings, supervise=True):
        pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
        r = study(world, pid, {"samples": 10})
        assert r.status_code == 202
        deadline = time.monotonic() + 30
        doc: dict[str, Any] = {}
        while time.monotonic() < deadline:
            doc = world.client.get(
                r.json()["links"]["self"], headers=world.headers("planner")
            ).json()
            if doc["status"] != "queued" and doc["status"] != "running":
                break
            time.sleep(0.1)
        assert doc["status"] == "failed" and doc["error"]["code"] == "time_limit", doc
        assert "1 s" in doc["error"]["message"]
        assert world.app.state.services.supervisor.running == {}
