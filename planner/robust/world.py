"""The world a plan has to survive: every distribution a sample is drawn from, with its reason.

A plan is timed on the expected timeline, with windows of ``1 ± movement.uncertainty``. The real
trip is noisier than that, and not symmetrically: queues at the busy freight gates have long
tails, ferries are late or cancelled, departures slip. Each number below is the one place that
says how much, and why. They are estimates from the kind of knowledge the geodata's own notes
cite (typical dwell times, "outbound queues often exceed 6 h" at Kapıkule), not measurements:
``World`` takes other values for a study of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

# A late departure: loading, paperwork and the couriers' own timing. About one departure in
# three leaves late, by 45 minutes on average (exponential: most slips are short); a slip longer
# than 6 h is a new departure time, reported as an event, not noise.
LATE_SHARE = 0.35
LATE_MEAN_MINUTES = 45.0
LATE_MAX_MINUTES = 6 * 60.0

# Driving speed, as a factor on the expected driving time (lognormal, median 1). The network's
# speeds already include ordinary slowdowns; what is left is the driver's own pace over the whole
# trip (one draw per sample, 5 %) and each hour-long stretch's traffic, weather and roadworks
# (one draw per segment, 10 %). Over a day of driving the stretches average out and the trip's
# pace remains, as on a real trip.
SPEED_TRIP_SIGMA = 0.05
SPEED_STRETCH_SIGMA = 0.10

# Border dwell: the queue and formalities at a crossing, lognormal with the crossing's typical
# dwell as its median. At a main freight crossing the tail is heavy: with sigma 0.45 nearly one
# queue in five is more than 1.5 times the typical one (over 6 h at Kapıkule, whose notes say
# outbound queues often exceed 6 h) and one in twenty more than 2.1 times. Where freight is
# limited or none, queues are short and steady: sigma 0.2.
DWELL_SIGMA_MAIN = 0.45
DWELL_SIGMA_OTHER = 0.20

# Port formalities after a ferry (customs of the landing port), lognormal around the timetable's
# hours: a port is one queue of trucks leaving one ship, steadier than a land border.
CUSTOMS_SIGMA = 0.25

# Ferries. A sailing is cancelled one time in thirty (Black Sea winter storms and port
# restrictions; the consignment takes the next sailing the timetable has). One sailing in four
# leaves late, by a median of 2 h (lognormal, sigma 0.8: a few are half a day late). The crossing
# itself takes between the line's shortest and longest time, most often its typical one
# (triangular).
FERRY_CANCEL_SHARE = 1 / 30
FERRY_DELAY_SHARE = 0.25
FERRY_DELAY_MEDIAN_MINUTES = 120.0
FERRY_DELAY_SIGMA = 0.8

# A line without a timetable sails when it is loaded: the wait for it is lognormal around the
# typical wait of the timetable data, wide (sigma 0.6).
IRREGULAR_WAIT_SIGMA = 0.6


@dataclass(frozen=True)
class World:
    """The parameters of one study. The defaults are the module's constants, with their reasons.

    ``ferry_spread`` scales how far a crossing may stray from the line's typical time towards its
    shortest and longest (1: the whole range, 0: always the typical time).
    """

    late_share: float = LATE_SHARE
    late_mean_minutes: float = LATE_MEAN_MINUTES
    late_max_minutes: float = LATE_MAX_MINUTES
    speed_trip_sigma: float = SPEED_TRIP_SIGMA
    speed_stretch_sigma: float = SPEED_STRETCH_SIGMA
    dwell_sigma_main: float = DWELL_SIGMA_MAIN
    dwell_sigma_other: float = DWELL_SIGMA_OTHER
    customs_sigma: float = CUSTOMS_SIGMA
    ferry_cancel_share: float = FERRY_CANCEL_SHARE
    ferry_delay_share: float = FERRY_DELAY_SHARE
    ferry_delay_median_minutes: float = FERRY_DELAY_MEDIAN_MINUTES
    ferry_delay_sigma: float = FERRY_DELAY_SIGMA
    ferry_spread: float = 1.0
    irregular_wait_sigma: float = IRREGULAR_WAIT_SIGMA

    @classmethod
    def still(cls) -> World:
        """A world without noise: every sample is the plan's expected timeline."""
        return cls(
            late_share=0.0,
            speed_trip_sigma=0.0,
            speed_stretch_sigma=0.0,
            dwell_sigma_main=0.0,
            dwell_sigma_other=0.0,
            customs_sigma=0.0,
            ferry_cancel_share=0.0,
            ferry_delay_share=0.0,
            ferry_spread=0.0,
            irregular_wait_sigma=0.0,
        )
