"""Inputs that used to crash a worker or answer 500: refused as 422 naming the field, failed at
once with a reason, or kept (a plan whose map cannot be drawn is still a plan)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import planner.engine
import planner.exports.write
from api import worker
from api.db.states import JobState
from api.store import jobs, sharing, versions
from planner.plan import Plan
from tests.api.conftest import AGENCIES, Solved, World, scenario_body, seed_plan

OWN, OTHER = AGENCIES
SECRET = "Secret Harbour 7"


def with_(path: tuple[Any, ...], value: Any, body: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.loads(json.dumps(body or scenario_body()))
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


def post(world: World, url: str, raw: bytes, role: str = "planner") -> Any:
    headers = {**world.headers(role), "content-type": "application/json"}
    return world.client.post(url, content=raw, headers=headers)


def assert_422(r: Any, field: str) -> dict[str, Any]:
    assert r.status_code == 422, (r.status_code, r.text[:300])
    err: dict[str, Any] = r.json()["error"]
    assert err["field"] == field, err
    return err


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("operation", "name"), "Op \x01 name", "operation.name"),
        (("operation", "consignment", "kind"), "cash\x7f", "operation.consignment.kind"),
        (("agencies", 0, "name"), "Police\x1b[2J", "agencies[0].name"),
        (("route", "origin"), {"lat": 41.6, "lon": 41.6, "name": "Ba\x00tumi"}, "route.origin"),
        (("operation", "departure"), "9999-12-31T23:00:00-14:00", "operation.departure"),
        (("operation", "departure"), "0001-01-01T00:00:00+14:00", "operation.departure"),
        (("operation", "planned_at"), "1999-12-31T23:59:59+00:00", "operation.planned_at"),
    ],
    ids=["soh", "del", "escape", "nul-in-place-name", "year-9999", "year-1", "year-1999"],
)
def test_what_rendering_cannot_take_is_refused_at_validation(
    world: World, path: tuple[Any, ...], value: Any, field: str
) -> None:
    raw = json.dumps(with_(path, value)).encode()
    for url in ("/v1/scenarios/validate", "/v1/plans"):
        assert_422(post(world, url, raw), field)


def test_deep_nesting_is_422_on_every_route_with_a_body(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    deep = b"[" * 100_000 + b"]" * 100_000
    for url in ("/v1/plans", "/v1/scenarios/validate", f"/v1/plans/{pid}/events"):
        err = assert_422(post(world, url, deep), "event" if url.endswith("events") else "body")
        assert err["code"] == "json_too_deep"
    exercise = seed_plan(world.db, world.principals[("trainer", OWN)], aurora)
    err = assert_422(post(world, f"/v1/exercises/{exercise}/judge", deep, "trainer"), "plan")
    assert err["code"] == "json_too_deep"
    moderate = json.dumps(with_(("operation", "name"), json.loads("[" * 40 + "]" * 40))).encode()
    assert_422(post(world, "/v1/plans", moderate), "operation.name")
    for url, role in (
        (f"/v1/plans/{pid}/grants", "planner"),
        (f"/v1/plans/{pid}/robustness", "planner"),
        ("/v1/admin/users", "admin"),
    ):
        assert post(world, url, deep, role).status_code == 422


def test_unpaired_surrogates_are_422_naming_the_field(world: World, aurora: Solved) -> None:
    raw = json.dumps(with_(("operation", "name"), "Op \ud800 name")).encode()
    for url in ("/v1/plans", "/v1/scenarios/validate"):
        assert_422(post(world, url, raw), "operation.name")
    key = json.dumps(with_(("operation", "\udfff"), 1)).encode()
    assert_422(post(world, "/v1/plans", key), "operation")
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    event = {"kind": "delay", "at": "2026-12-03T04:00:00Z", "minutes": 30, "note": "x\ud800"}
    assert_422(post(world, f"/v1/plans/{pid}/events", json.dumps(event).encode()), "event.note")


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:00-14:00"])
def test_an_event_at_the_ends_of_time_is_422(world: World, aurora: Solved, at: str) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    event = {"kind": "delay", "at": at, "minutes": 30}
    assert_422(post(world, f"/v1/plans/{pid}/events", json.dumps(event).encode()), "event.at")


def test_errors_name_positions_never_submitted_values(world: World, aurora: Solved) -> None:
    unknown_key = with_(("operation", SECRET), 1)
    r = post(world, "/v1/plans", json.dumps(unknown_key).encode())
    assert_422(r, "operation.*")
    bad_agency = with_(("teams", 0, "agency"), "SECRET-AGENCY-7")
    r = post(world, "/v1/scenarios/validate", json.dumps(bad_agency).encode())
    err = assert_422(r, "scenario")
    assert "teams[0].agency" in err["errors"][0]["msg"]
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    plan = Plan.model_validate_json(aurora.plan_json)
    event = {
        "kind": "deviation",
        "at": plan.segments[2].nominal_start.isoformat(),
        "position": {"lat": 41.5, "lon": 41.7},
        "destination": "SECRET-PLACE-7",
    }
    r = post(world, f"/v1/plans/{pid}/events", json.dumps(event).encode())
    assert r.status_code == 422, r.text
    for response in (r, *[post(world, "/v1/plans", json.dumps(unknown_key).encode())]):
        assert SECRET not in response.text and "SECRET-" not in response.text
    r = world.client.post(
        f"/v1/plans/{pid}/grants",
        json={"agency": OTHER, SECRET: 1},
        headers=world.headers("planner"),
    )
    assert r.status_code == 422 and SECRET not in r.text
    assert sharing.grants(world.db, pid) == []


def test_a_planning_error_fails_the_job_at_once_with_its_reason(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)])

    def overflow(*_: object, **__: object) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(planner.engine, "plan", overflow)
    claim = jobs.claim_next(world.db, 60.0, 3, plan_id=pid)
    assert claim is not None
    assert worker.run(world.db, claim) == worker.EXIT_FAILED  # the supervisor does not retry it
    v = versions.version(world.db, pid, 1)
    assert v is not None and (v.status, v.attempt) == (JobState.failed, 1)
    assert v.error_code == "planning_failed" and "OverflowError" in (v.error_message or "")


def test_an_output_that_cannot_be_rendered_does_not_cost_the_plan(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)])

    def broken(plan: Plan, geo: object) -> str:
        raise ValueError("All strings must be XML compatible")

    media, _ = planner.exports.write.OUTPUTS["plan.kml"]
    monkeypatch.setitem(planner.exports.write.OUTPUTS, "plan.kml", (media, broken))
    claim = jobs.claim_next(world.db, 60.0, 3, plan_id=pid)
    assert claim is not None
    assert worker.run(world.db, claim) == worker.EXIT_OK
    h = world.headers("planner")
    doc = world.client.get(f"/v1/plans/{pid}", headers=h).json()
    assert doc["status"] == "done" and doc["plan"]["status"] == "optimal"
    assert world.client.get(f"/v1/plans/{pid}/map", headers=h).status_code == 200
    kml = world.client.get(f"/v1/plans/{pid}/kml", headers=h)
    assert kml.status_code == 409 and kml.json()["error"]["code"] == "output_missing"
    assert "ValueError" in kml.json()["error"]["message"]
    [v] = world.client.get(f"/v1/plans/{pid}/versions", headers=h).json()["items"]
    assert v["failed_outputs"] == {"plan.kml": "could not be rendered (ValueError)"}


def test_validation_resolves_every_place_at_once(world: World) -> None:
    # Two places that do not resolve: a mistyped id and a point far out at sea; both named,
    # neither repeated.
    body = with_(("route", "origin"), "BGR-sofiya")
    body["teams"][0]["base"] = {"lat": 43.2, "lon": 34.5}
    r = post(world, "/v1/scenarios/validate", json.dumps(body).encode())
    assert r.status_code == 422, r.text[:300]
    errors = r.json()["error"]["errors"]
    assert {e["loc"] for e in errors} >= {"route.origin", "teams[0].base"}
    assert "sofiya" not in r.text and "34.5" not in r.text
    assert any("BGR-sofia" in e["fix"] for e in errors)
