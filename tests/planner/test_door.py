"""Scenarios as users write them: places in every form, stops among alternatives, itineraries."""

from __future__ import annotations

from typing import Any

import pytest

from geodata import Geodata
from planner.engine import plan
from planner.examples import path_of
from planner.io import ScenarioError, load_scenario, parse_scenario
from planner.resolve.places import place_errors
from planner.resolve.resolver import resolve_scenario
from tests.planner.scenarios import scenario, variant


def _errors(data: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    return info.value.errors


def test_a_place_may_be_written_as_lat_lon_text() -> None:
    sc = scenario(variant(route={"origin": "42.6977, 23.3219", "destination": "GRC-thessaloniki"}))
    origin = sc.route.origin
    assert not isinstance(origin, str) and (origin.lat, origin.lon) == (42.6977, 23.3219)


def test_a_two_letter_country_gets_its_three_letter_code() -> None:
    data = variant()
    data["agencies"][0]["country"] = "BG"
    (err,) = _errors(data)
    assert err["loc"] == "agencies[0].country"
    assert "BGR" in err["msg"] and "docs/scenario.md" in err["fix"]


def test_agency_kinds_as_agencies_name_themselves() -> None:
    data = variant()
    data["agencies"][0]["kind"] = "Border Police"
    assert scenario(data).agencies[0].kind == "border_police"
    data["agencies"][0]["kind"] = "prosecuter"
    (err,) = _errors(data)
    assert "did you mean prosecutor?" in err["msg"]


def test_a_limit_says_why() -> None:
    data = variant()
    data["teams"][0]["max_duty_hours"] = 30
    (err,) = _errors(data)
    assert err["loc"] == "teams[0]"
    assert "at most 24" in err["msg"] and "maritime escort" in err["msg"]
    data["teams"][0].update(max_duty_hours=30, capabilities=["maritime"])
    assert scenario(data).teams[0].max_duty_hours == 30


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("Tekirdag", 40.98, 27.51),
        ("Alexandroupoli", 40.8457, 25.873),
        ("Batumi port", 41.65, 41.64),
        ("Constanta", 44.1598, 28.6348),
        ("Kavala", 40.9396, 24.4069),
    ],
)
def test_coastal_team_bases_are_on_land(geo: Geodata, name: str, lat: float, lon: float) -> None:
    data = variant()
    data["teams"][0]["base"] = {"lat": lat, "lon": lon, "name": name}
    assert place_errors(scenario(data), geo) == []


def test_every_bad_place_is_told_at_once_with_the_closest_ids(geo: Geodata) -> None:
    data = variant(route={"origin": "Sofia", "destination": "GRC-thessaloniki"})
    data["teams"][1]["base"] = "43.5, 33.0"  # the middle of the Black Sea
    errors = place_errors(scenario(data), geo)
    assert [e["loc"] for e in errors] == ["route.origin", "teams[1].base"]
    assert "BGR-sofia" in errors[0]["fix"]
    assert "43.5" not in str(errors)


def test_three_alternatives_with_two_stops_plan(geo: Geodata) -> None:
    data = load_scenario(path_of("aurora-batumi-sofia")).model_dump(mode="json", by_alias=True)
    data["route"]["alternatives"] = 3
    data["movement"]["stops"] = [
        {"at": "TUR-samsun-city", "minutes": 240},
        {"at": "GEO-batumi-city", "minutes": 60},
    ]
    sc = parse_scenario(data)
    problem = resolve_scenario(sc, geo).problem
    assert len(problem.routes) >= 2
    for option in problem.routes:
        stops = [s.start_spot.id for s in option.segments if s.mode == "stop"]
        # Both stops on every candidate, in the order of the route (Batumi first).
        assert list(dict.fromkeys(stops)) == ["GEO-batumi-city", "TUR-samsun-city"]
    assert plan(sc, geo).status == "optimal"


def test_an_itinerary_between_two_ports_sails_and_keeps_to_authorised_states(geo: Geodata) -> None:
    # Only ARM, GEO and UKR have authorised it: the leg between the two ports (given by the
    # coordinates of their gates) sails, it does not go round by road through TUR, BGR, ROU.
    data = variant(
        route={
            "waypoints": ["ARM-IRN-agarak", "42.15, 41.67", "46.30, 30.65", "UKR-kyiv"],
            "modes": ["road", "ferry"],
        },
        legal=[
            {"country": c, "authorised": True, "deliveries": ["live", "partial", "substituted"]}
            for c in ("ARM", "GEO", "UKR")
        ],
        agencies=[{"id": "GE", "country": "GEO", "name": "MIA", "kind": "police"}],
        teams=[{"id": "G", "agency": "GE", "base": "GEO-poti-city", "capabilities": ["road"]}],
        movement={
            "sailings": [{"line": "FERRY-chornomorsk-poti", "depart": "2026-12-06T20:00:00+04:00"}]
        },
    )
    del data["route"]["origin"], data["route"]["destination"]
    resolved = resolve_scenario(scenario(data), geo)
    route = resolved.routes[0]
    assert route.countries == ["ARM", "GEO", "UKR"]
    assert [leg.mode.value for leg in route.legs if leg.waypoint_leg == 1] == ["ferry"]
    modes = [s.mode for s in resolved.problem.routes[0].segments]
    assert "ferry" in modes


def test_an_unlawful_leg_is_named(geo: Geodata) -> None:
    # Without Ukraine's authorisation the ferry leg lands in an unauthorised state: the reason
    # says which leg.
    data = variant(
        route={"waypoints": ["GEO-poti", "UKR-chornomorsk"], "modes": ["road", "ferry"]},
        legal=[
            {"country": "GEO", "authorised": True, "deliveries": ["live", "partial", "substituted"]}
        ],
    )
    del data["route"]["origin"], data["route"]["destination"]
    result = plan(scenario(data), geo)
    assert result.status == "infeasible"
    assert result.reasons[0].code == "unauthorised_state"
    assert result.reasons[0].message.startswith("leg 1 (Poti to Chornomorsk")
