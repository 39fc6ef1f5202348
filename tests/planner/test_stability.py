"""Re-planning's memory: previous watchers matched by geography, and the changes in words."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from planner.model.problem import Problem, RouteOption, SegmentMode, Spot
from planner.plan import (
    Assignment,
    OperationInfo,
    PlacePoint,
    Plan,
    PlanRoute,
    PlanSegment,
    PlanStatus,
)
from planner.replan.stability import along, differences, previous_watchers, route_line
from tests.planner.builders import T0, problem, route, team

LAT = 45.0  # the previous route runs due east along this parallel, from 30.0 to 32.0 E


def point(lon: float, lat: float = LAT, pid: str | None = None) -> PlacePoint:
    return PlacePoint(id=pid or f"@{lat},{lon}", name=f"{lon} E", lat=lat, lon=lon, country="UKR")


def pseg(
    sid: str, a: float, b: float, hours: tuple[float, float], mode: SegmentMode = "road"
) -> PlanSegment:
    start, end = T0 + timedelta(hours=hours[0]), T0 + timedelta(hours=hours[1])
    return PlanSegment(
        id=sid,
        country="UKR",
        countries=["UKR"],
        mode=mode,
        **{"from": point(a)},
        to=point(b),
        km=80.0,
        start=start,
        end=end,
        start_local="",
        end_local="",
        nominal_start=start,
        nominal_end=end,
        minutes_min=60,
        minutes_max=60,
        follow_minutes_max=60,
    )


def watch(team_id: str, segment: PlanSegment) -> Assignment:
    return Assignment(
        team=team_id,
        agency="UA",
        segment=segment.id,
        start=segment.start,
        end=segment.end,
        expected_start=segment.nominal_start,
        expected_end=segment.nominal_end,
    )


def previous_plan(
    segments: list[PlanSegment],
    watchers: dict[str, list[str]],
    *,
    crossings: tuple[PlacePoint, ...] = (),
    countries: tuple[str, ...] = ("UKR",),
    status: PlanStatus = PlanStatus.optimal,
) -> Plan:
    by_id = {s.id: s for s in segments}
    return Plan(
        operation=OperationInfo(
            id="OP",
            name="Op",
            handling_code="H2",
            consignment="heroin",
            delivery="live",
            departure=T0,
            planned_at=T0,
        ),
        status=status,
        route=PlanRoute(
            countries=list(countries),
            crossings=list(crossings),
            geometry={"type": "LineString", "coordinates": [[30.0, LAT], [32.0, LAT]]},
        ),
        segments=segments,
        assignments=[watch(t, by_id[s]) for s, teams in watchers.items() for t in teams],
    )


def new_route(ends: list[tuple[tuple[float, float], tuple[float, float]]]) -> RouteOption:
    """A route whose segment k runs between the (lon, lat) pairs ``ends[k]``."""
    r = route([("UKR", "road", 60)] * len(ends))
    segs = tuple(
        dataclasses.replace(
            s,
            start_spot=Spot(id=f"a{k}", name="a", lat=a[1], lon=a[0], country="UKR"),
            end_spot=Spot(id=f"b{k}", name="b", lat=b[1], lon=b[0], country="UKR"),
        )
        for k, (s, (a, b)) in enumerate(zip(r.segments, ends, strict=True))
    )
    return dataclasses.replace(r, segments=segs)


def new_problem(r: RouteOption, teams: tuple[str, ...] = ("A", "B", "C")) -> Problem:
    return problem([r], [team(t, "UKR", routes=[r]) for t in teams])


# The previous version: S1 from 30.0 to 31.0 E watched by A, S2 from 31.0 to 32.0 E by B, both
# still ahead of the new departure T0 (they end 1 and 2 hours after it).
S1 = pseg("S1", 30.0, 31.0, (0, 1))
S2 = pseg("S2", 31.0, 32.0, (1, 2))
PREVIOUS = previous_plan([S1, S2], {"S1": ["A"], "S2": ["B"]})


def test_along_gives_position_in_degrees_and_distance_in_km() -> None:
    line = route_line(PREVIOUS)
    assert line is not None
    pos, off = along(line, point(30.5))
    assert (pos, off) == (0.5, 0.0)
    pos, off = along(line, point(31.25, LAT + 0.1))  # 0.1 degree of latitude north: ~11.1 km
    assert pos == 1.25
    assert 11.0 < off < 11.2


def test_new_segments_are_matched_by_the_middle_of_their_ends() -> None:
    # N1 30.2 -> 30.8 E lies on S1, N2 31.2 -> 31.9 E on S2; N3 30.6 -> 31.2 E has its middle
    # (30.9) on S1 though it ends on S2; N4 starts 3 km off the line (within 5 km): still S2.
    r = new_route(
        [
            ((30.2, LAT), (30.8, LAT)),
            ((31.2, LAT), (31.9, LAT)),
            ((30.6, LAT), (31.2, LAT)),
            ((31.4, LAT + 0.027), (31.6, LAT)),
        ]
    )
    got = previous_watchers(new_problem(r), PREVIOUS)
    assert got == {
        (0, 0): frozenset({"A"}),
        (0, 1): frozenset({"B"}),
        (0, 2): frozenset({"A"}),
        (0, 3): frozenset({"B"}),
    }


def test_on_the_boundary_between_two_stretches_both_teams_count() -> None:
    r = new_route([((30.5, LAT), (31.5, LAT))])  # middle 31.0 E: the end of S1, start of S2
    assert previous_watchers(new_problem(r), PREVIOUS) == {(0, 0): frozenset({"A", "B"})}


def test_a_detour_off_the_previous_line_has_no_previous_watchers() -> None:
    # Both ends half a degree (about 55 km) north of the line: a new way round.
    r = new_route([((30.5, LAT), (30.5, LAT + 0.5)), ((30.5, LAT + 0.5), (31.5, LAT + 0.5))])
    assert previous_watchers(new_problem(r), PREVIOUS) == {
        (0, 0): frozenset(),
        (0, 1): frozenset(),
    }


def test_a_lost_team_is_not_kept() -> None:
    r = new_route([((30.2, LAT), (30.8, LAT)), ((31.2, LAT), (31.9, LAT))])
    # B was lost: it is not in the new problem, so its stretch is free for all.
    got = previous_watchers(new_problem(r, teams=("A", "C")), PREVIOUS)
    assert got == {(0, 0): frozenset({"A"}), (0, 1): frozenset()}


def test_a_stretch_already_travelled_is_history() -> None:
    # S1 ended an hour before the new departure: a new segment on it keeps nobody.
    travelled = pseg("S1", 30.0, 31.0, (-2, -1))
    previous = previous_plan([travelled, S2], {"S1": ["A"], "S2": ["B"]})
    r = new_route([((30.2, LAT), (30.8, LAT)), ((31.2, LAT), (31.9, LAT))])
    got = previous_watchers(new_problem(r), previous)
    assert got == {(0, 0): frozenset(), (0, 1): frozenset({"B"})}


def test_a_stop_matches_the_previous_stop_first() -> None:
    # C watched a stop at 31.0 E between S1 (A) and S2 (B); a new stop there is C's alone.
    stop = pseg("ST", 31.0, 31.0, (1, 2), mode="stop")
    previous = previous_plan([S1, stop, S2], {"S1": ["A"], "ST": ["C"], "S2": ["B"]})
    r = new_route([((31.0, LAT), (31.0, LAT))])
    r = dataclasses.replace(r, segments=(dataclasses.replace(r.segments[0], mode="stop"),))
    assert previous_watchers(new_problem(r), previous) == {(0, 0): frozenset({"C"})}


def test_no_previous_assignments_means_nothing_to_keep() -> None:
    r = new_route([((30.2, LAT), (30.8, LAT))])
    assert previous_watchers(new_problem(r), previous_plan([S1, S2], {})) == {}


def _result(
    watchers: dict[str, list[str]],
    crossings: tuple[PlacePoint, ...],
    countries: tuple[str, ...] = ("UKR",),
    status: PlanStatus = PlanStatus.optimal,
) -> Plan:
    return previous_plan(
        [S1, S2], watchers, crossings=crossings, countries=countries, status=status
    )


X1 = point(30.5, pid="X1")  # a crossing behind the consignment (at 31.0 E by the event)
X2 = point(31.5, pid="X2")  # a crossing still ahead
X3 = point(31.6, pid="X3")


def test_differences_name_teams_dropped_and_called_in() -> None:
    previous = previous_plan([S1, S2], {"S1": ["A"], "S2": ["B"]}, crossings=(X1, X2))
    result = _result({"S1": ["B"], "S2": ["C"]}, crossings=(X2,))
    start: datetime = T0 + timedelta(minutes=30)  # both A and B were still to work after it
    assert differences(previous, result, start=start, position=1.0) == [
        "team A no longer used",
        "team C called in",
    ]
    # A lost team is news already: it is not listed again.
    assert differences(previous, result, start=start, position=1.0, lost="A") == [
        "team C called in"
    ]
    # A team whose work was all before the start is not "no longer used".
    later = T0 + timedelta(hours=1, minutes=30)
    assert differences(previous, result, start=later, position=1.0) == ["team C called in"]


def test_differences_name_a_new_crossing_and_a_new_country() -> None:
    previous = previous_plan([S1, S2], {"S1": ["A"], "S2": ["B"]}, crossings=(X1, X2))
    result = _result({"S1": ["A"], "S2": ["B"]}, crossings=(X3,), countries=("UKR", "MDA"))
    assert differences(previous, result, start=T0, position=1.0) == [
        "route now via X3 (was X2)",
        "new country on the route: MDA; request its authorisation",
    ]


def test_differences_without_a_plan() -> None:
    result = _result({}, crossings=(), status=PlanStatus.infeasible)
    assert differences(PREVIOUS, result, start=T0, position=0.0) == [
        "no plan for the rest of the operation (infeasible): see the reasons"
    ]
