"""Accounts: administrators create, disable and rotate them; a planner vouches for its agency's.

An account an administrator creates (or whose token it rotates) is pending until a planner of
its agency activates it (``api.store.users``): no administrator alone gets a token that reads an
agency's plans. Planners see their agency's accounts, who created them, and can disable them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from api.deps import CtxDep
from api.routes.common import MAX_PAGE, responses
from api.schemas import NewUserOut, UserIn, UserList, UserOut
from api.store import users

router = APIRouter(tags=["accounts"])
Name = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="User name")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="Items to skip")]


def _out(u: users.UserInfo) -> UserOut:
    return UserOut(
        id=u.id,
        name=u.name,
        role=u.role.value,
        agency=u.agency,
        state=u.state,
        expires_at=u.expires_at,
        created_at=u.created_at,
        created_by=u.created_by,
    )


def _new(ctx: CtxDep, new: users.NewUser) -> JSONResponse:
    ctx.entry.object_id = new.principal.id
    found = users.list_users(ctx.db, 1, 0, name=new.principal.name)
    out = NewUserOut(**_out(found[0]).model_dump(), token=new.token)
    return JSONResponse(out.model_dump(mode="json"), status_code=201)


@router.get(
    "/v1/admin/users", name="admin.users.read", response_model=UserList, responses=responses(422)
)
def list_users(ctx: CtxDep, limit: Limit = 50, offset: Offset = 0) -> UserList:
    found = users.list_users(ctx.db, limit, offset)
    return UserList(items=[_out(u) for u in found], limit=limit, offset=offset)


@router.post(
    "/v1/admin/users",
    name="admin.users.write",
    response_model=NewUserOut,
    status_code=201,
    responses=responses(409, 413, 422),
    summary="Create a user (pending until a planner of its agency activates it); token shown once",
)
def add_user(ctx: CtxDep, body: UserIn) -> JSONResponse:
    days = ctx.services.settings.token_days
    return _new(
        ctx,
        users.add_user(
            ctx.db, body.name, body.role, body.agency, days=days, created_by=ctx.principal
        ),
    )


@router.post(
    "/v1/admin/users/{name}/disable",
    operation_id="admin_users_disable",
    name="admin.users.write",
    response_model=UserOut,
    responses=responses(404, 422),
    summary="Disable an account: its token stops working at once",
)
def disable(ctx: CtxDep, name: Name) -> UserOut:
    info = users.disable(ctx.db, name)
    ctx.entry.object_id = info.id
    return _out(info)


@router.post(
    "/v1/admin/users/{name}/rotate",
    operation_id="admin_users_rotate",
    name="admin.users.write",
    response_model=NewUserOut,
    status_code=201,
    responses=responses(404, 422),
    summary="A new token (shown once); the account is pending until activated again",
)
def rotate(ctx: CtxDep, name: Name) -> JSONResponse:
    days = ctx.services.settings.token_days
    return _new(ctx, users.rotate(ctx.db, name, days=days, pending=True))


@router.get(
    "/v1/agency/users",
    name="agency.users.read",
    response_model=UserList,
    responses=responses(422),
    summary="The accounts of your agency, with who created them and their state",
)
def agency_users(ctx: CtxDep, limit: Limit = 50, offset: Offset = 0) -> UserList:
    found = users.list_users(ctx.db, limit, offset, agency=ctx.principal.agency)
    return UserList(items=[_out(u) for u in found], limit=limit, offset=offset)


@router.post(
    "/v1/agency/users/{name}/activate",
    operation_id="agency_users_activate",
    name="agency.users.write",
    response_model=UserOut,
    responses=responses(404, 409, 422),
    summary="Vouch for a pending account of your agency: it can sign in from now on",
)
def activate(ctx: CtxDep, name: Name) -> UserOut:
    info = users.activate(ctx.db, name, by=ctx.principal)
    ctx.entry.object_id = info.id
    return _out(info)


@router.post(
    "/v1/agency/users/{name}/disable",
    operation_id="agency_users_disable",
    name="agency.users.write",
    response_model=UserOut,
    responses=responses(404, 422),
    summary="Disable an account of your agency",
)
def agency_disable(ctx: CtxDep, name: Name) -> UserOut:
    info = users.disable(ctx.db, name, agency=ctx.principal.agency)
    ctx.entry.object_id = info.id
    return _out(info)
