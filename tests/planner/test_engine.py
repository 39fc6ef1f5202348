"""The engine end to end on small real scenarios: plans, reasons, and the checker."""

from __future__ import annotations

from datetime import UTC, datetime

from geodata import Geodata
from planner.checker import check
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
        legal=[{"country": "MDA", "authorised": True}, {"country": "UKR", "authorised": True}],
    )
    del data["route"]["origin"], data["route"]["destination"]
    result = plan(scenario(data), geo)
    assert result.status == "infeasible"
    restricted = [r for r in result.reasons if r.code == "restricted_area"]
    assert restricted and restricted[0].subject == "transnistria"
    assert "interdict at" in restricted[0].message


def test_bad_place_is_invalid_with_its_field(geo: Geodata) -> None:
    data = variant(route={"origin": {"lat": 43.0, "lon": 34.0}})
    result = plan(scenario(data), geo)
    assert result.status == "invalid"
    assert result.reasons[0].subject.startswith("route.origin")
