"""Who is in a channel: user id, name, role and connection count, across processes.

Each process writes its own entries (``<process>|<user>`` in a Redis hash per channel) with an
expiry it keeps pushing forward; entries of a crashed process simply stop being refreshed and
drop out of every list within ``ENTRY_TTL_SECONDS``. Join and leave events are coalesced per
channel into at most one ``presence.changed`` event per ``FLUSH_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from lms_rt.realtime.bus import Bus
from lms_rt.realtime.connection import Connection
from lms_rt.realtime.registry import Caller, PresenceListener

log = logging.getLogger(__name__)

# A crashed process's entries vanish from lists after at most this long (< 60 s).
ENTRY_TTL_SECONDS = 45
REFRESH_SECONDS = 15
# 1,000 joins in a burst become a handful of events, not a million frames.
FLUSH_SECONDS = 0.5


class Presence:
    def __init__(
        self,
        bus: Bus,
        redis: Redis | None,
        prefix: str = "lms:rt:presence",
        listeners: Sequence[PresenceListener] = (),
    ) -> None:
        self.bus = bus
        self.listeners = tuple(listeners)
        self._notifications: set[asyncio.Task[None]] = set()
        self._last_notice: dict[tuple[str, str], asyncio.Task[None]] = {}
        self.redis = redis
        self.process = uuid.uuid4().hex[:12]
        self._prefix = prefix
        # channel -> user id -> connections of that user here
        self._local: dict[str, dict[str, set[Connection]]] = defaultdict(dict)
        self._info: dict[str, dict[str, Any]] = {}
        self._memory: dict[str, dict[str, tuple[dict[str, Any], float]]] = defaultdict(dict)
        self._joined: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self._left: dict[str, set[str]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []
        # Which presence channels each connection is in, so leaving touches only those.
        self._memberships: dict[Connection, set[str]] = {}

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._flush_loop(), name="presence-flush"),
            asyncio.create_task(self._refresh_loop(), name="presence-refresh"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._notifications, return_exceptions=True)
        with contextlib.suppress(RedisError, OSError):
            await self._flush()
            for channel in list(self._local):
                for user_id in list(self._local[channel]):
                    await self._remove_entry(channel, user_id)

    # --- membership ----------------------------------------------------------------------

    async def join(self, connection: Connection, channel: str) -> None:
        caller = connection.caller
        if caller is None:
            return
        users = self._local[channel]
        mine = users.setdefault(caller.user_id, set())
        first = not mine
        mine.add(connection)
        self._memberships.setdefault(connection, set()).add(channel)
        self._info[caller.user_id] = {
            "user_id": caller.user_id,
            "name": caller.name,
            "role": caller.role,
        }
        if first:
            self._left[channel].discard(caller.user_id)
            self._joined[channel][caller.user_id] = self._info[caller.user_id]
            self._notify(channel, caller, True)
        await self._best_effort(self._write_entry(channel, caller.user_id, len(mine)))

    async def leave(self, connection: Connection, channel: str) -> None:
        caller = connection.caller
        users = self._local.get(channel)
        if caller is None or users is None or caller.user_id not in users:
            return
        mine = users[caller.user_id]
        mine.discard(connection)
        memberships = self._memberships.get(connection)
        if memberships is not None:
            memberships.discard(channel)
        if mine:
            await self._best_effort(self._write_entry(channel, caller.user_id, len(mine)))
            return
        del users[caller.user_id]
        if not users:
            del self._local[channel]
        if self._joined[channel].pop(caller.user_id, None) is None:
            self._left[channel].add(caller.user_id)
        self._notify(channel, caller, False)
        if not any(caller.user_id in u for u in self._local.values()):
            self._info.pop(caller.user_id, None)
        await self._best_effort(self._remove_entry(channel, caller.user_id))

    async def leave_all(self, connection: Connection) -> None:
        for channel in list(self._memberships.pop(connection, ())):
            await self.leave(connection, channel)

    def _notify(self, channel: str, caller: Caller, joined: bool) -> None:
        """Listeners hear one user's arrivals and departures in a channel in the order they
        happened: each notice waits for the one before it."""
        if not self.listeners:
            return
        key = (channel, caller.user_id)
        task = asyncio.create_task(self._tell(self._last_notice.get(key), channel, caller, joined))
        self._last_notice[key] = task
        self._notifications.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._notifications.discard(finished)
            if self._last_notice.get(key) is finished:
                del self._last_notice[key]

        task.add_done_callback(done)

    async def _tell(
        self, previous: asyncio.Task[None] | None, channel: str, caller: Caller, joined: bool
    ) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        for listener in self.listeners:
            try:
                await listener(channel, caller, joined)
            except Exception:
                log.exception("presence listener failed on %s", channel)

    async def _best_effort(self, write: Awaitable[None]) -> None:
        """Presence is advisory: a Redis hiccup is logged, never fatal to a socket."""
        try:
            await write
        except (RedisError, OSError) as exc:
            log.warning("presence write failed: %s", exc)

    async def members(self, channel: str) -> list[dict[str, Any]]:
        """Everyone present, across processes, one entry per user with their socket count."""
        now = time.time()
        merged: dict[str, dict[str, Any]] = {}
        for entry, expires in await self._entries(channel):
            if expires < now:
                continue
            user = merged.setdefault(entry["user_id"], {**entry, "connections": 0})
            user["connections"] += int(entry.get("connections", 0))
        return sorted(merged.values(), key=lambda e: (e["name"], e["user_id"]))

    # --- storage -------------------------------------------------------------------------

    def _key(self, channel: str) -> str:
        return f"{self._prefix}:{{{channel}}}"

    async def _write_entry(self, channel: str, user_id: str, count: int) -> None:
        entry = {**self._info[user_id], "connections": count}
        expires = time.time() + ENTRY_TTL_SECONDS
        if self.redis is None:
            self._memory[channel][f"{self.process}|{user_id}"] = (entry, expires)
            return
        value = orjson.dumps({"entry": entry, "expires": expires})
        key = self._key(channel)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(key, f"{self.process}|{user_id}", value)  # type: ignore[arg-type]
            pipe.expire(key, ENTRY_TTL_SECONDS * 4)
            await pipe.execute()

    async def _remove_entry(self, channel: str, user_id: str) -> None:
        field = f"{self.process}|{user_id}"
        if self.redis is None:
            entries = self._memory.get(channel)
            if entries is not None:
                entries.pop(field, None)
                if not entries:
                    del self._memory[channel]
            return
        await self.redis.hdel(self._key(channel), field)  # type: ignore[misc]

    async def _entries(self, channel: str) -> list[tuple[dict[str, Any], float]]:
        if self.redis is None:
            return list(self._memory.get(channel, {}).values())
        raw = await self.redis.hgetall(self._key(channel))  # type: ignore[misc]
        entries = []
        stale = []
        for field, value in raw.items():
            item = orjson.loads(value)
            if item["expires"] < time.time():
                stale.append(field)
            entries.append((item["entry"], float(item["expires"])))
        if stale:
            await self.redis.hdel(self._key(channel), *stale)  # type: ignore[misc]
        return entries

    # --- background ----------------------------------------------------------------------

    async def _flush(self) -> None:
        channels = set(self._joined) | set(self._left)
        for channel in channels:
            joined = list(self._joined.pop(channel, {}).values())
            left = sorted(self._left.pop(channel, set()))
            if joined or left:
                await self.bus.publish(
                    channel, "presence.changed", {"joined": joined, "left": left}
                )

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            try:
                await self._flush()
            except (RedisError, OSError) as exc:
                log.warning("presence flush failed: %s", exc)

    async def _refresh_loop(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                for channel, users in list(self._local.items()):
                    for user_id, connections in list(users.items()):
                        await self._write_entry(channel, user_id, len(connections))
            except (RedisError, OSError) as exc:
                log.warning("presence refresh failed: %s", exc)
