"""The per-user connection cap, counted across every server process.

Each socket holds a seat: a member ``<process>|<connection>`` of the user's sorted set in
Redis. Every process keeps one heartbeat key of its own alive (renewed three times per
``ttl``); a seat counts only while its process's key exists, so the seats of a process that
died without a goodbye (SIGKILL, a lost machine) stop counting within ``ttl`` seconds, while
a live process pays one command per heartbeat however many sockets it holds.

Taking a seat: one Lua script drops lapsed seats, counts, and adds ours if under the cap.
Only for a user at the cap are their seats read: which of their processes are gone is asked
(one pipelined ``EXISTS`` each) and the script runs again, dropping those seats first. Under
the cap nothing is listed, so each new socket of a user holding thousands (a kiosk, a load
test) costs one round trip, not a read of every seat. No key of one user and one process is
ever touched in the same command, so this works unchanged where they live on different Redis
Cluster slots. The embedded default counts in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Iterable

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 10.0
# A user's set of seats outlives its sockets' processes only this long; live processes write
# their seats again well within it (and at once when their heartbeat key was lost).
SEATS_KEY_TTL_SECONDS = 3600
RESEAT_SECONDS = SEATS_KEY_TTL_SECONDS / 3

# KEYS: the user's seats. ARGV: now, cap, our member, key ttl (s), then members of gone
# processes. A seat's score is when it lapses regardless (renewed with the key), which also
# retires seats written in the older format (a bare connection id scored by its expiry).
_TAKE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 5, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


class Seats:
    def __init__(
        self,
        redis: Redis | None,
        cap: int,
        prefix: str = "lms:rt:seats",
        ttl: float = DEFAULT_TTL_SECONDS,
    ) -> None:
        self.redis = redis
        self.cap = cap
        self.ttl = ttl
        self.process_id = uuid.uuid4().hex
        self._prefix = prefix
        self._local: dict[str, set[str]] = {}  # user -> connection ids held here
        self._take = redis.register_script(_TAKE) if redis is not None else None
        self._task: asyncio.Task[None] | None = None

    def _key(self, user_id: str) -> str:
        return f"{self._prefix}:{user_id}"

    def _process_key(self, process_id: str) -> str:
        return f"{self._prefix}:proc:{process_id}"

    def _member(self, connection_id: str) -> str:
        return f"{self.process_id}|{connection_id}"

    async def start(self) -> None:
        if self.redis is None:
            return
        try:
            await self._beat()
        except (RedisError, OSError) as exc:
            log.warning("seat heartbeat unavailable at start: %s", exc)
        self._task = asyncio.create_task(self._heartbeat_loop(), name="ws-seat-heartbeat")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.redis is not None:
            # A graceful stop frees this process's seats at once (any left lapse with the key).
            with contextlib.suppress(RedisError, OSError):
                await self.redis.delete(self._process_key(self.process_id))

    async def take(self, user_id: str, connection_id: str) -> bool:
        """A seat for this socket, unless the user already holds ``cap`` of them anywhere."""
        mine = self._local.setdefault(user_id, set())
        if self._take is None:
            if len(mine) >= self.cap:
                return False
            mine.add(connection_id)
            return True
        try:
            taken = await self._take_seat(user_id, connection_id, [])
            if not taken:
                # At the cap: seats of processes that died without a goodbye do not count.
                gone = await self._gone_seats(self._key(user_id))
                if gone:
                    taken = await self._take_seat(user_id, connection_id, gone)
        except (RedisError, OSError) as exc:
            # The cap protects the service; an outage of its counter must not lock users out.
            log.warning("seat count unavailable, counting this process only: %s", exc)
            taken = len(mine) < self.cap
        if taken:
            mine.add(connection_id)
        elif not mine:
            del self._local[user_id]
        return bool(taken)

    async def _take_seat(self, user_id: str, connection_id: str, gone: list[str]) -> bool:
        assert self._take is not None
        taken = await self._take(
            keys=[self._key(user_id)],
            args=[
                time.time(),
                self.cap,
                self._member(connection_id),
                SEATS_KEY_TTL_SECONDS,
                *gone,
            ],
        )
        return bool(taken)

    async def _gone_seats(self, key: str) -> list[str]:
        """Seats in ``key`` whose process has no heartbeat key any more."""
        assert self.redis is not None
        # Seats without a process (the older format) lapse by their score instead.
        seats = [s for s in map(_text, await self.redis.zrange(key, 0, -1)) if "|" in s]
        processes = sorted({seat.partition("|")[0] for seat in seats} - {self.process_id})
        if not processes:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for process_id in processes:
                pipe.exists(self._process_key(process_id))
            alive = await pipe.execute()
        gone = {p for p, exists in zip(processes, alive, strict=True) if not exists}
        return [seat for seat in seats if seat.partition("|")[0] in gone]

    async def release(self, user_id: str, connection_id: str) -> None:
        mine = self._local.get(user_id)
        if mine is None or connection_id not in mine:
            return
        mine.discard(connection_id)
        if not mine:
            del self._local[user_id]
        if self.redis is not None:
            with contextlib.suppress(RedisError, OSError):
                await self.redis.zrem(self._key(user_id), self._member(connection_id))

    async def _heartbeat_loop(self) -> None:
        since_reseat = 0.0
        while True:
            await asyncio.sleep(self.ttl / 3)
            since_reseat += self.ttl / 3
            try:
                if not await self._beat() or since_reseat >= RESEAT_SECONDS:
                    since_reseat = 0.0
                    await self._reseat(list(self._local.items()))
            except (RedisError, OSError) as exc:
                log.warning("seat heartbeat failed: %s", exc)

    async def _beat(self) -> bool:
        """Keep this process's key alive; False when it had lapsed (a long stall, a Redis
        restart), so that others may have dropped our seats and they must be written again."""
        assert self.redis is not None
        ttl_ms = int(self.ttl * 1000)
        if await self.redis.pexpire(self._process_key(self.process_id), ttl_ms):
            return True
        await self.redis.set(self._process_key(self.process_id), b"1", px=ttl_ms)
        return False

    async def _reseat(self, held: Iterable[tuple[str, set[str]]]) -> None:
        assert self.redis is not None
        lapses = time.time() + SEATS_KEY_TTL_SECONDS
        async with self.redis.pipeline(transaction=False) as pipe:
            for user_id, connections in held:
                if connections:
                    pipe.zadd(self._key(user_id), {self._member(c): lapses for c in connections})
                    pipe.expire(self._key(user_id), SEATS_KEY_TTL_SECONDS)
            await pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
