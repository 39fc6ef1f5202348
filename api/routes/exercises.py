"""Trainers judge a trainee's plan against an exercise plan (the exercise namespace only)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.db.states import TaskKind
from api.deps import CtxDep
from api.judging import submit_judgement
from api.routes.common import invalid, json_body, json_body_schema, responses
from api.routes.tasks import Number, accepted, document, find, page
from api.schemas import JudgementDocument, TaskAccepted
from api.store.tasks import DEBRIEF
from planner.exercises.judge import Judgement
from planner.exercises.trainee import parse_trainee
from planner.io import ScenarioError

router = APIRouter(prefix="/v1/exercises", tags=["exercises"])


@router.post(
    "/{plan_id}/judge",
    name="exercises.judge",
    status_code=202,
    response_model=TaskAccepted,
    responses=responses(404, 409, 413, 415, 422, 507),
    openapi_extra=json_body_schema("TraineePlan"),
    summary="Judge a trainee's plan against this exercise plan (a job: its score, its debrief)",
)
async def judge(request: Request, ctx: CtxDep, plan_id: str) -> JSONResponse:
    info = await run_in_threadpool(ctx.plan, plan_id, "exercises.judge")
    data, _ = await json_body(request, "plan")
    try:
        trainee = parse_trainee(data)
    except ScenarioError as exc:
        raise invalid(exc, "trainee_invalid", "the trainee's plan is not valid", data) from None
    try:
        task = await run_in_threadpool(
            lambda: submit_judgement(
                ctx.db,
                ctx.principal,
                info.id,
                trainee,
                geo=ctx.services.geo,
                settings=ctx.services.settings,
                entry=ctx.entry,
                limits=ctx.limits,
            )
        )
    except ScenarioError as exc:
        raise invalid(exc, "trainee_invalid", "the trainee's plan does not fit", data) from None
    ctx.services.wake()
    return accepted(info, task)


@router.get(
    "/{plan_id}/judgements/{number}",
    name="exercises.judgements.read",
    response_model=JudgementDocument,
    responses=responses(404, 422),
    summary="A judgement: its job's status and, once done, the verdict",
)
def read_judgement(ctx: CtxDep, plan_id: str, number: Number) -> JSONResponse:
    info = ctx.plan(plan_id, "exercises.judgements.read")
    task = find(ctx, info, TaskKind.judgement, ctx.principal.agency, number)
    result = {}
    if task.result_json is not None:
        result["judgement"] = Judgement.model_validate_json(task.result_json)
    return document(info, task, JudgementDocument, result)


@router.get(
    "/{plan_id}/judgements/{number}/debrief",
    name="exercises.judgements.read",
    operation_id="exercises_judgements_debrief",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "Debrief"},
        **responses(404, 409, 422),
    },
    summary="The debrief of a judgement (HTML): the trainee's plan and the optimum side by side",
)
def debrief(ctx: CtxDep, plan_id: str, number: Number) -> Response:
    info = ctx.plan(plan_id, "exercises.judgements.read")
    task = find(ctx, info, TaskKind.judgement, ctx.principal.agency, number)
    return page(ctx, info, task, DEBRIEF)
