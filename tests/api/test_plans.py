"""Submitting, reading and serving plans through the API (no solver: jobs are finished by hand)."""

from __future__ import annotations

import re
import uuid

from api.routes.outputs import NO_SCRIPTS
from tests.api.conftest import AGENCIES, Solved, World, scenario_body, seed_plan

OWN, OTHER = AGENCIES


def test_submit_answers_202_with_a_stored_queued_job(world: World) -> None:
    r = world.client.post("/v1/plans", json=scenario_body(), headers=world.headers("planner"))
    assert r.status_code == 202, r.text
    body = r.json()
    assert uuid.UUID(body["id"]).version == 4
    assert body["status"] == "queued" and body["version"] == 1 and body["handling_code"] == "H2"
    assert r.headers["location"] == f"/v1/plans/{body['id']}"
    got = world.client.get(f"/v1/plans/{body['id']}", headers=world.headers("planner"))
    assert got.status_code == 200 and got.json()["status"] == "queued"
    assert "plan" not in got.json() or got.json()["plan"] is None


def test_idempotency_key_same_body_same_plan_other_body_422(world: World) -> None:
    h = {**world.headers("planner"), "Idempotency-Key": "k-1"}
    first = world.client.post("/v1/plans", json=scenario_body(), headers=h)
    again = world.client.post("/v1/plans", json=scenario_body(), headers=h)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    other = world.client.post("/v1/plans", json=scenario_body(seed=7), headers=h)
    assert other.status_code == 422
    assert other.json()["error"]["field"] == "Idempotency-Key"
    listed = world.client.get("/v1/plans", headers=world.headers("planner")).json()["items"]
    assert [p["id"] for p in listed] == [first.json()["id"]]


def test_done_plan_and_outputs_are_marked_and_locked_down(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    h = world.headers("coordinator")
    status = world.client.get(f"/v1/plans/{pid}", headers=h)
    assert status.status_code == 200
    doc = status.json()
    assert doc["status"] == "done" and doc["plan"]["status"] == aurora.plan_status
    assert doc["plan"]["operation"]["handling_code"] == "H2"
    for kind in ("map", "timeline", "briefing", "geojson", "kml"):
        r = world.client.get(f"/v1/plans/{pid}/{kind}", headers=h)
        assert r.status_code == 200, kind
        assert r.headers["x-handling-code"] == "H2"
        csp = r.headers["content-security-policy"]
        if kind in ("map", "timeline", "briefing"):
            # Only the page's own scripts run, by hash: never any inline script.
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
            scripts = csp.split("script-src ")[1].split(";")[0].split()
            assert scripts and all(s.startswith("'sha256-") or s == "'none'" for s in scripts)
        else:
            assert csp == NO_SCRIPTS
        assert b"H2" in r.content, kind
    page = world.client.get(f"/v1/plans/{pid}/map", headers=h).text
    # Nothing a browser would fetch (Leaflet's attribution link is a plain anchor).
    remote = r"""\s*=\s*["']?(https?:)?//"""
    fetched = rf"""src{remote}|<link[^>]*href{remote}|url\(\s*["']?(https?:)?//"""
    assert not re.search(fetched, page)


def test_other_agency_gets_the_same_404_as_a_missing_id(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    h = world.headers("planner", OTHER)
    theirs = world.client.get(f"/v1/plans/{pid}", headers=h)
    missing = world.client.get(f"/v1/plans/{uuid.uuid4()}", headers=h)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content


def test_grant_lets_another_agency_read_but_not_change(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    g = world.client.post(
        f"/v1/plans/{pid}/grants", json={"agency": OTHER}, headers=world.headers("planner")
    )
    assert g.status_code == 201 and [i["agency"] for i in g.json()["items"]] == [OTHER]
    other = world.headers("coordinator", OTHER)
    assert world.client.get(f"/v1/plans/{pid}/map", headers=other).status_code == 200
    assert (
        world.client.delete(f"/v1/plans/{pid}", headers=world.headers("planner", OTHER)).status_code
        == 403
    )
    report = world.client.get(f"/v1/plans/{pid}/access", headers=world.headers("planner")).json()
    assert any(row["agency"] == OTHER and row["outcome"] == "allowed" for row in report["items"])


def test_validate_names_the_field_without_echoing_coordinates(world: World) -> None:
    body = scenario_body()
    body["route"]["origin"] = {"lat": 141.6168, "lon": 41.6367}
    r = world.client.post("/v1/scenarios/validate", json=body, headers=world.headers("planner"))
    assert r.status_code == 422
    out = r.json()["error"]
    assert out["code"] == "scenario_invalid"
    assert any("route.origin" in e["loc"] for e in out["errors"])
    assert "141.6168" not in r.text and "41.6367" not in r.text


def test_access_report_lists_refused_attempts_by_other_agencies(
    world: World, aurora: Solved
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    assert (
        world.client.get(f"/v1/plans/{pid}", headers=world.headers("planner", OTHER)).status_code
        == 404
    )
    assert (
        world.client.delete(
            f"/v1/plans/{pid}", headers=world.headers("coordinator", OTHER)
        ).status_code
        == 403
    )
    report = world.client.get(f"/v1/plans/{pid}/access", headers=world.headers("planner")).json()
    tried = {(r["agency"], r["action"], r["outcome"]) for r in report["items"]}
    assert (OTHER, "plans.read", "denied") in tried
    assert (OTHER, "plans.cancel", "denied") in tried
