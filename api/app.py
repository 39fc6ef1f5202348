"""The app factory: ``create_app(settings)`` wires the store, the supervisor, the gate and routes.

Layers, outermost first: body cap (413 before anything reads the body) -> gate (token, role
policy, rate limits, one audit row per request) -> FastAPI (routes, errors as JSON).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import TypeAdapter

from api import errors
from api.db.engine import private
from api.deps import Services
from api.gate import Gate, RejectionAuditor
from api.limits import BodyLimit
from api.routes import (
    accounts,
    admin,
    briefing,
    commitments,
    events,
    exercises,
    misc,
    outputs,
    plans,
    robustness,
    sharing,
)
from api.settings import Settings, load_settings
from api.store.database import Database
from api.supervisor import Supervisor
from planner.scenario import Scenario

log = logging.getLogger("cdplan.api")
VERSION = "1.0.0"


def _input_schemas() -> dict[str, Any]:
    """Scenario, Event and TraineePlan as OpenAPI components (bodies are parsed by the domain,
    strictly)."""
    from planner.exercises.trainee import TraineePlan
    from planner.replan.kinds import Event

    out: dict[str, Any] = {}
    ref = "#/components/schemas/{model}"
    for name, schema in (
        ("Scenario", Scenario.model_json_schema(by_alias=True, ref_template=ref)),
        ("Event", TypeAdapter(Event).json_schema(by_alias=True, ref_template=ref)),
        ("TraineePlan", TraineePlan.model_json_schema(by_alias=True, ref_template=ref)),
    ):
        out.update(schema.pop("$defs", {}))
        out[name] = schema
    return out


def _operation_id(route: APIRoute) -> str:
    if route.operation_id:
        return route.operation_id
    method = sorted(route.methods or {"GET"})[0].lower()
    return f"{route.name.replace('.', '_')}_{method}"


def _add_links(schema: dict[str, Any]) -> None:
    """OpenAPI links from where plan ids appear to every operation that takes one, so clients
    (and schemathesis' stateful phase) can follow them."""
    targets: list[tuple[str, list[str]]] = []
    for ops in schema["paths"].values():
        for op in ops.values():
            names = [p["name"] for p in op.get("parameters", []) if p.get("in") == "path"]
            if "plan_id" in names:
                targets.append((op["operationId"], names))

    def link(pointer: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
        out = {}
        for op_id, names in targets:
            params = {"plan_id": f"$response.body#{pointer}"}
            params.update({k: v for k, v in (extra or {}).items() if k in names})
            if set(params) == set(names):
                out[op_id] = {"operationId": op_id, "parameters": params}
        return out

    sources = {
        ("/v1/plans", "post", "202"): link("/id"),
        ("/v1/plans", "get", "200"): link("/items/0/id"),
        ("/v1/plans/{plan_id}/grants", "post", "201"): link(
            "/id", {"agency": "$response.body#/items/0/agency"}
        ),
        ("/v1/plans/{plan_id}/events", "post", "202"): link("/id"),
        ("/v1/plans/{plan_id}/robustness", "post", "202"): link(
            "/id", {"number": "$response.body#/number"}
        ),
        ("/v1/exercises/{plan_id}/judge", "post", "202"): link(
            "/id", {"number": "$response.body#/number"}
        ),
    }
    for (path, method, status), links in sources.items():
        response = schema["paths"][path][method]["responses"][status]
        response["links"] = links


def _check_route_table(app: FastAPI, routes: list[APIRoute]) -> None:
    """The gate's table must hold every API route the app serves: a route added any other way
    would reach the app unnamed, past the gate's role policy."""
    table = {id(r) for r in routes}
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute) and id(route) not in table:
            raise RuntimeError(f"route {route.path} is not in the gate's table")


def create_app(settings: Settings | None = None, *, supervise: bool = True) -> FastAPI:
    settings = settings or load_settings()
    # The data folder holds the SQLite file and workers' scratch: the service's user's only.
    private(settings.data_dir, folder=True)
    db = Database(settings.database_url, busy_seconds=settings.db_busy_seconds)
    supervisor = Supervisor(db, settings) if supervise else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if supervisor is not None:
            supervisor.start()
        try:
            yield
        finally:
            if supervisor is not None:
                supervisor.stop()
            db.dispose()

    app = FastAPI(
        title="cdplan",
        version=VERSION,
        description="Planning engine for cross-border controlled deliveries.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        # "/v1/plans/" is a 404, not a redirect built from the client's Host header.
        redirect_slashes=False,
    )
    app.state.services = Services(db=db, settings=settings, supervisor=supervisor)
    errors.install(app)
    routes: list[APIRoute] = []
    for module in (
        plans,
        outputs,
        briefing,
        events,
        robustness,
        exercises,
        commitments,
        sharing,
        misc,
        accounts,
        admin,
    ):
        app.include_router(module.router)
        routes.extend(r for r in module.router.routes if isinstance(r, APIRoute))
    # The flat route table the gate matches against (FastAPI nests included routers).
    app.state.api_routes = routes

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for name, body in _input_schemas().items():
                if name in components and components[name] != body:
                    raise RuntimeError(f"OpenAPI component {name} defined twice")
                components[name] = body
            schema["components"]["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer"}
            }
            schema["security"] = [{"bearer": []}]
            schema["paths"]["/healthz"]["get"]["security"] = []
            _add_links(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(Gate, routes=routes, db=db, settings=settings)
    app.add_middleware(
        BodyLimit, limit=settings.max_body_bytes, on_reject=RejectionAuditor(db, routes)
    )
    _check_route_table(app, routes)
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory api.app:app_from_env``."""
    return create_app(load_settings())
