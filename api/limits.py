"""Limits enforced before any route runs: body size (outermost) and per-user rates.

The body cap counts the bytes actually received, so a chunked body with no Content-Length cannot
slip past it, and it answers 413 before the application (or authentication) reads anything.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.answers import error_body, send_json


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


class RateLimiter:
    """Sliding one-minute window per key; thread-safe (sync routes run in a thread pool)."""

    def __init__(self, per_minute: int, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        """Record a hit; 0 if allowed, else the seconds to wait (for Retry-After)."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return 0
