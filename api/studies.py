"""Robustness studies: what ``POST /v1/plans/{id}/robustness`` does, in one call.

A study replays the plan's latest done version on sampled worlds (``planner.robust``) as a job,
with the limits of every solve; ``CDPLAN_ROBUSTNESS_SECONDS`` bounds how long it may run.
"""

from __future__ import annotations

from api.db.audit import AuditEntry
from api.db.states import TaskKind
from api.schemas import RobustnessIn
from api.security import Principal
from api.settings import Settings
from api.store import tasks, versions
from api.store.database import Database
from api.store.quotas import Limits


def submit_study(
    db: Database,
    principal: Principal,
    plan_id: str,
    study: RobustnessIn,
    *,
    settings: Settings,
    entry: AuditEntry,
    limits: Limits,
) -> tasks.TaskInfo:
    """Queue a robustness study of the plan's latest done version.

    Raises:
        ConflictError: no version has a plan yet.
        BusyError, InsufficientStorageError: the queue is full or a quota used up.
    """
    v = versions.latest_plan(db, plan_id)
    new = tasks.NewTask(
        kind=TaskKind.robustness,
        version=v.number,
        input_json=study.model_dump_json(),
        deadline_seconds=settings.robustness_seconds
        + settings.setup_seconds
        + settings.grace_seconds,
    )
    return tasks.add(db, principal, plan_id, new, entry=entry, limits=limits)
