"""Adopting a plan (its teams' hours become commitments) and releasing it (owner agency)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.commitments import adopt
from api.deps import CtxDep
from api.routes.common import marked, responses
from api.schemas import AdoptedOut, ReleasedOut
from api.store import commitments

router = APIRouter(prefix="/v1/plans", tags=["commitments"])


@router.post(
    "/{plan_id}/adopt",
    name="plans.adopt",
    response_model=AdoptedOut,
    responses=responses(404, 409),
    summary="Adopt the latest plan: its teams are committed; 409 naming a team committed "
    "elsewhere at those hours",
)
async def adopt_plan(ctx: CtxDep, plan_id: str) -> JSONResponse:
    info = await run_in_threadpool(ctx.plan, plan_id, "plans.adopt")
    v, done = await run_in_threadpool(
        lambda: adopt(ctx.db, ctx.principal, info.id, geo=ctx.services.geo, entry=ctx.entry)
    )
    out = AdoptedOut(
        id=info.id,
        version=v.number,
        handling_code=info.handling_code,
        commitments=done.commitments,
        replaced=done.replaced,
    )
    return JSONResponse(
        out.model_dump(mode="json", by_alias=True), headers=marked(info.handling_code)
    )


@router.post(
    "/{plan_id}/release",
    name="plans.release",
    response_model=ReleasedOut,
    responses=responses(404, 409),
    summary="Release the plan: its teams' commitments are freed",
)
def release(ctx: CtxDep, plan_id: str) -> JSONResponse:
    info = ctx.plan(plan_id, "plans.release")
    freed = commitments.release(ctx.db, info.id, entry=ctx.entry)
    out = ReleasedOut(id=info.id, handling_code=info.handling_code, released=freed)
    return JSONResponse(out.model_dump(mode="json"), headers=marked(info.handling_code))
