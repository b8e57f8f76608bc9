"""What clients send and receive about users."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import available_timezones

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from lms_rt.auth.passwords import MAX_LENGTH, MIN_LENGTH
from lms_rt.http.pagination import PageQuery
from lms_rt.users.models import Role, User

# A profile is a small bag of preferences and links, not a document store.
MAX_PROFILE_BYTES = 8 * 1024


def _normalise_email(value: str) -> str:
    return value.strip().lower()


Email = Annotated[EmailStr, AfterValidator(_normalise_email)]
# Passwords are taken exactly as typed: spaces are characters like any other.
Password = Annotated[
    str,
    StringConstraints(strip_whitespace=False),
    Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH),
]
# A password being checked, not chosen: any length up to the maximum, never stripped.
GivenPassword = Annotated[
    str, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=MAX_LENGTH)
]
FullName = Annotated[str, Field(min_length=1, max_length=200)]


def _check_timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("not an IANA time zone name (for example Africa/Cairo)")
    return value


TimeZone = Annotated[str, AfterValidator(_check_timezone)]


def _check_profile(value: dict[str, Any]) -> dict[str, Any]:
    if len(orjson.dumps(value)) > MAX_PROFILE_BYTES:
        raise ValueError(f"profile metadata is limited to {MAX_PROFILE_BYTES} bytes of JSON")
    return value


Profile = Annotated[dict[str, Any], AfterValidator(_check_profile)]


class Strict(BaseModel):
    """Request bodies refuse fields they do not know (``role`` in a profile update: 422)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    email_verified: bool
    mfa_enabled: bool
    timezone: str
    profile: dict[str, Any]
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            full_name=user.full_name,
            role=user.role,
            is_active=user.is_active,
            email_verified=user.email_verified_at is not None,
            mfa_enabled=user.mfa_enabled,
            timezone=user.timezone,
            profile=user.profile,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )


class MeUpdate(Strict):
    full_name: FullName | None = None
    timezone: TimeZone | None = None
    profile: Profile | None = None


class PasswordChange(Strict):
    current_password: GivenPassword
    new_password: Password


class UserCreate(Strict):
    email: Email
    password: Password
    full_name: FullName
    role: Role = Role.STUDENT
    timezone: TimeZone = "UTC"


class UserAdminUpdate(Strict):
    full_name: FullName | None = None
    role: Role | None = None
    is_active: bool | None = None


class UserListQuery(PageQuery):
    role: Role | None = None
    is_active: bool | None = None
    q: str | None = Field(default=None, max_length=100, description="email or name contains")

    @field_validator("q")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None
