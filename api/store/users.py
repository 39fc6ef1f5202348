"""Users and their tokens (only a token's SHA-256 is kept)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from api.db.clock import utcnow
from api.db.tables import User
from api.security import Principal, Role, new_token, token_hash
from api.store.database import ConflictError, Database, UnprocessableError

NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class NewUser:
    principal: Principal
    token: str


def add_user(db: Database, name: str, role: str, agency: str) -> NewUser:
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
    token = new_token()
    with db.begin() as s:
        if s.scalar(select(User.id).where(User.name == name)) is not None:
            raise ConflictError("name_taken", "a user with this name exists", "name")
        user = User(
            id=str(uuid.uuid4()),
            name=name,
            role=role_.value,
            agency=agency,
            token_sha256=token_hash(token),
            active=True,
            created_at=utcnow(),
        )
        s.add(user)
    return NewUser(Principal(user.id, name, role_, agency), token)


def authenticate(db: Database, token: str) -> Principal | None:
    if not token or len(token) > 200:
        return None
    with db.read() as s:
        user = s.scalar(select(User).where(User.token_sha256 == token_hash(token)))
    if user is None or not user.active:
        return None
    return Principal(user.id, user.name, Role(user.role), user.agency)


def list_users(db: Database, limit: int, offset: int) -> list[Principal]:
    with db.begin() as s:
        users = s.scalars(select(User).order_by(User.name).limit(limit).offset(offset)).all()
    return [Principal(u.id, u.name, Role(u.role), u.agency) for u in users]
