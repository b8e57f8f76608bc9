"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from lms_rt.auth.passwords import MAX_LENGTH
from lms_rt.users.schemas import (
    Email,
    FullName,
    GivenPassword,
    Password,
    Strict,
    TimeZone,
    UserOut,
)


class RegisterIn(Strict):
    email: Email
    password: Password
    full_name: FullName
    timezone: TimeZone = "UTC"


class LoginIn(Strict):
    email: Email
    # Length rules are not checked here: a wrong password of any length is just wrong.
    password: GivenPassword


class OAuthPasswordForm(BaseModel):
    """RFC 6749 §4.3 resource-owner password grant, as the docs page's Authorize sends it."""

    grant_type: Literal["password"] = "password"
    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)
    scope: str = ""
    client_id: str | None = None
    client_secret: str | None = None


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the access token expires")
    refresh_expires_in: int


class OAuthToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class MfaChallenge(BaseModel):
    mfa_required: Literal[True] = True
    challenge_token: str
    expires_in: int


class RegisterOut(BaseModel):
    user: UserOut
    tokens: TokenPair


class RefreshIn(Strict):
    refresh_token: str = Field(min_length=1, max_length=2048)


class TokenIn(Strict):
    token: str = Field(min_length=1, max_length=512)


class EmailIn(Strict):
    email: Email


class ResetPasswordIn(Strict):
    token: str = Field(min_length=1, max_length=512)
    new_password: Password


class MfaSetupOut(BaseModel):
    secret: str
    otpauth_uri: str


class MfaCodeIn(Strict):
    code: str = Field(min_length=6, max_length=8)


class MfaDisableIn(Strict):
    password: GivenPassword
    code: str = Field(min_length=6, max_length=8)


class MfaVerifyIn(Strict):
    challenge_token: str = Field(min_length=1, max_length=2048)
    code: str = Field(min_length=6, max_length=8)


class SessionOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str
    ip: str
    current: bool


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    message: str
