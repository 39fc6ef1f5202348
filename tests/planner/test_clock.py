"""The convoy's clock on hand-made routes: where pauses fall, waits, and the three timelines."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from geodata.bans import ban_from_row
from geodata.hours import parse_hours
from geodata.sailings import Timetable
from planner.model.problem import Spot
from planner.resolve.atoms import Atom, static_atom
from planner.resolve.clock.context import ClockContext
from planner.resolve.clock.driver_rules import Crew
from planner.resolve.clock.schedule import Timed, schedule

# Thursday 3 December 2026, 06:00 UTC (08:00 in Sofia and Bucharest).
T0 = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
ZONES = {"BGR": "Europe/Sofia", "ROU": "Europe/Bucharest", "HUN": "Europe/Budapest"}


def spot(name: str, country: str = "BGR", kind: str = "town", crossing: str | None = None) -> Spot:
    return Spot(
        id=name, name=name.title(), lat=42.0, lon=23.0, country=country, kind=kind,
        crossing=crossing,
    )  # fmt: skip


def drive(a: Spot, b: Spot, minutes: float, country: str = "BGR") -> Atom:
    return Atom(mode="road", country=country, ports=(), start=a, end=b, km=minutes, minutes=minutes)


def chain(names: list[str], minutes: float, **kinds: str) -> list[Atom]:
    """Road atoms of ``minutes`` each between towns named in order (some with another kind)."""
    spots = [spot(n, kind=kinds.get(n, "town")) for n in names]
    return [drive(a, b, minutes) for a, b in itertools.pairwise(spots)]


def context(**changes: object) -> ClockContext:
    values: dict[str, object] = {
        "t0": T0,
        "crew": Crew(drivers=1),
        "speed_factor": 1.0,
        "uncertainty": 0.0,
        "zones": ZONES,
        "hours": {},
        "timetables": {},
        "sailings": {},
        "bans": {},
    }
    values.update(changes)
    return ClockContext(**values)  # type: ignore[arg-type]


def pauses(timed: list[Timed]) -> list[tuple[str, str, float, float]]:
    """(mode, place, expected start, expected end) of every static atom, in minutes."""
    return [
        (t.atom.kind or t.atom.mode, t.atom.start.id, t.nominal[0], t.nominal[1])
        for t in timed
        if t.atom.static
    ]


def test_a_break_falls_where_four_and_a_half_hours_would_be_passed() -> None:
    # Hourly towns: after 4 h at E the next hour would make 5 h: the break is at E, 240..285.
    timed = schedule(chain(list("ABCDEFG"), 60), context())
    assert pauses(timed) == [("break", "E", 240, 285)]
    assert timed[-1].nominal[1] == 6 * 60 + 45


def test_a_break_prefers_a_truck_park_within_the_last_ninety_minutes() -> None:
    timed = schedule(chain(list("ABCDEFG"), 60, D="truck_park"), context())
    assert pauses(timed) == [("break", "D", 180, 225)]


def test_nine_hours_of_driving_then_an_eleven_hour_rest() -> None:
    # 12 hourly legs: breaks after 4 h (E) and 8 h (I, 4 h after the first), and the rest after
    # 9 h of driving, at J: 9 h + 2 breaks = 630 min, then 660 min of rest.
    timed = schedule(chain(list("ABCDEFGHIJKLM"), 60), context())
    assert pauses(timed) == [
        ("break", "E", 240, 285),
        ("break", "I", 525, 570),
        ("rest", "J", 630, 1290),
    ]


def test_the_earliest_timeline_takes_the_reduced_rest() -> None:
    timed = schedule(chain(list("ABCDEFGHIJKLM"), 60), context())
    rest = next(t for t in timed if t.atom.mode == "rest")
    assert (rest.early[1] - rest.early[0], rest.nominal[1] - rest.nominal[0]) == (540, 660)
    assert (rest.min_minutes, rest.max_minutes) == (540, 660)


def test_a_trip_that_ends_within_an_extended_day_drives_on() -> None:
    # 10 hourly legs: 10 h of driving ends the trip: no rest, breaks at E and I.
    timed = schedule(chain(list("ABCDEFGHIJK"), 60), context())
    assert [p[0] for p in pauses(timed)] == ["break", "break"]


def test_double_manning_takes_no_break_stops() -> None:
    timed = schedule(chain(list("ABCDEFGHIJKLM"), 60), context(crew=Crew(drivers=2)))
    assert pauses(timed) == []


def test_a_long_known_stop_is_the_rest_and_a_shorter_one_is_completed() -> None:
    legs = chain(list("ABCDEFGHIJ"), 60)
    stop = static_atom(legs[4].end, "stop", "BGR", stop=8 * 60)  # 8 h at F, after 5 h
    timed = schedule([*legs[:5], stop, *legs[5:]], context())
    # A break at E (4 h), the stop at F from 345 to 825: 5 h 45 of work + 8 h = 13 h 45, over the
    # 13 h working day: the driver rests at F, the 8 h counting towards the 11 h (3 h more).
    assert pauses(timed) == [
        ("break", "E", 240, 285),
        ("stop", "F", 345, 825),
        ("rest", "F", 825, 1005),
    ]


def test_a_closed_crossing_is_waited_for() -> None:
    # A crossing open 10:00-18:00 Sofia time (08:00-16:00 UTC), reached at 07:00 UTC after an
    # hour: the truck waits 60 min, then queues 30 min.
    here, gate = spot("here"), spot("gate", kind="crossing", crossing="X")
    atoms = [drive(here, gate, 60), static_atom(gate, "border", "BGR", dwell=30, kind="queue")]
    timed = schedule(atoms, context(hours={"X": parse_hours("10:00-18:00")}))
    assert pauses(timed) == [("crossing_hours", "gate", 60, 120), ("queue", "gate", 120, 150)]
    assert timed[1].note == "opens 10:00-18:00 local time"


def test_a_ferry_waits_for_its_sailing_and_the_late_timeline_may_miss_it() -> None:
    # Thursday sailings at 20:00 Sofia time (18:00 UTC), check-in 6 h before; 4 h of port
    # formalities after a 10/12/20 h crossing. Ready at 06:00 UTC: the sailing is 720 min away.
    port, other = spot("port", kind="port"), spot("other", "ROU", kind="port")
    ferry = Atom(
        mode="ferry", country=None, ports=("BGR", "ROU"), start=port, end=other, km=500,
        minutes=720, ferry_min=600, ferry_max=1200, line="L", direction="forward",
    )  # fmt: skip
    table = Timetable(
        line="L", direction="forward", weekdays=frozenset({3}), depart_minutes=20 * 60,
        checkin_minutes=360, customs_minutes=240,
    )  # fmt: skip
    timed = schedule([ferry], context(timetables={("L", "forward"): table}))
    assert [(t.atom.kind or t.atom.mode, t.nominal) for t in timed] == [
        ("sailing", (0, 720)),
        ("ferry", (720, 1440)),
        ("port_customs", (1440, 1680)),
    ]
    assert timed[0].note == "sailing 2026-12-03 18:00 UTC"
    # The earliest timeline waits for the booked sailing and crosses in 10 h.
    assert timed[1].early == (720, 1320)


def test_a_known_sailing_replaces_the_timetable() -> None:
    port, other = spot("port", kind="port"), spot("other", "ROU", kind="port")
    ferry = Atom(
        mode="ferry", country=None, ports=("BGR", "ROU"), start=port, end=other, km=500,
        minutes=720, ferry_min=600, ferry_max=1200, line="L", direction="forward",
    )  # fmt: skip
    known = {"L": (datetime(2026, 12, 4, 9, 0, tzinfo=UTC),)}
    timed = schedule([ferry], context(sailings=known))
    assert timed[0].nominal == (0, 27 * 60)


def test_a_truck_waits_out_a_ban_and_a_van_does_not() -> None:
    # Hungary bans trucks over 7.5 t from Saturday 22:00 to Sunday 22:00 (Budapest time). A
    # truck entering Hungary on Saturday 5 December at 23:00 local (22:00 UTC) waits 23 h.
    ban = ban_from_row(
        {
            "country": "HUN", "rule_id": "HUN-weekend", "min_tonnes": "7.5", "days": "sat",
            "from": "22:00", "to": "22:00+1", "season": "all", "applies_on": "all",
        },
        "test",
    )  # fmt: skip
    start = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
    a, b = spot("nadlac", "HUN"), spot("szeged", "HUN")
    legs = [drive(a, b, 60, "HUN")]
    truck = schedule(legs, context(t0=start, bans={"HUN": (ban,)}, crew=Crew(rules=False)))
    assert [(t.atom.kind or t.atom.mode, t.nominal) for t in truck] == [
        ("truck_ban", (0, 23 * 60)),
        ("road", (23 * 60, 24 * 60)),
    ]
    van = schedule(
        legs, context(t0=start, bans={"HUN": (ban,)}, truck=False, crew=Crew(rules=False))
    )
    assert [t.atom.mode for t in van] == ["road"]


def test_a_late_truck_meets_a_ban_the_expected_one_does_not() -> None:
    # Expected at the Hungarian border at 20:30 UTC on Saturday (21:30 local, before the ban):
    # on the latest timeline (+20 %) it arrives 22:30 local and waits until Sunday 22:00: a
    # wait empty on the expected timeline is added there.
    ban = ban_from_row(
        {
            "country": "HUN", "rule_id": "HUN-weekend", "min_tonnes": "7.5", "days": "sat",
            "from": "22:00", "to": "22:00+1", "season": "all", "applies_on": "all",
        },
        "test",
    )  # fmt: skip
    start = datetime(2026, 12, 5, 15, 30, tzinfo=UTC)
    ro, border, hu = spot("arad", "ROU"), spot("nadlac", "HUN"), spot("szeged", "HUN")
    legs = [drive(ro, border, 300, "ROU"), drive(border, hu, 60, "HUN")]
    timed = schedule(
        legs, context(t0=start, bans={"HUN": (ban,)}, uncertainty=0.2, crew=Crew(rules=False))
    )
    wait = next(t for t in timed if t.atom.mode == "wait")
    assert wait.nominal == (300, 300)
    assert wait.late == (360, 360 + 23.5 * 60)
    assert wait.min_minutes == 0 and wait.max_minutes == 23.5 * 60
