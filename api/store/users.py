"""Users and their tokens (only a token's SHA-256 is kept).

A token expires (``token_days`` after it was issued) and can be rotated; an account can be
disabled. An account created through the API, by an administrator, is *pending*: it cannot sign
in until a planner of its agency activates it (or, for the roles that span agencies, the host's
operator with ``cdplan users activate``). A token an administrator rotates through the API makes
the account pending again. So no administrator can, alone, obtain a token that reads an agency's
plans: someone of that agency has to vouch for the account first.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.clock import as_utc, utcnow
from api.db.tables import User
from api.security import AGENCY_SCOPED, Principal, Role, agency_id, new_token, token_hash
from api.store.database import ConflictError, Database, NotFoundError, UnprocessableError

NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
DEFAULT_TOKEN_DAYS = 90.0
State = Literal["active", "pending", "disabled", "expired"]


@dataclass(frozen=True)
class NewUser:
    """An account and its token, shown once."""

    principal: Principal
    token: str
    expires_at: datetime
    pending: bool


@dataclass(frozen=True)
class UserInfo:
    """An account as administrators and its agency's planners see it (never its token)."""

    id: str
    name: str
    role: Role
    agency: str
    state: State
    expires_at: datetime | None
    created_at: datetime
    created_by: str | None  # the administrator's name; None: the host's command line


def _state(user: User, now: datetime) -> State:
    if not user.active:
        return "disabled"
    if user.pending:
        return "pending"
    if user.expires_at is not None and as_utc(user.expires_at) <= now:
        return "expired"
    return "active"


def _info(s: Session, user: User, now: datetime) -> UserInfo:
    creator = None
    if user.created_by is not None:
        creator = s.scalar(select(User.name).where(User.id == user.created_by)) or "?"
    return UserInfo(
        id=user.id,
        name=user.name,
        role=Role(user.role),
        agency=user.agency,
        state=_state(user, now),
        expires_at=None if user.expires_at is None else as_utc(user.expires_at),
        created_at=as_utc(user.created_at),
        created_by=creator,
    )


def add_user(
    db: Database,
    name: str,
    role: str,
    agency: str,
    *,
    days: float = DEFAULT_TOKEN_DAYS,
    created_by: Principal | None = None,
) -> NewUser:
    """Create an account; through the API (``created_by`` an administrator) it starts pending.

    Raises:
        UnprocessableError: a malformed name, agency or role.
        ConflictError: the name is taken.
    """
    if not NAME.match(name):
        raise UnprocessableError("name_format", "use 1-64 letters, digits, '_', '.' or '-'", "name")
    if not NAME.match(agency):
        raise UnprocessableError(
            "agency_format", "use 1-64 letters, digits, '_', '.' or '-'", "agency"
        )
    try:
        role_ = Role(role)
    except ValueError:
        raise UnprocessableError(
            "role_unknown", f"role must be one of {', '.join(r.value for r in Role)}", "role"
        ) from None
    token, now = new_token(), utcnow()
    expires = now + timedelta(days=days)
    with db.begin() as s:
        if s.scalar(select(User.id).where(User.name == name)) is not None:
            raise ConflictError("name_taken", "a user with this name exists", "name")
        user = User(
            id=str(uuid.uuid4()),
            name=name,
            role=role_.value,
            agency=agency_id(agency),
            token_sha256=token_hash(token),
            active=True,
            pending=created_by is not None,
            expires_at=expires,
            created_by=None if created_by is None else created_by.id,
            created_at=now,
        )
        s.add(user)
    principal = Principal(user.id, name, role_, user.agency)
    return NewUser(principal, token, expires, user.pending)


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal of a valid token: known, its account enabled, not pending, not expired."""
    if not token or len(token) > 200:
        return None
    with db.read() as s:
        user = s.scalar(select(User).where(User.token_sha256 == token_hash(token)))
    if user is None or _state(user, utcnow()) != "active":
        return None
    return Principal(user.id, user.name, Role(user.role), user.agency)


def list_users(
    db: Database, limit: int, offset: int, *, agency: str | None = None, name: str | None = None
) -> list[UserInfo]:
    """Accounts by name (of one agency, or the one named, when given)."""
    now = utcnow()
    with db.read() as s:
        query = select(User).order_by(User.name).limit(limit).offset(offset)
        if agency is not None:
            query = query.where(User.agency == agency_id(agency))
        if name is not None:
            query = query.where(User.name == name)
        return [_info(s, u, now) for u in s.scalars(query).all()]


def _find(s: Session, name: str, agency: str | None) -> User:
    user = s.scalar(select(User).where(User.name == name))
    # An account of another agency is answered like one that does not exist.
    if user is None or (agency is not None and user.agency != agency_id(agency)):
        raise NotFoundError("user_not_found", "no such user", "name")
    return user


def disable(db: Database, name: str, *, agency: str | None = None) -> UserInfo:
    """Disable an account (of ``agency`` only, when given); its token stops working at once."""
    with db.begin() as s:
        user = _find(s, name, agency)
        user.active = False
        return _info(s, user, utcnow())


def activate(db: Database, name: str, *, by: Principal | None = None) -> UserInfo:
    """Let a pending account sign in: by a planner of its agency (``by``), for the roles that
    belong to one agency, or by the host's operator (``by`` None) for any.

    Raises:
        NotFoundError: no such account in ``by``'s agency.
        ConflictError: the account is disabled, or its role spans agencies (host only).
    """
    with db.begin() as s:
        user = _find(s, name, None if by is None else by.agency)
        if not user.active:
            raise ConflictError("user_disabled", "a disabled account stays disabled", "name")
        if by is not None and Role(user.role) not in AGENCY_SCOPED:
            raise ConflictError(
                "activate_on_host",
                f"a {user.role} account is activated on the host (cdplan users activate)",
                "name",
            )
        user.pending = False
        return _info(s, user, utcnow())


def rotate(
    db: Database, name: str, *, days: float = DEFAULT_TOKEN_DAYS, pending: bool = False
) -> NewUser:
    """A new token for an account (the old one stops working); ``pending``: the account must be
    activated again before the new token works (a rotation through the API)."""
    token, now = new_token(), utcnow()
    with db.begin() as s:
        user = _find(s, name, None)
        user.token_sha256 = token_hash(token)
        user.expires_at = now + timedelta(days=days)
        user.pending = user.pending or pending
        principal = Principal(user.id, user.name, Role(user.role), user.agency)
        return NewUser(principal, token, user.expires_at, user.pending)
