"""Helpers shared by the plan routes: reading JSON bodies, paging, plan status documents."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api import inputs
from api.deps import ApiError
from api.errors import COMMON
from api.packing import HEADER_EXTRA, script_policy
from api.schemas import ErrorOut, JobError, PlanDocument, links
from api.store import plans, versions
from api.store.database import Database
from api.store.outputs import Output
from planner.io import ScenarioError

MAX_PAGE = 100


def json_body_schema(component: str) -> dict[str, Any]:
    """``openapi_extra`` for a JSON body that the route parses itself (strictly, by the domain)."""
    schema = {"$ref": f"#/components/schemas/{component}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give (auth ones always)."""
    wanted = sorted({401, 403, 429, 503, *codes})
    return {c: {"model": ErrorOut, "description": COMMON.get(c, "Error")} for c in wanted}


async def json_body(request: Request, root: str = "") -> tuple[Any, str]:
    """The parsed body and a hash of its canonical form (for Idempotency-Key); 415 if it is not
    JSON, 422 naming where it is unreadable (see ``api.inputs``)."""
    ctype = request.headers.get("content-type", "")
    if ctype.split(";")[0].strip().lower() != "application/json":
        raise ApiError(415, "unsupported_media_type", "send application/json", "Content-Type")
    raw = await request.body()
    try:
        return inputs.parse(raw, root)
    except inputs.BodyError as exc:
        fix = "send plain JSON data: UTF-8 text, nested a few levels"
        errors = [{"loc": exc.loc, "msg": exc.msg, "fix": fix}]
        raise ApiError(422, exc.code, "the body cannot be read", exc.loc, errors=errors) from None


def invalid(exc: ScenarioError, code: str, message: str, data: Any) -> ApiError:
    """A 422 naming the first bad field, with every error (field, rule, fix); nothing of what
    was submitted (``data``) is repeated."""
    errors = inputs.scrub(exc.errors, data)
    return ApiError(422, code, message, errors[0]["loc"], errors=errors)


def job_error(v: versions.VersionInfo) -> JobError | None:
    """Why a version's job did not produce a plan, if it did not."""
    if v.error_code is None:
        return None
    return JobError(code=v.error_code, message=v.error_message or "")


def status_document(
    info: plans.PlanInfo, latest: versions.VersionInfo, done: versions.VersionInfo | None
) -> Response:
    """The plan status with the plan spliced in as stored (no re-validation of a large plan)."""
    doc = PlanDocument(
        id=info.id,
        version=latest.number,
        status=latest.status,
        handling_code=info.handling_code,
        agency=info.agency,
        exercise=info.exercise,
        operation=info.operation_id,
        created_at=info.created_at,
        error=job_error(latest),
        plan_version=done.number if done else None,
        links=links(info.id),
    )
    text = doc.model_dump_json(exclude={"plan"})
    if done is not None and done.plan_json is not None:
        text = text[:-1] + ',"plan":' + done.plan_json + "}"
    return Response(text, media_type="application/json", headers=marked(info.handling_code))


def html_page(found: Output, headers: dict[str, str]) -> Response:
    """A stored HTML page, allowed to run only its own scripts (by hash) and to load nothing."""
    # Outputs stored before hashes were kept get them computed from the stored page.
    policy = (found.csp or script_policy(found.content)) + HEADER_EXTRA
    headers = {**headers, "referrer-policy": "no-referrer", "content-security-policy": policy}
    return Response(found.content, media_type=found.media_type, headers=headers)


def marked(handling_code: str) -> dict[str, str]:
    """Headers of every answer about a plan: its handling code, and never cached."""
    return {"x-handling-code": handling_code, "cache-control": "no-store"}


async def wait_stopped(
    db: Database, plan_id: str, number: int, seconds: float
) -> versions.VersionInfo:
    """Poll a version until its job has finished or ``seconds`` have passed, without holding a
    thread: the event loop and the thread pool stay free for other requests meanwhile."""
    deadline = anyio.current_time() + seconds
    while True:
        current = await run_in_threadpool(versions.version, db, plan_id, number)
        assert current is not None
        if current.status.finished or anyio.current_time() >= deadline:
            return current
        await anyio.sleep(0.1)
