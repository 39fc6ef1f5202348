"""Grants (the owner agency lets another agency read a plan) and the owner's access report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from api.db.clock import as_utc
from api.deps import ApiError, CtxDep
from api.routes.common import MAX_PAGE, marked, responses
from api.schemas import AccessReport, AccessRow, GrantIn, GrantList, GrantOut
from api.security import agency_id
from api.store import sharing

router = APIRouter(prefix="/v1/plans", tags=["sharing"])
Agency = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="Agency id")]


def _grants(ctx: CtxDep, plan_id: str, handling_code: str, status: int = 200) -> JSONResponse:
    items = [GrantOut(agency=a, created_at=as_utc(t)) for a, t in sharing.grants(ctx.db, plan_id)]
    out = GrantList(id=plan_id, handling_code=handling_code, items=items)
    return JSONResponse(
        out.model_dump(mode="json"), status_code=status, headers=marked(handling_code)
    )


@router.get(
    "/{plan_id}/grants",
    name="plans.grants.read",
    response_model=GrantList,
    responses=responses(404),
)
def list_grants(ctx: CtxDep, plan_id: str) -> JSONResponse:
    info = ctx.plan(plan_id, "plans.grants.read")
    return _grants(ctx, info.id, info.handling_code)


@router.post(
    "/{plan_id}/grants",
    name="plans.grants.write",
    response_model=GrantList,
    status_code=201,
    responses=responses(404, 413, 422),
    summary="Let another agency read this plan (owner agency only)",
)
def add_grant(ctx: CtxDep, plan_id: str, grant: GrantIn) -> JSONResponse:
    info = ctx.plan(plan_id, "plans.grants.write")
    agency = agency_id(grant.agency)
    if agency == info.agency:
        raise ApiError(422, "grant_to_owner", "the owner agency can already read it", "agency")
    sharing.grant(ctx.db, ctx.principal, info.id, agency)
    return _grants(ctx, info.id, info.handling_code, 201)


@router.delete(
    "/{plan_id}/grants/{agency}",
    name="plans.grants.write",
    response_model=GrantList,
    responses=responses(404, 422),
    summary="Withdraw a grant (owner agency only)",
)
def remove_grant(ctx: CtxDep, plan_id: str, agency: Agency) -> JSONResponse:
    info = ctx.plan(plan_id, "plans.grants.write")
    if not sharing.revoke(ctx.db, info.id, agency_id(agency)):
        raise ApiError(404, "grant_not_found", "no grant to this agency", "agency")
    return _grants(ctx, info.id, info.handling_code)


@router.get(
    "/{plan_id}/access",
    name="plans.access",
    response_model=AccessReport,
    responses=responses(404, 422),
    summary="Who read or tried to change this plan (owner agency only)",
)
def access(
    ctx: CtxDep,
    plan_id: str,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    info = ctx.plan(plan_id, "plans.access")
    rows = sharing.access_report(ctx.db, info.id, limit, offset)
    items = [
        AccessRow(
            at=as_utc(r.at), user=r.user_name, agency=r.agency, action=r.action, outcome=r.outcome
        )
        for r in rows
    ]
    out = AccessReport(id=info.id, handling_code=info.handling_code, items=items)
    return JSONResponse(out.model_dump(mode="json"), headers=marked(info.handling_code))
