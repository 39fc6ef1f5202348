"""Weekend, holiday and night driving bans for heavy goods vehicles.

One row per rule of ``sources/truck_bans.csv``: the country, the lightest vehicle it bans (maximum
permitted mass, tonnes), the days it applies (``sat``, ``sun;holiday``, ``eve_of_holiday``...),
the local hours (``to`` may run into the next day), the season, where it applies (``all`` roads,
``motorway`` only, or ``corridors:ID;ID`` of this network; ``none`` for roads the network does not
have) and its validity, with a source. Public holidays come from the ``holidays`` package, never
from a hand-written list. A truck in a ban waits until it ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from geodata._errors import SourceDataError
from geodata.iso import ALPHA2_TO_ALPHA3

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPECIAL_DAYS = frozenset(
    {
        "daily",
        "holiday",
        "eve_of_holiday",
        "good_friday",
        "holy_thursday",
        "last_workday_before_holiday_series",
        "last_day_of_holiday_series",
    }
)
# A heavy goods vehicle as cdplan plans it: a loaded articulated truck (40 t).
TRUCK_TONNES = 40.0
# Chained bans (Saturday afternoon into Sunday) are followed this many times at most.
MAX_CHAIN = 8
_ALPHA2 = {v: k for k, v in ALPHA2_TO_ALPHA3.items() if k != "EL"}
# Bridge days swapped against working Saturdays are days off, not public holidays: bans follow
# public holidays (Hungary lists them as "Day off (substituted from ...)").
_NOT_HOLIDAYS = re.compile(r"^day off \(substituted", re.IGNORECASE)


@dataclass(frozen=True)
class Ban:
    """One ban rule; times are minutes after local midnight, ``end`` may pass 1440."""

    rule_id: str
    country: str
    min_tonnes: float
    days: frozenset[str]
    start: int
    end: int
    season: tuple[tuple[int, int], tuple[int, int]] | None  # (month, day) .. (month, day)
    applies_on: str  # all | motorway | corridors | none
    corridors: frozenset[str]
    valid_from: date | None
    valid_to: date | None
    source: str

    def on_road(self, road_class: str, corridor: str | None) -> bool:
        """Whether the rule applies on an edge of this class and corridor."""
        if self.applies_on == "all":
            return True
        if self.applies_on == "motorway" and road_class == "motorway":
            return True
        return corridor is not None and corridor in self.corridors


def _minutes(text: str, where: str) -> int:
    value = text.strip()
    extra = 1440 if value.endswith("+1") else 0
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?:\+1)?", value)
    if match is None:
        raise SourceDataError(f"{where}: time must be HH:MM or HH:MM+1")
    return int(match.group(1)) * 60 + int(match.group(2)) + extra


def _season(text: str, where: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    value = text.strip()
    if value in ("", "all"):
        return None
    match = re.fullmatch(r"(\d{2})-(\d{2})\.\.(\d{2})-(\d{2})", value)
    if match is None:
        raise SourceDataError(f"{where}: season must be all or MM-DD..MM-DD")
    a, b, c, d = (int(g) for g in match.groups())
    return (a, b), (c, d)


def ban_from_row(row: dict[str, str], where: str) -> Ban:
    """A :class:`Ban` from one row of ``truck_bans.csv``."""
    days = frozenset(d.strip() for d in row["days"].split(";") if d.strip())
    unknown = days - SPECIAL_DAYS - set(WEEKDAYS)
    if unknown or not days:
        raise SourceDataError(f"{where}: unknown days {sorted(unknown)}")
    start, end = _minutes(row["from"], where), _minutes(row["to"], where)
    if end <= start:
        end += 1440
    applies = row["applies_on"].strip()
    corridors: frozenset[str] = frozenset()
    if applies.startswith("corridors:"):
        corridors = frozenset(c.strip() for c in applies.split(":", 1)[1].split(";") if c.strip())
        applies = "corridors"
    elif applies.startswith("motorway+corridors:"):
        corridors = frozenset(c.strip() for c in applies.split(":", 1)[1].split(";") if c.strip())
        applies = "motorway"
    if applies not in ("all", "motorway", "corridors", "none"):
        raise SourceDataError(f"{where}: applies_on must be all, motorway, corridors:..., none")
    return Ban(
        rule_id=row["rule_id"],
        country=row["country"],
        min_tonnes=float(row["min_tonnes"]),
        days=days,
        start=start,
        end=end,
        season=_season(row.get("season", ""), where),
        applies_on=applies,
        corridors=corridors,
        valid_from=date.fromisoformat(row["valid_from"]) if row.get("valid_from") else None,
        valid_to=date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
        source=row.get("source", ""),
    )


@lru_cache(maxsize=256)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of a country (ISO3) in a year, from the ``holidays`` package."""
    code = _ALPHA2.get(country)
    if code is None:
        return frozenset()
    try:
        found = holidays.country_holidays(code, years=year)
    except NotImplementedError:
        return frozenset()
    return frozenset(d for d, name in found.items() if not _NOT_HOLIDAYS.match(str(name)))


def _holiday(country: str, day: date) -> bool:
    return day in public_holidays(country, day.year)


def _day_off(country: str, day: date) -> bool:
    return day.weekday() >= 5 or _holiday(country, day)


def _series(country: str, day: date) -> tuple[date, date] | None:
    """The run of days off (weekend and holidays, at least 3 days, with a holiday) holding day."""
    if not _day_off(country, day):
        return None
    first = last = day
    while _day_off(country, first - timedelta(days=1)):
        first -= timedelta(days=1)
    while _day_off(country, last + timedelta(days=1)):
        last += timedelta(days=1)
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if len(span) >= 3 and any(_holiday(country, d) for d in span):
        return first, last
    return None


def _orthodox_good_friday(country: str, day: date) -> bool:
    return day.weekday() == 4 and _holiday(country, day) and day.month in (3, 4, 5)


def _matches(ban: Ban, day: date) -> bool:
    if (ban.valid_from and day < ban.valid_from) or (ban.valid_to and day > ban.valid_to):
        return False
    if ban.season is not None:
        (m1, d1), (m2, d2) = ban.season
        key = (day.month, day.day)
        inside = (
            (m1, d1) <= key <= (m2, d2) if (m1, d1) <= (m2, d2) else not ((m2, d2) < key < (m1, d1))
        )
        if not inside:
            return False
    return any(_day_matches(d, ban.country, day) for d in ban.days)


def _day_matches(kind: str, c: str, day: date) -> bool:
    """Whether ``day`` is a day of this kind in country ``c``."""
    if kind in WEEKDAYS:
        return WEEKDAYS.index(kind) == day.weekday()
    nxt = day + timedelta(days=1)
    if kind == "daily":
        return True
    if kind == "holiday":
        return _holiday(c, day)
    if kind == "eve_of_holiday":
        return _holiday(c, nxt) and not _holiday(c, day)
    if kind == "good_friday":
        return _orthodox_good_friday(c, day)
    if kind == "holy_thursday":
        return _orthodox_good_friday(c, nxt)
    if kind == "last_workday_before_holiday_series":
        return not _day_off(c, day) and _series(c, nxt) is not None
    if kind == "last_day_of_holiday_series":
        series = _series(c, day)
        return series is not None and series[1] == day
    return False


def ban_until(
    bans: tuple[Ban, ...],
    when: datetime,
    zone: str,
    *,
    tonnes: float = TRUCK_TONNES,
    road_class: str = "motorway",
    corridor: str | None = None,
) -> tuple[datetime, tuple[str, ...]]:
    """When a vehicle of ``tonnes`` may drive on from ``when`` (aware), and the rules in its way.

    ``bans`` are one country's rules; chained bans are followed (Saturday afternoon into Sunday).
    Returns ``when`` itself and no rules when no ban is in force.
    """
    tz = ZoneInfo(zone)
    current = when
    hit: list[str] = []
    for _ in range(MAX_CHAIN):
        local = current.astimezone(tz)
        ends = []
        for ban in bans:
            if tonnes <= ban.min_tonnes or not ban.on_road(road_class, corridor):
                continue
            for back in (1, 0):
                day = local.date() - timedelta(days=back)
                if not _matches(ban, day):
                    continue
                midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
                starts = midnight + timedelta(minutes=ban.start)
                stops = midnight + timedelta(minutes=ban.end)
                if starts <= local < stops:
                    ends.append((stops, ban.rule_id))
        if not ends:
            break
        stop, rule = max(ends)
        hit.append(rule)
        current = stop.astimezone(when.tzinfo)
    return current, tuple(dict.fromkeys(hit))
