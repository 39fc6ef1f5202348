"""The plan's outputs: map, timeline, briefing (HTML), GeoJSON and KML, as the worker rendered them.

HTML is served with a Content-Security-Policy that lets only the page's own scripts run (by their
SHA-256, computed when the page was made) and forbids every remote load: the pages are
self-contained, and if a future plugin tried to reach a CDN or a tile server the browser would
refuse; an injected script or event handler would not run either. The handling code travels in
the page itself and in a header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.db.states import JobState
from api.deps import ApiError, CtxDep
from api.routes.common import html_page, marked, responses
from api.store import outputs, versions

router = APIRouter(prefix="/v1/plans", tags=["outputs"])

# For GeoJSON and KML, should a browser ever render them: nothing runs, nothing loads.
NO_SCRIPTS = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
KINDS = {
    "map": ("map.html", "text/html", "The offline map (self-contained HTML)"),
    "timeline": ("timeline.html", "text/html", "The timeline (self-contained HTML)"),
    "briefing": ("briefing.html", "text/html", "The briefing (HTML)"),
    "geojson": ("plan.geojson", "application/geo+json", "Route, segments, handovers as GeoJSON"),
    "kml": ("plan.kml", "application/vnd.google-earth.kml+xml", "The plan as KML"),
}


def done_version(ctx: CtxDep, plan_id: str, version: int | None) -> versions.VersionInfo:
    """Version ``version`` of the plan (the latest done one when None), done and not purged."""
    v = (
        versions.version(ctx.db, plan_id, version)
        if version
        else versions.latest_done(ctx.db, plan_id)
    )
    if v is None or v.status is not JobState.done:
        raise ApiError(409, "plan_not_ready", "no version of this plan is done yet", "plan_id")
    if v.purged:
        raise ApiError(
            410, "purged", f"the outputs of version {v.number} were removed (retention)", "version"
        )
    return v


def serve_stored(ctx: CtxDep, plan_id: str, kind: str, version: int | None) -> Response:
    """An output as the worker rendered and stored it, with its policy and handling code."""
    info = ctx.plan(plan_id, "plans.output")
    name, media, _ = KINDS[kind]
    v = done_version(ctx, info.id, version)
    found = outputs.load(ctx.db, info.id, v.number, name)
    if found is None:
        why = v.output_errors.get(name, "it was not made")
        raise ApiError(409, "output_missing", f"the {kind} of version {v.number}: {why}", "plan_id")
    headers = {**marked(info.handling_code), "x-plan-version": str(v.number)}
    if media.startswith("text/html"):
        return html_page(found, headers)
    ext = name.rsplit(".", 1)[1]
    headers["content-disposition"] = f'attachment; filename="plan-{info.id}-v{v.number}.{ext}"'
    headers["content-security-policy"] = NO_SCRIPTS
    headers["referrer-policy"] = "no-referrer"
    return Response(found.content, media_type=found.media_type, headers=headers)


def _route(kind: str) -> None:
    _, media, description = KINDS[kind]

    def serve(
        ctx: CtxDep,
        plan_id: str,
        version: Annotated[
            int | None, Query(ge=1, le=10_000, description="A given version")
        ] = None,
    ) -> Response:
        return serve_stored(ctx, plan_id, kind, version)

    router.add_api_route(
        f"/{{plan_id}}/{kind}",
        serve,
        methods=["GET"],
        name="plans.output",
        summary=description,
        response_class=Response,
        responses={
            200: {
                "content": {
                    media: {"schema": {"type": "object" if kind == "geojson" else "string"}}
                },
                "description": description,
            },
            **responses(404, 409, 410, 422),
        },
        operation_id=f"plans_{kind}",
    )


for _kind in KINDS:
    # The briefing has a route of its own (languages, extracts, PDF): api.routes.briefing.
    if _kind != "briefing":
        _route(_kind)
