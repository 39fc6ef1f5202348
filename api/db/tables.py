"""The tables. A plan is a document with versions; each version is a solve job with a lease.

Times are UTC. Ids shown to clients are random UUIDv4 strings (never sequential).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str] = mapped_column(String(64), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: disabled
    # Created (or its token rotated) through the API: waits for a planner of its agency.
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(36))  # None: the host's CLI
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanDoc(Base):
    """A plan as a document: who owns it and how it is marked. Its content is in versions."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    handling_code: Mapped[str] = mapped_column(String(2))
    exercise: Mapped[bool] = mapped_column(Boolean)
    operation_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    latest_version: Mapped[int] = mapped_column(Integer)


class Version(Base):
    """One plan version and the job that computes it (queued -> running -> done|failed|cancelled).

    ``attempt`` fences completion: a worker may write only while the row is running with its
    attempt number, so a stale worker from an earlier attempt can never overwrite a result.
    """

    __tablename__ = "versions"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deadline_seconds: Mapped[float] = mapped_column()
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    scenario_json: Mapped[str] = mapped_column(Text)
    event_json: Mapped[str | None] = mapped_column(Text)
    # For a version made by an event: where it starts and what the event changed, decided when
    # the event was reported (planner.replan.version.ReplanContext as JSON).
    replan_json: Mapped[str | None] = mapped_column(Text)
    plan_json: Mapped[str | None] = mapped_column(Text)
    plan_status: Mapped[str | None] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    # Outputs of a done version that could not be rendered: JSON {name: reason}.
    output_errors: Mapped[str | None] = mapped_column(Text)
    # Bytes this version holds in the database (its texts and its outputs, not shared assets).
    stored_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # When the operation of a done version ends (its last segment's latest exit), UTC.
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the outputs of this version were removed under the retention setting.
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Artifact(Base):
    """A rendered output of a done version (map, timeline, briefing, GeoJSON, KML).

    ``content`` is compressed (``encoding``); the libraries an HTML page inlines are kept once,
    in ``blobs``, and ``assets`` lists those this page takes back when it is served. ``csp`` is
    the page's Content-Security-Policy: the hashes of its scripts, computed when it was made.
    """

    __tablename__ = "artifacts"
    __table_args__ = (
        ForeignKeyConstraint(["plan_id", "number"], ["versions.plan_id", "versions.number"]),
    )

    plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    encoding: Mapped[str] = mapped_column(String(16), default="identity")
    assets: Mapped[str | None] = mapped_column(Text)
    csp: Mapped[str | None] = mapped_column(Text)


class Blob(Base):
    """A shared asset (a script library inlined by every page), stored once by its SHA-256."""

    __tablename__ = "blobs"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)  # zlib
    size: Mapped[int] = mapped_column(Integer)  # uncompressed bytes
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Grant(Base):
    """The owner agency lets another agency read a plan."""

    __tablename__ = "grants"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), primary_key=True)
    granted_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    """Idempotency-Key per user: the same key and body give the same plan."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Append-only, hash-chained: hash = SHA-256(prev_hash || canonical row). Triggers forbid
    UPDATE and DELETE; the verifier finds the first row that does not chain."""

    __tablename__ = "audit"
    # Rate limits count a user's (or an address's) rows of the last minute, from the index alone.
    __table_args__ = (
        Index("ix_audit_user_at", "user_id", "at", "status_code"),
        Index("ix_audit_client_at", "client", "at", "status_code", "user_id"),
    )

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str | None] = mapped_column(String(36))
    user_name: Mapped[str | None] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(256))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    object_agency: Mapped[str | None] = mapped_column(String(64))
    handling_code: Mapped[str | None] = mapped_column(String(2))
    outcome: Mapped[str] = mapped_column(String(16))
    status_code: Mapped[int] = mapped_column(Integer)
    client: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Task(Base):
    """A job about one plan version that makes no new version: a trainee's plan judged against
    it, or a robustness study of it. The same states, lease and attempt fence as ``Version``.

    Numbered per plan, kind and asking agency: a judgement belongs to the agency that asked for
    it (its trainee's plan is that agency's), and its quotas pay for it.
    """

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "kind", "agency", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)  # the plan version it is about
    agency: Mapped[str] = mapped_column(String(64))
    exercise: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deadline_seconds: Mapped[float] = mapped_column()
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    input_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    stored_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TaskOutput(Base):
    """A page a task made (a judgement's debrief, a study's map), stored like ``Artifact``."""

    __tablename__ = "task_outputs"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    encoding: Mapped[str] = mapped_column(String(16), default="identity")
    assets: Mapped[str | None] = mapped_column(Text)
    csp: Mapped[str | None] = mapped_column(Text)


class CommitmentRow(Base):
    """A team's hours promised to an adopted plan's operation (``planner.commitments``).

    ``plan_agency`` owns the plan (who may be told which operation it is); ``agency`` is the
    team's. A plan's rows are replaced when it is adopted again and removed when it is released.
    """

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_team", "exercise", "team", "agency"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(64))
    plan_agency: Mapped[str] = mapped_column(String(64))
    exercise: Mapped[bool] = mapped_column(Boolean)
    team: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(64))
    committed_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    committed_to: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
