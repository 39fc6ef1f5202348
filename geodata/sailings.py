"""Ferry timetables: when each line sails, check-in before departure and formalities after arrival.

One row per line and direction (``forward`` from the line's first port, ``reverse`` back), with
the sailing days (``daily``, ``mon;thu``, ``weekly:fri``), the local departure time at the port of
departure, the check-in time for a truck and the port formalities after arrival. Lines without a
fixed timetable (the Caspian ferries sail when loaded) are ``irregular`` with a typical wait; a
line with no sailing known is ``none``. A planner's known sailings override the timetable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from geodata._errors import SourceDataError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Look this far ahead for a sailing; a line that does not sail within it has no usable sailing.
SEARCH_DAYS = 45


@dataclass(frozen=True)
class Timetable:
    """How one ferry line sails in one direction."""

    line: str
    direction: str  # forward | reverse
    weekdays: frozenset[int]  # Monday = 0; empty with ``irregular`` or ``no_sailing``
    depart_minutes: int | None  # local time at the port of departure, minutes after midnight
    checkin_minutes: int
    customs_minutes: int
    irregular: bool = False
    no_sailing: bool = False
    typical_wait_minutes: int = 0
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""

    def describe(self) -> str:
        """The sailing pattern in words, for messages and the briefing."""
        if self.no_sailing:
            return "no sailing known"
        if self.irregular:
            return (
                f"no timetable: sails when loaded (typically {self.typical_wait_minutes // 60} h)"
            )
        days = (
            "daily"
            if len(self.weekdays) == 7
            else ", ".join(DAYS[d] for d in sorted(self.weekdays))
        )
        assert self.depart_minutes is not None
        return f"{days} at {self.depart_minutes // 60:02d}:{self.depart_minutes % 60:02d}"


def _weekdays(text: str, where: str) -> tuple[frozenset[int], bool, bool]:
    value = text.strip().lower()
    if value == "daily":
        return frozenset(range(7)), False, False
    if value == "irregular":
        return frozenset(), True, False
    if value == "none":
        return frozenset(), False, True
    value = value.removeprefix("weekly:")
    days = [d.strip() for d in re.split(r"[;,]", value) if d.strip()]
    if not days or any(d not in DAYS for d in days):
        raise SourceDataError(f"{where}: days must be daily, irregular, none or mon;thu...")
    return frozenset(DAYS.index(d) for d in days), False, False


def _hours(text: str) -> int:
    return round(float(text or 0) * 60)


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


def timetable_from_row(row: dict[str, str], where: str) -> Timetable:
    """A :class:`Timetable` from one row of ``ferry_timetables.csv``."""
    weekdays, irregular, none = _weekdays(row["days"], where)
    depart = row.get("depart_local", "").strip()
    if weekdays and not depart:
        raise SourceDataError(f"{where}: a timetabled line needs depart_local")
    minutes = None
    if depart:
        hh, mm = depart.split(":")
        minutes = int(hh) * 60 + int(mm)
    return Timetable(
        line=row["line"],
        direction=row["direction"],
        weekdays=weekdays,
        depart_minutes=minutes,
        checkin_minutes=_hours(row.get("checkin_hours", "")),
        customs_minutes=_hours(row.get("customs_after_hours", "")),
        irregular=irregular,
        no_sailing=none,
        typical_wait_minutes=_hours(row.get("typical_wait_hours", "")),
        valid_from=_date(row.get("valid_from", "")),
        valid_to=_date(row.get("valid_to", "")),
        source=row.get("source", ""),
    )


def next_departure(table: Timetable, ready: datetime, zone: str) -> datetime | None:
    """The first timetabled departure whose check-in the consignment, ready at ``ready``, makes.

    Returns None for an irregular line (it sails when loaded: see ``typical_wait_minutes``), for a
    line with no sailing, and when no sailing falls within :data:`SEARCH_DAYS`.
    """
    if table.irregular or table.no_sailing or table.depart_minutes is None:
        return None
    tz = ZoneInfo(zone)
    earliest = ready + timedelta(minutes=table.checkin_minutes)
    local_day = earliest.astimezone(tz).date()
    for offset in range(SEARCH_DAYS):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in table.weekdays:
            continue
        if (table.valid_from and day < table.valid_from) or (
            table.valid_to and day > table.valid_to
        ):
            continue
        departs = datetime.combine(day, time(0), tzinfo=tz) + timedelta(
            minutes=table.depart_minutes
        )
        if departs >= earliest:
            return departs.astimezone(ready.tzinfo)
    return None
