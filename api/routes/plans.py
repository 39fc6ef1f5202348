"""Submitting plans, reading their status, listing, versions, cancelling."""

from __future__ import annotations

import json
import re
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.db.states import JobState
from api.deps import ApiError, CtxDep
from api.routes.common import (
    MAX_PAGE,
    invalid,
    job_error,
    json_body,
    json_body_schema,
    marked,
    responses,
    status_document,
    wait_stopped,
)
from api.schemas import (
    Accepted,
    PlanDocument,
    PlanList,
    PlanSummary,
    VersionList,
    VersionOut,
    links,
)
from api.store import plans, versions
from planner.io import ScenarioError, parse_scenario

router = APIRouter(prefix="/v1/plans", tags=["plans"])
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
SCENARIO_BODY = json_body_schema("Scenario")


@router.post(
    "",
    name="plans.submit",
    status_code=202,
    response_model=Accepted,
    responses=responses(409, 413, 415, 422, 507),
    openapi_extra=SCENARIO_BODY,
    summary="Submit a scenario; answered once the job is stored",
)
async def submit(
    request: Request,
    ctx: CtxDep,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=128, description="Same key and body give the same plan (24 h)"),
    ] = None,
) -> JSONResponse:
    data, body_hash = await json_body(request)
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
        raise ApiError(
            422, "idempotency_key_format", "use 1-128 visible ASCII characters", "Idempotency-Key"
        )
    try:
        scenario = parse_scenario(data)
    except ScenarioError as exc:
        raise invalid(exc, "scenario_invalid", "the scenario is not valid", data) from None
    settings = ctx.services.settings
    new = plans.NewPlan(
        scenario_json=scenario.model_dump_json(by_alias=True, exclude_none=True),
        operation_id=scenario.operation.id,
        handling_code=scenario.operation.handling_code.value,
        deadline_seconds=settings.job_deadline(scenario.solver.time_limit_seconds),
        idempotency=None if idempotency_key is None else (idempotency_key, body_hash),
    )
    result = await run_in_threadpool(
        lambda: plans.submit(ctx.db, ctx.principal, new, entry=ctx.entry, limits=ctx.limits)
    )
    if result.created:
        ctx.services.wake()
    out = Accepted(
        id=result.plan.id,
        version=result.version.number,
        status=result.version.status,
        handling_code=result.plan.handling_code,
        links=links(result.plan.id),
    )
    headers = {**marked(result.plan.handling_code), "location": f"/v1/plans/{result.plan.id}"}
    return JSONResponse(out.model_dump(mode="json"), status_code=202, headers=headers)


@router.get("", name="plans.list", response_model=PlanList, responses=responses(422))
def list_plans(
    ctx: CtxDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Items to skip")] = 0,
) -> PlanList:
    items = plans.list_plans(ctx.db, ctx.principal, limit, offset)
    return PlanList(
        items=[
            PlanSummary(
                id=p.id,
                version=p.latest_version,
                handling_code=p.handling_code,
                agency=p.agency,
                operation=p.operation_id,
                created_at=p.created_at,
                owner=p.owner,
            )
            for p in items
        ],
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{plan_id}",
    name="plans.read",
    responses={200: {"model": PlanDocument}, **responses(404, 422)},
    response_class=Response,
    summary="Job status and, once done, the plan",
)
def read(
    ctx: CtxDep,
    plan_id: str,
    version: Annotated[int | None, Query(ge=1, le=10_000, description="A given version")] = None,
) -> Response:
    info = ctx.plan(plan_id, "plans.read")
    number = version or info.latest_version
    latest = versions.version(ctx.db, info.id, number)
    if latest is None:
        raise ApiError(404, "version_not_found", "no such version", "version")
    done = (
        latest
        if latest.status is JobState.done
        else (None if version else versions.latest_done(ctx.db, info.id))
    )
    return status_document(info, latest, done)


@router.delete(
    "/{plan_id}",
    name="plans.cancel",
    responses={200: {"model": PlanDocument}, **responses(404, 409)},
    response_class=Response,
    summary="Cancel the running or queued version; waits until its worker has stopped",
)
async def cancel(ctx: CtxDep, plan_id: str) -> Response:
    info = await run_in_threadpool(ctx.plan, plan_id, "plans.cancel")
    number = info.latest_version
    await run_in_threadpool(versions.request_cancel, ctx.db, info.id, number)
    wait = ctx.services.settings.cancel_wait_seconds
    current = await wait_stopped(ctx.db, info.id, number, wait)
    done = await run_in_threadpool(versions.latest_done, ctx.db, info.id)
    return status_document(info, current, done)


@router.get(
    "/{plan_id}/versions",
    name="plans.versions",
    response_model=VersionList,
    responses=responses(404),
)
def list_versions(ctx: CtxDep, plan_id: str) -> JSONResponse:
    info = ctx.plan(plan_id, "plans.versions")
    items = [
        VersionOut(
            number=v.number,
            status=v.status,
            plan_status=v.plan_status,
            attempts=v.attempt,
            event=None if v.event_json is None else json.loads(v.event_json),
            failed_outputs=v.output_errors,
            created_at=v.created_at,
            finished_at=v.finished_at,
            error=job_error(v),
        )
        for v in versions.versions(ctx.db, info.id)
    ]
    out = VersionList(id=info.id, handling_code=info.handling_code, items=items)
    return JSONResponse(out.model_dump(mode="json"), headers=marked(info.handling_code))
