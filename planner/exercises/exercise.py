"""A whole generated exercise: the scenario with its faults, timed injects, the answer key.

``new_exercise`` draws the scenario (planner.exercises.generate), plans it as drawn (the
answer to the corrected exercise), plants the faults (planner.exercises.faults), finds where
the engine reports each one (``cdplan check`` and ``cdplan plan``), and draws injects timed
along the corrected plan, keeping only those that apply one after the other.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from geodata.layers import Geodata
from planner.engine import plan
from planner.exercises.faults import Fault, plant
from planner.exercises.generate import LEVELS, Difficulty, draw
from planner.io import ScenarioError, parse_scenario
from planner.plan import Plan
from planner.replan.events import replan
from planner.replan.kinds import parse_event
from planner.review import review

# Injects per exercise, by difficulty.
INJECTS = {Difficulty.easy: 1, Difficulty.medium: 2, Difficulty.hard: 3}
# Injects fall between these shares of the corrected plan's duration: late enough that the
# operation is under way, early enough that something is left to re-plan.
INJECT_WINDOW = (0.15, 0.75)
MAX_INJECT_DRAWS = 12


@dataclass
class Exercise:
    """A generated exercise and its answer key."""

    seed: int
    difficulty: Difficulty
    scenario: dict[str, Any]  # with the faults, as the trainee gets it
    fixed: dict[str, Any]  # the same without the faults
    faults: list[Fault]
    reported: list[str]  # for each fault, how the engine reports it ("" if it does not)
    injects: list[dict[str, Any]]
    inject_changes: list[list[str]]  # what each inject changed, on the corrected plan
    answer: Plan  # the engine's plan of the scenario with its faults
    fixed_plan: Plan
    notes: list[str] = field(default_factory=list)


def _reports(
    scenario: dict[str, Any], answer: Plan, faults: list[Fault], geo: Geodata
) -> list[str]:
    found = review(parse_scenario(scenario), geo)
    where = {
        (r.code, r.subject): f"{label}: {r.message}"
        for label, items in (
            ("cdplan check, no plan", found.problems),
            ("cdplan check, warning", found.warnings),
            (f"cdplan plan, {answer.status.value}", answer.reasons),
            ("cdplan plan, warning", answer.warnings),
        )
        for r in items
    }
    return [where.get((f.code, f.subject), "") for f in faults]


def _inject(kind: str, at: str, base: Plan, data: dict[str, Any], rng: Any) -> dict[str, Any]:
    """One inject of ``kind`` at ``at`` on the version ``base``."""
    used = sorted({a.team for a in base.assignments})
    crossings = [c.id for c in base.route.crossings]
    if kind == "delay":
        return {"kind": "delay", "at": at, "minutes": rng.choice([45, 90, 180, 300])}
    if kind in ("team_lost", "counter_surveillance") and len(used) > 1:
        return {"kind": kind, "at": at, "team": rng.choice(used)}
    if kind == "border_closed" and crossings:
        start = base.operation.departure
        return {
            "kind": "border_closed",
            "at": at,
            "crossing": rng.choice(crossings),
            "from": at,
            "to": (start + timedelta(hours=rng.choice([36, 48, 60]))).isoformat(),
        }
    if kind == "team_available":
        country = rng.choice(base.route.countries)
        city = next(
            (t.base.id for t in base.teams if t.country == country and t.base.id in _nodes(data)),
            None,
        )
        if city is None:
            return {}
        return {
            "kind": "team_available",
            "at": at,
            "team": f"{country}-RESERVE",
            "agency": f"{country}-NP",
            "base": city,
            "capabilities": ["road"],
            "from": at,
            "to": (base.operation.departure + timedelta(days=6)).isoformat(),
        }
    return {"kind": "delay", "at": at, "minutes": 60}


def _nodes(data: dict[str, Any]) -> set[str]:
    return {t["base"] for t in data["teams"] if isinstance(t["base"], str)}


def _injects(
    fixed: dict[str, Any], first: Plan, count: int, rng: Any, geo: Geodata
) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """Injects that apply one after the other on the corrected plan, with their changes."""
    kinds = ["delay", "team_lost", "border_closed", "counter_surveillance", "team_available"]
    scenario, current = parse_scenario(fixed), first
    out: list[dict[str, Any]] = []
    changes: list[list[str]] = []
    lo, hi = INJECT_WINDOW
    begin, finish = first.segments[0].nominal_start, first.segments[-1].nominal_end
    times = sorted(begin + (finish - begin) * rng.uniform(lo, hi) for _ in range(count))
    for when in times:
        at = when.replace(second=0, microsecond=0).isoformat()
        for _ in range(MAX_INJECT_DRAWS):
            if not current.status.has_plan:
                return out, changes
            event = _inject(rng.choice(kinds), at, current, fixed, rng)
            if not event:
                continue
            try:
                new_scenario, new_plan = replan(scenario, current, parse_event(event), geo)
            except ScenarioError:
                continue
            out.append(event)
            changes.append(list(new_plan.changes))
            scenario, current = new_scenario, new_plan
            break
    return out, changes


def new_exercise(seed: int, difficulty: Difficulty, faults: int | None, geo: Geodata) -> Exercise:
    """Generate the exercise for ``seed`` (the same seed and settings give the same one)."""
    drawn = draw(seed, difficulty, geo)
    rng = drawn.rng
    fixed = drawn.data
    fixed_plan = plan(parse_scenario(fixed), geo)
    data = copy.deepcopy(fixed)
    count = LEVELS[difficulty].faults if faults is None else faults
    planted = plant(data, drawn.route, count, rng, geo)
    answer = plan(parse_scenario(data), geo)
    injects, inject_changes = _injects(fixed, fixed_plan, INJECTS[difficulty], rng, geo)
    notes = []
    if len(planted) < count:
        notes.append(f"{count} faults asked, {len(planted)} fit this exercise")
    return Exercise(
        seed=seed,
        difficulty=difficulty,
        scenario=data,
        fixed=fixed,
        faults=planted,
        reported=_reports(data, answer, planted, geo),
        injects=injects,
        inject_changes=inject_changes,
        answer=answer,
        fixed_plan=fixed_plan,
        notes=notes,
    )
