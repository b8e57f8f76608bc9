"""``/api/v1/notifications`` and ``/api/v1/users/me/notification-preferences``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from lms_rt import keys
from lms_rt.auth.permissions import ANYONE_SIGNED_IN
from lms_rt.db import atomic
from lms_rt.errors import NotFound
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page, PageQuery
from lms_rt.http.parsing import path_uuid
from lms_rt.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationType,
)
from lms_rt.notifications.service import DEFAULT_DELIVERY
from lms_rt.users.models import User
from lms_rt.users.schemas import Strict

api = ApiRoutes(tag="notifications")


class NotificationOut(BaseModel):
    id: uuid.UUID
    type: NotificationType
    title: str
    body: str
    link: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class InboxQuery(PageQuery):
    unread: bool = False


class UnreadCount(BaseModel):
    unread: int


class Preferences(Strict):
    """Where each type of notification goes: inbox, email, both or none."""

    preferences: dict[NotificationType, Delivery]


def _out(n: Notification) -> NotificationOut:
    return NotificationOut.model_validate(n, from_attributes=True)


@api.get(
    "/notifications",
    summary="My notifications, newest first",
    query=InboxQuery,
    response=Page[NotificationOut],
    roles=ANYONE_SIGNED_IN,
)
async def inbox(request: web.Request, query: InboxQuery, user: User) -> Page[NotificationOut]:
    rows = Notification.filter(user_id=user.id)
    if query.unread:
        rows = rows.filter(read_at=None)
    total = await rows.count()
    page = await rows.order_by("-created_at", "-id").offset(query.offset).limit(query.limit)
    return Page[NotificationOut](
        items=[_out(n) for n in page], total=total, limit=query.limit, offset=query.offset
    )


@api.get(
    "/notifications/unread-count",
    summary="How many of my notifications are unread",
    response=UnreadCount,
    roles=ANYONE_SIGNED_IN,
)
async def unread_count(request: web.Request, user: User) -> UnreadCount:
    return UnreadCount(unread=await Notification.filter(user_id=user.id, read_at=None).count())


@api.post(
    "/notifications/{notification_id}/read",
    summary="Mark one of my notifications read",
    response=NotificationOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def mark_read(request: web.Request, user: User) -> NotificationOut:
    notification_id = path_uuid(request, "notification_id")
    row = await Notification.filter(id=notification_id, user_id=user.id).first()
    if row is None:
        raise NotFound("No such notification")
    now = request.app[keys.DEPS].clock.now()
    await Notification.filter(id=row.id, read_at=None).update(read_at=now)
    return _out(await Notification.get(id=row.id))


@api.post(
    "/notifications/read-all",
    summary="Mark all my notifications read",
    response=UnreadCount,
    roles=ANYONE_SIGNED_IN,
)
async def read_all(request: web.Request, user: User) -> UnreadCount:
    now = request.app[keys.DEPS].clock.now()
    await Notification.filter(user_id=user.id, read_at=None).update(read_at=now)
    return UnreadCount(unread=0)


@api.get(
    "/users/me/notification-preferences",
    summary="Where each type of my notifications goes",
    response=Preferences,
    roles=ANYONE_SIGNED_IN,
)
async def get_preferences(request: web.Request, user: User) -> Preferences:
    return await _preferences(user)


async def _preferences(user: User) -> Preferences:
    chosen = dict(
        await NotificationPreference.filter(user_id=user.id).values_list("type", "delivery")
    )
    return Preferences(
        preferences={
            kind: Delivery(chosen.get(kind, default)) for kind, default in DEFAULT_DELIVERY.items()
        }
    )


@api.put(
    "/users/me/notification-preferences",
    summary="Choose where types of my notifications go",
    body=Preferences,
    response=Preferences,
    roles=ANYONE_SIGNED_IN,
)
async def put_preferences(request: web.Request, body: Preferences, user: User) -> Preferences:
    """Types left out keep their current setting. One upsert, so racing requests never
    collide on the (user, type) unique index; the last to commit wins."""
    chosen = [
        NotificationPreference(user_id=user.id, type=kind, delivery=delivery)
        for kind, delivery in body.preferences.items()
    ]
    if chosen:
        async with atomic(request.app[keys.DEPS]):
            await NotificationPreference.bulk_create(
                chosen, on_conflict=["user_id", "type"], update_fields=["delivery"]
            )
    return await _preferences(user)
