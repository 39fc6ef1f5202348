"""One robustness study of one plan: samples split into tasks, run on a pool, added up.

The samples are split into about ``TASKS_PER_WORKER`` tasks per worker, so that a slow task (one
with re-plans) does not leave the other workers idle at the end, while each task still holds
enough samples to outweigh its round trip. Each sample's world depends only on (seed, index),
so the split never changes the figures.
"""

from __future__ import annotations

import json
import math
import time

from planner.plan import Plan
from planner.robust.cluster import Pool
from planner.robust.report import Robustness, summarise
from planner.robust.tasks import Outcome, Study, run_samples
from planner.robust.world import World
from planner.scenario import Scenario

TASKS_PER_WORKER = 4
# Without re-plans a sample is a fraction of a millisecond: a task of fewer is all round trip.
MIN_SAMPLES_PER_TASK = 25

REPLAN_SEVERAL = (
    "--replan: not applicable to an operation of several movements (re-planning after an event "
    "is not supported there yet); replanned_ok is not given"
)


def chunks(samples: int, workers: int, *, replan: bool) -> list[list[int]]:
    """Sample indices split into tasks (see the module doc); re-plans make smaller tasks."""
    smallest = 1 if replan else MIN_SAMPLES_PER_TASK
    size = max(smallest, math.ceil(samples / max(1, workers * TASKS_PER_WORKER)))
    return [list(range(a, min(samples, a + size))) for a in range(0, samples, size)]


def as_study(scenario: Scenario, plan: Plan, *, seed: int, world: World, replan: bool) -> Study:
    """A study as plain data for the workers: the scenario and the plan as JSON values."""
    return Study(
        scenario=scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
        plan=json.loads(plan.to_json()),
        seed=seed,
        world=world,
        replan=replan,
    )


def assess(
    scenario: Scenario,
    plan: Plan,
    pool: Pool,
    *,
    samples: int,
    seed: int = 0,
    world: World | None = None,
    replan: bool = False,
) -> Robustness:
    """How likely ``plan`` is to hold: ``samples`` sampled worlds, replayed on ``pool``.

    A plan without a plan to follow (infeasible, timed out) holds in no sample and needs none.
    An operation of several movements is studied whole, but not re-planned: ``replan`` leaves a
    note instead (events on several movements are not supported yet).

    Raises:
        PlanMismatchError: the plan is not its scenario's (another engine or geodata).
    """
    start = time.perf_counter()
    outcomes: list[Outcome] = []
    notes = [REPLAN_SEVERAL] if replan and scenario.movements else []
    replan = replan and not scenario.movements
    if plan.status.has_plan and samples > 0:
        study = as_study(scenario, plan, seed=seed, world=world or World(), replan=replan)
        parts = chunks(samples, pool.workers, replan=replan)
        outcomes = [o for part in pool.map(run_samples, study, parts) for o in part]
    return summarise(
        scenario,
        plan,
        outcomes,
        seed=seed,
        seconds=time.perf_counter() - start,
        workers=pool.workers,
        scheduler=pool.scheduler,
    ).model_copy(update={"samples": samples, "notes": notes})
