"""Judging a trainee's plan: what ``POST /v1/exercises/{id}/judge`` does, in one call.

The trainee's plan is checked here, when it is submitted: a team or segment the exercise does not
have is a 422 naming the assignment (``assignments[3].segment``). Checking it needs the brief's
segments, which come from cutting the route (about 0.05 s on Operation Aurora), not from solving.
The judgement itself solves the scenario again to a proven optimum, so it is a job: a worker
does it with the limits of every solve (``api.task_worker``).
"""

from __future__ import annotations

import json

from api.db.audit import AuditEntry
from api.db.states import TaskKind
from api.security import Principal
from api.settings import Settings
from api.store import tasks, versions
from api.store.database import ConflictError, Database
from api.store.quotas import Limits
from geodata.layers import Geodata
from planner.exercises.brief import brief_problem
from planner.exercises.trainee import Declared, TraineePlan, unknown_ids
from planner.io import ScenarioError, parse_scenario
from planner.plan import Plan
from planner.reasons import PlanningError
from planner.resolve.law import observation_reasons, without_unlawful_observation


def submit_judgement(
    db: Database,
    principal: Principal,
    plan_id: str,
    trainee: TraineePlan,
    *,
    geo: Geodata,
    settings: Settings,
    entry: AuditEntry,
    limits: Limits,
) -> tasks.TaskInfo:
    """Queue the judgement of ``trainee`` against the plan's latest done version.

    Returns:
        The queued judgement.

    Raises:
        ConflictError: no version is done yet, or its scenario cannot be cut into segments.
        ScenarioError: the trainee's plan names teams or segments the exercise does not have.
        BusyError, InsufficientStorageError: the queue is full or a quota used up.
    """
    v = versions.latest_done(db, plan_id)
    if v is None or v.plan_json is None:
        raise ConflictError("plan_not_ready", "no version of this exercise is done yet", "plan_id")
    scenario = parse_scenario(json.loads(v.scenario_json))
    if trainee.status is Declared.planned:
        # The segments the judge will cost the plan on: those of the scenario it judges on,
        # at the moment the exercise was planned (see planner.exercises.judge.judge).
        if observation_reasons(scenario):
            scenario = without_unlawful_observation(scenario)
        planned_at = Plan.model_validate_json(v.plan_json).operation.planned_at
        try:
            problem = brief_problem(scenario, geo, now=planned_at).problem
        except PlanningError as exc:
            why = "; ".join(r.message for r in exc.reasons)
            raise ConflictError("unplannable", f"the exercise cannot be judged: {why}") from exc
        segments = [s.id for option in problem.routes for s in option.segments]
        bad = unknown_ids(trainee, [t.id for t in problem.teams], segments)
        if bad:
            raise ScenarioError(bad)
    new = tasks.NewTask(
        kind=TaskKind.judgement,
        version=v.number,
        input_json=json.dumps({"trainee": trainee.model_dump(mode="json")}, sort_keys=True),
        deadline_seconds=settings.job_deadline(scenario.solver.time_limit_seconds),
    )
    return tasks.add(db, principal, plan_id, new, entry=entry, limits=limits)
