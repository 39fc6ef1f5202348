"""The driver-hours law rule by rule (Regulation 561/2006 and AETR), on the driver clock alone."""

from __future__ import annotations

from planner.resolve.clock.driver_rules import (
    BREAK,
    DAILY_REST,
    MAX_DRIVING_BEFORE_BREAK,
    REDUCED_DAILY_REST,
    Crew,
    DriverClock,
    Pause,
)

ONE = Crew(drivers=1)
TWO = Crew(drivers=2)


def test_a_break_after_four_and_a_half_hours_of_driving() -> None:
    clock = DriverClock(ONE)
    clock.drive(240)
    assert clock.needs(30) is None  # exactly 4 h 30
    assert clock.needs(31) == Pause.break_
    clock.idle(BREAK)  # 45 min standing is a break
    assert clock.since_break == 0 and clock.needs(60) is None


def test_a_break_may_come_from_standing_in_two_parts() -> None:
    # 15 + 30 min of standing (a queue, then a wait) add up to a break.
    clock = DriverClock(ONE)
    clock.drive(200)
    clock.idle(15)
    assert clock.since_break == 200
    clock.idle(30)
    assert clock.since_break == 0


def test_nine_hours_of_driving_then_a_daily_rest_ten_on_an_extended_day() -> None:
    clock = DriverClock(ONE)
    for _ in range(2):
        clock.drive(MAX_DRIVING_BEFORE_BREAK)
        clock.idle(BREAK)
    assert clock.day_driving == 540
    assert clock.needs(1) == Pause.rest
    assert clock.needs(60, extend=True) is None  # 10 h: allowed twice a week
    assert clock.needs(61, extend=True) == Pause.rest


def test_the_extension_is_used_at_most_twice_a_week() -> None:
    clock = DriverClock(ONE)
    for _ in range(2):
        clock.drive(570)  # a 9 h 30 day
        clock.rest(DAILY_REST)
    assert clock.extended_days == 2
    clock.drive(540)
    assert clock.needs(30, extend=True) == Pause.rest


def test_the_working_day_ends_thirteen_hours_after_the_rest() -> None:
    # 11 h of rest must be completed within 24 h: 13 h of work, queues and waits included.
    clock = DriverClock(ONE)
    clock.drive(240)
    clock.idle(8 * 60)  # a long wait, less than a daily rest
    assert clock.day_elapsed == 720
    assert clock.needs(60) is None
    assert clock.needs(61) == Pause.rest
    # At the end of the journey a reduced rest (9 h) leaves 15 h.
    assert clock.needs(180, extend=True) is None
    assert clock.needs(181, extend=True) == Pause.rest


def test_reduced_rests_are_counted_three_a_week() -> None:
    clock = DriverClock(ONE)
    for _ in range(3):
        clock.drive(300)
        clock.rest(REDUCED_DAILY_REST)
    assert clock.reduced_rests == 3
    clock.drive(500)
    clock.idle(300)  # 13 h 20 since the rest: over 13 h, and no reduced rest left for 15 h
    assert clock.needs(30, extend=True) == Pause.rest


def test_a_long_standstill_counts_as_a_daily_rest() -> None:
    clock = DriverClock(ONE)
    clock.drive(500)
    clock.idle(REDUCED_DAILY_REST)  # a 9 h stop
    assert (clock.day_driving, clock.day_elapsed, clock.reduced_rests) == (0, 0, 1)


def test_a_rest_completes_the_standing_time_before_it() -> None:
    clock = DriverClock(ONE)
    clock.drive(300)
    clock.idle(8 * 60)
    assert clock.rest_length(DAILY_REST) == 3 * 60


def test_double_manning_drives_on_without_breaks_and_rests_nine_hours_in_thirty() -> None:
    clock = DriverClock(TWO)
    clock.drive(17 * 60)
    assert clock.needs(60) is None  # no break stop: taken while the other drives
    clock.drive(60)
    assert clock.needs(1) == Pause.rest  # 18 h of driving: 9 h each
    assert TWO.daily_rest == 9 * 60 and TWO.work_window == 21 * 60


def test_no_rules_no_pauses() -> None:
    clock = DriverClock(Crew(drivers=1, rules=False))
    clock.drive(30 * 60)
    assert clock.needs(600) is None


def test_a_weekly_rest_after_six_days() -> None:
    clock = DriverClock(ONE)
    for _ in range(6):
        clock.drive(540)
        clock.idle(3 * 60)
        clock.rest(DAILY_REST)
    # 6 days of 9 + 3 + 11 h = 138 h; 56 h of driving are reached first: 54 h so far.
    assert clock.needs(2 * 60) is None
    assert clock.needs(2 * 60 + 1) == Pause.weekly_rest
    clock.rest(45 * 60)
    assert clock.week_driving == 0 and clock.reduced_rests == 0
