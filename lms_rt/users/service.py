"""Profiles, password changes and the admin's management of accounts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from lms_rt.audit import trail as audit
from lms_rt.auth.service import announce_access_changed, revoke_sessions
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Invalid, NotFound
from lms_rt.users.models import Role, User
from lms_rt.users.schemas import MeUpdate, UserAdminUpdate, UserCreate, UserListQuery


async def update_me(deps: Deps, user: User, data: MeUpdate) -> User:
    """Other tabs and devices of the user hear ``user.updated`` on ``user:<id>``."""
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        return user
    async with atomic(deps) as effects:
        await User.filter(id=user.id).update(**changes)
        effects.publish(f"user:{user.id}", "user.updated", {"changed": sorted(changes)})
    return await User.get(id=user.id)


async def change_password(
    deps: Deps, user: User, current: str, new: str, keep_session: str | None
) -> None:
    """Needs the current password; every other session ends."""
    if not await deps.auth.hasher.verify(current, user.password_hash):
        raise Invalid(
            "The current password is wrong",
            details=[{"field": "current_password", "message": "does not match"}],
        )
    password_hash = await deps.auth.hasher.hash(new)
    async with atomic(deps):
        await User.filter(id=user.id).update(password_hash=password_hash)
        await revoke_sessions(user.id, "password_changed", except_session=keep_session)


async def list_users(query: UserListQuery) -> tuple[list[User], int]:
    users = User.all()
    if query.role is not None:
        users = users.filter(role=query.role)
    if query.is_active is not None:
        users = users.filter(is_active=query.is_active)
    if query.q:
        users = users.filter(Q(email__icontains=query.q) | Q(full_name__icontains=query.q))
    total = await users.count()
    items = await users.order_by("created_at", "id").offset(query.offset).limit(query.limit)
    return items, total


async def create_user(deps: Deps, data: UserCreate, *, verified: bool = True) -> User:
    """An account made by an admin; its address counts as confirmed by that admin."""
    password_hash = await deps.auth.hasher.hash(data.password)
    try:
        return await User.create(
            email=data.email,
            password_hash=password_hash,
            full_name=data.full_name,
            role=data.role,
            timezone=data.timezone,
            email_verified_at=datetime.now(UTC) if verified else None,
        )
    except IntegrityError as exc:
        raise Conflict("An account with this email already exists") from exc


async def get_user(user_id: uuid.UUID) -> User:
    user = await User.filter(id=user_id).first()
    if user is None:
        raise NotFound("No such user")
    return user


async def admin_update(deps: Deps, admin: User, user_id: uuid.UUID, data: UserAdminUpdate) -> User:
    target = await get_user(user_id)
    if target.erased_at is not None:
        raise Conflict("This account was erased; it cannot be changed or reactivated")
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if target.id == admin.id and (
        changes.get("is_active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN
    ):
        raise Conflict("Admins cannot demote or deactivate themselves")
    async with atomic(deps):
        if changes:
            await User.filter(id=target.id).update(**changes)
        if changes.get("is_active") is False:
            await revoke_sessions(target.id, "deactivated")
        if "is_active" in changes and changes["is_active"] != target.is_active:
            action = "user.reactivated" if changes["is_active"] else "user.deactivated"
            await audit.record(
                action,
                "user",
                target.id,
                actor_id=admin.id,
                before={"is_active": target.is_active},
                after={"is_active": changes["is_active"]},
            )
        if "role" in changes and changes["role"] != target.role:
            announce_access_changed(target.id)
            await audit.record(
                "user.role_changed",
                "user",
                target.id,
                actor_id=admin.id,
                before={"role": target.role.value},
                after={"role": Role(changes["role"]).value},
            )
    return await get_user(user_id)


async def deactivate(deps: Deps, admin: User, user_id: uuid.UUID) -> None:
    """Accounts are deactivated, not deleted: their grades and payments stay accountable."""
    await admin_update(deps, admin, user_id, UserAdminUpdate(is_active=False))
