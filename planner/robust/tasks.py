"""Samples as tasks: plain data in, plain outcomes out, the geodata loaded once per worker.

A :class:`Study` carries the scenario and the plan as JSON-ready data, never a loaded geodata
object: any worker of any cluster can take it. A worker loads the geodata once per process
(:func:`geodata.load` keeps it) and keeps the skeletons of the last plans it replayed, so a task
costs its replays (and, with ``replan``, its solves), not a start-up.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from geodata import load
from geodata.places import Coordinates
from planner.fields import Place
from planner.io import ScenarioError, parse_scenario
from planner.plan import Plan
from planner.replan.events import replan
from planner.replan.kinds import Delay
from planner.robust.judge import DEPARTURE, Failure, judge
from planner.robust.replay import Timeline, sample
from planner.robust.several import skeleton_of
from planner.robust.skeleton import Skeleton
from planner.robust.world import World
from planner.scenario import Scenario

# A delay is reported to the controllers in whole five minutes: the re-plan of two samples late
# by 62 and 64 minutes at the same place is the same re-plan, solved once per worker.
REPORTED_DELAY_STEP = 5


@dataclass(frozen=True)
class Study:
    """One robustness study of one plan, as plain data for any worker."""

    scenario: dict[str, Any]
    plan: dict[str, Any]
    seed: int = 0
    world: World = field(default_factory=World)
    replan: bool = False

    @cached_property
    def key(self) -> str:
        """A name for the scenario and plan, for the workers' caches."""
        text = json.dumps([self.scenario, self.plan], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Blame:
    """One broken rule of one sample, as the report names it."""

    segment: str  # the stretch to blame (or the failing one for a late departure)
    rule: str
    team: str
    cause: str  # segment id or "departure"
    note: str = ""  # why the timeline itself stopped
    movement: str = ""  # the movement of the stretch to blame, or whose departure (several)
    post: str = ""  # the movement the team watches where the rule breaks (several)
    early: bool = False  # the stretch ran short, not long: the consignment came early


@dataclass(frozen=True)
class Outcome:
    """One sample judged: whether the plan holds, per handover, what broke, and the re-plan."""

    index: int
    holds: bool
    handovers: tuple[bool, ...]
    blames: tuple[Blame, ...]
    replanned: bool | None = None  # None: not failed, or not asked


@dataclass(frozen=True)
class _Loaded:
    scenario: Scenario
    plan: Plan
    skeleton: Skeleton


@lru_cache(maxsize=4)
def _loaded(key: str, scenario: str, plan: str) -> _Loaded:
    """The study's scenario, plan and skeleton, built once per worker (``key`` names them)."""
    del key
    sc = parse_scenario(json.loads(scenario))
    pl = Plan.model_validate_json(plan)
    return _Loaded(sc, pl, skeleton_of(sc, pl, load()))


def loaded(study: Study) -> _Loaded:
    """The study's scenario, plan and skeleton, from this worker's cache."""
    return _loaded(study.key, json.dumps(study.scenario), json.dumps(study.plan))


def _movement(sk: Skeleton, track: int) -> str:
    return sk.tracks[track].movement if sk.tracks else ""


def _blames(sk: Skeleton, tl: Timeline, failures: Sequence[Failure]) -> tuple[Blame, ...]:
    out = []
    for f in failures:
        team = sk.blocks[f.block].team if f.block >= 0 else ""
        cause = "departure" if f.cause == DEPARTURE else sk.segments[f.cause].id
        where = sk.segments[f.segment if f.cause == DEPARTURE else f.cause].id
        stops = [b.why for b in tl.broken if b.segment == f.segment]
        note = stops[0] if f.rule == "timeline" and stops else ""
        out.append(
            Blame(
                segment=where,
                rule=f.rule,
                team=team,
                cause=cause,
                note=note,
                movement=_movement(sk, f.track),
                post=_movement(sk, sk.movement_of(f.segment)),
                early=f.early and f.cause != DEPARTURE,
            )
        )
    return tuple(dict.fromkeys(out))


def _lateness(sk: Skeleton, tl: Timeline, k: int) -> float:
    """How late the consignment reaches segment ``k`` against the plan, minutes."""
    entry = tl.entry[k] if not math.isnan(tl.entry[k]) else (tl.exit[k - 1] if k else tl.late)
    return 0.0 if math.isnan(entry) else entry - sk.segments[k].nominal_start


def _place(plan: Plan, k: int) -> Place:
    p = plan.segments[k].from_
    if p.id.startswith("@"):
        return Coordinates(lat=p.lat, lon=p.lon, name=p.name[:120])
    return p.id


@lru_cache(maxsize=256)
def _replanned(key: str, scenario: str, plan: str, k: int, minutes: int) -> bool:
    """Whether re-planning from segment ``k``, ``minutes`` late, gives a plan (once per worker)."""
    done = _loaded(key, scenario, plan)
    seg = done.plan.segments[k]
    event = Delay(kind="delay", at=seg.nominal_start, minutes=minutes, place=_place(done.plan, k))
    try:
        _, new = replan(done.scenario, done.plan, event, load(), now=done.plan.operation.planned_at)
    except ScenarioError:
        return False
    return new.status.has_plan


def _replan(study: Study, sk: Skeleton, tl: Timeline, k: int) -> bool:
    late = max(1.0, _lateness(sk, tl, k))
    minutes = REPORTED_DELAY_STEP * math.ceil(late / REPORTED_DELAY_STEP)
    scenario, plan = json.dumps(study.scenario), json.dumps(study.plan)
    return _replanned(study.key, scenario, plan, k, minutes)


def run_samples(study: Study, indices: Sequence[int]) -> list[Outcome]:
    """Replay and judge samples ``indices`` of a study (a task; see the module doc).

    With ``study.replan``, every failed sample is re-planned from its first broken point, as a
    delay event there would be: late by what the sample is late at that point. An operation of
    several movements is not re-planned (its events are not supported yet).
    """
    sk = loaded(study).skeleton
    out = []
    for i in indices:
        tl = sample(sk, study.world, study.seed, i)
        verdict = judge(sk, tl)
        replanned = None
        if study.replan and not verdict.holds and not sk.tracks:
            point = min(f.segment for f in verdict.failures)
            replanned = _replan(study, sk, tl, point)
        out.append(
            Outcome(
                index=i,
                holds=verdict.holds,
                handovers=verdict.handovers,
                blames=_blames(sk, tl, verdict.failures),
                replanned=replanned,
            )
        )
    return out


def warm() -> None:
    """Load the geodata in this process, so the first task does not pay for it."""
    load()
