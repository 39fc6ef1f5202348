"""The engine end to end on small real scenarios: plans, reasons, and the checker."""

from __future__ import annotations

from datetime import UTC, datetime

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from tests.planner.scenarios import SOFIA_THESSALONIKI, scenario, variant


def test_a_small_plan_is_optimal_and_passes_the_checker(geo: Geodata) -> None:
    sc = scenario()
    result = plan(sc, geo)
    assert result.status == "optimal", result.reasons
    assert result.route.countries == ["BGR", "GRC"]
    assert check(sc, result, geo) == []
    border = [h for h in result.handovers if h.kind == "border"]
    assert len(border) == 1 and border[0].from_agency == "BG-GDBOP"
    assert result.solver.objective == result.solver.bound
    assert {a.country for a in result.authorisations} == {"BGR", "GRC"}
    assert result.operation.handling_code == "H2"


def test_authorisation_deadline_and_too_late(geo: Geodata) -> None:
    late = variant(operation={"planned_at": "2026-12-01T03:00:00+00:00"})
    result = plan(scenario(late), geo)
    by = {a.country: a for a in result.authorisations}
    assert by["BGR"].request_by == datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # 72 h before 04:00Z
    assert by["BGR"].too_late and not by["GRC"].too_late


def test_unauthorised_state_is_named(geo: Geodata) -> None:
    data = variant(legal=[SOFIA_THESSALONIKI["legal"][0]])  # no entry for Greece
    result = plan(scenario(data), geo)
    assert result.status == "infeasible"
    assert {(r.code, r.subject) for r in result.reasons} >= {("unauthorised_state", "GRC")}


def test_delivery_type_not_accepted_is_named(geo: Geodata) -> None:
    legal = [
        dict(SOFIA_THESSALONIKI["legal"][0]),
        {"country": "GRC", "authorised": True, "deliveries": ["substituted"]},
    ]
    result = plan(scenario(variant(legal=legal)), geo)
    assert result.status == "infeasible"
    assert ("delivery_not_accepted", "GRC") in {(r.code, r.subject) for r in result.reasons}


def test_missing_capability_is_named(geo: Geodata) -> None:
    teams = [dict(t) for t in SOFIA_THESSALONIKI["teams"]]
    for t in teams:
        if t["id"].startswith("GR"):
            t["capabilities"] = ["maritime"]
    result = plan(scenario(variant(teams=teams)), geo)
    assert result.status == "infeasible"
    codes = {r.code for r in result.reasons}
    assert "missing_capability" in codes
    assert any("GRC" in r.message for r in result.reasons)


def test_staffing_gap_names_its_window(geo: Geodata) -> None:
    teams = [dict(t) for t in SOFIA_THESSALONIKI["teams"]]
    for t in teams:
        if t["id"].startswith("GR"):
            t["available"] = [
                {"from": "2026-12-05T00:00:00+00:00", "to": "2026-12-06T00:00:00+00:00"}
            ]
    result = plan(scenario(variant(teams=teams)), geo)
    assert result.status == "infeasible"
    gap = [r for r in result.reasons if r.code == "staffing_gap"]
    assert gap and "2026-12-03" in gap[0].message and "GRC" in gap[0].message


def test_restricted_area_on_a_fixed_itinerary(geo: Geodata) -> None:
    data = variant(
        route={
            "origin": None,
            "destination": None,
            "alternatives": 1,
            "waypoints": ["MDA-chisinau", "MDA-tiraspol", "UKR-odesa"],
        },
        legal=[
            {
                "country": "MDA",
                "authorised": True,
                "deliveries": ["live", "partial", "substituted"],
            },
            {
                "country": "UKR",
                "authorised": True,
                "deliveries": ["live", "partial", "substituted"],
            },
        ],
    )
    del data["route"]["origin"], data["route"]["destination"]
    result = plan(scenario(data), geo)
    assert result.status == "infeasible"
    restricted = [r for r in result.reasons if r.code == "restricted_area"]
    assert restricted and restricted[0].subject == "transnistria"
    assert "interdict at" in restricted[0].message
    assert result.route.countries[0] == "MDA"  # the judged route is shown, for the map


def test_bad_place_is_invalid_with_its_field(geo: Geodata) -> None:
    data = variant(route={"origin": {"lat": 43.0, "lon": 34.0}})
    result = plan(scenario(data), geo)
    assert result.status == "invalid"
    assert result.reasons[0].subject.startswith("route.origin")


def test_a_fixed_itinerary_between_two_ports_sails(geo: Geodata) -> None:
    data = variant(
        route={
            "alternatives": 1,
            "modes": ["road", "ferry"],
            "waypoints": ["GEO-tbilisi", "GEO-poti", "UKR-chornomorsk", "UKR-odesa"],
        },
        legal=[
            {
                "country": "GEO",
                "authorised": True,
                "deliveries": ["live", "partial", "substituted"],
            },
            {
                "country": "UKR",
                "authorised": True,
                "deliveries": ["live", "partial", "substituted"],
            },
        ],
        agencies=[
            {"id": "GE", "country": "GEO", "name": "MIA", "kind": "police"},
            {"id": "UA", "country": "UKR", "name": "SBU", "kind": "security"},
        ],
        teams=[
            {"id": f"GE-{i}", "agency": "GE", "base": b, "capabilities": ["road"]}
            for i, b in enumerate(["GEO-tbilisi", "GEO-khashuri", "GEO-kutaisi", "GEO-poti-city"])
        ]
        + [
            {
                "id": "UA-T",
                "agency": "UA",
                "base": "UKR-odesa",
                "capabilities": ["technical", "road"],
            },
            {"id": "UA-R", "agency": "UA", "base": "UKR-odesa", "capabilities": ["road"]},
        ],
        rules={"max_follow_hours": 6},
        # The line sails when loaded: the planners know this sailing (check-in 8 h before).
        movement={
            "sailings": [{"line": "FERRY-chornomorsk-poti", "depart": "2026-12-04T02:00:00+04:00"}]
        },
    )
    del data["route"]["origin"], data["route"]["destination"]
    result = plan(scenario(data), geo)
    assert result.route.countries == ["GEO", "UKR"], result.reasons
    assert result.status == "optimal", result.reasons
    ferry = [s for s in result.segments if s.mode == "ferry"]
    assert len(ferry) == 1
    tracking = [a for a in result.assignments if a.segment == ferry[0].id]
    assert tracking and all(a.remote and a.duty is None for a in tracking)
    assert {h.kind for h in result.handovers} >= {"port"}
