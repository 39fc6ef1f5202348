"""Grants (the owner agency lets another agency read a plan) and the owner's access report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from api.db.clock import utcnow
from api.db.tables import AuditRow, Grant
from api.security import Principal
from api.store.database import Database


def grants(db: Database, plan_id: str) -> list[tuple[str, datetime]]:
    """The agencies a plan is granted to, with when, by agency id."""
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
    """Withdraw a grant; False if there was none."""
    with db.begin() as s:
        row = s.get(Grant, (plan_id, agency))
        if row is None:
            return False
        s.delete(row)
        return True


def access_report(db: Database, plan_id: str, limit: int, offset: int) -> list[AuditRow]:
    """Who read or tried to change this plan, from the audit log: the owner agency sees every
    attempt on its plan, allowed or not."""
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
