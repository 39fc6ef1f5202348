"""Events during an operation: each kind makes a new plan version that keeps what happened and
changes as little as it can; bad events are refused with the field named."""

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
from planner.io import ScenarioError, load_scenario
from planner.model.problem import Problem, Spot
from planner.model.solve import solve
from planner.plan import Assignment, Plan
from planner.replan.events import apply_event, replan
from planner.replan.kinds import CrossingClosed, Delay, Deviation, TeamLost, parse_event
from planner.replan.progress import rest
from planner.replan.stability import previous_watchers
from planner.resolve.atoms import atoms
from planner.resolve.resolver import resolve_scenario
from planner.scenario import Scenario
from tests.planner.builders import problem, route, team
from tests.planner.scenarios import scenario, variant

# Operation Aurora's expected timeline (see planner/examples/aurora-batumi-sofia.yaml): the stop
# at Samsun runs 12:09-20:09 UTC on 3 December; Kapikule is crossed on the 4th.
IN_SAMSUN = "2026-12-03T14:00:00+00:00"
ON_THE_COAST = "2026-12-03T10:00:00+03:00"  # 07:00 UTC, between Trabzon and Giresun


@pytest.fixture(scope="module")
def aurora(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = load_scenario(path_of("aurora-batumi-sofia"))
    result = plan(sc, geo)
    assert result.status == "optimal"
    return sc, result


def _event(**data: Any) -> Any:
    return parse_event(data)


def _errors(sc: Scenario, previous: Plan, geo: Geodata, **data: Any) -> list[dict[str, str]]:
    with pytest.raises(ScenarioError) as info:
        apply_event(sc, previous, parse_event(data), geo)
    return info.value.errors


def _ok(new: Scenario, result: Plan, geo: Geodata) -> None:
    assert result.status in ("optimal", "feasible"), [r.message for r in result.reasons]
    assert check(new, result, geo) == []


def test_each_kind_parses_from_json() -> None:
    kinds = [
        ({"kind": "delay", "at": IN_SAMSUN, "minutes": 90, "note": "tyre"}, Delay),
        ({"kind": "deviation", "at": IN_SAMSUN, "position": {"lat": 41.0, "lon": 36.0}}, Deviation),
        ({"kind": "team_lost", "at": IN_SAMSUN, "team": "TR-T5"}, TeamLost),
        (
            {"kind": "crossing_closed", "at": IN_SAMSUN, "crossing": "TUR-BGR-kapikule"},
            CrossingClosed,
        ),
    ]
    for data, kind in kinds:
        assert isinstance(parse_event(json.loads(json.dumps(data))), kind)


def test_bad_events_name_the_field_and_echo_no_coordinates() -> None:
    def errors(data: dict[str, Any]) -> list[dict[str, str]]:
        with pytest.raises(ScenarioError) as info:
            parse_event(data)
        return info.value.errors

    assert errors({"kind": "explosion", "at": IN_SAMSUN})[0]["loc"] == "event.kind"
    assert errors({"at": IN_SAMSUN})[0]["loc"] == "event.kind"
    assert errors({"kind": "delay", "at": IN_SAMSUN})[0]["loc"] == "event.minutes"
    assert errors({"kind": "delay", "at": "2026-12-03T14:00:00", "minutes": 5})[0]["loc"] == (
        "event.at"
    )
    extra = errors({"kind": "team_lost", "at": IN_SAMSUN, "team": "X", "colour": "red"})
    assert extra[0]["loc"] == "event.colour"
    at_pole = errors({"kind": "deviation", "at": IN_SAMSUN, "position": {"lat": 91.25, "lon": 1}})
    assert any(e["loc"].startswith("event.position") for e in at_pole)
    assert "91.25" not in json.dumps(at_pole)


def test_delay_waits_where_it_is_and_shifts_the_rest(geo: Geodata) -> None:
    # Without driver hours, so that a delay shifts everything after it by its length (with them,
    # the delay also counts as a break and the pauses move: see the clock's own tests).
    data = load_scenario(path_of("aurora-batumi-sofia")).model_dump(mode="json", by_alias=True)
    data["movement"]["driver_rules"] = "none"
    sc = scenario(data)
    previous = plan(sc, geo)
    new, result = replan(sc, previous, _event(kind="delay", at=ON_THE_COAST, minutes=90), geo)
    _ok(new, result, geo)
    at = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert new.operation.departure == at
    first = result.segments[0]
    # The wait is watched: a static segment where the consignment is, as long as the delay.
    assert first.mode == "stop" and first.nominal_start == at
    assert first.nominal_end == at + timedelta(minutes=90)
    # Places still ahead are reached 90 minutes later than in the previous version (± rounding).
    old = {
        (s.mode, s.to.id, s.shift): s.nominal_end for s in previous.segments if s.nominal_end > at
    }
    shifts = [
        (s.nominal_end - old[(s.mode, s.to.id, s.shift)]) / timedelta(minutes=1)
        for s in result.segments[1:]
        if (s.mode, s.to.id, s.shift) in old
    ]
    assert len(shifts) > 10
    assert all(abs(m - 90) <= 2 for m in shifts), shifts
    assert any("delayed 90 min" in line for line in result.changes)
    # What took place stays, clipped at the event; the new version plans from it on.
    assert result.history and all(a.expected_start < at for a in result.history)
    assert max(a.expected_end for a in result.history) == at


def test_team_lost_at_a_known_stop(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, previous = aurora
    lost = next(a.team for a in previous.assignments if a.segment == "R1-S08")
    new, result = replan(sc, previous, _event(kind="team_lost", at=IN_SAMSUN, team=lost), geo)
    _ok(new, result, geo)
    assert lost not in {t.id for t in new.teams}
    assert lost not in {a.team for a in result.assignments}
    # Lost during the stop at Samsun: the new version starts there with the rest of the stop.
    first = result.segments[0]
    assert new.route.origin == "TUR-samsun-city"
    assert (first.mode, first.from_.id) == ("stop", "TUR-samsun-city")
    assert first.nominal_end == next(s for s in previous.segments if s.mode == "stop").nominal_end
    assert f"team {lost} lost at 2026-12-03 14:00 UTC: no longer used" in result.changes


def test_crossing_closed_is_avoided(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, previous = aurora
    assert "TUR-BGR-kapikule" in [c.id for c in previous.route.crossings]
    event = _event(kind="crossing_closed", at=ON_THE_COAST, crossing="TUR-BGR-kapikule")
    new, result = replan(sc, previous, event, geo)
    _ok(new, result, geo)
    assert "TUR-BGR-kapikule" in new.route.avoid.crossings
    assert "TUR-BGR-kapikule" not in [c.id for c in result.route.crossings]
    assert result.route.countries[-1] == "BGR"
    # The known stop still ahead is kept, and the route still passes it.
    assert [s.at for s in new.movement.stops] == ["TUR-samsun-city"]
    assert any(s.mode == "stop" and s.from_.id == "TUR-samsun-city" for s in result.segments)
    assert any(line.startswith("route now via") for line in result.changes)


def test_deviation_starts_at_the_reported_position(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, previous = aurora
    event = _event(kind="deviation", at=IN_SAMSUN, position="TUR-corum", destination="BGR-plovdiv")
    new, result = replan(sc, previous, event, geo)
    _ok(new, result, geo)
    assert result.segments[0].from_.id == "TUR-corum"
    assert result.segments[-1].to.id == "BGR-plovdiv"
    assert result.operation.departure == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    # Samsun's stop was under way and is behind it now.
    assert new.movement.stops == []


def test_at_sea_the_new_version_starts_at_landing(geo: Geodata) -> None:
    data = variant(
        route={
            "waypoints": ["GEO-poti", "UKR-chornomorsk", "UKR-odesa"],
            "modes": ["road", "ferry"],
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
            {"id": "GE-T", "agency": "GE", "base": "GEO-poti-city", "capabilities": ["road"]},
            {"id": "UA-T", "agency": "UA", "base": "UKR-odesa", "capabilities": ["technical"]},
            {"id": "UA-R", "agency": "UA", "base": "UKR-odesa", "capabilities": ["road"]},
        ],
        # The line sails when loaded: the planners know this sailing (check-in 8 h before).
        movement={
            "sailings": [{"line": "FERRY-chornomorsk-poti", "depart": "2026-12-03T18:00:00+04:00"}]
        },
    )
    del data["route"]["origin"], data["route"]["destination"]
    sc = scenario(data)
    previous = plan(sc, geo)
    assert previous.status == "optimal", previous.reasons
    ferry = next(s for s in previous.segments if s.mode == "ferry")
    at = ferry.nominal_start + timedelta(hours=5)
    new, result = replan(sc, previous, _event(kind="delay", at=at.isoformat(), minutes=60), geo)
    _ok(new, result, geo)
    assert new.route.waypoints == ["UKR-chornomorsk", "UKR-odesa"]
    assert new.operation.departure == ferry.nominal_end
    # The watch on board stays in the history until the landing.
    on_board = [a for a in result.history if a.segment == ferry.id]
    assert on_board and on_board[0].expected_end == ferry.nominal_end


def test_bad_events_are_refused_with_their_field(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, previous = aurora
    before = _errors(sc, previous, geo, kind="team_lost", at="2026-12-03T01:59:00Z", team="GE-T1")
    assert before[0]["loc"] == "event.at" and "before_departure" in before[0]["msg"]
    after = _errors(sc, previous, geo, kind="delay", at="2026-12-09T00:00:00Z", minutes=5)
    assert after[0]["loc"] == "event.at" and "after_arrival" in after[0]["msg"]
    assert (
        _errors(sc, previous, geo, kind="team_lost", at=IN_SAMSUN, team="XX-T9")[0]["loc"]
        == "event.team"
    )
    assert (
        _errors(sc, previous, geo, kind="crossing_closed", at=IN_SAMSUN, crossing="TUR-rize")[0][
            "loc"
        ]
        == "event.crossing"
    )
    at_sea = _errors(
        sc, previous, geo, kind="deviation", at=IN_SAMSUN, position={"lat": 43.25, "lon": 34.5}
    )
    assert at_sea[0]["loc"] == "event.position"
    assert "43.25" not in json.dumps(at_sea)


def test_the_previous_teams_are_kept(geo: Geodata) -> None:
    # Without the lead agency, Turkish police and gendarmerie teams are interchangeable: the
    # optimum after a delay moves to other teams unless the stability term holds them.
    data = load_scenario(path_of("aurora-batumi-sofia")).model_dump(mode="json", by_alias=True)
    for entry in data["legal"]:
        entry.pop("lead_agency", None)
    sc = scenario(data)
    previous = plan(sc, geo)
    at = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
    new = apply_event(sc, previous, _event(kind="delay", at=at.isoformat(), minutes=150), geo)
    ahead = {a.team for a in previous.assignments if a.expected_end > at}

    def differ(p: Plan) -> int:
        assert p.status == "optimal"
        return len(ahead ^ {a.team for a in p.assignments})

    def keep(pr: Problem) -> dict[tuple[int, int], frozenset[str]]:
        return previous_watchers(pr, previous)

    # Without the stability term other teams take over (the optimum moves; which ones is a tie
    # between interchangeable teams); with it, only the team that watches the delay itself,
    # because the team on the road then would pass its duty.
    assert differ(plan(new, geo)) > 1
    assert differ(plan(new, geo, previous=keep)) == 1


def test_of_two_equal_teams_the_previous_one_is_kept() -> None:
    r = route([("BGR", "road", 120), ("BGR", "road", 120)])
    base = problem([r], [team(t, "BGR", routes=[r]) for t in ("A", "B", "C")])
    for kept in ("B", "C"):
        previous = {(0, 0): frozenset({kept}), (0, 1): frozenset({kept})}
        sol = solve(dataclasses.replace(base, previous=previous))
        assert {b.team for b in sol.blocks} == {kept}
        # Nothing changed, so the stability term costs nothing.
        assert sol.report.objective == solve(base).report.objective


def test_a_team_that_has_worked_rests_before_its_next_duty() -> None:
    bg = scenario().teams[0]  # 12 h duty, 8 h rest
    t0 = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)

    def watch(start: int, end: int, duty: int | None = 1) -> Assignment:
        a, b = t0 + timedelta(hours=start), t0 + timedelta(hours=end)
        return Assignment(
            team=bg.id,
            agency=bg.agency,
            segment="S",
            start=a,
            end=b,
            expected_start=a,
            expected_end=b,
            duty=duty,
        )

    worked = [watch(0, 2), watch(3, 4), watch(4, 30, duty=None)]  # the last one on a ferry
    tired = rest(bg, worked, t0 + timedelta(hours=6))
    assert tired is not None
    # The duty began at 0 h: it may go on until 12 h; or a new one after 8 h of rest from 4 h.
    assert tired.duty_until == t0 + timedelta(hours=12)
    assert tired.rested_from == t0 + timedelta(hours=12)
    assert tired.windows[0][1] == t0 + timedelta(hours=12)
    assert rest(bg, worked, t0 + timedelta(hours=12)) is None
    assert rest(bg, [], t0) is None


def test_a_via_point_between_nodes_keeps_its_own_position(geo: Geodata) -> None:
    # A deviation's via given by coordinates snaps between two nodes; the route's atoms there
    # used to take the route's origin or destination as their end.
    data = variant(route={"via": [{"lat": 42.30, "lon": 23.10, "name": "Dupnitsa bypass"}]})
    found = resolve_scenario(scenario(data), geo).routes[0]
    ends = (Spot(**found.origin.model_dump()), Spot(**found.destination.model_dump()))
    cut = [a for a in atoms(geo, found, *ends) if a.end.id.startswith("@")]
    assert cut and abs(cut[0].end.lat - 42.3) < 0.05 and cut[0].end.country == "BGR"
