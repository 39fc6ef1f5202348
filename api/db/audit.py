"""The audit log: append-only and hash-chained (each row's hash covers the previous hash).

Editing, deleting or reordering any row breaks the chain from that row on, and ``verify`` names
the first row that does not chain. The database triggers stop UPDATE and DELETE through any
connection; the chain catches what a superuser with file access could still do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.db.clock import stamp, utcnow
from api.db.tables import AuditRow

GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "request_id",
    "user_id",
    "user_name",
    "agency",
    "role",
    "action",
    "method",
    "path",
    "object_id",
    "object_agency",
    "handling_code",
    "outcome",
    "status_code",
    "client",
)


@dataclass
class AuditEntry:
    """What one request did; filled by the gate and by the route, written once."""

    request_id: str
    action: str
    method: str
    path: str
    user_id: str | None = None
    user_name: str | None = None
    agency: str | None = None
    role: str | None = None
    object_id: str | None = None
    object_agency: str | None = None
    handling_code: str | None = None
    client: str | None = None
    outcome: str = "allowed"
    status_code: int = 0
    at: datetime = field(default_factory=utcnow)
    written: bool = False


def _digest(prev_hash: str, values: dict[str, object]) -> str:
    body = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _values(row: AuditRow) -> dict[str, object]:
    out: dict[str, object] = {name: getattr(row, name) for name in FIELDS}
    out["at"] = stamp(row.at)
    return out


def _lock(session: Session) -> None:
    # SQLite transactions here begin IMMEDIATE, which already serialises writers.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(424242)"))


def append(session: Session, entry: AuditEntry) -> AuditRow:
    """Add one row inside the caller's transaction: a write and its audit row commit together."""
    _lock(session)
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    row = AuditRow(
        seq=seq,
        at=entry.at,
        request_id=entry.request_id,
        user_id=entry.user_id,
        user_name=entry.user_name,
        agency=entry.agency,
        role=entry.role,
        action=entry.action,
        method=entry.method,
        path=entry.path[:256],
        object_id=entry.object_id,
        object_agency=entry.object_agency,
        handling_code=entry.handling_code,
        outcome=entry.outcome,
        status_code=entry.status_code,
        client=entry.client,
        prev_hash=prev,
        hash="",
    )
    row.hash = _digest(prev, _values(row))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head: str = GENESIS


def verify(session: Session, batch: int = 5000, *, head: str | None = None) -> Verdict:
    """Walk the chain in order; stop at the first row whose link or hash is wrong.

    With ``head`` (a hash exported earlier, kept off this host), the chain must also still pass
    through it: rewriting every row from some point on, hashes and all, leaves a chain that
    verifies by itself but no longer holds the exported head.
    """
    prev, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    seen_head = head is None
    while True:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.seq > last_seq).order_by(AuditRow.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return Verdict(False, count, expected_seq, "a row is missing", prev)
            if row.prev_hash != prev:
                return Verdict(
                    False, count, row.seq, "the link to the previous row is broken", prev
                )
            if _digest(prev, _values(row)) != row.hash:
                return Verdict(False, count, row.seq, "the row was changed", prev)
            prev, expected_seq, count = row.hash, expected_seq + 1, count + 1
            last_seq = row.seq
            seen_head = seen_head or row.hash == head
    total = session.scalar(select(func.count()).select_from(AuditRow)) or 0
    if total != count:
        return Verdict(False, count, expected_seq, "rows out of order", prev)
    if not seen_head:
        return Verdict(
            False, count, None, "the exported head is not in the chain: rows were rewritten", prev
        )
    return Verdict(True, count, None, None, prev)


def head(session: Session) -> tuple[int, str]:
    """The last row's number and hash (0 and the genesis hash for an empty log)."""
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)
