"""What every route needs: the services, the principal, the audit entry, errors, plan lookup."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from api.db.audit import AuditEntry
from api.security import OWNER_ONLY, PLAN_ID, Principal, allowed
from api.settings import Settings
from api.store import plans
from api.store.database import Database
from api.store.quotas import Limits
from api.supervisor import Supervisor
from geodata.layers import Geodata


class ApiError(Exception):
    """An answer that is not a success: status, rule name, message, the field concerned."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str = "",
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.errors = errors or []
        self.headers = headers or {}


def not_found() -> ApiError:
    # The same answer for a missing plan and for one the caller may not see (no enumeration).
    return ApiError(404, "plan_not_found", "no such plan", "plan_id")


@dataclass
class Services:
    db: Database
    settings: Settings
    supervisor: Supervisor | None
    _geo: Geodata | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wake(self) -> None:
        """Tell this server's supervisor that a job was queued (other servers poll)."""
        if self.supervisor is not None:
            self.supervisor.wake()

    @property
    def geo(self) -> Geodata:
        with self._lock:
            if self._geo is None:
                from geodata import load

                self._geo = load()
            return self._geo


@dataclass
class Ctx:
    principal: Principal
    entry: AuditEntry
    services: Services

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def limits(self) -> Limits:
        """The queue and quotas of the caller's agency, in the caller's namespace."""
        settings = self.services.settings
        exercise = self.principal.exercise
        return Limits(
            max_queued=settings.max_queued_exercise_per_agency
            if exercise
            else settings.max_queued_per_agency,
            plans=settings.quota_plans,
            versions=settings.quota_versions,
            bytes=settings.quota_bytes,
        )

    def plan(self, plan_id: str, action: str) -> plans.PlanInfo:
        """A plan the caller may see, recorded on the audit entry; else 404 (or 403 to a reader
        trying to change a plan it was only granted)."""
        if not PLAN_ID.match(plan_id):
            raise not_found()
        info = plans.find(self.db, self.principal, plan_id)
        if info is None:
            self.entry.object_id = plan_id
            raise not_found()
        self.entry.object_id = info.id
        self.entry.object_agency = info.agency
        self.entry.handling_code = info.handling_code
        if action in OWNER_ONLY and not info.owner:
            raise ApiError(403, "owner_only", "only the owner agency may do this", "plan_id")
        return info


def get_ctx(request: Request) -> Ctx:
    state = request.state
    principal = getattr(state, "principal", None)
    if principal is None:  # the gate lets no such request through; belt and braces
        raise ApiError(401, "unauthenticated", "a valid bearer token is required", "Authorization")
    # The gate checked the role already; checked again on the route that really runs, so that a
    # routing change can never bypass the policy table.
    action = str(getattr(request.scope.get("route"), "name", ""))
    if not allowed(action, principal.role):
        raise ApiError(403, "forbidden", f"the {principal.role.value} role may not do {action}")
    return Ctx(principal=principal, entry=state.audit, services=request.app.state.services)


CtxDep = Annotated[Ctx, Depends(get_ctx)]
