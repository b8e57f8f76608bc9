"""The account of every admin, instructor and student."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    INSTRUCTOR = "instructor"
    STUDENT = "student"


class User(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    # Stored lower-cased, so the unique index makes addresses unique case-insensitively.
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=100)
    full_name = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=16, default=Role.STUDENT, db_index=True)
    is_active = fields.BooleanField(default=True)
    email_verified_at = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    timezone = fields.CharField(max_length=64, default="UTC")
    profile: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    mfa_enabled = fields.BooleanField(default=False)
    mfa_secret = fields.CharField(max_length=64, null=True)
    mfa_pending_secret = fields.CharField(max_length=64, null=True)
    # The last TOTP time step accepted: a code is never accepted twice.
    mfa_last_step = fields.BigIntField(null=True)
    # Personal data removed on request: the row stays, anonymised, for what others need.
    erased_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"
        ordering = ("created_at",)

    def __str__(self) -> str:
        return self.email
