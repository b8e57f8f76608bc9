"""JWTs: access tokens, refresh tokens and MFA challenges, each with its own ``typ``.

HS256 is pinned; ``exp``, ``iat``, ``nbf``, ``iss``, ``aud``, ``jti`` and ``typ`` are required
and checked, so a token of one kind is never accepted as another.

Keys rotate: every token names its signing key in the ``kid`` header. One key signs; every key
listed in the settings verifies, so tokens signed with a retired key keep working until they
expire or the key is dropped from the list. A token naming a key that is not listed is refused.
Tokens without ``kid`` (made before keys had ids) are checked with the ``default`` key.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt

from lms_rt.config import DEFAULT_JWT_KEY_ID, Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "jti", "typ", "sub"]
# Clocks of several servers disagree by a little; a token is not refused over seconds.
LEEWAY_SECONDS = 5
MFA_CHALLENGE_MINUTES = 5


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"
    MFA_CHALLENGE = "mfa_challenge"


class InvalidToken(Exception):
    """Signature, expiry, audience, issuer or type is wrong; the message says which."""


@dataclass(frozen=True)
class Claims:
    subject: str
    type: TokenType
    jti: str
    expires_at: datetime
    session_id: str | None
    raw: dict[str, Any]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def random_token() -> str:
    return secrets.token_urlsafe(32)


class TokenIssuer:
    def __init__(self, settings: Settings) -> None:
        self.signing_key_id, self._signing_secret = settings.jwt_signing_key
        self._verification_keys = settings.jwt_verification_keys
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self.access_ttl = timedelta(minutes=settings.access_token_minutes)
        self.refresh_ttl = timedelta(days=settings.refresh_token_days)

    def _encode(
        self, subject: str, type: TokenType, ttl: timedelta, **extra: Any
    ) -> tuple[str, datetime]:
        now = datetime.now(UTC)
        expires = now + ttl
        claims = {
            "sub": subject,
            "typ": type.value,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "nbf": now,
            "exp": expires,
            "jti": uuid.uuid4().hex,
            **extra,
        }
        token = jwt.encode(
            claims,
            self._signing_secret,
            algorithm=ALGORITHM,
            headers={"kid": self.signing_key_id},
        )
        return token, expires

    def access(self, user_id: str, session_id: str, role: str) -> tuple[str, datetime]:
        return self._encode(user_id, TokenType.ACCESS, self.access_ttl, sid=session_id, role=role)

    def refresh(self, user_id: str, session_id: str) -> tuple[str, datetime]:
        return self._encode(user_id, TokenType.REFRESH, self.refresh_ttl, sid=session_id)

    def mfa_challenge(self, user_id: str) -> tuple[str, datetime]:
        return self._encode(
            user_id, TokenType.MFA_CHALLENGE, timedelta(minutes=MFA_CHALLENGE_MINUTES)
        )

    def _verification_key(self, token: str) -> str:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token: {exc}") from exc
        key_id = header.get("kid", DEFAULT_JWT_KEY_ID)
        secret = self._verification_keys.get(key_id) if isinstance(key_id, str) else None
        if secret is None:
            raise InvalidToken("token signed with an unknown key")
        return secret

    def decode(self, token: str, expected: TokenType) -> Claims:
        key = self._verification_key(token)
        try:
            data = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token: {exc}") from exc
        if data.get("typ") != expected.value:
            raise InvalidToken(f"expected a {expected.value} token")
        return Claims(
            subject=str(data["sub"]),
            type=expected,
            jti=str(data["jti"]),
            expires_at=datetime.fromtimestamp(int(data["exp"]), UTC),
            session_id=str(data["sid"]) if data.get("sid") else None,
            raw=data,
        )
