"""Errors as JSON naming the field and the rule, never echoing what was submitted."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from api.answers import error_body
from api.deps import ApiError
from api.store.database import StoreError

log = logging.getLogger("cdplan.api")

# Which rules a 4xx can carry, for the OpenAPI description of each route.
COMMON = {
    401: "No valid bearer token",
    403: "Your role may not do this",
    404: "No such plan (or not yours: the answer is the same)",
    409: "The plan is not in a state that allows this (the message says which)",
    410: "The outputs of this version were removed under the retention setting",
    413: "Body larger than the limit",
    422: "Invalid input: each error names the field and the rule",
    429: "Rate limit; see Retry-After",
    503: "Database busy, queue full or too many requests at once; see Retry-After",
    507: "Your agency's storage quota is used up (plans, versions or bytes)",
}


def _json(
    status: int, content: dict[str, object], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        content, status_code=status, headers={"cache-control": "no-store", **(headers or {})}
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method the path takes (Starlette names only the first matching route's)."""
    methods: set[str] = set()
    for route in request.app.state.api_routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        path_ok = match is not Match.NONE
        if not path_ok:
            continue
        for method in getattr(route, "methods", None) or ():
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")  # the gate answers HEAD for every GET route
    return sorted(methods)


def _position(err: Any) -> str:
    """Where an error is, by position: an unknown key is the client's text, so it is ``*``."""
    parts = [str(p) for p in err.get("loc", ())]
    if err.get("type") == "extra_forbidden" and parts:
        parts[-1] = "*"
    return ".".join(parts)


def _fix(err: Any) -> str:
    if err.get("type") == "extra_forbidden":
        return "remove this field (unknown fields are not allowed)"
    return "see the API schema for this field"


def install(app: FastAPI) -> None:
    """Answer every error as JSON with the one error body."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return _json(
            exc.status, error_body(exc.code, exc.message, exc.field, exc.errors), exc.headers
        )

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        headers = {"retry-after": "30"} if exc.status == 503 else None
        return _json(exc.status, error_body(exc.code, exc.message, exc.field, exc.errors), headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": _position(err), "msg": str(err.get("msg", "invalid")), "fix": _fix(err)}
            for err in exc.errors()
        ]
        return _json(
            422,
            error_body(
                "invalid_request",
                "the request is not valid",
                errors[0]["loc"] if errors else "",
                errors,
            ),
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode: a rule broken by the body, as 422.
            return _json(422, error_body("json_invalid", "the body is not valid JSON", "body"))
        if exc.status_code == 405:
            headers["allow"] = ", ".join(_allowed_methods(request))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _json(exc.status_code, error_body(code, str(exc.detail)), headers)

    @app.exception_handler(OperationalError)
    async def _db(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return _json(
            503, error_body("database_busy", "the database is busy; retry"), {"retry-after": "5"}
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _json(
            500, error_body("internal_error", "internal error; the request id is in X-Request-ID")
        )
