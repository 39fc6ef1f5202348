"""Resolution: authorisations, request times, team reach and availability, route errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from geodata import Geodata, Mode
from geodata.routing import travel_minutes_from
from planner.constants import CAR_SPEEDUP, DEFAULT_AVAILABILITY_MARGIN_DAYS
from planner.reasons import PlanningError
from planner.resolve.authorisation import request_by, unauthorised
from planner.resolve.resolver import Resolved, resolve_scenario
from planner.scenario import Scenario
from tests.planner.scenarios import scenario, variant


def _scenario(route: dict[str, Any], **changes: Any) -> Scenario:
    data = variant(**changes)
    data["route"] = route  # replaced, not merged: waypoints exclude origin and destination
    return scenario(data)


GEORGIA = {
    "agencies": [
        {"id": "GE", "country": "GEO", "name": "MIA", "kind": "police"},
        {"id": "UA", "country": "UKR", "name": "SBU", "kind": "security"},
        {"id": "TR", "country": "TUR", "name": "TNP", "kind": "police"},
    ],
    "legal": [
        {"country": "GEO", "authorised": True, "deliveries": ["live", "partial", "substituted"]},
        {"country": "UKR", "authorised": True, "deliveries": ["live", "partial", "substituted"]},
    ],
}


def test_unauthorised_names_each_state_once_and_why() -> None:
    sc = scenario(
        variant(
            legal=[
                {"country": "GEO", "authorised": True, "deliveries": ["live"]},
                {"country": "TUR", "authorised": True, "deliveries": ["partial", "substituted"]},
                {"country": "ARM", "authorised": False, "deliveries": ["live"]},
            ]
        )
    )
    assert sc.operation.consignment.delivery == "live"
    reasons = unauthorised(sc, ["GEO", "TUR", "BGR", "TUR", "ARM", "GEO"])
    assert [(r.code, r.subject) for r in reasons] == [
        ("delivery_not_accepted", "TUR"),
        ("unauthorised_state", "BGR"),
        ("unauthorised_state", "ARM"),
    ]
    assert reasons[0].message == (
        "TUR does not accept a live delivery (accepts: partial, substituted)"
    )
    assert "(no legal entry)" in reasons[1].message
    assert "(no legal entry)" not in reasons[2].message
    assert unauthorised(sc, ["GEO"]) == []


def test_request_by_is_departure_less_lead_time_in_utc() -> None:
    departure = datetime(2026, 12, 3, 6, 0, tzinfo=timezone(timedelta(hours=2)))  # 04:00 UTC
    by = request_by(departure, 72)
    assert by == datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    assert by.utcoffset() == timedelta(0)
    assert request_by(departure, 1.5) == datetime(2026, 12, 3, 2, 30, tzinfo=UTC)
    assert request_by(departure, 0) == datetime(2026, 12, 3, 4, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def batumi_poti(geo: Geodata) -> Resolved:
    teams = [
        {"id": "B", "agency": "GE", "base": "GEO-batumi", "capabilities": ["road"]},
        {"id": "P", "agency": "GE", "base": "GEO-poti", "capabilities": ["road"]},
        {"id": "T", "agency": "TR", "base": "TUR-trabzon", "capabilities": ["road"]},
        {
            "id": "W",
            "agency": "GE",
            "base": "GEO-poti",
            "capabilities": ["road"],
            "available": [{"from": "2026-12-03T05:00:00+00:00", "to": "2026-12-03T09:30:00+00:00"}],
        },
    ]
    route = {"origin": "GEO-batumi", "destination": "GEO-poti", "alternatives": 1}
    return resolve_scenario(_scenario(route, teams=teams, **GEORGIA), geo)


def test_reach_drives_home_roads_then_along_the_route(batumi_poti: Resolved, geo: Geodata) -> None:
    route, option = batumi_poti.routes[0], batumi_poti.problem.routes[0]
    assert route.countries == ["GEO"] and all(leg.mode is Mode.road for leg in route.legs)
    # Cumulative driving minutes of the route's nodes, and of its segment boundaries.
    nodes = [route.origin.id] + [leg.to_node for leg in route.legs]
    pos = [0.0]
    for leg in route.legs:
        pos.append(pos[-1] + leg.minutes)
    bounds = [s.drive_start for s in option.segments] + [option.segments[-1].drive_end]
    assert bounds[-1] == pytest.approx(pos[-1], abs=0.1)
    for team_id, base in (("B", "GEO-batumi"), ("P", "GEO-poti")):
        spec = batumi_poti.problem.team(team_id)
        home = travel_minutes_from(geo, base, country="GEO", speedup=CAR_SPEEDUP)
        # Best of: drive at home to a route node, then along the route at car speed.
        want = {
            (0, k): round(
                min(home[n] + abs(p - b) / CAR_SPEEDUP for n, p in zip(nodes, pos, strict=True))
            )
            for k, b in enumerate(bounds)
        }
        assert dict(spec.reach) == want
    # By hand: the coast road is the team's shortest way, so from the origin each boundary is
    # its driving minutes / 1.25, and from the destination the rest of the route / 1.25.
    b, p = batumi_poti.problem.team("B"), batumi_poti.problem.team("P")
    assert b.reach[(0, 0)] == 0 and p.reach[(0, len(bounds) - 1)] == 0
    assert [b.reach[(0, k)] for k in range(len(bounds))] == [round(x / CAR_SPEEDUP) for x in bounds]
    assert [p.reach[(0, k)] for k in range(len(bounds))] == [
        round((bounds[-1] - x) / CAR_SPEEDUP) for x in bounds
    ]


def test_a_team_of_a_state_off_the_route_reaches_nothing(batumi_poti: Resolved) -> None:
    assert dict(batumi_poti.problem.team("T").reach) == {}


def test_availability_in_minutes_after_departure(batumi_poti: Resolved) -> None:
    problem = batumi_poti.problem
    # Departure 2026-12-03 06:00+02:00 = 04:00 UTC; 05:00 to 09:30 UTC is minutes 60 to 330.
    assert problem.t0 == datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    assert problem.team("W").availability == ((60, 330),)
    # No windows: a week before departure to a week after the latest exit of the last segment.
    margin = DEFAULT_AVAILABILITY_MARGIN_DAYS * 24 * 60
    last = problem.routes[0].segments[-1].end
    assert problem.team("B").availability == ((-margin, last + margin),)
    assert margin == 10_080


def test_a_technical_team_tracks_a_ferry_leg_from_where_it_is(geo: Geodata) -> None:
    teams = [
        {"id": "GT", "agency": "GE", "base": "GEO-batumi", "capabilities": ["road", "technical"]},
        {"id": "GR", "agency": "GE", "base": "GEO-batumi", "capabilities": ["road"]},
    ]
    route = {"waypoints": ["GEO-poti", "UKR-chornomorsk", "UKR-odesa"], "modes": ["road", "ferry"]}
    # Departure 04:00 UTC; the line's check-in is 8 h before the sailing at 12:00 UTC.
    sailing = {"line": "FERRY-chornomorsk-poti", "depart": "2026-12-03T12:00:00Z"}
    sc = _scenario(route, teams=teams, movement={"sailings": [sailing]}, **GEORGIA)
    problem = resolve_scenario(sc, geo).problem
    segs = problem.routes[0].segments
    # The wait for the sailing on the quay comes first (8 h from 04:00 to 12:00 UTC, in two
    # shifts), then the crossing.
    assert [(s.mode, s.kind) for s in segs[:3]] == [
        ("wait", "sailing"),
        ("wait", "sailing"),
        ("ferry", ""),
    ]
    assert (segs[0].nominal_start, segs[1].nominal_end) == (0, 480)
    k = 2
    assert segs[k].countries == ("GEO", "UKR")
    technical, road_only = problem.team("GT"), problem.team("GR")
    # Batumi to the quay at Poti takes the road team about an hour; remote tracking needs none.
    assert technical.reach[(0, k)] == 0
    assert road_only.reach[(0, k)] > 30
    # Elsewhere the technical team drives like any other.
    assert technical.reach[(0, 0)] == road_only.reach[(0, 0)]


def test_a_stop_off_the_route_draws_the_route_to_it(geo: Geodata) -> None:
    # A known stop is a place the consignment will be at: every candidate route passes it. A
    # stop in Sofia on a Batumi - Poti trip takes the route through Türkiye and Bulgaria, which
    # have not authorised the delivery: no lawful route, and the reasons say which states.
    route = {"origin": "GEO-batumi", "destination": "GEO-poti", "alternatives": 1}
    teams = [{"id": "B", "agency": "GE", "base": "GEO-batumi", "capabilities": ["road"]}]
    sc = _scenario(
        route, teams=teams, movement={"stops": [{"at": "BGR-sofia", "minutes": 30}]}, **GEORGIA
    )
    with pytest.raises(PlanningError) as info:
        resolve_scenario(sc, geo)
    assert info.value.status == "infeasible"
    codes = [(r.code, r.subject) for r in info.value.reasons]
    assert codes[0] == ("no_authorised_route", "route")
    assert ("unauthorised_state", "BGR") in codes


def test_a_stop_off_a_fixed_itinerary_is_invalid(geo: Geodata) -> None:
    route = {"waypoints": ["GEO-batumi", "GEO-poti"]}
    teams = [{"id": "B", "agency": "GE", "base": "GEO-batumi", "capabilities": ["road"]}]
    sc = _scenario(
        route, teams=teams, movement={"stops": [{"at": "GEO-tbilisi", "minutes": 30}]}, **GEORGIA
    )
    with pytest.raises(PlanningError) as info:
        resolve_scenario(sc, geo)
    assert info.value.status == "invalid"
    assert [(r.code, r.subject) for r in info.value.reasons] == [
        ("stop_not_on_route", "movement.stops[0].at")
    ]


def test_a_stop_on_the_route_is_a_static_segment(geo: Geodata) -> None:
    route = {"origin": "GEO-batumi", "destination": "GEO-poti", "alternatives": 1}
    teams = [{"id": "B", "agency": "GE", "base": "GEO-batumi", "capabilities": ["road"]}]
    sc = _scenario(
        route, teams=teams, movement={"stops": [{"at": "GEO-kobuleti", "minutes": 90}]}, **GEORGIA
    )
    segs = resolve_scenario(sc, geo).problem.routes[0].segments
    stops = [s for s in segs if s.mode == "stop"]
    assert [(s.start_spot.id, s.end_spot.id, s.min_minutes, s.max_minutes) for s in stops] == [
        ("GEO-kobuleti", "GEO-kobuleti", 90, 90)
    ]
    # The segments before and after end and start there.
    k = segs.index(stops[0])
    assert segs[k - 1].end_spot.id == "GEO-kobuleti" == segs[k + 1].start_spot.id


def test_an_itinerary_through_an_unauthorised_state_is_infeasible(geo: Geodata) -> None:
    route = {"waypoints": ["GEO-poti", "UKR-chornomorsk"], "modes": ["road", "ferry"]}
    teams = [{"id": "B", "agency": "GE", "base": "GEO-batumi", "capabilities": ["road"]}]
    sc = _scenario(
        route,
        teams=teams,
        agencies=GEORGIA["agencies"],
        legal=[
            {"country": "GEO", "authorised": True, "deliveries": ["live", "partial", "substituted"]}
        ],
    )
    with pytest.raises(PlanningError) as info:
        resolve_scenario(sc, geo)
    assert info.value.status == "infeasible"
    assert [(r.code, r.subject) for r in info.value.reasons] == [("unauthorised_state", "UKR")]
    assert info.value.route is not None  # the route judged, for the plan to show
