"""The smallest ETA margin whose plan holds often enough.

``movement.uncertainty`` widens every window by that share of the elapsed travel time (with
several movements, every movement's margin is the one tried), and the engine then budgets each
team's duty and following for the longest case: a wider margin gives plans with more relief and
more slack, at the cost of more team-hours. The search plans the
scenario at margins 0, 0.05, 0.10, ... up to 1, studies each plan on the same sampled worlds
(the same seed), stops at the first that holds in at least the target share of samples, and then
halves the last step twice between the last margin that failed and the first that met it, as if
the share grew with the margin (it nearly does: a plan may change its whole shape from one
margin to the next).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geodata.layers import Geodata
from planner.engine import plan as make_plan
from planner.plan import Plan
from planner.robust.cluster import Pool
from planner.robust.report import Robustness, TargetSearch, TargetTry
from planner.robust.study import assess
from planner.robust.world import World
from planner.scenario import Scenario

GRID_STEP = 0.05
MAX_UNCERTAINTY = 1.0  # the scenario's own upper bound
REFINEMENTS = 2  # halvings of the grid step between the last failure and the first success


@dataclass(frozen=True)
class Found:
    """The margin chosen, its scenario, plan and study, and the search."""

    scenario: Scenario
    plan: Plan
    report: Robustness


def with_margin(scenario: Scenario, uncertainty: float) -> Scenario:
    """The scenario with another ``movement.uncertainty``: every movement's, with several."""
    margin = {"uncertainty": round(uncertainty, 4)}
    movements = [
        m.model_copy(update={"movement": m.movement.model_copy(update=margin)})
        for m in scenario.movements
    ]
    # With several, the one-movement fields mirror the first movement (planner.movements).
    movement = scenario.movement.model_copy(update=margin)
    return scenario.model_copy(update={"movement": movement, "movements": movements})


def search(
    scenario: Scenario,
    target: float,
    pool: Pool,
    geo: Geodata,
    *,
    samples: int,
    seed: int = 0,
    world: World | None = None,
    replan: bool = False,
    progress: Callable[[TargetTry], None] | None = None,
) -> Found:
    """Search the smallest margin whose plan holds in at least ``target`` of the samples.

    Returns the margin that meets the target, or, when none up to 1.0 does, the one whose plan
    held most often; its report carries the search (``target``).
    """
    tried: dict[float, Found] = {}
    order: list[float] = []

    def study(u: float) -> Found:
        u = round(u, 4)
        if u not in tried:
            sc = with_margin(scenario, u)
            p = make_plan(sc, geo)
            rep = assess(sc, p, pool, samples=samples, seed=seed, world=world, replan=replan)
            tried[u] = Found(sc, p, rep)
            order.append(u)
            if progress is not None:
                progress(TargetTry(uncertainty=u, status=str(p.status), holds=rep.holds))
        return tried[u]

    steps = round(MAX_UNCERTAINTY / GRID_STEP)
    lo: float | None = None
    hi: float | None = None
    for k in range(steps + 1):
        u = k * GRID_STEP
        if study(u).report.holds >= target:
            hi = u
            break
        lo = u
    if hi is not None and lo is not None:
        step = GRID_STEP
        for _ in range(REFINEMENTS):
            step /= 2
            mid = lo + step
            if study(mid).report.holds >= target:
                hi = mid
            else:
                lo = mid
    met = hi is not None
    chosen = hi if hi is not None else max(order, key=lambda u: (tried[u].report.holds, -u))
    best = tried[round(chosen, 4)]
    found = TargetSearch(
        target=target,
        met=met,
        uncertainty=round(chosen, 4),
        tried=[
            TargetTry(uncertainty=u, status=str(tried[u].plan.status), holds=tried[u].report.holds)
            for u in order
        ],
    )
    return Found(best.scenario, best.plan, best.report.model_copy(update={"target": found}))
