"""Plans as clients see them: submit, find (agency-scoped), versions, outputs, grants, cancel.

A plan is visible to a principal when its agency owns it or holds a grant, and the plan is in the
principal's namespace (exercise for trainers, operational for everyone else). Anything else is
"not found", exactly like an id that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import audit
from api.db.clock import as_utc, utcnow
from api.db.tables import Artifact, AuditRow, Grant, IdempotencyKey, PlanDoc, Version
from api.security import Principal
from api.store.database import BusyError, ConflictError, Database, UnprocessableError

TERMINAL = frozenset({"done", "failed", "cancelled"})


@dataclass(frozen=True)
class PlanInfo:
    id: str
    agency: str
    handling_code: str
    exercise: bool
    operation_id: str
    created_at: datetime
    latest_version: int
    owner: bool


@dataclass(frozen=True)
class VersionInfo:
    plan_id: str
    number: int
    status: str
    attempt: int
    plan_json: str | None
    plan_status: str | None
    error_code: str | None
    error_message: str | None
    event_json: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _plan_info(doc: PlanDoc, principal: Principal) -> PlanInfo:
    return PlanInfo(
        id=doc.id,
        agency=doc.agency,
        handling_code=doc.handling_code,
        exercise=doc.exercise,
        operation_id=doc.operation_id,
        created_at=as_utc(doc.created_at),
        latest_version=doc.latest_version,
        owner=doc.agency == principal.agency,
    )


def _version_info(v: Version) -> VersionInfo:
    return VersionInfo(
        plan_id=v.plan_id,
        number=v.number,
        status=v.status,
        attempt=v.attempt,
        plan_json=v.plan_json,
        plan_status=v.plan_status,
        error_code=v.error_code,
        error_message=v.error_message,
        event_json=v.event_json,
        created_at=as_utc(v.created_at),
        started_at=None if v.started_at is None else as_utc(v.started_at),
        finished_at=None if v.finished_at is None else as_utc(v.finished_at),
    )


def _visible_query(principal: Principal):  # type: ignore[no-untyped-def]
    granted = exists().where(Grant.plan_id == PlanDoc.id, Grant.agency == principal.agency)
    return select(PlanDoc).where(
        PlanDoc.exercise == principal.exercise,
        (PlanDoc.agency == principal.agency) | granted,
    )


def _visible(s: Session, principal: Principal, plan_id: str) -> PlanDoc | None:
    doc: PlanDoc | None = s.scalar(_visible_query(principal).where(PlanDoc.id == plan_id))
    return doc


@dataclass(frozen=True)
class Submission:
    plan: PlanInfo
    version: VersionInfo
    created: bool


@dataclass(frozen=True)
class NewPlan:
    """What a submission stores: the validated scenario and how its job is to run."""

    scenario_json: str
    operation_id: str
    handling_code: str
    deadline_seconds: float
    idempotency: tuple[str, str] | None = None  # (key, SHA-256 of the canonical body)


def submit(
    db: Database,
    principal: Principal,
    new: NewPlan,
    *,
    entry: audit.AuditEntry,
    max_queued: int,
) -> Submission:
    """Store the plan and its first job durably, with the audit row, in one transaction."""
    for _ in range(2):
        try:
            done = _submit_once(db, principal, new, entry, max_queued)
            entry.written = True  # committed together with the plan
            return done
        except IntegrityError:
            # Another request with the same Idempotency-Key won the race: read its result.
            continue
    raise ConflictError(
        "idempotency_in_flight", "a request with this key is in flight", "Idempotency-Key"
    )


def _submit_once(
    db: Database, principal: Principal, new: NewPlan, entry: audit.AuditEntry, max_queued: int
) -> Submission:
    idempotency = new.idempotency
    now = utcnow()
    with db.begin() as s:
        if idempotency is not None:
            key, body_hash = idempotency
            seen = s.get(IdempotencyKey, (principal.id, key))
            if seen is not None:
                if seen.body_sha256 != body_hash:
                    raise UnprocessableError(
                        "idempotency_key_reused",
                        "this Idempotency-Key was used with a different body",
                        "Idempotency-Key",
                    )
                doc = s.get(PlanDoc, seen.plan_id)
                assert doc is not None
                first = s.get(Version, (doc.id, 1))
                assert first is not None
                _audit_plan(s, entry, doc)
                return Submission(_plan_info(doc, principal), _version_info(first), False)
        queued = s.scalar(
            select(func.count())
            .select_from(Version)
            .join(PlanDoc, PlanDoc.id == Version.plan_id)
            .where(PlanDoc.agency == principal.agency, Version.status == "queued")
        )
        if (queued or 0) >= max_queued:
            raise BusyError("queue_full", f"{max_queued} plans of your agency are already waiting")
        doc = PlanDoc(
            id=str(uuid.uuid4()),
            agency=principal.agency,
            created_by=principal.id,
            handling_code=new.handling_code,
            exercise=principal.exercise,
            operation_id=new.operation_id,
            created_at=now,
            latest_version=1,
        )
        s.add(doc)
        s.flush()
        version = Version(
            plan_id=doc.id,
            number=1,
            status="queued",
            attempt=0,
            deadline_seconds=new.deadline_seconds,
            cancel_requested=False,
            scenario_json=new.scenario_json,
            created_by=principal.id,
            created_at=now,
        )
        s.add(version)
        if idempotency is not None:
            s.add(
                IdempotencyKey(
                    user_id=principal.id,
                    key=idempotency[0],
                    body_sha256=idempotency[1],
                    plan_id=doc.id,
                    created_at=now,
                )
            )
        s.flush()
        _audit_plan(s, entry, doc)
        return Submission(_plan_info(doc, principal), _version_info(version), True)


def _audit_plan(s: Session, entry: audit.AuditEntry, doc: PlanDoc) -> None:
    entry.object_id, entry.object_agency, entry.handling_code = (
        doc.id,
        doc.agency,
        doc.handling_code,
    )
    entry.status_code = entry.status_code or 202
    audit.append(s, entry)


def find(db: Database, principal: Principal, plan_id: str) -> PlanInfo | None:
    with db.read() as s:
        doc = _visible(s, principal, plan_id)
        return None if doc is None else _plan_info(doc, principal)


def list_plans(db: Database, principal: Principal, limit: int, offset: int) -> list[PlanInfo]:
    with db.read() as s:
        docs = s.scalars(
            _visible_query(principal)
            .order_by(PlanDoc.created_at.desc(), PlanDoc.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return [_plan_info(d, principal) for d in docs]


def version(db: Database, plan_id: str, number: int) -> VersionInfo | None:
    with db.read() as s:
        v = s.get(Version, (plan_id, number))
        return None if v is None else _version_info(v)


def latest_done(db: Database, plan_id: str) -> VersionInfo | None:
    with db.read() as s:
        v = s.scalar(
            select(Version)
            .where(Version.plan_id == plan_id, Version.status == "done")
            .order_by(Version.number.desc())
            .limit(1)
        )
        return None if v is None else _version_info(v)


def versions(db: Database, plan_id: str) -> list[VersionInfo]:
    with db.read() as s:
        rows = s.scalars(
            select(Version).where(Version.plan_id == plan_id).order_by(Version.number)
        ).all()
        return [_version_info(v) for v in rows]


def scenario_of(db: Database, plan_id: str, number: int) -> str | None:
    with db.read() as s:
        return s.scalar(
            select(Version.scenario_json).where(
                Version.plan_id == plan_id, Version.number == number
            )
        )


def artifact(db: Database, plan_id: str, number: int, kind: str) -> tuple[str, bytes] | None:
    with db.read() as s:
        row = s.get(Artifact, (plan_id, number, kind))
        return None if row is None else (row.media_type, row.content)


def add_event_version(
    db: Database,
    principal: Principal,
    plan_id: str,
    *,
    base: int,
    event_json: str,
    scenario_json: str,
    deadline_seconds: float,
    entry: audit.AuditEntry,
) -> VersionInfo:
    """Queue version base+1, computed from version ``base`` and the event."""
    now = utcnow()
    with db.begin() as s:
        doc = s.get(PlanDoc, plan_id)
        assert doc is not None
        if doc.latest_version != base:
            raise ConflictError(
                "version_in_progress",
                f"version {doc.latest_version} is newer than the plan the event refers to",
                "plan",
            )
        doc.latest_version = base + 1
        v = Version(
            plan_id=plan_id,
            number=base + 1,
            status="queued",
            attempt=0,
            deadline_seconds=deadline_seconds,
            cancel_requested=False,
            scenario_json=scenario_json,
            event_json=event_json,
            created_by=principal.id,
            created_at=now,
        )
        s.add(v)
        s.flush()
        _audit_plan(s, entry, doc)
        info = _version_info(v)
    entry.written = True
    return info


def request_cancel(db: Database, plan_id: str, number: int) -> str:
    """Mark a version cancelled (queued) or ask its worker to stop (running); return the status."""
    with db.begin() as s:
        v = s.get(Version, (plan_id, number))
        assert v is not None
        if v.status == "queued":
            v.status, v.finished_at = "cancelled", utcnow()
            v.error_code, v.error_message = "cancelled", "cancelled before it started"
        elif v.status == "running":
            v.cancel_requested = True
        return v.status


def grants(db: Database, plan_id: str) -> list[tuple[str, datetime]]:
    with db.read() as s:
        rows = s.execute(
            select(Grant.agency, Grant.created_at)
            .where(Grant.plan_id == plan_id)
            .order_by(Grant.agency)
        ).all()
        return [(r[0], r[1]) for r in rows]


def grant(db: Database, principal: Principal, plan_id: str, agency: str) -> bool:
    """Let ``agency`` read the plan; False if it already could."""
    with db.begin() as s:
        if s.get(Grant, (plan_id, agency)) is not None:
            return False
        s.add(Grant(plan_id=plan_id, agency=agency, granted_by=principal.id, created_at=utcnow()))
        return True


def revoke(db: Database, plan_id: str, agency: str) -> bool:
    with db.begin() as s:
        row = s.get(Grant, (plan_id, agency))
        if row is None:
            return False
        s.delete(row)
        return True


def access_report(db: Database, plan_id: str, limit: int, offset: int) -> list[AuditRow]:
    """Who read or tried to change this plan, from the audit log (AC-7)."""
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditRow)
                .where(AuditRow.object_id == plan_id)
                .order_by(AuditRow.seq)
                .limit(limit)
                .offset(offset)
            ).all()
        )
