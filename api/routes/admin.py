"""Administration (the queue) and the audit log (auditors only; reading it is audited too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.db.clock import as_utc
from api.deps import CtxDep
from api.routes.common import MAX_PAGE, responses
from api.schemas import AuditOut, AuditPage, AuditVerdict, Queue
from api.store import auditlog, jobs

router = APIRouter(tags=["administration"])


@router.get("/v1/admin/queue", name="admin.queue", response_model=Queue, responses=responses())
def queue(ctx: CtxDep) -> Queue:
    sup = ctx.services.supervisor
    return Queue(counts=jobs.counts(ctx.db), running_here=len(sup.running) if sup else 0)


@router.get("/v1/audit", name="audit.read", response_model=AuditPage, responses=responses(422))
def read_audit(
    ctx: CtxDep,
    after: Annotated[int, Query(ge=0, description="Rows after this sequence number")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> AuditPage:
    items = [
        AuditOut(
            **{name: getattr(r, name) for name in AuditOut.model_fields if name != "at"},
            at=as_utc(r.at),
        )
        for r in auditlog.page(ctx.db, after, limit)
    ]
    return AuditPage(items=items, limit=limit, after=after)


@router.get(
    "/v1/audit/verify",
    name="audit.verify",
    response_model=AuditVerdict,
    responses=responses(422),
)
def verify_audit(
    ctx: CtxDep,
    head: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9a-f]{64}$",
            description="A head hash exported earlier: the chain must still hold it",
        ),
    ] = None,
) -> AuditVerdict:
    v = auditlog.verify(ctx.db, head)
    return AuditVerdict(
        ok=v.ok, rows=v.rows, first_bad_seq=v.first_bad_seq, problem=v.problem, head=v.head
    )
