"""The per-user connection cap, counted across every server process.

Each socket holds a seat: a member of the user's sorted set in Redis whose score is when it
expires. A process keeps its sockets' seats fresh; seats of a crashed process lapse within
``SEAT_TTL_SECONDS`` and stop counting. Taking a seat is one Lua script: drop lapsed seats,
count, add if under the cap. The embedded default counts in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

SEAT_TTL_SECONDS = 60
REFRESH_SECONDS = 20

_TAKE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return 1
"""


class Seats:
    def __init__(self, redis: Redis | None, cap: int, prefix: str = "lms:rt:seats") -> None:
        self.redis = redis
        self.cap = cap
        self._prefix = prefix
        self._local: dict[str, set[str]] = {}  # user -> connection ids held here
        self._take = redis.register_script(_TAKE) if redis is not None else None
        self._task: asyncio.Task[None] | None = None

    def _key(self, user_id: str) -> str:
        return f"{self._prefix}:{user_id}"

    async def start(self) -> None:
        if self.redis is not None:
            self._task = asyncio.create_task(self._refresh_loop(), name="ws-seat-refresh")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def take(self, user_id: str, connection_id: str) -> bool:
        """A seat for this socket, unless the user already holds ``cap`` of them anywhere."""
        mine = self._local.setdefault(user_id, set())
        if self._take is None:
            if len(mine) >= self.cap:
                return False
            mine.add(connection_id)
            return True
        try:
            taken = await self._take(
                keys=[self._key(user_id)],
                args=[time.time(), self.cap, SEAT_TTL_SECONDS, connection_id],
            )
        except (RedisError, OSError) as exc:
            # The cap protects the service; an outage of its counter must not lock users out.
            log.warning("seat count unavailable, counting this process only: %s", exc)
            taken = len(mine) < self.cap
        if taken:
            mine.add(connection_id)
        elif not mine:
            del self._local[user_id]
        return bool(taken)

    async def release(self, user_id: str, connection_id: str) -> None:
        mine = self._local.get(user_id)
        if mine is None or connection_id not in mine:
            return
        mine.discard(connection_id)
        if not mine:
            del self._local[user_id]
        if self.redis is not None:
            with contextlib.suppress(RedisError, OSError):
                await self.redis.zrem(self._key(user_id), connection_id)

    async def _refresh_loop(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                await self._refresh(list(self._local.items()))
            except (RedisError, OSError) as exc:
                log.warning("seat refresh failed: %s", exc)

    async def _refresh(self, held: Iterable[tuple[str, set[str]]]) -> None:
        assert self.redis is not None
        expires = time.time() + SEAT_TTL_SECONDS
        async with self.redis.pipeline(transaction=False) as pipe:
            for user_id, connections in held:
                if connections:
                    pipe.zadd(self._key(user_id), {c: expires for c in connections})
                    pipe.expire(self._key(user_id), SEAT_TTL_SECONDS * 2)
            await pipe.execute()
