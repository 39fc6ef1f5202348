"""Who may do what: roles, the principal of a request, tokens, and the policy table.

Deny by default: an action missing from ``POLICY`` is allowed to nobody, and a test walks the
app's routes to make sure every one names an action here.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    planner = "planner"
    coordinator = "coordinator"
    trainer = "trainer"
    admin = "admin"
    auditor = "auditor"


@dataclass(frozen=True)
class Principal:
    """The authenticated user of a request."""

    id: str
    name: str
    role: Role
    agency: str

    @property
    def exercise(self) -> bool:
        """Trainers live in the exercise namespace and never see operational plans."""
        return self.role is Role.trainer


P, C, T, A, U = Role.planner, Role.coordinator, Role.trainer, Role.admin, Role.auditor
# Roles that work inside one agency; administrators and auditors work across agencies.
AGENCY_SCOPED = frozenset({P, C, T})

POLICY: dict[str, frozenset[Role]] = {
    "plans.submit": frozenset({P, T}),
    "plans.list": frozenset({P, C, T}),
    "plans.read": frozenset({P, C, T}),
    "plans.output": frozenset({P, C, T}),
    "plans.compare": frozenset({P, C, T}),
    "plans.versions": frozenset({P, C, T}),
    "plans.cancel": frozenset({P, T}),
    "plans.event": frozenset({P, T}),
    # Trainers share exercise plans for joint exercises; planners share operational ones.
    "plans.grants.read": frozenset({P, T}),
    "plans.grants.write": frozenset({P, T}),
    "plans.access": frozenset({P, T}),
    # Judging a trainee's plan is a trainer's work, on exercise plans only.
    "exercises.judge": frozenset({T}),
    "exercises.judgements.read": frozenset({T}),
    "plans.robustness": frozenset({P, T}),
    "plans.robustness.read": frozenset({P, C, T}),
    # Adopting commits the plan's teams; trainers adopt exercise plans (their own namespace).
    "plans.adopt": frozenset({P, T}),
    "plans.release": frozenset({P, T}),
    "scenarios.validate": frozenset({P, C, T}),
    "geodata.read": frozenset({P, C, T, A}),
    "admin.users.read": frozenset({A}),
    "admin.users.write": frozenset({A}),
    # A planner vouches for the accounts of its agency: lists, activates, disables them.
    "agency.users.read": frozenset({P}),
    "agency.users.write": frozenset({P}),
    "admin.queue": frozenset({A}),
    "audit.read": frozenset({U}),
    "audit.verify": frozenset({U}),
}

# Actions that change a plan: only its owner agency may do them, never a granted reader.
OWNER_ONLY = frozenset(
    {
        "plans.cancel",
        "plans.event",
        "plans.grants.read",
        "plans.grants.write",
        "plans.access",
        # A study runs on the owner's solvers and quotas, and its figures are about its plan.
        "plans.robustness",
        "plans.adopt",
        "plans.release",
        # Two whole plans side by side: a reader the plan is shared with sees only its part.
        "plans.compare",
    }
)

# Plan ids are UUIDv4 (122 random bits): anything else cannot name a plan.
PLAN_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

PUBLIC_PATHS = frozenset({"/healthz", "/openapi.json"})


def agency_id(text: str) -> str:
    """The one spelling of an agency id: ids are case-insensitive, stored in upper case, so
    ``ge-mia`` and ``GE-MIA`` are one agency everywhere (grants, ownership, accounts)."""
    return text.upper()


def allowed(action: str, role: Role) -> bool:
    """Whether ``role`` may do ``action`` (nobody may do an action the policy does not list)."""
    return role in POLICY.get(action, frozenset())


def new_token() -> str:
    """256 random bits; only the SHA-256 is stored, so a database leak gives no usable token."""
    return "cdp_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
