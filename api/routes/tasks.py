"""What the routes of tasks share: their links, their documents, their pages.

A task (a judgement, a robustness study) is numbered per plan, kind and asking agency; its
document is its job's status and, once done, its result; its page is served like a plan's
outputs, with the same script policy.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import JSONResponse, Response

from api.db.states import JobState, TaskKind
from api.deps import ApiError, CtxDep
from api.routes.common import html_page, marked
from api.schemas import JobError, TaskAccepted, TaskDocument, TaskLinks
from api.store import outputs, plans, tasks

Number = Annotated[int, Path(ge=1, le=1_000_000, description="Its number on the plan (from 1)")]
# Where each kind lives, and the page it makes.
BASES = {
    TaskKind.judgement: "/v1/exercises/{id}/judgements",
    TaskKind.robustness: "/v1/plans/{id}/robustness",
}
PAGES = {TaskKind.judgement: "debrief", TaskKind.robustness: "map"}


def task_links(kind: TaskKind, plan_id: str, number: int) -> TaskLinks:
    base = f"{BASES[kind].format(id=plan_id)}/{number}"
    return TaskLinks(self=base, page=f"{base}/{PAGES[kind]}", plan=f"/v1/plans/{plan_id}")


def accepted(info: plans.PlanInfo, task: tasks.TaskInfo) -> JSONResponse:
    """202 for a queued task, with where to find it."""
    out = TaskAccepted(
        id=info.id,
        number=task.number,
        version=task.version,
        status=task.status,
        handling_code=info.handling_code,
        links=task_links(task.kind, info.id, task.number),
    )
    headers = {**marked(info.handling_code), "location": out.links.self}
    return JSONResponse(out.model_dump(mode="json"), status_code=202, headers=headers)


def find(
    ctx: CtxDep, info: plans.PlanInfo, kind: TaskKind, agency: str, number: int
) -> tasks.TaskInfo:
    """The task, or 404 (the same for one that does not exist and one of another agency)."""
    found = tasks.find(ctx.db, info.id, kind, agency, number)
    if found is None:
        raise ApiError(404, f"{kind.value}_not_found", f"no such {kind.value}", "number")
    return found


def document(
    info: plans.PlanInfo, task: tasks.TaskInfo, model: type[TaskDocument], result: dict[str, Any]
) -> JSONResponse:
    """The task's status and, once done, its result (``result``: the field it goes in)."""
    error = None
    if task.error_code is not None:
        error = JobError(code=task.error_code, message=task.error_message or "")
    out = model(
        id=info.id,
        number=task.number,
        version=task.version,
        status=task.status,
        handling_code=info.handling_code,
        created_at=task.created_at,
        finished_at=task.finished_at,
        error=error,
        links=task_links(task.kind, info.id, task.number),
        **(result if task.status is JobState.done else {}),
    )
    return JSONResponse(out.model_dump(mode="json"), headers=marked(info.handling_code))


def page(ctx: CtxDep, info: plans.PlanInfo, task: tasks.TaskInfo, name: str) -> Response:
    """The task's page, once it is done."""
    if task.status is not JobState.done:
        raise ApiError(
            409, "not_ready", f"{task.kind.value} {task.number} is {task.status.value}", "number"
        )
    found = outputs.load_task(ctx.db, task.id, name)
    if found is None:
        raise ApiError(
            409, "output_missing", f"{task.kind.value} {task.number} made no page", "number"
        )
    return html_page(found, {**marked(info.handling_code), "x-plan-version": str(task.version)})
