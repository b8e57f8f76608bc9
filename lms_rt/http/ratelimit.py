"""Request rate limiting with the ``limits`` library: Redis in services mode, memory embedded."""

from __future__ import annotations

import math
import time
from typing import Protocol

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis


class Limiter(Protocol):
    async def hit(self, key: str) -> int | None: ...

    async def clear(self, key: str) -> None: ...


class RateLimiter:
    """Counts hits per key against one limit and says how long to wait when over it."""

    def __init__(self, storage: Storage, limit: str, namespace: str) -> None:
        self.storage = storage
        self.item: RateLimitItem = parse(limit)
        self.namespace = namespace
        self._strategy = MovingWindowRateLimiter(storage)

    async def hit(self, key: str) -> int | None:
        """Record one hit; ``None`` when allowed, else the seconds until a retry may succeed."""
        if await self._strategy.hit(self.item, self.namespace, key):
            return None
        stats = await self._strategy.get_window_stats(self.item, self.namespace, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def clear(self, key: str) -> None:
        await self._strategy.clear(self.item, self.namespace, key)


def make_storage(redis: Redis | None) -> Storage:
    """Counters in Redis, on the process's own connection pool, in services mode."""
    if redis is not None:
        return RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix="lms:rl",
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]  # untyped **options
        )
    return MemoryStorage()
