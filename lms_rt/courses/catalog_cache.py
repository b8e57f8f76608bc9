"""The public catalog's responses, kept for a few seconds in each process's memory.

``GET /courses`` (published courses) is the same for every caller, anonymous or signed in, so
its encoded responses are cached per normalised query for ``catalog_cache_seconds``. When a
course enters, changes in or leaves the catalog, the service drops this process's cache once
the change commits and sends ``catalog.changed`` on the bus, on which every process's cache
listens. The TTL bounds staleness whatever happens to the event (Redis away, a pub/sub message
the bus has not repaired yet, a cache not yet listening); enrollment counts, ratings and
instructor names change without the event and may lag by up to the TTL.

There is one cache per bus, i.e. per app, found from ``Deps``: views read it, services (which
see only ``Deps``) drop it, and a worker process, which never reads the catalog, has none.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from lms_rt.db import PostCommit
from lms_rt.deps import Deps
from lms_rt.realtime.bus import Bus, Event

log = logging.getLogger(__name__)

CHANNEL = "catalog"
CHANGED = "catalog.changed"
# Short enough that counts and ratings shown in the catalog are at most a few seconds old,
# long enough that a busy catalog is read from the database a few times a minute per query.
DEFAULT_TTL_SECONDS = 5.0
# Whatever mix of queries arrives (each offset and search is its own entry), this bounds the
# memory: least recently used entries go first. A full page of 100 courses is ~120 KB.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
# Key, entry and dictionary slots, counted beside each body.
ENTRY_OVERHEAD_BYTES = 256
# After a failed attempt to listen for changes (Redis away), the next request tries again
# only this much later: meanwhile entries just expire.
FOLLOW_RETRY_SECONDS = 1.0

Build = Callable[[], Awaitable[bytes]]


class CatalogChangedEvent(BaseModel):
    """``catalog.changed`` on the internal ``catalog`` channel (never sent to sockets)."""

    course_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes
    etag: str
    expires: float  # on the cache's monotonic clock


def etag_of(body: bytes) -> str:
    """A strong validator: the same bytes give the same tag in every process."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


class CatalogCache:
    """Encoded responses by key, each fresh for ``ttl`` seconds from when its read began.

    Concurrent misses of one key share one read (the first request starts it; a request that
    goes away does not cancel it for the others). A read that began before an invalidation
    is handed to those who asked before it but not kept, so a response read just before a
    change committed never outlives the change's invalidation.
    """

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._generation = 0
        self._reads: dict[Hashable, asyncio.Task[Entry]] = {}
        self.following = False
        self._subscribing: asyncio.Task[None] | None = None
        self._next_attempt = 0.0

    @property
    def subscribing(self) -> bool:
        """An attempt to listen for changes is under way."""
        return self._subscribing is not None

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: Hashable, build: Build) -> Entry:
        """The fresh entry for ``key``, read through ``build`` when there is none."""
        now = self.clock()
        entry = self._entries.get(key)
        if entry is not None:
            if entry.expires > now:
                self._entries.move_to_end(key)
                return entry
            self._remove(key)
        if self.ttl <= 0:
            return self._entry(await build(), now)
        read = self._reads.get(key)
        if read is None:
            read = asyncio.create_task(self._read(key, build))
            self._reads[key] = read
            read.add_done_callback(lambda done: self._read_done(key, done))
        return await asyncio.shield(read)

    def fresh_for(self, entry: Entry) -> int:
        """Whole seconds the entry stays fresh: its ``max-age``."""
        return max(0, int(entry.expires - self.clock()))

    def invalidate(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._bytes = 0
        # Reads in flight finish for those waiting on them; later requests start afresh.
        self._reads.clear()

    def follow(self, bus: Bus) -> None:
        """Start listening for ``catalog.changed`` on ``bus`` unless already done or under
        way. Requests never wait for it: until it is done (Redis unreachable, say), entries
        live out their TTL, which is all the staleness the cache ever allows."""
        if self.following or self._subscribing is not None or self.clock() < self._next_attempt:
            return
        self._subscribing = asyncio.create_task(self._subscribe(bus), name="catalog-cache-follow")

    # --- the bus's Listener ------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        self.invalidate()

    def on_reset(self, channel: str) -> None:
        """Events of the channel were lost (Redis restarted or lost them): start afresh."""
        self.invalidate()

    # --- internals ---------------------------------------------------------------------------

    async def _subscribe(self, bus: Bus) -> None:
        try:
            await bus.subscribe(CHANNEL, self)
        except Exception as exc:
            self._next_attempt = self.clock() + FOLLOW_RETRY_SECONDS
            log.warning("catalog cache not listening for changes yet: %r", exc)
        else:
            # What was read before we listened may predate a change we never heard of.
            self.invalidate()
            self.following = True
        finally:
            self._subscribing = None

    def _entry(self, body: bytes, started: float) -> Entry:
        return Entry(body=body, etag=etag_of(body), expires=started + self.ttl)

    async def _read(self, key: Hashable, build: Build) -> Entry:
        generation = self._generation
        entry = self._entry(await build(), self.clock())
        if generation == self._generation:
            self._store(key, entry)
        return entry

    def _read_done(self, key: Hashable, done: asyncio.Task[Entry]) -> None:
        if self._reads.get(key) is done:
            del self._reads[key]
        if not done.cancelled():
            done.exception()  # retrieved: its waiters, if any are left, have it raised

    def _store(self, key: Hashable, entry: Entry) -> None:
        cost = len(entry.body) + ENTRY_OVERHEAD_BYTES
        if cost > self.max_bytes // 4:
            return  # one huge response must not push out everything else
        self._remove(key)
        self._entries[key] = entry
        self._bytes += cost
        while self._bytes > self.max_bytes:
            self._remove(next(iter(self._entries)))

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body) + ENTRY_OVERHEAD_BYTES


_caches: weakref.WeakKeyDictionary[Bus, CatalogCache] = weakref.WeakKeyDictionary()


def catalog_cache(deps: Deps) -> CatalogCache:
    """This app's cache (made on first use, sized by the settings)."""
    cache = _caches.get(deps.bus)
    if cache is None:
        settings = deps.settings
        cache = CatalogCache(
            ttl=settings.catalog_cache_seconds,
            max_bytes=settings.catalog_cache_max_bytes,
        )
        _caches[deps.bus] = cache
    return cache


async def cached_catalog(deps: Deps, key: Hashable, build: Build) -> tuple[Entry, int]:
    """The entry for ``key`` and its ``max-age``."""
    cache = catalog_cache(deps)
    cache.follow(deps.bus)
    entry = await cache.get(key, build)
    return entry, cache.fresh_for(entry)


def catalog_changed(effects: PostCommit, course_id: uuid.UUID) -> None:
    """Tell every process, once the change commits, that cached catalog pages are stale."""
    data: dict[str, Any] = CatalogChangedEvent(course_id=course_id).model_dump(mode="json")
    effects.publish(CHANNEL, CHANGED, data)


def forget_catalog(deps: Deps) -> None:
    """Drop this process's cached pages now (after commit): the bus event reaches this
    process too, but only after a round trip through Redis."""
    cache = _caches.get(deps.bus)
    if cache is not None:
        cache.invalidate()
