"""The checker catches a broken plan for every rule of the clock and the law (rules 2, 8, 10-15):
each test tampers with a good plan made by the engine and expects that rule's number."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from planner.examples import path_of
from planner.io import load_scenario, parse_scenario
from planner.plan import Plan
from planner.scenario import Scenario
from tests.planner.scenarios import scenario, variant


@pytest.fixture(scope="module")
def aurora(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = load_scenario(path_of("aurora-batumi-sofia"))
    result = plan(sc, geo)
    assert result.status == "optimal" and check(sc, result, geo) == []
    return sc, result


@pytest.fixture(scope="module")
def ferry(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = load_scenario(path_of("caucasus-ferry-poti-chornomorsk"))
    result = plan(sc, geo)
    assert result.status == "optimal" and check(sc, result, geo) == []
    return sc, result


def _rules(sc: Scenario, p: Plan, geo: Geodata) -> set[int]:
    return {v.rule for v in check(sc, p, geo)}


def test_a_break_taken_out(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    # The driver drives on through a break: the stretch becomes driving time.
    sc, p = aurora
    broken = p.model_copy(deep=True)
    k = next(i for i, s in enumerate(broken.segments) if s.mode == "break")
    broken.segments[k].mode = "road"
    assert 10 in _rules(sc, broken, geo)


def test_a_daily_rest_taken_out(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = aurora
    broken = p.model_copy(deep=True)
    for s in broken.segments:
        if s.mode in ("rest", "break", "stop"):
            s.mode, s.kind = "road", None
    assert 10 in _rules(sc, broken, geo)


def test_a_crossing_passed_while_closed(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    # Kapikule given hours 08:00-09:00 local: the plan's queue is outside them.
    sc, p = aurora
    data = sc.model_dump(mode="json", by_alias=True)
    data["movement"]["crossing_hours"] = [
        {"crossing": "TUR-BGR-kapikule", "open": "08:00", "close": "09:00"}
    ]
    assert 11 in _rules(parse_scenario(data), p, geo)


def test_a_ferry_off_its_sailing(ferry: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = ferry
    broken = p.model_copy(deep=True)
    leg = next(s for s in broken.segments if s.mode == "ferry")
    leg.nominal_start += timedelta(hours=3)
    assert 12 in _rules(sc, broken, geo)


def test_a_handover_in_the_wrong_local_time(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = aurora
    broken = p.model_copy(deep=True)
    border = next(h for h in broken.handovers if h.kind == "border")
    border.to_local = border.from_local  # the Bulgarian team told Turkish time
    assert 13 in _rules(sc, broken, geo)


def test_observation_without_a_basis(geo: Geodata) -> None:
    # The Greek team's stretch made the foreign stretch of a Turkish team: no treaty in force
    # lets Turkish officers observe in Greece.
    sc = scenario()
    p = plan(sc, geo)
    broken = p.model_copy(deep=True)
    greek = next(a for a in broken.assignments if a.segment == broken.segments[-1].id)
    greek.foreign = True
    for t in broken.teams:
        if t.id == greek.team:
            t.country = "TUR"
    assert 2 in _rules(sc, broken, geo)


def test_a_mode_a_state_refuses(geo: Geodata) -> None:
    sc = scenario()
    p = plan(sc, geo)
    data = sc.model_dump(mode="json", by_alias=True)
    data["legal"][1]["deliveries"] = ["substituted"]  # Greece, judging a live delivery
    assert 8 in _rules(parse_scenario(data), p, geo)


def test_a_remote_watch_not_allowed_and_too_long(geo: Geodata) -> None:
    data = variant(
        route={"origin": "GEO-batumi-city", "destination": "GEO-poti", "alternatives": 1},
        agencies=[{"id": "GE", "country": "GEO", "name": "MIA", "kind": "police"}],
        teams=[
            {"id": f"GE-{i}", "agency": "GE", "base": "GEO-poti-city", "capabilities": caps}
            for i, caps in enumerate([["road"], ["road"], ["road"], ["road", "technical"]])
        ],
        legal=[{"country": "GEO", "authorised": True, "deliveries": ["live", "partial"]}],
        movement={"stops": [{"at": "GEO-poti", "minutes": 24 * 60}], "driver_rules": "none"},
    )
    data["rules"]["technical_coverage"] = {"stop": True, "max_hours": 12}
    sc = scenario(data)
    p = plan(sc, geo)
    assert p.status == "optimal" and any(a.remote for a in p.assignments)
    assert check(sc, p, geo) == []
    # Judged under a scenario that does not allow remote coverage: rule 14.
    strict = sc.model_dump(mode="json", by_alias=True)
    strict["rules"]["technical_coverage"] = None
    assert 14 in _rules(parse_scenario(strict), p, geo)
    # Or with a 2 h limit: the plan's remote watch is too long.
    short = sc.model_dump(mode="json", by_alias=True)
    short["rules"]["technical_coverage"]["max_hours"] = 2
    assert 14 in _rules(parse_scenario(short), p, geo)


def test_a_missing_request(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = aurora
    broken = p.model_copy(deep=True)
    broken.authorisations = [a for a in broken.authorisations if a.country != "TUR"]
    assert 15 in _rules(sc, broken, geo)
    nameless = p.model_copy(deep=True)
    nameless.authorisations[0].basis = ""
    assert 15 in _rules(sc, nameless, geo)
