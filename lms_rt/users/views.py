"""``/api/v1/users``: your own account, and account management for admins."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.permissions import ADMIN, ANYONE_SIGNED_IN, caller
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.http.parsing import path_uuid
from lms_rt.users import service
from lms_rt.users.models import User
from lms_rt.users.schemas import (
    MeUpdate,
    PasswordChange,
    UserAdminUpdate,
    UserCreate,
    UserListQuery,
    UserOut,
)

api = ApiRoutes(tag="users")


@api.get("/users/me", summary="Your account", response=UserOut, roles=ANYONE_SIGNED_IN)
async def me(request: web.Request, user: User) -> UserOut:
    return UserOut.of(user)


@api.patch(
    "/users/me",
    summary="Update your name, time zone or profile",
    body=MeUpdate,
    response=UserOut,
    roles=ANYONE_SIGNED_IN,
)
async def update_me(request: web.Request, body: MeUpdate, user: User) -> UserOut:
    """Role, email verification and activation are not yours to set: such fields get 422."""
    return UserOut.of(await service.update_me(request.app[keys.DEPS], user, body))


@api.post(
    "/users/me/password",
    summary="Change your password",
    body=PasswordChange,
    status=204,
    roles=ANYONE_SIGNED_IN,
)
async def change_password(request: web.Request, body: PasswordChange, user: User) -> None:
    """Needs the current password; your other sessions end, this one stays."""
    _, claims = await caller(request)
    await service.change_password(
        request.app[keys.DEPS],
        user,
        body.current_password,
        body.new_password,
        keep_session=claims.session_id,
    )


@api.get(
    "/users", summary="List accounts", query=UserListQuery, response=Page[UserOut], roles=ADMIN
)
async def list_users(request: web.Request, query: UserListQuery, user: User) -> Page[UserOut]:
    items, total = await service.list_users(query)
    return Page[UserOut](
        items=[UserOut.of(u) for u in items], total=total, limit=query.limit, offset=query.offset
    )


@api.post(
    "/users",
    summary="Create an account with any role",
    body=UserCreate,
    response=UserOut,
    status=201,
    roles=ADMIN,
    errors=[409],
)
async def create_user(request: web.Request, body: UserCreate, user: User) -> UserOut:
    return UserOut.of(await service.create_user(request.app[keys.DEPS], body))


@api.get("/users/{user_id}", summary="One account", response=UserOut, roles=ADMIN, errors=[404])
async def get_user(request: web.Request, user: User) -> UserOut:
    return UserOut.of(await service.get_user(path_uuid(request, "user_id")))


@api.patch(
    "/users/{user_id}",
    summary="Change an account's role, name or activation",
    body=UserAdminUpdate,
    response=UserOut,
    roles=ADMIN,
    errors=[404, 409],
)
async def update_user(request: web.Request, body: UserAdminUpdate, user: User) -> UserOut:
    """Deactivating an account ends its sessions at once. An erased account is 409."""
    target = path_uuid(request, "user_id")
    return UserOut.of(await service.admin_update(request.app[keys.DEPS], user, target, body))


@api.delete(
    "/users/{user_id}", summary="Deactivate an account", status=204, roles=ADMIN, errors=[404, 409]
)
async def deactivate_user(request: web.Request, user: User) -> None:
    """Deactivates (never deletes); the account's tokens stop working immediately."""
    await service.deactivate(request.app[keys.DEPS], user, path_uuid(request, "user_id"))
