"""Opening hours, ferry timetables and truck bans: the clock's data and its rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from geodata._errors import GeodataError
from geodata.bans import ban_from_row, ban_until, public_holidays
from geodata.clockdata import timetables, truck_bans
from geodata.hours import is_open, next_passage, parse_hours
from geodata.sailings import next_departure

SOFIA = "Europe/Sofia"


def test_hours_parse_and_run_past_midnight() -> None:
    assert parse_hours("24h").always
    assert parse_hours("06:00-22:00").windows == ((360, 1320),)
    assert parse_hours("22:00-06:00").windows == ((1320, 1800),)
    with pytest.raises(GeodataError):
        parse_hours("from six")


def test_the_queue_starts_at_opening_and_must_end_before_closing() -> None:
    hours = parse_hours("06:00-22:00")
    # 02:00 Sofia (00:00 UTC): wait for 06:00 Sofia = 04:00 UTC.
    ready = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
    assert next_passage(hours, ready, 60, SOFIA) == datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    # 21:30 Sofia with a 60 min queue cannot end by 22:00: the next morning.
    late = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)
    assert next_passage(hours, late, 60, SOFIA) == datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
    assert next_passage(hours, late, 20, SOFIA) == late
    assert not is_open(hours, ready, SOFIA) and is_open(hours, late, SOFIA)


def test_a_weekly_sailing_after_check_in() -> None:
    table = timetables()[("FERRY-chornomorsk-batumi", "forward")]
    # Tuesdays 20:00 Kyiv time, check-in 6 h. Ready Tuesday 8 Dec 2026 at 10:00 UTC (12:00
    # local): check-in by 14:00 local is made, the ship sails at 18:00 UTC.
    zone = "Europe/Kyiv"
    ready = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert next_departure(table, ready, zone) == datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    # Ready at 13:00 UTC (15:00 local): check-in missed, the next Tuesday.
    later = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert next_departure(table, later, zone) == datetime(2026, 12, 15, 18, 0, tzinfo=UTC)


def test_lines_without_a_timetable() -> None:
    tables = timetables()
    assert tables[("FERRY-alat-kuryk", "forward")].irregular
    assert tables[("FERRY-kavkaz-varna", "forward")].no_sailing
    # Every line of the geodata has a row in both directions.
    assert {line for line, _ in tables} >= {"FERRY-chornomorsk-batumi", "FERRY-durres-bari"}
    assert all((line, d) in tables for line, _ in tables for d in ("forward", "reverse"))


def test_public_holidays_come_from_the_holidays_package() -> None:
    # Bulgaria's code in the package is BG (its own alias for BGR is not BGR): the table maps it.
    assert date(2026, 3, 3) in public_holidays("BGR", 2026)  # Liberation Day
    assert date(2026, 12, 8) in public_holidays("AUT", 2026)  # Immaculate Conception
    # Bridge days swapped against working Saturdays are not holidays.
    assert date(2026, 1, 2) not in public_holidays("HUN", 2026)


def test_the_hungarian_weekend_ban_and_a_chained_austrian_one() -> None:
    bans = truck_bans()
    sat_night = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)  # 23:30 in Budapest
    end, rules = ban_until(bans["HUN"], sat_night, "Europe/Budapest")
    assert end == datetime(2026, 12, 6, 21, 0, tzinfo=UTC) and rules == ("HUN-weekend",)
    # Austria, Saturday 16:00 local: the Saturday ban runs into the Sunday one, then the night
    # ban from 22:00 to 05:00: the truck drives on at Monday 05:00 local.
    sat = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    end, rules = ban_until(bans["AUT"], sat, "Europe/Vienna")
    assert end == datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    assert rules == ("AUT-saturday", "AUT-sunday-holiday", "AUT-night")
    # A van is not a heavy goods vehicle.
    assert ban_until(bans["HUN"], sat_night, "Europe/Budapest", tonnes=3.5) == (sat_night, ())


def test_a_holiday_ban_only_on_its_roads() -> None:
    bans = truck_bans()
    # Bulgaria, the last working day before the Christmas series (Wed 23 Dec 2026, 17:00 local):
    # banned on motorways and on the listed Kalotina road, not on another main road.
    when = datetime(2026, 12, 23, 15, 0, tzinfo=UTC)
    assert ban_until(bans["BGR"], when, SOFIA, road_class="motorway")[1] == ("BGR-before-holidays",)
    assert ban_until(
        bans["BGR"], when, SOFIA, road_class="trunk", corridor="BGR-i8-sofia-kalotina"
    )[1] == ("BGR-before-holidays",)
    assert ban_until(bans["BGR"], when, SOFIA, road_class="trunk", corridor="BGR-i3-x")[1] == ()


def test_bad_ban_rows_are_refused() -> None:
    row = {
        "country": "HUN", "rule_id": "x", "min_tonnes": "7.5", "days": "payday",
        "from": "22:00", "to": "23:00", "season": "all", "applies_on": "all",
    }  # fmt: skip
    with pytest.raises(GeodataError):
        ban_from_row(row, "test")
