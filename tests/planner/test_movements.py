"""Several movements in one operation: one model, one place at a time for a team across all
movements, duty and rest counted across them, transfers watched, and the one-movement form
unchanged."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from planner.examples import path_of
from planner.io import ScenarioError, load_scenario, parse_scenario
from planner.model.blocks import all_blocks
from planner.model.problem import Problem, RouteOption
from planner.model.solve import solve
from tests.planner.builders import problem, route, team

TANDEM = "tandem-edirne-plovdiv-sofia"


def _movement(
    option: RouteOption, movement: str, index: int, *, shift: int = 0, need: int | None = None
) -> RouteOption:
    segments = tuple(
        dataclasses.replace(
            s,
            id=f"{movement}-{s.id}",
            start=s.start + shift,
            end=s.end + shift,
            nominal_start=s.nominal_start + shift,
            nominal_end=s.nominal_end + shift,
        )
        for s in option.segments
    )
    return dataclasses.replace(
        option, index=index, segments=segments, movement=movement, min_teams=need
    )


def _two(shift: int, teams: int, **kw: int) -> Problem:
    a = _movement(route([("BGR", "road", 120), ("BGR", "road", 120)]), "M1", 0)
    b = _movement(route([("BGR", "road", 120), ("BGR", "road", 120)]), "M2", 1, shift=shift)
    routes = [a, b]
    return problem(routes, [team(f"T{i}", "BGR", routes=routes, **kw) for i in range(teams)])


def test_one_team_is_never_on_two_movements_at_once() -> None:
    # Two movements side by side over the same four hours: one team cannot watch both.
    alone = solve(_two(0, 1), blocks=None)
    assert alone.status == "infeasible"
    both = solve(_two(0, 2))
    assert both.status == "optimal"
    by_team: dict[str, set[str]] = {}
    for b in both.blocks:
        by_team.setdefault(b.team, set()).add(both_movement(b.route))
    assert all(len(m) == 1 for m in by_team.values())


def both_movement(route_index: int) -> str:
    return f"M{route_index + 1}"


def test_a_teams_duty_and_rest_count_across_movements() -> None:
    # M1 is watched from -30 (the overlap) to 240; M2 from shift - 30 to shift + 240 (minutes).
    # One team, duties of 12 h, rests of 8 h, both movements at the same place:
    # - 6 h apart: one duty from -30 to 600, 10.5 h: it watches both;
    assert {b.team for b in solve(_two(6 * 60, 1)).blocks} == {"T0"}
    # - 9 h apart: one duty would last 13.5 h, and 4.5 h between them is no rest;
    assert solve(_two(9 * 60, 1)).status == "infeasible"
    # - 13 h apart: 8.5 h of rest between two duties.
    later = solve(_two(13 * 60, 1))
    assert later.status == "optimal" and {b.team for b in later.blocks} == {"T0"}


def test_a_team_needs_the_drive_between_two_movements() -> None:
    a = _movement(route([("BGR", "road", 120)]), "M1", 0)
    b = _movement(route([("BGR", "road", 120)]), "M2", 1, shift=150)
    # M2 is 3 degrees of latitude north (about 330 km): no team gets there in 30 minutes.
    far = tuple(
        dataclasses.replace(
            s,
            start_spot=dataclasses.replace(s.start_spot, lat=s.start_spot.lat + 3),
            end_spot=dataclasses.replace(s.end_spot, lat=s.end_spot.lat + 3),
        )
        for s in b.segments
    )
    b = dataclasses.replace(b, segments=far)
    routes = [a, b]
    assert solve(problem(routes, [team("T0", "BGR", routes=routes)])).status == "infeasible"
    two = solve(problem(routes, [team(f"T{i}", "BGR", routes=routes) for i in range(2)]))
    assert two.status == "optimal" and len({blk.team for blk in two.blocks}) == 2


def test_a_scout_with_min_teams_0_is_watched_only_where_cheap() -> None:
    a = _movement(route([("BGR", "road", 120), ("BGR", "road", 120)]), "M1", 0)
    scout = _movement(route([("BGR", "road", 120), ("BGR", "road", 120)]), "M2", 1, need=0)
    p = problem([a, scout], [team("T0", "BGR", routes=[a, scout])])
    result = solve(p)
    assert result.status == "optimal"
    assert {b.route for b in result.blocks} == {0}  # the only team watches the truck
    assert len(all_blocks(p)) > 0


def test_the_tandem_operation_is_planned_and_proven(geo: Geodata) -> None:
    sc = load_scenario(path_of(TANDEM))
    result = plan(sc, geo)
    assert result.status == "optimal", result.reasons
    assert result.solver.objective == result.solver.bound
    assert [m.id for m in result.movements] == ["M1", "M2", "M3"]
    assert {s.movement for s in result.segments} == {"M1", "M2", "M3"}
    assert all(s.id.startswith(f"{s.movement}-R") for s in result.segments)
    assert all(a.movement for a in result.assignments)
    assert [t.from_ for t in result.transfers] == ["M1"]
    transfer = result.transfers[0]
    assert transfer.place.id == "BGR-plovdiv" and (transfer.end - transfer.start).seconds == 7200
    assert any(h.kind == "transfer" for h in result.handovers)
    # The van leaves when the transfer ends; the truck and the van are watched throughout.
    m1_end = [s for s in result.segments if s.movement == "M1"][-1].nominal_end
    assert next(s for s in result.segments if s.movement == "M3").nominal_start == m1_end
    assert check(sc, result, geo) == []
    # A team's duties are numbered across movements: in time order, from 1, never back.
    for t in {a.team for a in result.assignments}:
        numbers = [
            a.duty
            for a in sorted(result.assignments, key=lambda a: a.expected_start)
            if a.team == t and a.duty
        ]
        assert numbers == sorted(numbers) and (not numbers or numbers[0] == 1)
    # Team by team, no two assignments on different movements overlap in expected time.
    for t in {a.team for a in result.assignments}:
        mine = sorted(
            (a.expected_start, a.expected_end, a.movement)
            for a in result.assignments
            if a.team == t
        )
        for (_, e1, m1), (s2, _, m2) in itertools.pairwise(mine):
            assert m1 == m2 or s2 >= e1


def test_a_scout_car_queues_in_the_car_lanes(geo: Geodata) -> None:
    result = plan(load_scenario(path_of(TANDEM)), geo)
    queue = {s.movement: s for s in result.segments if s.mode == "border"}
    truck, car = queue["M1"], queue["M2"]
    assert car.minutes_max < truck.minutes_max


@pytest.mark.parametrize(
    ("name", "objective"),
    [
        ("aurora-batumi-sofia", 218.33),
        ("balkan-northern-ruse-nadlac", 122.59),
        ("balkan-southern-ipsala-belgrade", 168.52),
        ("caucasus-ferry-poti-chornomorsk", 328.93),
        ("moldova-chisinau-odesa", 26.31),
    ],
)
def test_the_one_movement_form_plans_to_the_same_objective(
    name: str, objective: float, geo: Geodata
) -> None:
    result = plan(load_scenario(path_of(name)), geo)
    assert result.status == "optimal"
    assert result.solver.objective == pytest.approx(objective)
    assert result.movements == []


def _tandem_data() -> dict[str, object]:
    import yaml

    data = yaml.safe_load(path_of(TANDEM).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["transfers"][0].update({"to": "M9"}), "transfers[0].to"),
        (
            lambda d: d["movements"][2].update({"departure": "2026-12-08T12:00:00+02:00"}),
            "movements[2].departure",
        ),
        (
            lambda d: d["movements"][0].pop("departure") and d["movements"][1].pop("departure"),
            "departure",
        ),
        (
            lambda d: d.update({"route": {"origin": "BGR-sofia", "destination": "BGR-plovdiv"}}),
            "route",
        ),
    ],
)
def test_bad_movements_name_the_field(change: object, field: str) -> None:
    data = _tandem_data()
    change(data)  # type: ignore[operator]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.loads(json.dumps(data)))
    assert field in json.dumps(info.value.errors)


def test_a_transfer_away_from_the_movements_ends_is_refused(geo: Geodata) -> None:
    data = _tandem_data()
    data["transfers"][0]["at"] = "BGR-haskovo"  # type: ignore[index]
    result = plan(parse_scenario(data), geo)
    assert result.status == "invalid"
    assert result.reasons[0].code == "transfer_place"


def test_a_scout_keeps_its_best_route(geo: Geodata) -> None:
    # Were its road a choice, the bonus for watching it would pick the longest one.
    data = _tandem_data()
    data["movements"][1]["route"]["alternatives"] = 3  # type: ignore[index]
    result = plan(parse_scenario(data), geo)
    assert result.status == "optimal"
    assert len([a for a in result.alternatives if a.movement == "M2"]) == 1
