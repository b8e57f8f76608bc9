"""The per-process auth objects: password hasher, token issuer and sign-in throttle."""

from __future__ import annotations

from dataclasses import dataclass

from limits.aio.storage import Storage

from lms_rt.auth.passwords import PasswordHasher
from lms_rt.auth.throttle import LoginThrottle
from lms_rt.auth.tokens import TokenIssuer
from lms_rt.config import Settings


@dataclass(frozen=True)
class AuthKit:
    hasher: PasswordHasher
    tokens: TokenIssuer
    throttle: LoginThrottle

    @classmethod
    def build(cls, settings: Settings, counters: Storage) -> AuthKit:
        return cls(
            hasher=PasswordHasher(settings.secret_key, settings.bcrypt_rounds),
            tokens=TokenIssuer(settings),
            throttle=LoginThrottle(
                counters, settings.login_failures_per_account, settings.login_failures_per_ip
            ),
        )
