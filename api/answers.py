"""The one shape of an error answer, and a plain JSON answer for the layers outside FastAPI.

Every error the service gives, from the body cap, the gate or a route, is
``{"error": {"code", "message", "field", "errors": [{loc, msg, fix}]}}``.
"""

from __future__ import annotations

import json

from starlette.types import Send


def error_body(
    code: str, message: str, field: str = "", errors: list[dict[str, str]] | None = None
) -> dict[str, object]:
    """The JSON body of every error answer.

    Args:
        code: the rule, machine-readable.
        message: what went wrong, never repeating what was submitted.
        field: the field or header concerned, if any.
        errors: each invalid field as ``{loc, msg, fix}``.

    Returns:
        The body, ready for ``json.dumps``.
    """
    return {"error": {"code": code, "message": message, "field": field, "errors": errors or []}}


async def send_json(
    send: Send, status: int, body: dict[str, object], headers: dict[str, str] | None = None
) -> None:
    """Answer with ``body`` as JSON, uncached, from an ASGI layer (no FastAPI around it).

    Args:
        send: the ASGI send callable.
        status: the HTTP status.
        body: the JSON body.
        headers: extra headers (lower-cased here).
    """
    raw = json.dumps(body).encode("utf-8")
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
