"""Certificate numbers: a readable prefix and year, then 160 random bits anyone can verify.

The number is the public verification code, so it must not be guessable: 20 random bytes
(more than the 128 bits asked for) in base32, grouped by four so a person can read it aloud.
Base32 (A-Z, 2-7) is case-insensitive, which lets a typed lower-case number still match.
"""

from __future__ import annotations

import base64
import re
import secrets

RANDOM_BYTES = 20  # 160 bits; base32 turns 20 bytes into exactly 32 characters, no padding
GROUP = 4
MAX_LENGTH = 64  # Certificate.number's column width
_PLAUSIBLE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,63}$")


def new_number(prefix: str, year: int) -> str:
    code = base64.b32encode(secrets.token_bytes(RANDOM_BYTES)).decode("ascii")
    groups = "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
    number = f"{normalise(prefix)}-{year:04d}-{groups}"
    if len(number) > MAX_LENGTH:
        raise ValueError(
            f"certificate prefix {prefix!r} is too long for a {MAX_LENGTH}-char number"
        )
    return number


def normalise(text: str) -> str:
    """Numbers are stored upper-case; what a person types is compared the same way."""
    return text.strip().upper()


def plausible(number: str) -> bool:
    """Could this be a number at all? Anything else is *not found* without a query."""
    return bool(_PLAUSIBLE.match(number))
