"""The briefing in the reader's language and scope, and two versions of a plan side by side.

``GET /v1/plans/{id}/briefing?lang=LL&agency=ID&format=pdf``: the owner agency reads the whole
briefing, or any agency's need-to-know extract; an agency the plan is shared with reads its own
extract only (asking for the whole plan or another agency's part is refused). The whole English
HTML briefing is the one stored with the version; every other briefing is made on request from
the stored plan.

``GET /v1/plans/{id}/compare?a=N&b=M``: versions N and M (by default the latest done one and the
one before it) side by side, for the owner only (a whole plan on each side).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ApiError, CtxDep
from api.packing import HEADER_EXTRA, script_policy
from api.routes.common import marked, responses
from api.routes.outputs import NO_SCRIPTS, done_version, serve_stored
from planner.exports.compare import render_compare
from planner.exports.i18n import DEFAULT, UnknownLanguageError, normalise
from planner.exports.pdf import PdfUnavailableError
from planner.exports.write import PDF, briefing_document
from planner.plan import Plan

router = APIRouter(prefix="/v1/plans", tags=["outputs"])

AGENCY = r"^[A-Za-z0-9_-]{1,64}$"
LANG = r"^[A-Za-z]{2}([-_@][A-Za-z]{4,5})?$"


def _plan(v_json: str | None) -> Plan:
    if v_json is None:
        raise ApiError(409, "plan_not_ready", "this version has no plan", "version")
    return Plan.model_validate_json(v_json)


@router.get(
    "/{plan_id}/briefing",
    name="plans.output",
    summary="The briefing (HTML or PDF), whole or an agency's extract, in a language",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "The briefing",
        },
        **responses(403, 404, 409, 410, 422),
    },
    operation_id="plans_briefing",
)
def briefing(
    ctx: CtxDep,
    plan_id: str,
    version: Annotated[int | None, Query(ge=1, le=10_000, description="A given version")] = None,
    lang: Annotated[
        str | None,
        Query(
            pattern=LANG,
            description="Language: en, tr, bg, ro, ka, hy, uk, el, sr, sr-Latn, "
            "mk, sq, az, ru (default en)",
        ),
    ] = None,
    agency: Annotated[
        str | None,
        Query(
            pattern=AGENCY,
            description="An agency's need-to-know extract instead of the "
            "whole plan; a reader the plan is shared with gets its own agency's",
        ),
    ] = None,
    format: Annotated[Literal["html", "pdf"], Query(description="html (default) or pdf")] = "html",
) -> Response:
    info = ctx.plan(plan_id, "plans.output")
    if not info.owner:
        own = ctx.principal.agency
        if agency is not None and agency.upper() != own.upper():
            raise ApiError(
                403, "own_extract_only", "a shared plan shows your own agency's part", "agency"
            )
        agency = own
    try:
        code = normalise(lang) if lang else DEFAULT
    except UnknownLanguageError as exc:
        raise ApiError(422, "unknown_language", str(exc), "lang") from None
    if agency is None and code == DEFAULT and format == "html":
        return serve_stored(ctx, plan_id, "briefing", version)
    v = done_version(ctx, info.id, version)
    try:
        media, content = briefing_document(
            _plan(v.plan_json), ctx.services.geo, lang=code, agency=agency, pdf=format == "pdf"
        )
    except PdfUnavailableError as exc:
        raise ApiError(503, "pdf_unavailable", str(exc), "format") from None
    headers = {
        **marked(info.handling_code),
        "x-plan-version": str(v.number),
        "referrer-policy": "no-referrer",
    }
    if media == PDF:
        scope = f"-{agency}" if agency else ""
        headers["content-disposition"] = (
            f'attachment; filename="briefing-{info.id}-v{v.number}{scope}-{code}.pdf"'
        )
        headers["content-security-policy"] = NO_SCRIPTS
    else:
        headers["content-security-policy"] = script_policy(content) + HEADER_EXTRA
    return Response(content, media_type=media, headers=headers)


@router.get(
    "/{plan_id}/compare",
    name="plans.compare",
    summary="Two versions of a plan side by side (self-contained HTML)",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "HTML"},
        **responses(403, 404, 409, 410, 422),
    },
    operation_id="plans_compare",
)
def compare(
    ctx: CtxDep,
    plan_id: str,
    a: Annotated[
        int | None, Query(ge=1, le=10_000, description="Version A (default: b - 1)")
    ] = None,
    b: Annotated[
        int | None, Query(ge=1, le=10_000, description="Version B (default: latest)")
    ] = None,
) -> Response:
    info = ctx.plan(plan_id, "plans.compare")
    vb = done_version(ctx, info.id, b)
    number_a = a if a is not None else vb.number - 1
    if number_a < 1 or number_a == vb.number:
        raise ApiError(409, "two_versions_needed", "give two different versions, a and b", "a")
    va = done_version(ctx, info.id, number_a)
    page = render_compare(
        _plan(va.plan_json),
        _plan(vb.plan_json),
        ctx.services.geo,
        (f"version {va.number}", f"version {vb.number}"),
    ).encode("utf-8")
    headers = {
        **marked(info.handling_code),
        "x-plan-version": f"{va.number},{vb.number}",
        "referrer-policy": "no-referrer",
        "content-security-policy": script_policy(page) + HEADER_EXTRA,
    }
    return Response(page, media_type="text/html; charset=utf-8", headers=headers)
