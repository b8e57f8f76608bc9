"""Failed sign-in throttling per account and per client address (Redis in services mode)."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from lms_rt.errors import RateLimited


class LoginThrottle:
    def __init__(self, storage: Storage, per_account: str, per_ip: str) -> None:
        self._strategy = MovingWindowRateLimiter(storage)
        self._account = parse(per_account)
        self._ip = parse(per_ip)

    async def check(self, account: str, ip: str) -> None:
        """Raise 429 when either budget of failures is spent (the same for unknown emails)."""
        waits = []
        for item, key in ((self._account, f"account:{account}"), (self._ip, f"ip:{ip}")):
            if not await self._strategy.test(item, "login", key):
                stats = await self._strategy.get_window_stats(item, "login", key)
                waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        if waits:
            raise RateLimited("Too many failed sign-ins; try again later", retry_after=max(waits))

    async def failed(self, account: str, ip: str) -> None:
        await self._strategy.hit(self._account, "login", f"account:{account}")
        await self._strategy.hit(self._ip, "login", f"ip:{ip}")

    async def succeeded(self, account: str) -> None:
        await self._strategy.clear(self._account, "login", f"account:{account}")
