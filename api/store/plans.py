"""Plans as clients see them: submit, find (agency-scoped), list.

A plan is visible to a principal when its agency owns it or holds a grant, and the plan is in the
principal's namespace (exercise for trainers, operational for everyone else). Anything else is
"not found", exactly like an id that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import audit
from api.db.clock import as_utc, utcnow
from api.db.states import JobState
from api.db.tables import Grant, IdempotencyKey, PlanDoc, Version
from api.security import Principal
from api.store import quotas
from api.store.database import ConflictError, Database, UnprocessableError
from api.store.quotas import Limits
from api.store.versions import VersionInfo, audit_plan, version_info


@dataclass(frozen=True)
class PlanInfo:
    """A plan as the caller may see it (``owner``: the caller's agency owns it)."""

    id: str
    agency: str
    handling_code: str
    exercise: bool
    operation_id: str
    created_at: datetime
    latest_version: int
    owner: bool


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
    limits: Limits,
) -> Submission:
    """Store the plan and its first job durably, with the audit row, in one transaction.

    Raises:
        BusyError: the agency's queue (of this namespace) is full.
        InsufficientStorageError: a quota of the agency is used up.
        UnprocessableError: the Idempotency-Key was used with another body.
    """
    for _ in range(2):
        try:
            done = _submit_once(db, principal, new, entry, limits)
            entry.written = True  # committed together with the plan
            return done
        except IntegrityError:
            # Another request with the same Idempotency-Key won the race: read its result.
            continue
    raise ConflictError(
        "idempotency_in_flight", "a request with this key is in flight", "Idempotency-Key"
    )


def _submit_once(
    db: Database, principal: Principal, new: NewPlan, entry: audit.AuditEntry, limits: Limits
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
                audit_plan(s, entry, doc)
                return Submission(_plan_info(doc, principal), version_info(first), False)
        quotas.check(s, principal.agency, principal.exercise, limits, new_plan=True)
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
            status=JobState.queued,
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
        audit_plan(s, entry, doc)
        return Submission(_plan_info(doc, principal), version_info(version), True)


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
