"""Sign-in sessions (refresh-token families), refresh tokens and one-time tokens.

Only hashes of tokens are stored: a copy of the database signs nobody in.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from lms_rt.users.models import User


class AuthSession(Model):
    """One sign-in on one device: the family every rotated refresh token belongs to.

    Access tokens name their session (``sid``); revoking the session refuses them at once.
    """

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoke_reason = fields.CharField(max_length=32, null=True)
    user_agent = fields.CharField(max_length=300, default="")
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        table = "auth_sessions"


class RefreshToken(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    session: fields.ForeignKeyRelation[AuthSession] = fields.ForeignKeyField(
        "models.AuthSession", related_name="tokens", on_delete=fields.CASCADE
    )
    session_id: uuid.UUID
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    replaced_by = fields.UUIDField(null=True)

    class Meta:
        table = "refresh_tokens"


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class OneTimeToken(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="one_time_tokens", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    purpose = fields.CharEnumField(TokenPurpose, max_length=32)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_tokens"
