"""Driving and rest times of lorry drivers: Regulation (EC) No 561/2006 and the AETR agreement.

Regulation 561/2006 applies in the EU. The AETR agreement (European Agreement concerning the Work
of Crews of Vehicles Engaged in International Road Transport) applies instead to an international
journey to, from or through a contracting party that is not in the EU (Türkiye, Ukraine, Moldova,
Serbia, North Macedonia, Albania, Armenia, Azerbaijan, Russia, Kazakhstan...), for the whole
journey. Since the AETR amendment in force on 20 September 2010 its driving and rest values are
the same as the Regulation's, so one set of numbers serves both; only the 2020 Mobility Package
additions (return home, weekly rest not in the cab) are EU-only, and they do not change a single
journey's timeline.

Each number below cites its article of Regulation 561/2006 (consolidated text of 20 August 2020,
CELEX 02006R0561-20200820); the AETR article is in brackets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Art. 7 (AETR art. 7): after 4 h 30 of driving, a break of at least 45 min, unless a rest
# begins. It may be split into 15 min then 30 min, in that order.
MAX_DRIVING_BEFORE_BREAK = 270
BREAK = 45
BREAK_FIRST_PART = 15
BREAK_SECOND_PART = 30

# Art. 6(1) (AETR art. 6): at most 9 h of driving between two daily rests, 10 h at most twice a
# week.
MAX_DAILY_DRIVING = 9 * 60
MAX_DAILY_DRIVING_EXTENDED = 10 * 60
EXTENDED_DAYS_PER_WEEK = 2

# Art. 6(2): at most 56 h of driving in a week.
MAX_WEEKLY_DRIVING = 56 * 60

# Art. 4(g), 8(2) (AETR art. 8): a regular daily rest is 11 h (or 3 h + 9 h); a reduced daily rest
# at least 9 h, at most three times between two weekly rests (art. 8(4)). It must be completed
# within 24 h of the end of the previous rest: so the working day before an 11 h rest lasts at
# most 13 h, before a 9 h rest at most 15 h.
DAILY_REST = 11 * 60
REDUCED_DAILY_REST = 9 * 60
REDUCED_RESTS_PER_WEEK = 3
REST_WINDOW = 24 * 60

# Art. 8(5) (AETR art. 8(5)): with two drivers (multi-manning), each must have had a daily rest of
# at least 9 h within 30 h of the end of the previous one; breaks are taken in the moving vehicle
# while the other drives (art. 7, since 2020). The vehicle keeps moving up to 21 h in 30.
MULTI_MANNING_REST = 9 * 60
MULTI_MANNING_WINDOW = 30 * 60

# Art. 8(6): a weekly rest of 45 h (reduced: at least 24 h) no later than six 24 h periods after
# the previous one.
WEEKLY_REST = 45 * 60
REDUCED_WEEKLY_REST = 24 * 60
MAX_WORK_BEFORE_WEEKLY_REST = 6 * 24 * 60


class Pause(StrEnum):
    """Kinds of pause the law asks for."""

    break_ = "break"
    rest = "rest"
    weekly_rest = "weekly_rest"


@dataclass(frozen=True)
class Crew:
    """Who drives: one driver, or two (double manning), under the rules or none at all."""

    drivers: int = 1
    rules: bool = True

    @property
    def daily_driving(self) -> int:
        """Most driving minutes of the vehicle between two daily rests (extensions apart)."""
        return MAX_DAILY_DRIVING * self.drivers

    @property
    def daily_driving_extended(self) -> int:
        """Most driving minutes between two daily rests on an extended day."""
        return MAX_DAILY_DRIVING_EXTENDED * self.drivers

    @property
    def work_window(self) -> int:
        """Most minutes from the end of one daily rest to the start of the next (regular rest)."""
        if self.drivers > 1:
            return MULTI_MANNING_WINDOW - MULTI_MANNING_REST
        return REST_WINDOW - DAILY_REST

    @property
    def daily_rest(self) -> int:
        """The daily rest the expected timeline takes."""
        return MULTI_MANNING_REST if self.drivers > 1 else DAILY_REST

    @property
    def shortest_daily_rest(self) -> int:
        """The shortest lawful daily rest (reduced), for the earliest timeline."""
        return MULTI_MANNING_REST if self.drivers > 1 else REDUCED_DAILY_REST

    @property
    def breaks(self) -> bool:
        """Whether the vehicle stops for breaks: with two drivers they are taken on the move."""
        return self.drivers == 1


@dataclass
class DriverClock:
    """Driving and working time since the last break, daily rest and weekly rest, in minutes.

    Waiting (a closed crossing, a ban, a sailing) and border queues count as work time, not as
    driving; a pause long enough resets the counters it qualifies for.
    """

    crew: Crew
    since_break: float = 0.0
    day_driving: float = 0.0
    day_elapsed: float = 0.0
    week_driving: float = 0.0
    week_elapsed: float = 0.0
    extended_days: int = 0
    reduced_rests: int = 0
    idle_run: float = 0.0  # minutes without driving just before now (a stop, a wait, a queue)

    def drive(self, minutes: float) -> None:
        """Count ``minutes`` of driving."""
        self.idle_run = 0.0
        self.since_break += minutes
        self.day_driving += minutes
        self.day_elapsed += minutes
        self.week_driving += minutes
        self.week_elapsed += minutes

    def idle(self, minutes: float) -> None:
        """Count ``minutes`` without driving (a queue, a wait, a stop, a crossing at sea).

        A pause of at least a break counts as a break; of at least a daily rest, as a daily rest.
        """
        if minutes >= self.crew.shortest_daily_rest:
            self.rest(minutes)
            return
        self.idle_run += minutes
        if minutes >= BREAK or self.idle_run >= BREAK:
            self.since_break = 0.0
        self.day_elapsed += minutes
        self.week_elapsed += minutes

    def rest_length(self, full: float) -> float:
        """How long a rest must still last when it follows ``idle_run`` minutes of standing still.

        A driver rests while the truck stands (a known stop, a wait): the rest completes it.
        """
        return max(0.0, full - self.idle_run)

    def rest(self, minutes: float) -> None:
        """A daily (or weekly) rest of ``minutes``: the day's counters start again."""
        if minutes < DAILY_REST and self.crew.drivers == 1:
            self.reduced_rests += 1
        if self.day_driving > self.crew.daily_driving:
            self.extended_days += 1
        self.since_break = self.day_driving = self.day_elapsed = self.idle_run = 0.0
        if minutes >= REDUCED_WEEKLY_REST:
            self.week_driving = self.week_elapsed = 0.0
            self.extended_days = self.reduced_rests = 0
        else:
            self.week_elapsed += minutes

    def needs(self, minutes: float, *, extend: bool = False) -> Pause | None:
        """The pause needed before driving ``minutes`` more, or None if it may drive on.

        ``extend``: the rest of the journey fits in one extended day: driving may reach 10 h (if
        the week still allows it), and the working day may reach the 15 h that a reduced rest
        after arrival allows (if reduced rests are left).
        """
        if not self.crew.rules:
            return None
        if (
            self.week_driving + minutes > MAX_WEEKLY_DRIVING * self.crew.drivers
            or self.week_elapsed + minutes > MAX_WORK_BEFORE_WEEKLY_REST
        ):
            return Pause.weekly_rest
        limit = (
            self.crew.daily_driving_extended
            if extend and self.extended_days < EXTENDED_DAYS_PER_WEEK
            else self.crew.daily_driving
        )
        window = self.crew.work_window
        if extend and self.crew.drivers == 1 and self.reduced_rests < REDUCED_RESTS_PER_WEEK:
            window = REST_WINDOW - REDUCED_DAILY_REST
        if self.day_driving + minutes > limit or self.day_elapsed + minutes > window:
            return Pause.rest
        if self.crew.breaks and self.since_break + minutes > MAX_DRIVING_BEFORE_BREAK:
            return Pause.break_
        return None
