"""Events during an operation: each makes a new plan version from the latest done one."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import ApiError, CtxDep
from api.routes.common import deadline, invalid, json_body, json_body_schema, marked, responses
from api.schemas import Accepted, links
from api.store import plans
from planner.io import ScenarioError, parse_scenario
from planner.plan import Plan

router = APIRouter(prefix="/v1/plans", tags=["events"])
EVENT_BODY = json_body_schema("Event")


@router.post(
    "/{plan_id}/events",
    name="plans.event",
    status_code=202,
    response_model=Accepted,
    responses=responses(404, 409, 413, 415, 422),
    openapi_extra=EVENT_BODY,
    summary="Report an event (delay, deviation, team lost, crossing closed): a new version",
)
async def post_event(request: Request, ctx: CtxDep, plan_id: str) -> JSONResponse:
    info = await run_in_threadpool(ctx.plan, plan_id, "plans.event")
    data, _ = await json_body(request)
    from planner.replan.events import apply_event
    from planner.replan.kinds import parse_event

    try:
        event = parse_event(data)
    except ScenarioError as exc:
        raise invalid(exc, "event_invalid", "the event is not valid") from None
    base = await run_in_threadpool(plans.version, ctx.db, info.id, info.latest_version)
    if base is None or base.status != "done" or base.plan_json is None:
        raise ApiError(409, "plan_not_ready", "the latest version is not done yet", "plan_id")
    if base.plan_status not in ("optimal", "feasible"):
        raise ApiError(
            409, "no_plan_to_change", f"the latest version is {base.plan_status}", "plan_id"
        )
    scenario_json = await run_in_threadpool(plans.scenario_of, ctx.db, info.id, base.number)
    assert scenario_json is not None
    scenario = parse_scenario(json.loads(scenario_json))
    previous = Plan.model_validate_json(base.plan_json)
    try:
        # Checked here so that a wrong team or crossing id is a 422 now, not a failed job later.
        await run_in_threadpool(apply_event, scenario, previous, event, ctx.services.geo)
    except ScenarioError as exc:
        raise invalid(exc, "event_invalid", "the event does not fit this plan") from None
    v = await run_in_threadpool(
        lambda: plans.add_event_version(
            ctx.db,
            ctx.principal,
            info.id,
            base=base.number,
            event_json=json.dumps(data, sort_keys=True),
            scenario_json=scenario_json,
            deadline_seconds=deadline(scenario, ctx.services.settings),
            entry=ctx.entry,
        )
    )
    out = Accepted(
        id=info.id,
        version=v.number,
        status="queued",
        handling_code=info.handling_code,
        links=links(info.id),
    )
    return JSONResponse(
        out.model_dump(mode="json"), status_code=202, headers=marked(info.handling_code)
    )
