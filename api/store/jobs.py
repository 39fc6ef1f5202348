"""The job side of versions and tasks: claim with a lease, renew, and finish exactly once.

A job is a plan version to compute, or a task about one (``api.store.tasks``): both tables have
the same state, lease and attempt columns, and everything here works on either. Every write a
worker or the supervisor makes is fenced by ``status='running' AND attempt=n``: once a job has
been re-queued and claimed again, the earlier attempt's writes match no row and are dropped, so a
worker that outlived its supervisor can never write a second result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from api.db.clock import utcnow
from api.db.states import JobState
from api.db.tables import PlanDoc, Task, Version
from api.store import outputs, schedule
from api.store.database import Database


@dataclass(frozen=True)
class Claim:
    """One attempt at one job, as the supervisor took it: a version (``plan_id``, ``number``),
    or with ``task`` a task's id (and its plan and number, for the logs)."""

    plan_id: str
    number: int
    attempt: int
    deadline_seconds: float
    task: str | None = None

    @property
    def key(self) -> tuple[str, ...]:
        """Names the job among those running (a task and a version may share a number)."""
        if self.task is not None:
            return ("task", self.task)
        return ("version", self.plan_id, str(self.number))

    @property
    def label(self) -> str:
        """The job in a log line: no scenario text, ids only."""
        what = f"task {self.task}" if self.task else f"v{self.number}"
        return f"job {self.plan_id} {what} attempt {self.attempt}"


@dataclass(frozen=True)
class JobInput:
    """What a worker needs to plan a version.

    ``replan_json`` and ``base_plan_json`` are set for a version made by an event: the context
    the event decided when it was reported, and the plan of the version it was reported on.
    """

    scenario_json: str
    replan_json: str | None
    base_plan_json: str | None
    exercise: bool


def changed_rows(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


Job = Version | Task


def _table(claim: Claim) -> type[Version] | type[Task]:
    return Version if claim.task is None else Task


def fence(claim: Claim):  # type: ignore[no-untyped-def]
    """The attempt fence: the claimed job, still running under this attempt."""
    if claim.task is not None:
        mine = Task.id == claim.task
        return mine & (Task.status == JobState.running) & (Task.attempt == claim.attempt)
    return (
        (Version.plan_id == claim.plan_id)
        & (Version.number == claim.number)
        & (Version.status == JobState.running)
        & (Version.attempt == claim.attempt)
    )


def claim_next(
    db: Database,
    lease_seconds: float,
    max_attempts: int,
    *,
    plan_id: str | None = None,
    exercise_slots: int = 1,
) -> Claim | None:
    """Take the next job (see ``api.store.schedule``): one whose lease ran out first, then the
    queued job whose turn it is, fairly across agencies; versions before tasks."""
    now = utcnow()
    with db.begin() as s:
        v: Job | None = schedule.next_job(s, now, exercise_slots=exercise_slots, plan_id=plan_id)
        if v is None:
            v = schedule.next_task(s, now, exercise_slots=exercise_slots, plan_id=plan_id)
        if v is None:
            return None
        if v.cancel_requested:
            _finish(
                s, v, JobState.cancelled, JobState.cancelled, "cancelled while its worker was gone"
            )
            return None
        if v.attempt >= max_attempts:
            _finish(
                s,
                v,
                JobState.failed,
                "worker_crashed",
                f"the worker stopped {v.attempt} times; gave up",
            )
            return None
        v.status = JobState.running
        v.attempt += 1
        v.lease_expires_at = now + timedelta(seconds=lease_seconds)
        v.started_at = now
        task = v.id if isinstance(v, Task) else None
        return Claim(v.plan_id, v.number, v.attempt, v.deadline_seconds, task)


def _finish(s: Session, v: Job, status: JobState, code: str | None, message: str | None) -> None:
    v.status, v.error_code, v.error_message = status, code, message
    v.finished_at, v.lease_expires_at = utcnow(), None


def renew(db: Database, claim: Claim, lease_seconds: float) -> tuple[bool, bool]:
    """Extend the lease; returns (still ours, cancel requested)."""
    with db.begin() as s:
        v = s.scalar(select(_table(claim)).where(fence(claim)))
        if not isinstance(v, Version | Task):
            return False, False
        v.lease_expires_at = utcnow() + timedelta(seconds=lease_seconds)
        return True, v.cancel_requested


def load(db: Database, claim: Claim) -> JobInput:
    """The stored scenario of the claimed version, and for an event version its context and the
    plan it was reported on."""
    with db.read() as s:
        v = s.get(Version, (claim.plan_id, claim.number))
        assert v is not None
        base = None
        if v.replan_json is not None:
            base = s.scalar(
                select(Version.plan_json).where(
                    Version.plan_id == claim.plan_id, Version.number == claim.number - 1
                )
            )
        exercise = s.scalar(select(PlanDoc.exercise).where(PlanDoc.id == claim.plan_id))
        return JobInput(v.scenario_json, v.replan_json, base, bool(exercise))


def complete(
    db: Database,
    claim: Claim,
    *,
    plan_json: str,
    plan_status: str,
    artifacts: dict[str, tuple[str, bytes]],
    output_errors: dict[str, str] | None = None,
) -> bool:
    """Store the plan and its outputs (packed, see ``api.packing``), and why any output is
    missing; False (and nothing written but shared assets) if the claim is stale."""
    packed = outputs.prepare(db, artifacts)
    size = len(plan_json) + sum(p.size for p in packed.values())
    with db.begin() as s:
        scenario, event, replan = (
            func.coalesce(func.length(t), 0)
            for t in (Version.scenario_json, Version.event_json, Version.replan_json)
        )
        scenario_size = s.scalar(
            select(scenario + event + replan).where(
                Version.plan_id == claim.plan_id, Version.number == claim.number
            )
        )
        values: dict[str, object] = {
            "status": JobState.done,
            "plan_json": plan_json,
            "plan_status": plan_status,
            "finished_at": utcnow(),
            "lease_expires_at": None,
            "output_errors": json.dumps(output_errors, sort_keys=True) if output_errors else None,
            "stored_bytes": size + int(scenario_size or 0),
            "ends_at": _ends_at(plan_json),
        }
        if changed_rows(s.execute(update(Version).where(fence(claim)).values(**values))) != 1:
            return False
        outputs.add(s, claim.plan_id, claim.number, packed)
        return True


def _ends_at(plan_json: str) -> datetime | None:
    """When the plan's operation is over: the latest exit of its last segment."""
    segments = json.loads(plan_json).get("segments") or []
    ends = [datetime.fromisoformat(seg["end"]) for seg in segments if seg.get("end")]
    return max(ends) if ends else None


def fail(
    db: Database, claim: Claim, code: str, message: str, status: JobState = JobState.failed
) -> bool:
    """Finish the claimed job without a plan; False if the claim is stale."""
    with db.begin() as s:
        result = s.execute(
            update(_table(claim))
            .where(fence(claim))
            .values(
                status=status,
                error_code=code,
                error_message=message,
                finished_at=utcnow(),
                lease_expires_at=None,
            )
        )
        return changed_rows(result) == 1


def release(db: Database, claim: Claim) -> bool:
    """Put a job whose worker crashed back in the queue (its attempt count stays)."""
    with db.begin() as s:
        result = s.execute(
            update(_table(claim))
            .where(fence(claim))
            .values(status=JobState.queued, lease_expires_at=None)
        )
        return changed_rows(result) == 1


def counts(db: Database) -> dict[str, int]:
    """Jobs (versions and tasks) by state."""
    out: dict[str, int] = {}
    with db.read() as s:
        for table in (Version, Task):
            rows = s.execute(select(table.status, func.count()).group_by(table.status)).all()
            for status, n in rows:
                out[str(status)] = out.get(str(status), 0) + int(n)
    return out
