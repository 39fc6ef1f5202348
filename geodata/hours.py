"""Opening hours of border crossings, in the crossing's local time.

A crossing's ``hours`` are ``24h`` or one or more daily windows ``HH:MM-HH:MM`` separated by
``;`` (a window may run past midnight: ``22:00-06:00``). A scenario may override them. A crossing
is passed only while it is open: the border queue starts at an open time and ends before it
closes, or the consignment waits for the next opening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from geodata._errors import GeodataError

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
# Look this far ahead for an opening; a crossing closed longer is treated as closed.
SEARCH_DAYS = 14


@dataclass(frozen=True)
class OpeningHours:
    """Daily windows, minutes after local midnight; ``close`` past 1440 runs into the next day."""

    windows: tuple[tuple[int, int], ...]  # empty: open all day

    @property
    def always(self) -> bool:
        """Open around the clock."""
        return not self.windows

    def text(self) -> str:
        """The hours as written in the data (``24h`` or ``HH:MM-HH:MM``)."""
        if self.always:
            return "24h"
        return "; ".join(f"{_hhmm(a)}-{_hhmm(b % 1440)}" for a, b in self.windows)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hours(text: str, *, field: str = "hours") -> OpeningHours:
    """Read ``24h``, ``HH:MM-HH:MM`` or several windows separated by ``;``.

    Raises:
        GeodataError: the text is neither.
    """
    value = text.strip().lower()
    if value in ("", "24h", "24/7", "00:00-24:00"):
        return OpeningHours(windows=())
    windows = []
    for part in value.split(";"):
        match = _WINDOW.match(part)
        if match is None:
            raise GeodataError(
                f"{field}: not opening hours", field=field, hint='write "06:00-22:00" or "24h"'
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
            raise GeodataError(f"{field}: hours out of range", field=field, hint="HH:MM, 00-24")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            end += 1440  # runs past midnight
        if end - start >= 1440:
            return OpeningHours(windows=())
        windows.append((start, end))
    return OpeningHours(windows=tuple(sorted(windows)))


def next_passage(
    hours: OpeningHours, ready: datetime, queue_minutes: float, zone: str
) -> datetime | None:
    """The earliest time at or after ``ready`` (aware) at which the border queue can start.

    The queue must start and end inside one opening window. Returns None when no window within
    :data:`SEARCH_DAYS` can hold the queue (a crossing open for a shorter time than its queue).
    """
    if hours.always:
        return ready
    tz = ZoneInfo(zone)
    local = ready.astimezone(tz)
    day0 = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in range(-1, SEARCH_DAYS):
        day = (day0 + timedelta(days=offset)).replace(tzinfo=None)
        for start, end in hours.windows:
            opens = (day + timedelta(minutes=start)).replace(tzinfo=tz)
            closes = (day + timedelta(minutes=end)).replace(tzinfo=tz)
            begin = max(opens, local)
            if begin + timedelta(minutes=queue_minutes) <= closes:
                return begin.astimezone(ready.tzinfo)
    return None


def is_open(hours: OpeningHours, when: datetime, zone: str) -> bool:
    """Whether the crossing is open at ``when`` (aware)."""
    if hours.always:
        return True
    local = when.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b or a <= minute + 1440 < b for a, b in hours.windows)
