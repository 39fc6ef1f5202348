"""The body cap, enforced before anything reads a body (rates are counted in the gate).

The body cap counts the bytes actually received, so a chunked body with no Content-Length cannot
slip past it, and it answers 413 before the application (or authentication) reads anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.answers import error_body, send_json

# Set in a request's scope by the server layer when its body did not arrive in time.
BODY_TIMEOUT = "cdplan.body_timeout"
# Audited for a request whose client went away before its body was in (nginx's number for it).
CLIENT_CLOSED = 499


class BodyLimit:
    """Reads the whole body up to ``limit`` bytes, then replays it to the app."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        on_reject: Callable[[Scope, int], Awaitable[dict[str, str]]] | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.on_reject = on_reject

    async def _reject(self, scope: Scope, send: Send, body: dict[str, object]) -> None:
        headers = {"connection": "close"}
        if self.on_reject is not None:
            headers.update(await self.on_reject(scope, 413))
        await send_json(send, 413, body, headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = error_body(
            "body_too_large", f"request bodies are limited to {self.limit} bytes", "body"
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self._reject(scope, send, too_big)
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                # Nobody is left to answer, but the attempt is audited like any other.
                if self.on_reject is not None:
                    await self.on_reject(scope, 408 if scope.get(BODY_TIMEOUT) else CLIENT_CLOSED)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._reject(scope, send, too_big)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
