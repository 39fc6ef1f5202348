"""What an agency may queue and keep, per namespace (operational plans, exercise plans).

Counted inside the transaction that adds a plan or a version, so a full queue or a used-up quota
refuses it before anything is written. Exercise plans have their own queue and quotas: a
trainer's exercises can never take an operational submission's room, and a refusal only speaks
of the caller's own namespace.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db.states import JobState
from api.db.tables import PlanDoc, Task, Version
from api.store.database import BusyError, InsufficientStorageError


@dataclass(frozen=True)
class Limits:
    """The queue and quotas of one agency in one namespace."""

    max_queued: int
    plans: int = 10**9
    versions: int = 10**9
    bytes: int = 10**18


def check(s: Session, agency: str, exercise: bool, limits: Limits, *, new_plan: bool) -> None:
    """Refuse one more queued version (and, with ``new_plan``, one more plan) over the limits.

    Raises:
        BusyError: the namespace's queue of the agency is full (503, try later).
        InsufficientStorageError: a quota is used up (507).
    """
    mine = (PlanDoc.agency == agency) & (PlanDoc.exercise == exercise)
    kind = "exercise plans" if exercise else "plans"
    per_version = select(Version).join(PlanDoc, PlanDoc.id == Version.plan_id).where(mine)
    queued = s.scalar(
        select(func.count()).select_from(
            per_version.where(Version.status == JobState.queued).subquery()
        )
    )
    tasks = (Task.agency == agency) & (Task.exercise == exercise)
    queued_tasks, task_bytes = s.execute(
        select(
            func.count().filter(Task.status == JobState.queued),
            func.coalesce(func.sum(Task.stored_bytes), 0),
        ).where(tasks)
    ).one()
    if (queued or 0) + int(queued_tasks or 0) >= limits.max_queued:
        raise BusyError("queue_full", f"{limits.max_queued} {kind} of your agency are waiting")
    if new_plan:
        plans = s.scalar(select(func.count()).select_from(PlanDoc).where(mine)) or 0
        if plans >= limits.plans:
            raise InsufficientStorageError(
                "quota_plans", f"your agency keeps {limits.plans} {kind}, its quota", "plan"
            )
    counted = s.execute(
        select(func.count(), func.coalesce(func.sum(Version.stored_bytes), 0))
        .select_from(Version)
        .join(PlanDoc, PlanDoc.id == Version.plan_id)
        .where(mine)
    ).one()
    if counted[0] >= limits.versions:
        raise InsufficientStorageError(
            "quota_versions",
            f"your agency keeps {limits.versions} versions of {kind}, its quota",
            "plan",
        )
    if counted[1] + int(task_bytes or 0) >= limits.bytes:
        raise InsufficientStorageError(
            "quota_bytes", f"your agency's {kind} use their quota of {limits.bytes} bytes", "plan"
        )
