"""TOTP two-factor codes (RFC 6238) with pyotp; each accepted time step is used only once."""

from __future__ import annotations

import time

import pyotp

ISSUER = "lms_rt"
# Accept the previous and next 30 s step too: phones drift and people type slowly.
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step the code belongs to, if valid and newer than ``last_step``; else None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    current = int(moment // totp.interval)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None
