"""Requests to export or erase one user's personal data."""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from lms_rt.files.models import StoredFile
from lms_rt.users.models import User


class ExportStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


class DataExport(Model):
    """A ZIP of everything the service holds about one user, built by a job."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="data_exports", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    status = fields.CharEnumField(ExportStatus, max_length=8, default=ExportStatus.PENDING)
    file: fields.ForeignKeyNullableRelation[StoredFile] = fields.ForeignKeyField(
        "models.StoredFile", related_name="data_exports", null=True, on_delete=fields.SET_NULL
    )
    file_id: uuid.UUID | None
    error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)  # the download goes away after this

    class Meta:
        table = "data_exports"
        indexes = (("user", "created_at"),)


class ErasureRequest(Model):
    """A user's own request waits out the cooling-off period (and may be cancelled until
    then); an admin's takes effect at once and carries a reason."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="erasure_requests", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="erasures_requested", null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: uuid.UUID | None
    reason = fields.TextField(default="")
    requested_at = fields.DatetimeField()
    effective_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "erasure_requests"
        indexes = (("completed_at", "cancelled_at", "effective_at"),)
