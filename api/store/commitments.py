"""Commitments of adopted plans: adopt, release, and the ledger a new plan is planned around.

An operation is an owner agency's operation id: two plans of one agency with one operation id
are versions of one operation (adopting the later replaces the earlier's commitments), and the
same id in two agencies names two operations. A commitment is in force until its hours are over:
a finished operation frees its teams by itself.

Who sees whose commitments:

- planning around (``ledger``): those of the plans the planning agency may read (its own and
  those granted to it), in the plan's namespace;
- refusing an adoption (``adopt``): in the operational namespace every agency's, since a team
  cannot be in two places whoever asked for it, told as "committed elsewhere" unless the caller
  owns the other operation; in the exercise namespace only those the agency may read, so that
  one agency's exercises never collide with another's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, select, text
from sqlalchemy.orm import Session

from api.db import audit
from api.db.clock import as_utc, utcnow
from api.db.tables import CommitmentRow, Grant, PlanDoc
from api.security import Principal
from api.store.database import ConflictError, Database
from api.store.versions import audit_plan
from planner.commitments import Commitment, conflicts, describe

# Adoptions are serialised: two plans adopted at once must not both find the other's teams free.
_ADOPT_LOCK = 424243


@dataclass(frozen=True)
class Adopted:
    """What an adoption committed, and the plans of the same operation it replaced."""

    commitments: list[Commitment]
    replaced: list[str]


def _readable_by(agency: str) -> ColumnElement[bool]:
    granted = exists().where(Grant.plan_id == CommitmentRow.plan_id, Grant.agency == agency)
    return (CommitmentRow.plan_agency == agency) | granted


def _as_commitment(row: CommitmentRow, agency: str) -> Commitment:
    """A row as the planner takes it; another agency's operation id is qualified by its agency,
    so that it never passes for one of the caller's own operations of the same name."""
    operation = (
        row.operation if row.plan_agency == agency else f"{row.operation} ({row.plan_agency})"
    )
    return Commitment.model_validate(
        {
            "operation": operation,
            "plan": row.plan_id,
            "team": row.team,
            "agency": row.agency,
            "from": as_utc(row.committed_from),
            "to": as_utc(row.committed_to),
        }
    )


def _others(s: Session, doc: PlanDoc, now: datetime, *, everyone: bool) -> list[CommitmentRow]:
    """Commitments in force of the plan's namespace but of other operations (``everyone``: of
    every agency, else of the plans the plan's agency may read)."""
    query = select(CommitmentRow).where(
        CommitmentRow.exercise == doc.exercise,
        CommitmentRow.committed_to > now,
        CommitmentRow.plan_id != doc.id,
        ~(
            (CommitmentRow.plan_agency == doc.agency)
            & (CommitmentRow.operation == doc.operation_id)
        ),
    )
    if not everyone:
        query = query.where(_readable_by(doc.agency))
    return list(s.scalars(query).all())


def ledger(db: Database, plan_id: str, now: datetime | None = None) -> list[Commitment]:
    """The commitments the plan is planned around (see the module doc)."""
    with db.read() as s:
        doc = s.get(PlanDoc, plan_id)
        assert doc is not None
        rows = _others(s, doc, now or utcnow(), everyone=False)
        return [_as_commitment(r, doc.agency) for r in rows]


def adopt(
    db: Database,
    principal: Principal,
    plan_id: str,
    version: int,
    new: list[Commitment],
    *,
    entry: audit.AuditEntry,
    now: datetime | None = None,
) -> Adopted:
    """Commit the plan's teams, with the request's audit row, in one transaction.

    Raises:
        ConflictError: a team is committed to another operation at overlapping hours (each
            conflict in ``errors``, the other operation named only to its owner).
    """
    now = now or utcnow()
    with db.begin() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text(f"SELECT pg_advisory_xact_lock({_ADOPT_LOCK})"))
        doc = s.get(PlanDoc, plan_id)
        assert doc is not None
        teams = {(c.team, c.agency) for c in new}
        others = [
            r
            for r in _others(s, doc, now, everyone=not doc.exercise)
            if (r.team, r.agency) in teams
        ]
        owners = {r.plan_id: r.plan_agency == principal.agency for r in others}
        clash = conflicts(new, [_as_commitment(r, doc.agency) for r in others])
        if clash:
            fix = "release the other plan, or plan this one again: it avoids committed teams"
            errors = [
                {"loc": "team", "msg": describe(c, owner=owners[c[1].plan]), "fix": fix}
                for c in clash
            ]
            raise ConflictError("committed_elsewhere", errors[0]["msg"], "plan_id", errors)
        same = (CommitmentRow.plan_agency == doc.agency) & (
            CommitmentRow.operation == doc.operation_id
        )
        mine = (CommitmentRow.plan_id == plan_id) | (
            same & (CommitmentRow.exercise == doc.exercise)
        )
        replaced = sorted(
            set(s.scalars(select(CommitmentRow.plan_id).where(mine)).all()) - {plan_id}
        )
        s.execute(delete(CommitmentRow).where(mine))
        for c in new:
            s.add(
                CommitmentRow(
                    id=str(uuid.uuid4()),
                    plan_id=plan_id,
                    version=version,
                    operation=c.operation,
                    plan_agency=doc.agency,
                    exercise=doc.exercise,
                    team=c.team,
                    agency=c.agency,
                    committed_from=c.from_,
                    committed_to=c.to,
                    created_by=principal.id,
                    created_at=now,
                )
            )
        entry.status_code = 200
        audit_plan(s, entry, doc)
    entry.written = True
    return Adopted(new, replaced)


def release(db: Database, plan_id: str, *, entry: audit.AuditEntry) -> int:
    """Free the plan's commitments, with the request's audit row; how many there were.

    Raises:
        ConflictError: the plan is not adopted.
    """
    with db.begin() as s:
        doc = s.get(PlanDoc, plan_id)
        assert doc is not None
        rows = s.scalars(select(CommitmentRow.id).where(CommitmentRow.plan_id == plan_id)).all()
        if not rows:
            raise ConflictError("not_adopted", "this plan has no commitments to release", "plan_id")
        s.execute(delete(CommitmentRow).where(CommitmentRow.plan_id == plan_id))
        entry.status_code = 200
        audit_plan(s, entry, doc)
    entry.written = True
    return len(rows)
