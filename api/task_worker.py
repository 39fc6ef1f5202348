"""What a worker does for a task: judge a trainee's plan, or study how often a plan holds.

Both read the version the task is about, its scenario and its plan, and make a result (JSON) and
a page. The judgement solves the scenario again to a proven optimum (``planner.exercises.judge``)
at the moment the exercise was planned (the plan's ``planned_at``), so the same trainee's plan
gets the same judgement whenever it is judged. A robustness study replays the plan on sampled
worlds in this process (``InProcess``): the worker is already the unit the supervisor limits, and
a study of a few hundred samples takes well under a second.
"""

from __future__ import annotations

import json
from typing import Any

from api.db.states import TaskKind
from api.store.tasks import DEBRIEF, STUDY_MAP, TaskInput
from geodata.layers import Geodata
from planner.exercises.judge import judge
from planner.exercises.trainee import parse_trainee
from planner.exports.debrief import render_debrief
from planner.exports.map import render_map
from planner.io import ScenarioError, parse_scenario
from planner.plan import Plan
from planner.reasons import PlanningError
from planner.robust.skeleton import PlanMismatchError

HTML = "text/html; charset=utf-8"

Pages = dict[str, tuple[str, bytes]]


class TaskInputError(Exception):
    """The task cannot be done, for a reason its owner can act on (it would fail again)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def perform(task: TaskInput, geo: Geodata) -> tuple[str, Pages]:
    """Do the task: its result as JSON and its pages.

    Raises:
        TaskInputError: the stored input does not fit the plan (named in the message).
    """
    try:
        scenario = parse_scenario(json.loads(task.scenario_json))
    except ScenarioError as exc:
        raise TaskInputError("bad_input", str(exc)) from exc
    plan = Plan.model_validate_json(task.plan_json)
    # Trainers' plans are exercise data: every page says so, whatever the scenario claims (the
    # judge's plans, trainee's and optimum, are made from the scenario).
    plan.operation.exercise = task.exercise
    if task.exercise:
        operation = scenario.operation.model_copy(update={"exercise": True})
        scenario = scenario.model_copy(update={"operation": operation})
    data: dict[str, Any] = json.loads(task.input_json)
    if task.kind is TaskKind.judgement:
        return _judge(scenario, plan, data, geo)
    return _study(scenario, plan, data, geo)


def _judge(scenario: Any, plan: Plan, data: dict[str, Any], geo: Geodata) -> tuple[str, Pages]:
    try:
        judged = judge(scenario, parse_trainee(data["trainee"]), geo, now=plan.operation.planned_at)
    except ScenarioError as exc:
        raise TaskInputError("trainee_invalid", "; ".join(e["loc"] for e in exc.errors)) from exc
    except PlanningError as exc:
        raise TaskInputError("unplannable", "; ".join(r.message for r in exc.reasons)) from exc
    page = render_debrief(judged, geo).encode("utf-8")
    return judged.judgement.model_dump_json(), {DEBRIEF: (HTML, page)}


def _study(scenario: Any, plan: Plan, data: dict[str, Any], geo: Geodata) -> tuple[str, Pages]:
    # Here, not at the top: the study's pool module brings Dask, which version jobs never need.
    from planner.robust.cluster import InProcess
    from planner.robust.study import assess

    try:
        report = assess(
            scenario,
            plan,
            InProcess(),
            samples=int(data["samples"]),
            seed=int(data["seed"]),
            replan=bool(data["replan"]),
        )
    except PlanMismatchError as exc:
        raise TaskInputError("not_studied", str(exc)) from exc
    holds = [h.holds for h in report.handovers]
    page = render_map(plan, geo, holds=holds).encode("utf-8")
    return report.model_dump_json(), {STUDY_MAP: (HTML, page)}
