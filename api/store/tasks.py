"""Tasks: jobs about one plan version that make no new version (``api.db.states.TaskKind``).

A trainee's plan judged against an exercise plan, or a robustness study of a plan. A task is
queued with its audit row in one transaction, run by a worker like a version (``api.store.jobs``
claims, renews and fences both), and finished once with its result (JSON) and its pages
(a debrief, a map), stored packed like a version's outputs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from api.db import audit
from api.db.clock import as_utc, utcnow
from api.db.states import JobState, TaskKind
from api.db.tables import PlanDoc, Task, TaskOutput, Version
from api.security import Principal
from api.store import outputs, quotas
from api.store.database import Database
from api.store.jobs import Claim, changed_rows, fence
from api.store.quotas import Limits
from api.store.versions import audit_plan

# The page each kind of task makes, by the name it is stored and served under.
DEBRIEF, STUDY_MAP = "debrief.html", "map.html"


@dataclass(frozen=True)
class TaskInfo:
    """A task and the state of its job."""

    id: str
    plan_id: str
    kind: TaskKind
    number: int
    version: int
    agency: str
    status: JobState
    attempt: int
    result_json: str | None
    error_code: str | None
    error_message: str | None
    created_at: datetime
    finished_at: datetime | None


def _info(t: Task) -> TaskInfo:
    return TaskInfo(
        id=t.id,
        plan_id=t.plan_id,
        kind=TaskKind(t.kind),
        number=t.number,
        version=t.version,
        agency=t.agency,
        status=JobState(t.status),
        attempt=t.attempt,
        result_json=t.result_json,
        error_code=t.error_code,
        error_message=t.error_message,
        created_at=as_utc(t.created_at),
        finished_at=None if t.finished_at is None else as_utc(t.finished_at),
    )


@dataclass(frozen=True)
class NewTask:
    """What a task stores: its kind, the version it is about, its input, its job's deadline."""

    kind: TaskKind
    version: int
    input_json: str
    deadline_seconds: float


def add(
    db: Database,
    principal: Principal,
    plan_id: str,
    new: NewTask,
    *,
    entry: audit.AuditEntry,
    limits: Limits,
) -> TaskInfo:
    """Queue a task of the caller's agency, with the request's audit row, in one transaction.

    Raises:
        BusyError, InsufficientStorageError: the agency's queue is full or a quota used up.
    """
    with db.begin() as s:
        doc = s.get(PlanDoc, plan_id)
        assert doc is not None
        quotas.check(s, principal.agency, doc.exercise, limits, new_plan=False)
        mine = (Task.plan_id == plan_id) & (Task.kind == new.kind.value)
        last = s.scalar(select(func.max(Task.number)).where(mine, Task.agency == principal.agency))
        task = Task(
            id=str(uuid.uuid4()),
            plan_id=plan_id,
            kind=new.kind.value,
            number=int(last or 0) + 1,
            version=new.version,
            agency=principal.agency,
            exercise=doc.exercise,
            status=JobState.queued,
            attempt=0,
            deadline_seconds=new.deadline_seconds,
            cancel_requested=False,
            input_json=new.input_json,
            stored_bytes=len(new.input_json),
            created_by=principal.id,
            created_at=utcnow(),
        )
        s.add(task)
        s.flush()
        audit_plan(s, entry, doc)
        info = _info(task)
    entry.written = True
    return info


def find(db: Database, plan_id: str, kind: TaskKind, agency: str, number: int) -> TaskInfo | None:
    """Task ``number`` of this kind that ``agency`` asked for on the plan, or None."""
    with db.read() as s:
        t = s.scalar(
            select(Task).where(
                Task.plan_id == plan_id,
                Task.kind == kind.value,
                Task.agency == agency,
                Task.number == number,
            )
        )
        return None if t is None else _info(t)


@dataclass(frozen=True)
class TaskInput:
    """What a worker needs for a task: its input, and the version's scenario and plan."""

    kind: TaskKind
    input_json: str
    scenario_json: str
    plan_json: str
    exercise: bool


def load(db: Database, claim: Claim) -> TaskInput:
    """The claimed task's input and the version it is about."""
    with db.read() as s:
        t = s.get(Task, claim.task)
        assert t is not None
        v = s.get(Version, (t.plan_id, t.version))
        assert v is not None and v.plan_json is not None
        return TaskInput(TaskKind(t.kind), t.input_json, v.scenario_json, v.plan_json, t.exercise)


def complete(
    db: Database, claim: Claim, *, result_json: str, pages: dict[str, tuple[str, bytes]]
) -> bool:
    """Store the task's result and pages; False (nothing written but shared assets) if the claim
    is stale."""
    packed = outputs.prepare(db, pages)
    with db.begin() as s:
        values = {
            "status": JobState.done,
            "result_json": result_json,
            "finished_at": utcnow(),
            "lease_expires_at": None,
            "stored_bytes": Task.stored_bytes
            + len(result_json)
            + sum(p.size for p in packed.values()),
        }
        if changed_rows(s.execute(update(Task).where(fence(claim)).values(**values))) != 1:
            return False
        assert claim.task is not None
        for name, p in packed.items():
            s.add(
                TaskOutput(
                    task_id=claim.task,
                    kind=name,
                    media_type=p.media_type,
                    content=p.content,
                    encoding="zlib",
                    assets=outputs.asset_list(p),
                    csp=p.csp,
                )
            )
        return True
