"""Rate limits counted in the database, so that every server on one database enforces one limit.

The audit log already holds a row for every request, with who sent it, from where, what it did
and when: a limit is the number of such rows in the last minute. Nothing is written to count a
request. Requests refused for their rate (429) do not count. The count is read when a request
arrives and its own row is written when it is answered, so requests arriving at the same moment
may each see room for one more: a burst can pass a limit by the number of requests in flight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from api.db.clock import as_utc, utcnow
from api.db.tables import AuditRow
from api.store.database import Database

WINDOW_SECONDS = 60.0
RATE_LIMITED = 429


@dataclass(frozen=True)
class Budget:
    """Which audit rows one limit counts: by user or by client address, optionally only some
    actions, method and statuses."""

    limit: int
    user_id: str | None = None
    client: str | None = None
    actions: frozenset[str] = frozenset()
    method: str | None = None
    statuses: frozenset[int] = frozenset()  # count only these (all but 429 when empty)
    excluded: frozenset[int] = frozenset()  # never count these


def wait_seconds(db: Database, budget: Budget) -> int:
    """0 if one more request fits in the budget, else the seconds until one does."""
    now = utcnow()
    query = select(AuditRow.at).where(AuditRow.at > now - timedelta(seconds=WINDOW_SECONDS))
    if budget.user_id is not None:
        query = query.where(AuditRow.user_id == budget.user_id)
    if budget.client is not None:
        query = query.where(AuditRow.client == budget.client, AuditRow.user_id.is_(None))
    if budget.actions:
        query = query.where(AuditRow.action.in_(sorted(budget.actions)))
    if budget.method is not None:
        query = query.where(AuditRow.method == budget.method)
    if budget.statuses:
        query = query.where(AuditRow.status_code.in_(sorted(budget.statuses)))
    excluded = {RATE_LIMITED, *budget.excluded}
    query = query.where(AuditRow.status_code.not_in(sorted(excluded)))
    # The budget-th most recent row: while it is in the window, the budget is spent.
    query = query.order_by(AuditRow.at.desc()).limit(1).offset(budget.limit - 1)
    with db.read() as s:
        at = s.scalar(query)
    if at is None:
        return 0
    left = (as_utc(at) - now).total_seconds() + WINDOW_SECONDS
    return max(1, math.ceil(left))
