"""The gate: authentication, function-level authorization, rate limits and the audit row.

It wraps every request (inside the body cap). Each route is named by its action, and the gate
allows an action only to the roles ``api.security.POLICY`` lists: a route without a policy is
denied to everyone. Exactly one audit row is written per request, allowed or denied, and it is
committed before the response starts: if it cannot be written the client gets 503, not data.

The gate also caps the requests answered at once (503, audited), counts the rate limits in the
audit log (``api.store.ratelimits``: one limit for every server on the database), answers HEAD
as GET without a body, and marks every answer uncacheable and not to be sniffed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

import anyio
from sqlalchemy.exc import OperationalError
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.answers import error_body, send_json
from api.db import audit
from api.security import PLAN_ID, POLICY, PUBLIC_PATHS, Principal, allowed
from api.settings import Settings
from api.store.database import Database
from api.store.ratelimits import Budget, wait_seconds
from api.store.users import authenticate

log = logging.getLogger("cdplan.gate")
# Requests that queue work for a solver: they share the submissions budget.
SUBMISSIONS = frozenset({"plans.submit", "plans.event", "exercises.judge", "plans.robustness"})
# On every answer that passed authentication: never cached, never sniffed as another type.
SECURE_HEADERS = ((b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"))


def outcome_of(status: int) -> str:
    if status < 400:
        return "allowed"
    if status in (401, 403, 404):
        return "denied"
    if status >= 500:
        return "error"
    return "rejected"


def route_of(routes: Sequence[BaseRoute], scope: Scope) -> tuple[str, str | None]:
    """The action of the route this request reaches ("unknown" when none does: the router then
    answers 404 or 405, still audited) and the plan id in its path, if any."""
    if scope["method"] == "HEAD":
        scope = {**scope, "method": "GET"}
    # FastAPI >= 0.137 keeps each included router as one node of ``router.routes``, which has no
    # name: the app hands us its flat table, else every action would be "unknown".
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            plan_id = child.get("path_params", {}).get("plan_id")
            # Only a well-formed id is recorded, so the owner's access report shows refused
            # attempts on its plans too; the caller learns nothing from it.
            if not isinstance(plan_id, str) or not PLAN_ID.match(plan_id):
                plan_id = None
            return str(getattr(route, "name", None) or "unknown"), plan_id
    return "unknown", None


def action_of(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The action of the route this request reaches (see :func:`route_of`)."""
    return route_of(routes, scope)[0]


def bearer(scope: Scope) -> str | None:
    """The bearer token of the request: None without an Authorization header, "" if it is not
    a bearer token."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return None


def _without_body(send: Send) -> Send:
    """The answer to a HEAD: a GET's status and headers, no body."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return wrapped


class RejectionAuditor:
    """Audits requests refused by the body cap, which runs outside (before) the gate."""

    def __init__(self, db: Database, routes: Sequence[BaseRoute]) -> None:
        self.db = db
        self.routes = routes

    async def __call__(self, scope: Scope, status: int) -> dict[str, str]:
        client = scope.get("client")
        entry = audit.AuditEntry(
            request_id=str(uuid.uuid4()),
            action=action_of(self.routes, scope),
            method=scope["method"],
            path=scope["path"],
            client=client[0] if client else None,
            outcome=outcome_of(status),
            status_code=status,
        )
        token = bearer(scope)
        principal = await anyio.to_thread.run_sync(authenticate, self.db, token) if token else None
        if principal is not None:
            entry.user_id, entry.user_name = principal.id, principal.name
            entry.agency, entry.role = principal.agency, principal.role.value

        def write() -> None:
            with self.db.begin() as s:
                audit.append(s, entry)

        try:
            await anyio.to_thread.run_sync(write)
        except Exception:
            log.exception("audit write failed for a refused request %s", entry.request_id)
        return {"x-request-id": entry.request_id}


class Gate:
    """Authentication, role policy, limits and the audit row, around every API request."""

    def __init__(
        self, app: ASGIApp, routes: Sequence[BaseRoute], db: Database, settings: Settings
    ) -> None:
        self.app = app
        self.routes = list(routes)
        self.db = db
        self.settings = settings
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            if scope["type"] == "http" and scope["method"] == "HEAD":
                await self.app({**scope, "method": "GET"}, receive, _without_body(send))
                return
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        action, plan_id = route_of(self.routes, scope)
        entry = audit.AuditEntry(
            request_id=str(uuid.uuid4()),
            action=action,
            method=scope["method"],
            path=scope["path"],
            client=client[0] if client else None,
            object_id=plan_id,
        )
        state = scope.setdefault("state", {})
        state["audit"] = entry
        headers = {"x-request-id": entry.request_id}
        if self.in_flight >= self.settings.max_requests_in_flight:
            await self._refuse(
                send,
                entry,
                503,
                "server_busy",
                "too many requests at once; retry",
                {"retry-after": "1", **headers},
            )
            return
        self.in_flight += 1
        try:
            await self._gated(scope, receive, send, entry, headers)
        finally:
            self.in_flight -= 1

    async def _gated(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        entry: audit.AuditEntry,
        headers: dict[str, str],
    ) -> None:
        try:
            principal, wait = await anyio.to_thread.run_sync(self._admit, scope, entry)
        except OperationalError:
            # A locked or unreachable database: a retryable 503, like inside the app, not a 500.
            log.warning("authentication: database unavailable")
            await send_json(
                send,
                503,
                error_body("database_busy", "the database is busy; retry"),
                {"retry-after": "5", **headers},
            )
            return
        if principal is None:
            if wait:
                await self._refuse(
                    send,
                    entry,
                    429,
                    "too_many_failures",
                    "too many rejected tokens",
                    {"retry-after": str(wait), **headers},
                )
                return
            await self._refuse(
                send,
                entry,
                401,
                "unauthenticated",
                "a valid bearer token is required",
                {"www-authenticate": "Bearer", **headers},
            )
            return
        entry.user_id, entry.user_name = principal.id, principal.name
        entry.agency, entry.role = principal.agency, principal.role.value
        scope["state"]["principal"] = principal
        if wait:
            await self._refuse(
                send,
                entry,
                429,
                "rate_limited",
                "too many requests; see Retry-After",
                {"retry-after": str(wait), **headers},
            )
            return
        allowed_here = entry.action == "unknown" or allowed(entry.action, principal.role)
        if not allowed_here:
            await self._refuse(
                send,
                entry,
                403,
                "forbidden",
                f"the {principal.role.value} role may not do {entry.action}",
                headers,
            )
            return
        audited = self._audited(send, entry, head=scope["method"] == "HEAD")
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await audited(message)

        # HEAD is answered as GET (the route table has GET only); ``tracked`` drops the body.
        inner = {**scope, "method": "GET"} if scope["method"] == "HEAD" else scope
        try:
            await self.app(inner, receive, tracked)
        except Exception:
            # Unhandled, Starlette's outermost layer would answer 500 past this gate: no audit
            # row and no request id. Answer (and audit) it here; the error still propagates.
            if not started:
                await self._refuse(
                    send,
                    entry,
                    500,
                    "internal_error",
                    "internal error; the request id is in X-Request-ID",
                    headers,
                )
            raise

    def _admit(self, scope: Scope, entry: audit.AuditEntry) -> tuple[Principal | None, int]:
        """The token's principal and the seconds it must wait (0: within its budgets); without a
        valid token, the client address's budget of rejected tokens. One trip to a thread."""
        token = bearer(scope)
        principal = authenticate(self.db, token) if token else None
        if principal is None:
            failed = Budget(
                self.settings.failed_auth_per_minute,
                client=entry.client or "?",
                statuses=frozenset({401}),
            )
            return None, wait_seconds(self.db, failed)
        # Refused roles spend the general budget but not the submission one.
        wait = wait_seconds(
            self.db, Budget(self.settings.requests_per_minute, user_id=principal.id)
        )
        allowed_here = entry.action == "unknown" or allowed(entry.action, principal.role)
        if not wait and allowed_here and entry.action in SUBMISSIONS and scope["method"] == "POST":
            submissions = Budget(
                self.settings.submissions_per_minute,
                user_id=principal.id,
                actions=SUBMISSIONS,
                method="POST",
                excluded=frozenset({403}),
            )
            wait = wait_seconds(self.db, submissions)
        return principal, wait

    async def _refuse(
        self,
        send: Send,
        entry: audit.AuditEntry,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str],
    ) -> None:
        entry.status_code = status
        entry.outcome = outcome_of(status)
        if not await self._write(entry):
            status, code, message = 503, "audit_unavailable", "the audit log cannot be written"
            headers = {"retry-after": "5"}
        await send_json(
            send,
            status,
            error_body(code, message, "Authorization" if status == 401 else ""),
            headers,
        )

    def _audited(self, send: Send, entry: audit.AuditEntry, *, head: bool = False) -> Send:
        blocked = False

        async def wrapped(message: Message) -> None:
            nonlocal blocked
            if blocked:
                return
            if message["type"] == "http.response.start":
                status = int(message["status"])
                entry.status_code = status
                entry.outcome = outcome_of(status)
                if not await self._write(entry):
                    blocked = True
                    await send_json(
                        send,
                        503,
                        error_body("audit_unavailable", "the audit log cannot be written"),
                        {"retry-after": "5"},
                    )
                    return
                message = dict(message)
                message["headers"] = [
                    *(
                        (k, v)
                        for k, v in message.get("headers", [])
                        if k.lower() not in (b"cache-control", b"x-content-type-options")
                    ),
                    *SECURE_HEADERS,
                    (b"x-request-id", entry.request_id.encode()),
                ]
            await send(message)

        return _without_body(wrapped) if head else wrapped

    async def _write(self, entry: audit.AuditEntry) -> bool:
        if entry.written:
            return True
        try:
            await anyio.to_thread.run_sync(self._append, entry)
        except Exception:
            log.exception("audit write failed for request %s", entry.request_id)
            return False
        return True

    def _append(self, entry: audit.AuditEntry) -> None:
        with self.db.begin() as s:
            audit.append(s, entry)
        entry.written = True


__all__ = ["POLICY", "Gate"]
