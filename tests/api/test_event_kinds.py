"""The events route takes every kind of event there is, end to end: the route decides the new
version, the worker's own code plans it, and the version is served. One event per kind added
after the first four (those have their own tests): each on a real plan, with a real solve."""

from __future__ import annotations

from typing import Any

import pytest

from geodata import Geodata
from planner.engine import plan as make_plan
from planner.io import parse_scenario
from planner.replan.kinds import KINDS
from tests.api.conftest import AGENCIES, ROOT, Solved, World, drain, scenario_body, seed_plan

OWN, _ = AGENCIES
FERRY = ROOT / "planner/examples/caucasus-ferry-poti-chornomorsk.yaml"

# Aurora leaves Batumi on 2026-12-03 at 02:00 UTC and reaches Kapikule on the 5th; the ferry
# operation sails from Poti on 2026-12-04 at 16:00 UTC.
EVENTS: dict[str, dict[str, Any]] = {
    "authorisation_withdrawn": {"at": "2026-12-03T12:00:00Z", "country": "BGR"},
    "ferry_cancelled": {
        "at": "2026-12-03T12:00:00Z",
        "line": "FERRY-chornomorsk-poti",
        "sailing": "2026-12-04T16:00:00Z",
    },
    "counter_surveillance": {"at": "2026-12-03T09:00:00Z", "team": "TR-T1"},
    "vehicle_swap": {"at": "2026-12-03T14:00:00Z", "vehicle": "van", "place": "TUR-samsun-city"},
    "border_closed": {
        "at": "2026-12-04T12:00:00Z",
        "crossing": "TUR-BGR-kapikule",
        "from": "2026-12-05T00:00:00Z",
        "to": "2026-12-05T06:00:00Z",
    },
    "team_available": {
        "at": "2026-12-03T14:00:00Z",
        "team": "TR-NEW",
        "agency": "TR-TNP-NARC",
        "base": "TUR-samsun-city",
        "capabilities": ["road"],
        "from": "2026-12-03T14:00:00Z",
        "to": "2026-12-06T00:00:00Z",
    },
}


def test_every_kind_is_covered_here_or_by_the_first_tests() -> None:
    first = {"delay", "deviation", "team_lost", "crossing_closed"}
    assert set(KINDS) == first | set(EVENTS)


@pytest.fixture(scope="module")
def ferry(geo: Geodata) -> Solved:
    """The Poti-Chornomorsk operation: one sailing booked, none known after it."""
    scenario = parse_scenario(scenario_body(FERRY))
    result = make_plan(scenario, geo)
    return Solved(
        scenario.model_dump_json(by_alias=True, exclude_none=True),
        result.to_json(),
        result.status,
        {},
    )


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_each_kind_makes_a_planned_version(
    world: World, aurora: Solved, ferry: Solved, kind: str
) -> None:
    base = ferry if kind == "ferry_cancelled" else aurora
    pid = seed_plan(world.db, world.principals[("planner", OWN)], base)
    h = world.headers("planner")
    r = world.client.post(f"/v1/plans/{pid}/events", json={"kind": kind, **EVENTS[kind]}, headers=h)
    assert r.status_code == 202, r.text
    assert r.json()["version"] == 2
    assert drain(world.db, pid) == [0]
    doc = world.client.get(f"/v1/plans/{pid}?version=2", headers=h).json()
    assert doc["status"] == "done", doc.get("error")
    plan = doc["plan"]
    assert plan["changes"], "a new version says what changed"
    if kind == "authorisation_withdrawn":
        # Sofia is in Bulgaria: no plan can end there any more, and the changes say so.
        assert not plan["assignments"] and plan["status"] not in ("optimal", "feasible")
    elif kind == "ferry_cancelled":
        # The only booked sailing is cancelled and no later one is known: the version says so.
        assert any("cancelled" in line for line in plan["changes"])
        assert [r["code"] for r in plan["reasons"]] == ["no_sailing"]
    else:
        assert plan["status"] in ("optimal", "feasible"), plan["reasons"]
        assert plan["assignments"]
    if kind == "counter_surveillance":
        later = {a["team"] for a in plan["assignments"] if a["start"] > EVENTS[kind]["at"]}
        assert "TR-T1" not in later
    versions = world.client.get(f"/v1/plans/{pid}/versions", headers=h).json()["items"]
    assert versions[1]["event"]["kind"] == kind
    assert world.client.get(f"/v1/plans/{pid}/map", headers=h).headers["x-plan-version"] == "2"
