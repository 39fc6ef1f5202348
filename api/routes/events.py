"""Events during an operation: each makes a new plan version from the latest done one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import CtxDep
from api.events import report_event
from api.routes.common import invalid, json_body, json_body_schema, marked, responses
from api.schemas import Accepted, links
from planner.io import ScenarioError
from planner.replan.kinds import parse_event

router = APIRouter(prefix="/v1/plans", tags=["events"])
EVENT_BODY = json_body_schema("Event")


@router.post(
    "/{plan_id}/events",
    name="plans.event",
    status_code=202,
    response_model=Accepted,
    responses=responses(404, 409, 413, 415, 422, 507),
    openapi_extra=EVENT_BODY,
    summary="Report an event (delay, deviation, team lost, crossing closed): a new version",
)
async def post_event(request: Request, ctx: CtxDep, plan_id: str) -> JSONResponse:
    info = await run_in_threadpool(ctx.plan, plan_id, "plans.event")
    data, _ = await json_body(request, "event")
    try:
        event = parse_event(data)
    except ScenarioError as exc:
        raise invalid(exc, "event_invalid", "the event is not valid", data) from None
    try:
        v = await run_in_threadpool(
            lambda: report_event(
                ctx.db,
                ctx.principal,
                info.id,
                event,
                data,
                geo=ctx.services.geo,
                settings=ctx.services.settings,
                entry=ctx.entry,
                limits=ctx.limits,
            )
        )
    except ScenarioError as exc:
        raise invalid(exc, "event_invalid", "the event does not fit this plan", data) from None
    ctx.services.wake()
    out = Accepted(
        id=info.id,
        version=v.number,
        status=v.status,
        handling_code=info.handling_code,
        links=links(info.id),
    )
    return JSONResponse(
        out.model_dump(mode="json"), status_code=202, headers=marked(info.handling_code)
    )
