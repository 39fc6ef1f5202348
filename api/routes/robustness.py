"""Robustness studies of a plan: how often it holds on sampled worlds (a job)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.db.states import TaskKind
from api.deps import CtxDep
from api.routes.common import responses
from api.routes.tasks import Number, accepted, document, find, page
from api.schemas import RobustnessDocument, RobustnessIn, TaskAccepted
from api.store.tasks import STUDY_MAP
from api.studies import submit_study
from planner.robust.report import Robustness

router = APIRouter(prefix="/v1/plans", tags=["robustness"])


@router.post(
    "/{plan_id}/robustness",
    name="plans.robustness",
    status_code=202,
    response_model=TaskAccepted,
    responses=responses(404, 409, 413, 422, 507),
    summary="Study how often the latest plan holds on sampled worlds (a job; owner agency)",
)
async def study(ctx: CtxDep, plan_id: str, body: RobustnessIn) -> JSONResponse:
    info = await run_in_threadpool(ctx.plan, plan_id, "plans.robustness")
    task = await run_in_threadpool(
        lambda: submit_study(
            ctx.db,
            ctx.principal,
            info.id,
            body,
            settings=ctx.services.settings,
            entry=ctx.entry,
            limits=ctx.limits,
        )
    )
    ctx.services.wake()
    return accepted(info, task)


@router.get(
    "/{plan_id}/robustness/{number}",
    name="plans.robustness.read",
    response_model=RobustnessDocument,
    responses=responses(404, 422),
    summary="A robustness study: its job's status and, once done, the figures",
)
def read_study(ctx: CtxDep, plan_id: str, number: Number) -> JSONResponse:
    info = ctx.plan(plan_id, "plans.robustness.read")
    # Studies are the owner agency's, about its plan: whoever may read the plan reads them.
    task = find(ctx, info, TaskKind.robustness, info.agency, number)
    result = {}
    if task.result_json is not None:
        result["robustness"] = Robustness.model_validate_json(task.result_json)
    return document(info, task, RobustnessDocument, result)


@router.get(
    "/{plan_id}/robustness/{number}/map",
    name="plans.robustness.read",
    operation_id="plans_robustness_map",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "Map"},
        **responses(404, 409, 422),
    },
    summary="The plan's map with how often each handover holds (HTML)",
)
def study_map(ctx: CtxDep, plan_id: str, number: Number) -> Response:
    info = ctx.plan(plan_id, "plans.robustness.read")
    task = find(ctx, info, TaskKind.robustness, info.agency, number)
    return page(ctx, info, task, STUDY_MAP)
