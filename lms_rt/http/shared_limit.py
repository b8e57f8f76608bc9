"""The per-client request limit shared by every process, without a Redis round trip per request.

Counting is a sliding-window counter: the hits of the current fixed window plus the previous
window's, weighted by how much of it still overlaps the sliding window. Each process counts
locally and, every ``sync_seconds``, adds what it counted to the shared Redis counters in one
pipeline and reads the totals back. A request is judged on the last known totals plus what this
process counted since, so a client spreading requests over P processes can get at most about
``rate * sync_seconds * P`` past the limit before every process knows; a client on one process
is held exactly. If Redis is away, each process goes on counting on its own and catches up
when it returns (the same fail-open stance as the rest of the API).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter
from collections.abc import Callable

from limits import parse
from redis.asyncio import Redis

log = logging.getLogger(__name__)

WindowKey = tuple[int, str]  # (window number, client key)


class SharedWindowLimiter:
    def __init__(
        self,
        redis: Redis,
        limit: str,
        namespace: str,
        *,
        sync_seconds: float = 0.25,
        clock: Callable[[], float] = time.time,
    ) -> None:
        item = parse(limit)
        self.amount = item.amount
        self.period = float(item.get_expiry())
        self.namespace = namespace
        self.sync_seconds = sync_seconds
        self._redis = redis
        self._clock = clock
        self._pending: Counter[WindowKey] = Counter()  # counted here, not yet in Redis
        self._known: dict[WindowKey, int] = {}  # totals Redis last reported
        self._task: asyncio.Task[None] | None = None

    def _redis_key(self, window: int, key: str) -> str:
        return f"lms:rl:{self.namespace}:{window}:{key}"

    def _count(self, window: int, key: str) -> int:
        return self._known.get((window, key), 0) + self._pending[(window, key)]

    async def hit(self, key: str) -> int | None:
        """Record one hit; ``None`` when allowed, else the seconds until a retry may succeed."""
        now = self._clock()
        window = int(now // self.period)
        overlap = 1.0 - (now / self.period - window)
        estimate = self._count(window, key) + overlap * self._count(window - 1, key)
        if estimate + 1 > self.amount + 1e-9:  # the weight is a float: 1/3 * 3 may exceed 1
            return max(1, math.ceil((window + 1) * self.period - now))
        self._pending[(window, key)] += 1
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._sync_forever())
        return None

    async def clear(self, key: str) -> None:
        windows = {w for w, k in (*self._pending, *self._known) if k == key}
        for window in windows:
            self._pending.pop((window, key), None)
            self._known.pop((window, key), None)
        if windows:
            await self._redis.delete(*(self._redis_key(w, key) for w in windows))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self.sync()

    async def _sync_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sync_seconds)
            try:
                await self.sync()
            except Exception as exc:  # Redis away: keep the counts and try again
                log.warning("rate limit counters could not be shared: %r", exc)
            if not self._pending:
                return  # idle: the next hit starts syncing again

    async def sync(self) -> None:
        """Add this process's counts to Redis and learn every process's totals."""
        current = int(self._clock() // self.period)
        for stale in [k for k in self._known if k[0] < current - 1]:
            del self._known[stale]
        sending = +self._pending  # drops zero counts
        self._pending = Counter()
        # Only clients active here need fresh totals; an idle one's are refreshed when it
        # comes back (its first requests are judged on what was known, at most one sync old).
        watched = sorted(sending)
        if not watched:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for window, key in watched:
                    name = self._redis_key(window, key)
                    pipe.incrby(name, sending[(window, key)])
                    pipe.expire(name, int(self.period * 2) + 1)
                replies = await pipe.execute()
        except BaseException:
            self._pending.update(sending)  # not counted anywhere yet: keep it for next time
            raise
        for index, window_key in enumerate(watched):
            if window_key[0] >= current - 1:
                self._known[window_key] = int(replies[2 * index])
