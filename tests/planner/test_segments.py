"""Cutting a route into atoms and segments, and the windows of each, on atoms made by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from geodata.sailings import Timetable
from planner.model.problem import Spot
from planner.resolve.atoms import Atom, _split, foreign_cuts, insert_stop, static_atom
from planner.resolve.clock.driver_rules import Crew
from planner.resolve.clock.schedule import ClockContext, Timed, schedule
from planner.resolve.segments import group, segments_from, split_shifts

T0 = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
LINE = "FERRY-test"
# A line that sails as soon as the truck is on board: no wait, no formalities.
SAILS_WHEN_LOADED = Timetable(
    line=LINE,
    direction="forward",
    weekdays=frozenset(),
    depart_minutes=None,
    checkin_minutes=0,
    customs_minutes=0,
    irregular=True,
)


def context(*, speed: float = 1.0, uncertainty: float = 0.0, rules: bool = False) -> ClockContext:
    """A clock with no opening hours, timetables or bans: only driving, queues and stops."""
    return ClockContext(
        t0=T0,
        crew=Crew(drivers=1, rules=rules),
        speed_factor=speed,
        uncertainty=uncertainty,
        zones={},
        hours={},
        timetables={(LINE, "forward"): SAILS_WHEN_LOADED},
        sailings={},
        bans={},
    )


def timed(atoms: list[Atom]) -> list[Timed]:
    """Hand-made atoms timed with no rules: the same atoms, in order."""
    out = schedule(atoms, context())
    assert [t.atom for t in out] == atoms
    return out


def timeline(
    groups: list[list[Atom]], *, speed_factor: float, uncertainty: float, prefix: str = "S"
) -> list:  # type: ignore[type-arg]
    """Schedule the atoms of hand-made groups and build one segment per group."""
    ctx = context(speed=speed_factor, uncertainty=uncertainty)
    flat = [a for g in groups for a in g]
    timed = schedule(flat, ctx)
    by_atom = iter(timed)
    grouped = [[next(by_atom) for _ in g] for g in groups]
    return segments_from(grouped, prefix=prefix)


def spot(name: str, country: str, lon: float, lat: float = 42.0) -> Spot:
    return Spot(id=name, name=name.title(), lat=lat, lon=lon, country=country)


def road(a: Spot, b: Spot, minutes: float, *, km: float = 50.0) -> Atom:
    """A road atom in ``a``'s country along the straight line from ``a`` to ``b``."""
    return Atom(
        mode="road",
        country=a.country,
        ports=(),
        start=a,
        end=b,
        km=km,
        minutes=minutes,
        coords=((a.lon, a.lat), (b.lon, b.lat)),
    )


def queue(at: Spot, minutes: float) -> Atom:
    """The queue at a crossing: a static atom of its own."""
    return static_atom(at, "border", at.country, dwell=minutes, kind="queue")


def ferry(a: Spot, b: Spot, lo: float, typical: float, hi: float) -> Atom:
    return Atom(
        mode="ferry",
        country=None,
        ports=(a.country, b.country),
        start=a,
        end=b,
        km=900.0,
        minutes=typical,
        ferry_min=lo,
        ferry_max=hi,
        coords=((a.lon, a.lat), (b.lon, b.lat)),
        line=LINE,
        direction="forward",
    )


def stop(at: Spot, minutes: float) -> Atom:
    return Atom(
        mode="stop",
        country=at.country,
        ports=(),
        start=at,
        end=at,
        km=0.0,
        minutes=0.0,
        stop=minutes,
        coords=((at.lon, at.lat),),
    )


BATUMI = spot("batumi", "GEO", 41.6)
SARPI = spot("sarpi", "GEO", 41.5)
POTI = spot("poti", "GEO", 41.7)
CHORNOMORSK = spot("chornomorsk", "UKR", 30.7, 46.3)
ODESA = spot("odesa", "UKR", 30.7, 46.5)
MYKOLAIV = spot("mykolaiv", "UKR", 32.0, 47.0)


def test_timeline_windows_by_hand() -> None:
    # speed_factor 1.5, uncertainty 0.1, no driver rules:
    # S01 road, 100 min of driving: 150 expected; earliest 135, latest 165; drive 0..100.
    # S02 the queue at the crossing, 20 min: expected 150..170, earliest 135..153 (18 min),
    #     latest 165..187 (22 min); static: not moving, no driving.
    # S03 ferry, 480 / 600 / 900 min, sailing at once: expected 170..770, earliest 153..633,
    #     latest 187..1087.
    # S04 road, 60 min: 90 expected (81 / 99): expected 770..860, earliest 633..714, latest
    #     1087..1186; drive 100..160.
    # S05 stop, 45 min both ways: expected 860..905, earliest 714..759, latest 1186..1231.
    groups = [
        [road(BATUMI, SARPI, 100, km=80)],
        [queue(SARPI, 20)],
        [ferry(SARPI, CHORNOMORSK, 480, 600, 900)],
        [road(CHORNOMORSK, ODESA, 60, km=30)],
        [stop(ODESA, 45)],
    ]
    segs = timeline(groups, speed_factor=1.5, uncertainty=0.1, prefix="R1-S")
    got = [
        (
            s.id,
            s.mode,
            s.countries,
            s.start,
            s.end,
            s.nominal_start,
            s.nominal_end,
            s.min_minutes,
            s.max_minutes,
            s.moving_max,
            s.drive_start,
            s.drive_end,
        )
        for s in segs
    ]
    assert got == [
        ("R1-S01", "road", ("GEO",), 0, 165, 0, 150, 135, 165, 165, 0.0, 100.0),
        ("R1-S02", "border", ("GEO",), 135, 187, 150, 170, 18, 22, 0, 100.0, 100.0),
        ("R1-S03", "ferry", ("GEO", "UKR"), 153, 1087, 170, 770, 480, 900, 0, 100.0, 100.0),
        ("R1-S04", "road", ("UKR",), 633, 1186, 770, 860, 81, 99, 99, 100.0, 160.0),
        ("R1-S05", "stop", ("UKR",), 714, 1231, 860, 905, 45, 45, 0, 160.0, 160.0),
    ]
    # Only road and rail are followed; the queue, the ferry and the stop are not.
    assert [s.follow_max for s in segs] == [165, 0, 0, 99, 0]
    assert [(s.start_spot.id, s.end_spot.id, s.km) for s in segs] == [
        ("batumi", "sarpi", 80.0),
        ("sarpi", "sarpi", 0.0),
        ("sarpi", "chornomorsk", 900.0),
        ("chornomorsk", "odesa", 30.0),
        ("odesa", "odesa", 0.0),
    ]


def test_timeline_sums_the_atoms_of_a_group() -> None:
    # Two atoms of 40 and 50 min in one segment at speed 1.0 and no uncertainty: 0..90.
    a = road(SARPI, BATUMI, 40)
    b = road(BATUMI, POTI, 50)
    (seg,) = timeline([[a, b]], speed_factor=1.0, uncertainty=0.0)
    assert (seg.id, seg.start, seg.end, seg.nominal_end, seg.km, seg.drive_end) == (
        "S01",
        0,
        90,
        90,
        100.0,
        90.0,
    )
    assert (seg.start_spot.id, seg.end_spot.id) == ("sarpi", "poti")


def test_group_cuts_at_country_ferry_stop_and_forced_spot() -> None:
    forced_at = spot("@46.4,30.7", "UKR", 30.7, 46.4)
    items = [
        road(SARPI, BATUMI, 10),  # 0: GEO
        road(BATUMI, POTI, 10),  # 1: GEO, joins 0
        ferry(POTI, CHORNOMORSK, 10, 20, 30),  # 2: a ferry is a segment of its own
        road(CHORNOMORSK, forced_at, 10),  # 3: UKR
        road(forced_at, ODESA, 10),  # 4: starts at a forced spot: cut
        stop(ODESA, 30),  # 5: a stop is a segment of its own
        road(ODESA, MYKOLAIV, 10),  # 6
    ]
    times = timed(items)
    groups = group(times, frozenset({forced_at.id}))
    assert [[items.index(t.atom) for t in g] for g in groups] == [[0, 1], [2], [3], [4], [5], [6]]
    # Without the forced spot, 3 and 4 are one segment.
    groups = group(times)
    assert [[items.index(t.atom) for t in g] for g in groups] == [[0, 1], [2], [3, 4], [5], [6]]


def test_group_cuts_at_a_change_of_country_without_a_ferry() -> None:
    a = road(SARPI, BATUMI, 10)
    b = replace(road(BATUMI, POTI, 10), country="TUR")
    ta, tb = timed([a, b])
    assert group([ta, tb]) == [[ta], [tb]]


def test_group_closes_a_segment_once_it_holds_the_relief_interval() -> None:
    # 40 + 20 = 60 min: the relief interval is reached, the next atom starts anew.
    ta, tb, tc = timed([road(SARPI, BATUMI, 40), road(BATUMI, POTI, 20), road(POTI, BATUMI, 10)])
    assert group([ta, tb, tc]) == [[ta, tb], [tc]]
    # One minute less and all three fit.
    ta, tb, tc = timed([road(SARPI, BATUMI, 40), road(BATUMI, POTI, 19), road(POTI, BATUMI, 10)])
    assert group([ta, tb, tc]) == [[ta, tb, tc]]


def test_a_queue_is_a_segment_of_its_own() -> None:
    items = [road(SARPI, BATUMI, 20), queue(BATUMI, 30), road(BATUMI, POTI, 20)]
    groups = group(timed(items))
    assert [[items.index(t.atom) for t in g] for g in groups] == [[0], [1], [2]]


def test_a_long_static_watch_is_split_into_shifts_at_the_same_place() -> None:
    # A 600-minute stop is longer than 1.25 shifts of 240 min: ceil(600 / 240) = 3 shifts of
    # 200 min each, every window cut in thirds, at the same place.
    (t,) = timed([stop(ODESA, 600)])
    parts = split_shifts([t])
    assert [(p.nominal, p.atom.part) for p in parts] == [
        ((0.0, 200.0), (1, 3)),
        ((200.0, 400.0), (2, 3)),
        ((400.0, 600.0), (3, 3)),
    ]
    assert {(p.atom.start.id, p.atom.end.id) for p in parts} == {("odesa", "odesa")}
    # 300 minutes (within 1.25 shifts) stay one watch.
    (short,) = timed([stop(ODESA, 300)])
    assert split_shifts([short]) == [short]


def test_insert_stop_at_a_spot_of_the_route() -> None:
    items = [road(SARPI, BATUMI, 10), road(BATUMI, POTI, 10)]
    assert insert_stop(items, "batumi", 45.0)
    assert [a.mode for a in items] == ["road", "stop", "road"]
    inserted = items[1]
    assert (inserted.start, inserted.end, inserted.stop, inserted.minutes, inserted.km) == (
        BATUMI,
        BATUMI,
        45.0,
        0.0,
        0.0,
    )
    assert inserted.country == "GEO"
    # At the origin, the stop comes first.
    assert insert_stop(items, "sarpi", 10.0)
    assert [(a.mode, a.start.id) for a in items][:2] == [("stop", "sarpi"), ("road", "sarpi")]


def test_insert_stop_refuses_a_spot_off_the_route() -> None:
    items = [road(SARPI, BATUMI, 10), road(BATUMI, POTI, 10)]
    before = list(items)
    assert not insert_stop(items, "odesa", 30.0)
    assert items == before


def _border_route() -> list[Atom]:
    # 100 km in BGR from 22.0 to 23.0 E, the border at 23.0 E, then 100 km in ROU to 24.0 E.
    west = spot("west", "BGR", 22.0)
    border = spot("border", "BGR", 23.0)
    east = spot("east", "ROU", 24.0)
    return [
        road(west, border, 100, km=100),
        road(replace(border, country="ROU"), east, 100, km=100),
    ]


def test_foreign_cuts_exactly_max_km_past_the_border() -> None:
    # ROU lets BGR teams follow 30 km in: the ROU atom is cut 30 km (0.3 of its line) past the
    # border, at 23.3 E, into 30 km / 30 min and 70 km / 70 min.
    items, forced = foreign_cuts(_border_route(), {("ROU", "BGR"): 30.0})
    assert forced == {"@42.00000,23.30000"}
    assert [(a.country, round(a.km, 6), round(a.minutes, 6)) for a in items] == [
        ("BGR", 100, 100),
        ("ROU", 30, 30),
        ("ROU", 70, 70),
    ]
    cut = items[1].end
    assert (cut.lon, cut.lat, cut.country, cut.name) == (23.3, 42.0, "ROU", "30 km past Border")
    assert items[2].start == cut
    # The cut is a place where a segment must end, though 30 + 70 min would fit in one.
    assert [len(g) for g in group(timed(items), frozenset(forced))] == [1, 1, 1]


def test_foreign_cuts_before_the_border_for_the_other_way() -> None:
    # BGR lets ROU teams follow 30 km in: the BGR atom is cut 30 km before the border (22.7 E).
    items, forced = foreign_cuts(_border_route(), {("BGR", "ROU"): 30.0})
    assert forced == {"@42.00000,22.70000"}
    assert [(a.country, a.km) for a in items] == [("BGR", 70), ("BGR", 30), ("ROU", 100)]


def test_foreign_cuts_at_an_existing_end_within_half_a_km() -> None:
    # 100 km allowed and the ROU atom is 100 km long: its end is the limit, nothing is split.
    route = _border_route()
    items, forced = foreign_cuts(route, {("ROU", "BGR"): 100.2})
    assert items == route
    assert forced == {"east"}


def test_foreign_cuts_nothing_without_a_limit() -> None:
    route = _border_route()
    assert foreign_cuts(route, {("ROU", "GRC"): 30.0}) == (route, set())


def test_split_gives_equal_pieces_that_join() -> None:
    # A 150-minute, 120 km atom along 20.0 -> 21.0 -> 22.0 E cut in two: 75 min / 60 km each,
    # meeting at 21.0 E.
    a = spot("a", "GEO", 20.0)
    z = spot("z", "GEO", 22.0)
    atom = replace(road(a, z, 150, km=120), coords=((20.0, 42.0), (21.0, 42.0), (22.0, 42.0)))
    first, second = _split(atom, 2)
    assert (first.km, first.minutes, second.km, second.minutes) == (60, 75, 60, 75)
    assert first.start == a and second.end == z
    assert first.end == second.start
    assert (first.end.id, first.end.name) == ("@42.00000,21.00000", "60 km past A")
    assert first.coords[-1] == second.coords[0] == (21.0, 42.0)
    assert first.km + second.km == pytest.approx(atom.km)
