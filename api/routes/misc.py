"""Scenario validation, geodata layers, health."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from api.deps import CtxDep
from api.routes.common import invalid, json_body, responses
from api.routes.plans import SCENARIO_BODY
from api.schemas import Health, Validation
from geodata import load
from planner.io import ScenarioError, parse_scenario
from planner.resolve.places import place_errors

router = APIRouter(tags=["reference"])
GEODATA_CACHE: dict[str, bytes] = {}


@router.post(
    "/v1/scenarios/validate",
    name="scenarios.validate",
    response_model=Validation,
    responses=responses(413, 415, 422),
    openapi_extra=SCENARIO_BODY,
    summary="The checks of `cdplan check`: 200 if valid, else 422 with each error and its field",
)
async def validate(request: Request, ctx: CtxDep) -> Validation:
    data, _ = await json_body(request)
    try:
        scenario = parse_scenario(data)
        # Every place resolved against the network, all at once, as cdplan check does.
        errors = await run_in_threadpool(place_errors, scenario, load())
        if errors:
            raise ScenarioError(errors)
    except ScenarioError as exc:
        raise invalid(exc, "scenario_invalid", "the scenario is not valid", data) from None
    return Validation(
        valid=True,
        errors=[],
        operation=scenario.operation.id,
        handling_code=scenario.operation.handling_code.value,
    )


@router.get(
    "/v1/geodata/{layer}",
    name="geodata.read",
    response_class=Response,
    responses={
        200: {
            "content": {"application/geo+json": {"schema": {"type": "object"}}},
            "description": "GeoJSON FeatureCollection (EPSG:4326)",
        },
        **responses(422),
    },
    summary="A reference layer as GeoJSON",
)
async def geodata_layer(
    ctx: CtxDep, layer: Literal["countries", "crossings", "ports", "network", "restricted"]
) -> Response:
    if layer not in GEODATA_CACHE:
        import json

        from geodata.export import collection

        geo = await run_in_threadpool(lambda: ctx.services.geo)
        doc = await run_in_threadpool(collection, geo, layer)
        GEODATA_CACHE[layer] = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    return Response(
        GEODATA_CACHE[layer],
        media_type="application/geo+json",
        headers={"cache-control": "private, max-age=3600"},
    )


@router.get("/healthz", name="health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request) -> JSONResponse:
    db = request.app.state.services.db
    try:
        with db.begin() as s:
            s.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "degraded", "database": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
