"""Versions of a plan: read them, add one for an event, cancel one.

A plan's versions are numbered from 1; each is a job (``api.db.states.JobState``). An event makes
version N+1 from the latest version N, only once N is done with a plan to change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import audit
from api.db.clock import as_utc, utcnow
from api.db.states import JobState
from api.db.tables import PlanDoc, Version
from api.security import Principal
from api.store import outputs, quotas
from api.store.database import ConflictError, Database
from api.store.quotas import Limits
from planner.plan import PlanStatus


@dataclass(frozen=True)
class VersionInfo:
    """One version and the state of its job."""

    plan_id: str
    number: int
    status: JobState
    attempt: int
    scenario_json: str
    plan_json: str | None
    plan_status: PlanStatus | None
    error_code: str | None
    error_message: str | None
    event_json: str | None
    output_errors: dict[str, str]
    purged: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def version_info(v: Version) -> VersionInfo:
    """The row as a value that outlives its session."""
    return VersionInfo(
        plan_id=v.plan_id,
        number=v.number,
        status=JobState(v.status),
        attempt=v.attempt,
        scenario_json=v.scenario_json,
        plan_json=v.plan_json,
        plan_status=None if v.plan_status is None else PlanStatus(v.plan_status),
        error_code=v.error_code,
        error_message=v.error_message,
        event_json=v.event_json,
        output_errors=json.loads(v.output_errors) if v.output_errors else {},
        purged=v.purged_at is not None,
        created_at=as_utc(v.created_at),
        started_at=None if v.started_at is None else as_utc(v.started_at),
        finished_at=None if v.finished_at is None else as_utc(v.finished_at),
    )


def audit_plan(s: Session, entry: audit.AuditEntry, doc: PlanDoc) -> None:
    """Write the request's audit row, naming the plan, inside the caller's transaction."""
    entry.object_id, entry.object_agency, entry.handling_code = (
        doc.id,
        doc.agency,
        doc.handling_code,
    )
    entry.status_code = entry.status_code or 202
    audit.append(s, entry)


def version(db: Database, plan_id: str, number: int) -> VersionInfo | None:
    """One version, or None."""
    with db.read() as s:
        v = s.get(Version, (plan_id, number))
        return None if v is None else version_info(v)


def latest_done(db: Database, plan_id: str) -> VersionInfo | None:
    """The newest version whose job is done, or None."""
    with db.read() as s:
        v = s.scalar(
            select(Version)
            .where(Version.plan_id == plan_id, Version.status == JobState.done)
            .order_by(Version.number.desc())
            .limit(1)
        )
        return None if v is None else version_info(v)


def latest_plan(db: Database, plan_id: str) -> VersionInfo:
    """The newest done version, if it has a plan to follow (assignments).

    Raises:
        ConflictError: no version is done yet, or the newest done one has no plan.
    """
    v = latest_done(db, plan_id)
    if v is None or v.plan_json is None or v.plan_status is None:
        raise ConflictError("plan_not_ready", "no version of this plan is done yet", "plan_id")
    if not v.plan_status.has_plan:
        raise ConflictError(
            "no_plan", f"version {v.number} is {v.plan_status.value}: it has no plan", "plan_id"
        )
    return v


def versions(db: Database, plan_id: str) -> list[VersionInfo]:
    """Every version of a plan, oldest first."""
    with db.read() as s:
        rows = s.scalars(
            select(Version).where(Version.plan_id == plan_id).order_by(Version.number)
        ).all()
        return [version_info(v) for v in rows]


def artifact(db: Database, plan_id: str, number: int, kind: str) -> tuple[str, bytes] | None:
    """A rendered output of a version as (media type, bytes as rendered), or None."""
    found = outputs.load(db, plan_id, number, kind)
    return None if found is None else (found.media_type, found.content)


@dataclass(frozen=True)
class EventBase:
    """The version an event is reported on: its number, scenario and plan."""

    number: int
    scenario_json: str
    plan_json: str


def event_base(db: Database, plan_id: str) -> EventBase:
    """The latest version, if an event can be reported on it.

    Raises:
        ConflictError: the latest version is not done yet, or done without a plan to change.
    """
    with db.read() as s:
        doc = s.get(PlanDoc, plan_id)
        assert doc is not None
        v = s.get(Version, (plan_id, doc.latest_version))
        assert v is not None
        if v.status != JobState.done or v.plan_json is None or v.plan_status is None:
            raise ConflictError("plan_not_ready", "the latest version is not done yet", "plan_id")
        if not PlanStatus(v.plan_status).has_plan:
            raise ConflictError(
                "no_plan_to_change", f"the latest version is {v.plan_status}", "plan_id"
            )
        return EventBase(v.number, v.scenario_json, v.plan_json)


@dataclass(frozen=True)
class NewVersion:
    """What an event version stores: the event, the scenario it decided and its context."""

    base: int
    event_json: str
    scenario_json: str
    replan_json: str
    deadline_seconds: float


def add_event_version(
    db: Database,
    principal: Principal,
    plan_id: str,
    new: NewVersion,
    entry: audit.AuditEntry,
    limits: Limits,
) -> VersionInfo:
    """Queue version ``new.base + 1`` with its audit row, in one transaction.

    Raises:
        ConflictError: another version was added since ``new.base`` was read.
        BusyError, InsufficientStorageError: the queue is full or a quota used up.
    """
    now = utcnow()
    with db.begin() as s:
        doc = s.get(PlanDoc, plan_id)
        assert doc is not None
        if doc.latest_version != new.base:
            raise ConflictError(
                "version_in_progress",
                f"version {doc.latest_version} is newer than the plan the event refers to",
                "plan",
            )
        quotas.check(s, doc.agency, doc.exercise, limits, new_plan=False)
        doc.latest_version = new.base + 1
        v = Version(
            plan_id=plan_id,
            number=new.base + 1,
            status=JobState.queued,
            attempt=0,
            deadline_seconds=new.deadline_seconds,
            cancel_requested=False,
            scenario_json=new.scenario_json,
            event_json=new.event_json,
            replan_json=new.replan_json,
            created_by=principal.id,
            created_at=now,
        )
        s.add(v)
        s.flush()
        audit_plan(s, entry, doc)
        info = version_info(v)
    entry.written = True
    return info


def request_cancel(db: Database, plan_id: str, number: int) -> JobState:
    """Cancel a queued version at once, or ask a running one's worker to stop.

    Returns:
        The version's state now (cancelled, or still running until its worker stops).

    Raises:
        ConflictError: the version is already done or failed.
    """
    with db.begin() as s:
        v = s.get(Version, (plan_id, number))
        assert v is not None
        if v.status == JobState.queued:
            v.status, v.finished_at = JobState.cancelled, utcnow()
            v.error_code, v.error_message = JobState.cancelled, "cancelled before it started"
        elif v.status == JobState.running:
            v.cancel_requested = True
        elif v.status != JobState.cancelled:
            raise ConflictError(
                "already_finished", f"version {number} is already {v.status}", "plan_id"
            )
        return JobState(v.status)
