"""Reading the audit log: pages of rows, and the chain check (writing is ``api.db.audit``)."""

from __future__ import annotations

from sqlalchemy import select

from api.db import audit
from api.db.tables import AuditRow
from api.store.database import Database


def page(db: Database, after: int, limit: int) -> list[AuditRow]:
    """Up to ``limit`` rows after sequence number ``after``, in order."""
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(limit)
            ).all()
        )


def verify(db: Database, head: str | None = None) -> audit.Verdict:
    """Walk the whole chain, and check it still holds ``head`` (see ``api.db.audit.verify``)."""
    with db.read() as s:
        return audit.verify(s, head=head)


def head(db: Database) -> tuple[int, str]:
    """The last row's number and hash: export it off this host to check the chain against."""
    with db.read() as s:
        return audit.head(s)
