"""Password hashing: HMAC-SHA256 under a server pepper, then bcrypt, off the event loop.

bcrypt only reads 72 bytes; pre-hashing makes every byte of a long password count, and the
pepper (derived from the secret key) means a stolen table alone cannot be brute-forced.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac

import bcrypt

MIN_LENGTH = 10
MAX_LENGTH = 128


class PasswordHasher:
    def __init__(self, secret_key: str, rounds: int) -> None:
        self._pepper = hashlib.sha256(b"lms_rt password pepper:" + secret_key.encode()).digest()
        self.rounds = rounds
        # Verified against when the account does not exist, so both paths cost one bcrypt.
        self._dummy = bcrypt.hashpw(self._prehash("not a real password"), bcrypt.gensalt(rounds))

    def _prehash(self, password: str) -> bytes:
        digest = hmac.new(self._pepper, password.encode("utf-8"), hashlib.sha256).digest()
        # base64 keeps the input free of NUL bytes, which bcrypt would stop at.
        return base64.b64encode(digest)

    async def hash(self, password: str) -> str:
        prehashed = self._prehash(password)
        hashed = await asyncio.to_thread(bcrypt.hashpw, prehashed, bcrypt.gensalt(self.rounds))
        return hashed.decode()

    async def verify(self, password: str, hashed: str | None) -> bool:
        target = hashed.encode() if hashed else self._dummy
        ok = await asyncio.to_thread(bcrypt.checkpw, self._prehash(password), target)
        return ok and hashed is not None
