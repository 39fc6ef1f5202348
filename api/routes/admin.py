"""Administration (users, queue) and the audit log (auditors only; reading it is audited too)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.db.clock import as_utc
from api.deps import CtxDep
from api.routes.common import MAX_PAGE, responses
from api.schemas import (
    AuditOut,
    AuditPage,
    AuditVerdict,
    NewUserOut,
    Queue,
    UserIn,
    UserList,
    UserOut,
)
from api.store import auditlog, jobs, users

router = APIRouter(tags=["administration"])


@router.get(
    "/v1/admin/users", name="admin.users.read", response_model=UserList, responses=responses(422)
)
def list_users(
    ctx: CtxDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> UserList:
    found = users.list_users(ctx.db, limit, offset)
    return UserList(
        items=[UserOut(id=u.id, name=u.name, role=u.role.value, agency=u.agency) for u in found],
        limit=limit,
        offset=offset,
    )


@router.post(
    "/v1/admin/users",
    name="admin.users.write",
    response_model=NewUserOut,
    status_code=201,
    responses=responses(409, 413, 422),
    summary="Create a user; the token is shown once",
)
def add_user(ctx: CtxDep, body: UserIn) -> NewUserOut:
    new = users.add_user(ctx.db, body.name, body.role, body.agency)
    ctx.entry.object_id = new.principal.id
    p = new.principal
    return NewUserOut(id=p.id, name=p.name, role=p.role.value, agency=p.agency, token=new.token)


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
    "/v1/audit/verify", name="audit.verify", response_model=AuditVerdict, responses=responses()
)
def verify_audit(ctx: CtxDep) -> AuditVerdict:
    v = auditlog.verify(ctx.db)
    return AuditVerdict(
        ok=v.ok, rows=v.rows, first_bad_seq=v.first_bad_seq, problem=v.problem, head=v.head
    )
