"""One sample's world: every draw it needs, from a generator seeded by (seed, sample index).

The generator of sample ``i`` is ``numpy.random.default_rng([seed, i])`` (with several
movements, movement ``m`` > 0 of the operation draws from ``default_rng([seed, i, m])``): it
depends on nothing else, so the same seed gives the same figures however the samples are split
into tasks and whichever worker runs them. Every sample draws the same variates in the same
order, whatever the route holds, so that two plans of the same scenario (another ETA margin)
face the same worlds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.robust.skeleton import Skeleton
from planner.robust.world import World

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Draw:
    """What one sample's world holds, per segment and per step of the skeleton.

    ``speed`` scales each segment's driving time; ``dwell`` each border step's expected dwell;
    ``ferry`` is a uniform that places a crossing between the line's shortest, typical and
    longest time (:func:`triangular`, narrowed by ``ferry_spread``); ``cancelled`` and ``delay``
    are a ferry step's booked sailing and its lateness, minutes; ``wait`` scales an irregular
    line's typical wait.
    """

    late: float  # minutes the departure slips
    speed: Floats
    dwell: Floats
    ferry: Floats
    cancelled: Bools
    delay: Floats
    wait: Floats
    ferry_spread: float = 1.0


def triangular(u: float, low: float, mode: float, high: float, spread: float = 1.0) -> float:
    """The quantile ``u`` of the triangular distribution on [low, high] with its peak at ``mode``.

    ``spread`` shrinks the result towards ``mode`` (0: always ``mode``).
    """
    if high <= low:
        return mode
    peak = (mode - low) / (high - low)
    if u < peak:
        x = low + math.sqrt(u * (high - low) * (mode - low))
    else:
        x = high - math.sqrt((1.0 - u) * (high - low) * (high - mode))
    return mode + (x - mode) * spread


def draw(skeleton: Skeleton, world: World, seed: int, index: int, stream: int = 0) -> Draw:
    """The world of sample ``index`` of a study seeded by ``seed``.

    ``stream`` > 0 draws another movement's world of the same sample, from
    ``default_rng([seed, index, stream])``: the first movement's world is the one it would meet
    studied alone, and no movement's world depends on the length of another's route.
    """
    rng = np.random.default_rng([seed, index, stream] if stream else [seed, index])
    n_seg, n_step = len(skeleton.segments), len(skeleton.steps)
    late_u, late_e, trip_z = rng.random(), rng.exponential(), rng.standard_normal()
    stretch_z = rng.standard_normal(n_seg)
    normals = rng.standard_normal((n_step, 3))
    uniforms = rng.random((n_step, 3))
    late = 0.0
    if late_u < world.late_share:
        late = min(world.late_max_minutes, world.late_mean_minutes * late_e)
    speed = np.exp(world.speed_trip_sigma * trip_z + world.speed_stretch_sigma * stretch_z)
    sigma = np.array(
        [
            (world.dwell_sigma_main if s.heavy else world.dwell_sigma_other)
            if s.atom.kind != "port_customs"
            else world.customs_sigma
            for s in skeleton.steps
        ]
    )
    dwell = np.exp(sigma * normals[:, 0])
    delayed = uniforms[:, 1] < world.ferry_delay_share
    delay = np.where(
        delayed,
        world.ferry_delay_median_minutes * np.exp(world.ferry_delay_sigma * normals[:, 1]),
        0.0,
    )
    return Draw(
        late=float(late),
        speed=speed,
        dwell=dwell,
        ferry=uniforms[:, 0],
        cancelled=uniforms[:, 2] < world.ferry_cancel_share,
        delay=delay,
        wait=np.exp(world.irregular_wait_sigma * normals[:, 2]),
        ferry_spread=world.ferry_spread,
    )
