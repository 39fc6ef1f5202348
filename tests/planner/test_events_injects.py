"""The six kinds of event added for exercises (injects): each makes a new version that keeps
every rule, and the checker catches a plan that ignores what the event decided."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from planner.examples import path_of
from planner.io import ScenarioError, load_scenario, parse_scenario
from planner.model.blocks import all_blocks
from planner.plan import Plan
from planner.replan.events import apply_event, replan
from planner.replan.kinds import KINDS, parse_event
from planner.scenario import Scenario
from tests.planner.builders import problem, route, team
from tests.planner.scenarios import scenario, variant

IN_SAMSUN = "2026-12-03T14:00:00+00:00"
ALL = ["live", "partial", "substituted"]


@pytest.fixture(scope="module")
def aurora(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = load_scenario(path_of("aurora-batumi-sofia"))
    result = plan(sc, geo)
    assert result.status == "optimal"
    return sc, result


def _errors(sc: Scenario, previous: Plan, geo: Geodata, **data: Any) -> list[dict[str, str]]:
    with pytest.raises(ScenarioError) as info:
        apply_event(sc, previous, parse_event(data), geo)
    return info.value.errors


def _ok(new: Scenario, result: Plan, geo: Geodata) -> None:
    assert result.status in ("optimal", "feasible"), [r.message for r in result.reasons]
    assert check(new, result, geo) == []


def test_ten_kinds_parse_and_bad_windows_are_refused() -> None:
    assert len(KINDS) == 10
    with pytest.raises(ScenarioError) as info:
        parse_event(
            {
                "kind": "border_closed",
                "at": IN_SAMSUN,
                "crossing": "TUR-BGR-kapikule",
                "from": "2026-12-04T00:00:00Z",
                "to": "2026-12-03T00:00:00Z",
            }
        )
    assert info.value.errors[0]["loc"].startswith("event")
    assert "after" in info.value.errors[0]["msg"]


def test_counter_surveillance_burns_the_team_and_moves_its_next_relief(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, previous = aurora
    burned = "TR-T5"
    nxt = next(h for h in previous.handovers if burned in (h.from_team, h.to_team))
    assert nxt.kind == "relief"  # Osmancik, by the first version
    new, result = replan(
        sc,
        previous,
        parse_event({"kind": "counter_surveillance", "at": IN_SAMSUN, "team": burned}),
        geo,
    )
    _ok(new, result, geo)
    assert burned not in {t.id for t in new.teams}
    assert burned not in {a.team for a in result.assignments}
    assert nxt.place.name not in {h.place.name for h in result.handovers}
    assert new.rules.no_handover_at == [nxt.place.id]
    # A plan that hands over there anyway is caught (rule 6).
    tampered = previous.model_copy(deep=True)
    assert any(
        v.rule == 6 for v in check(new.model_copy(), tampered, geo) if nxt.place.id in v.subject
    )


def test_border_closed_holds_the_queue_until_it_reopens(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, previous = aurora
    reopen = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    event = {
        "kind": "border_closed",
        "at": IN_SAMSUN,
        "crossing": "TUR-BGR-kapikule",
        "from": IN_SAMSUN,
        "to": reopen.isoformat(),
    }
    new, result = replan(sc, previous, parse_event(event), geo)
    _ok(new, result, geo)
    queue = next(
        s for s in result.segments if s.mode == "border" and s.from_.id == "TUR-BGR-kapikule"
    )
    assert queue.nominal_start >= reopen
    wait = next(s for s in result.segments if s.kind == "crossing_closed")
    assert wait.nominal_end == reopen
    # The first version queued inside the closure: rule 11 says so.
    assert any(v.rule == 11 and "closure" in v.message for v in check(new, previous, geo))
    assert (
        _errors(
            sc,
            previous,
            geo,
            **{**event, "to": "2026-12-03T13:00:00Z", "from": "2026-12-03T12:00:00Z"},
        )[0]["loc"]
        == "event.to"
    )


def test_authorisation_withdrawn_by_the_destination_state_leaves_no_plan(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, previous = aurora
    event = {"kind": "authorisation_withdrawn", "at": IN_SAMSUN, "country": "BGR"}
    _, result = replan(sc, previous, parse_event(event), geo)
    assert result.status == "infeasible"
    assert any(r.code == "unauthorised_state" and r.subject == "BGR" for r in result.reasons)
    assert any("stopped before it enters BGR" in c for c in result.changes)
    inside = replan(sc, previous, parse_event({**event, "country": "TUR"}), geo)[1]
    assert inside.status == "infeasible"
    assert any("the consignment is in TUR" in c for c in inside.changes)
    errors = _errors(sc, previous, geo, **{**event, "country": "ROU"})
    assert errors[0]["loc"] == "event.country"


def test_authorisation_withdrawn_by_a_transit_state_is_routed_around(geo: Geodata) -> None:
    # Thessaloniki to Bucharest crosses Bulgaria; without it, the way round is North Macedonia
    # and Serbia, both authorised and staffed.
    data = variant(
        route={"origin": "GRC-thessaloniki", "destination": "ROU-bucharest", "alternatives": 1},
        legal=[
            {"country": c, "authorised": True, "deliveries": ALL}
            for c in ("GRC", "BGR", "ROU", "SRB", "MKD")
        ],
        agencies=[
            {"id": "GR", "country": "GRC", "name": "Hellenic Police", "kind": "police"},
            {"id": "BG", "country": "BGR", "name": "GDBOP", "kind": "police"},
            {"id": "RO", "country": "ROU", "name": "DIICOT", "kind": "police"},
            {"id": "RS", "country": "SRB", "name": "Police", "kind": "police"},
            {"id": "MK", "country": "MKD", "name": "Police", "kind": "police"},
        ],
        teams=[
            {"id": f"{a}-{k}", "agency": a, "base": base, "capabilities": ["road"]}
            for a, base in (
                ("GR", "GRC-thessaloniki"),
                ("BG", "BGR-sofia"),
                ("RO", "ROU-craiova"),
                ("RS", "SRB-nis"),
                ("MK", "MKD-skopje"),
            )
            for k in range(4)
        ],
    )
    sc = scenario(data)
    previous = plan(sc, geo)
    assert previous.status == "optimal", previous.reasons
    assert "BGR" in previous.route.countries
    at = previous.segments[1].nominal_start.isoformat()
    new, result = replan(
        sc,
        previous,
        parse_event({"kind": "authorisation_withdrawn", "at": at, "country": "BGR"}),
        geo,
    )
    assert "BGR" in new.route.avoid.countries
    assert not next(e for e in new.legal if e.country == "BGR").authorised
    _ok(new, result, geo)
    assert "BGR" not in result.route.countries


def test_vehicle_swap_changes_the_vehicle_after_a_watched_transfer(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, previous = aurora
    event = {"kind": "vehicle_swap", "at": IN_SAMSUN, "vehicle": "van", "place": "TUR-samsun-city"}
    new, result = replan(sc, previous, parse_event(event), geo)
    _ok(new, result, geo)
    assert new.route.vehicle.value == "van"
    assert not new.driver_hours_apply  # a van: outside the driver-hours law by default
    first = result.segments[0]
    assert first.mode == "stop" and first.minutes_max >= 60
    assert result.operation.departure == datetime.fromisoformat(IN_SAMSUN)


def test_team_available_adds_a_window_or_a_new_team(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, previous = aurora
    window = {"from": IN_SAMSUN, "to": "2026-12-06T00:00:00+00:00"}
    new_team = {
        "kind": "team_available",
        "at": IN_SAMSUN,
        "team": "TR-NEW",
        "agency": "TR-TNP-NARC",
        "base": "TUR-samsun-city",
        "capabilities": ["road"],
        **window,
    }
    new, result = replan(sc, previous, parse_event(new_team), geo)
    _ok(new, result, geo)
    added = next(t for t in new.teams if t.id == "TR-NEW")
    assert added.available[0].to == datetime(2026, 12, 6, tzinfo=UTC)
    errors = _errors(sc, previous, geo, **{k: v for k, v in new_team.items() if k != "agency"})
    assert errors[0]["loc"] == "event.agency"
    bad_agency = _errors(sc, previous, geo, **{**new_team, "agency": "XX-NONE"})
    assert bad_agency[0]["loc"] == "event.agency"


def test_ferry_cancelled_takes_the_next_sailing(geo: Geodata) -> None:
    first, second = "2026-12-03T18:00:00+04:00", "2026-12-04T18:00:00+04:00"
    data = variant(
        route={
            "waypoints": ["GEO-poti", "UKR-chornomorsk", "UKR-odesa"],
            "modes": ["road", "ferry"],
        },
        legal=[{"country": c, "authorised": True, "deliveries": ALL} for c in ("GEO", "UKR")],
        agencies=[
            {"id": "GE", "country": "GEO", "name": "MIA", "kind": "police"},
            {"id": "UA", "country": "UKR", "name": "SBU", "kind": "security"},
        ],
        teams=[
            {"id": "GE-T", "agency": "GE", "base": "GEO-poti-city", "capabilities": ["road"]},
            {"id": "GE-U", "agency": "GE", "base": "GEO-poti-city", "capabilities": ["road"]},
            # A day more on the quay is watched in shifts of 12 h duties and 8 h rests.
            {"id": "GE-V", "agency": "GE", "base": "GEO-poti-city", "capabilities": ["road"]},
            {"id": "GE-W", "agency": "GE", "base": "GEO-poti-city", "capabilities": ["road"]},
            {"id": "UA-T", "agency": "UA", "base": "UKR-odesa", "capabilities": ["technical"]},
            {"id": "UA-R", "agency": "UA", "base": "UKR-odesa", "capabilities": ["road"]},
        ],
        movement={
            "sailings": [
                {"line": "FERRY-chornomorsk-poti", "depart": first},
                {"line": "FERRY-chornomorsk-poti", "depart": second},
            ]
        },
    )
    del data["route"]["origin"], data["route"]["destination"]
    sc = scenario(data)
    previous = plan(sc, geo)
    assert previous.status == "optimal", previous.reasons
    ferry = next(s for s in previous.segments if s.mode == "ferry")
    assert ferry.nominal_start == datetime.fromisoformat(first)
    at = (previous.segments[0].nominal_start + timedelta(minutes=30)).isoformat()
    event = {
        "kind": "ferry_cancelled",
        "at": at,
        "line": "FERRY-chornomorsk-poti",
        "sailing": first,
    }
    new, result = replan(sc, previous, parse_event(event), geo)
    _ok(new, result, geo)
    sailed = next(s for s in result.segments if s.mode == "ferry")
    assert sailed.nominal_start == datetime.fromisoformat(second)
    # The first version sails at the cancelled one: rule 12.
    assert any(v.rule == 12 and "cancelled" in v.message for v in check(new, previous, geo))
    late = _errors(sc, previous, geo, **{**event, "sailing": "2026-12-03T00:00:00+00:00"})
    assert late[0]["loc"] == "event.sailing"
    assert (
        _errors(sc, previous, geo, **{**event, "line": "FERRY-nowhere"})[0]["loc"] == "event.line"
    )


def test_no_handover_at_a_burned_place_in_the_model() -> None:
    r = route([("BGR", "road", 120), ("BGR", "road", 120), ("BGR", "road", 120)])
    teams = [team(f"T{i}", "BGR", routes=[r]) for i in range(3)]
    free = problem([r], teams, max_follow_hours=4)
    burned = dataclasses.replace(free, no_handover=frozenset({"p1"}))
    starts = {(b.first, b.last) for b in all_blocks(burned)}
    # No block begins at boundary 1 or ends just before it: the watch passes at p2 instead.
    assert all(first != 1 and last != 0 for first, last in starts)
    assert (0, 1) in starts and (2, 2) in starts
    assert {(b.first, b.last) for b in all_blocks(free)} > starts


def test_parse_scenario_accepts_the_new_movement_and_rules_fields() -> None:
    data = variant(
        movement={
            "closures": [
                {"crossing": "TUR-BGR-kapikule", "from": IN_SAMSUN, "to": "2026-12-04T00:00:00Z"}
            ],
            "cancelled_sailings": [{"line": "FERRY-burgas-batumi", "depart": IN_SAMSUN}],
        },
        rules={"no_handover_at": ["TUR-samsun-city", {"lat": 41.2, "lon": 36.3}]},
    )
    sc = parse_scenario(json.loads(json.dumps(data)))
    assert sc.movement.closures[0].crossing == "TUR-BGR-kapikule"
    assert len(sc.rules.no_handover_at) == 2
