"""Notifications and each user's choice of where each type of them goes."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from lms_rt.users.models import User


class NotificationType(StrEnum):
    ENROLLMENT_CONFIRMED = "enrollment_confirmed"
    GRADE_RELEASED = "grade_released"
    SUBMISSION_RETURNED = "submission_returned"
    CERTIFICATE_ISSUED = "certificate_issued"
    PAYMENT_RESULT = "payment_result"
    ANNOUNCEMENT = "announcement"
    LIVE_SESSION_STARTING = "live_session_starting"
    DATA_EXPORT_READY = "data_export_ready"


class Delivery(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    BOTH = "both"
    NONE = "none"


class Notification(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    type = fields.CharEnumField(NotificationType, max_length=32)
    title = fields.CharField(max_length=200)
    body = fields.TextField(default="")
    link = fields.CharField(max_length=500, default="")
    data: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        indexes = (("user", "created_at"), ("user", "read_at"))


class NotificationPreference(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    type = fields.CharEnumField(NotificationType, max_length=32)
    delivery = fields.CharEnumField(Delivery, max_length=8)

    class Meta:
        table = "notification_preferences"
        unique_together = (("user", "type"),)
