"""``CatalogCache`` on its own: time to live, shared reads, invalidation during a read, the
memory bound, and listening on a bus (one that works and one that cannot be reached)."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from lms_rt.courses.catalog_cache import CHANGED, CHANNEL, CatalogCache, etag_of
from lms_rt.realtime.bus import MemoryBus, RedisBus
from tests.harness.services import free_port


class Ticks:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """A page source counting its reads; ``gate`` holds them until set."""

    def __init__(self, body: bytes = b'{"items":[]}') -> None:
        self.body = body
        self.count = 0
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail: Exception | None = None

    async def __call__(self) -> bytes:
        self.count += 1
        body = self.body  # what the database holds when the read begins
        await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return body


async def test_entries_live_for_the_ttl_from_when_their_read_began():
    clock = Ticks()
    cache = CatalogCache(ttl=5, clock=clock)
    reads = Reads(b"page")
    entry = await cache.get("k", reads)
    assert (entry.body, entry.etag, reads.count) == (b"page", etag_of(b"page"), 1)
    assert cache.fresh_for(entry) == 5
    clock.now += 4.5
    assert await cache.get("k", reads) is entry and reads.count == 1
    assert cache.fresh_for(entry) == 0
    clock.now += 0.5
    renewed = await cache.get("k", reads)
    assert reads.count == 2 and renewed is not entry and renewed.etag == entry.etag
    await cache.get("other", reads)
    assert reads.count == 3 and len(cache) == 2


async def test_no_ttl_means_no_cache():
    cache = CatalogCache(ttl=0)
    reads = Reads()
    for _ in range(3):
        entry = await cache.get("k", reads)
        assert cache.fresh_for(entry) == 0
    assert reads.count == 3 and len(cache) == 0


async def test_concurrent_misses_share_one_read():
    cache = CatalogCache(ttl=5)
    reads = Reads()
    reads.gate.clear()
    waiting = [asyncio.create_task(cache.get("k", reads)) for _ in range(20)]
    await asyncio.sleep(0.01)
    reads.gate.set()
    entries = await asyncio.gather(*waiting)
    assert reads.count == 1
    assert all(entry is entries[0] for entry in entries)


async def test_a_read_that_began_before_an_invalidation_is_not_kept():
    cache = CatalogCache(ttl=5)
    reads = Reads(b"before the change")
    reads.gate.clear()
    early = asyncio.create_task(cache.get("k", reads))
    await asyncio.sleep(0.01)
    cache.invalidate()
    # Asked after the change: not handed the read that began before it.
    reads.body = b"after the change"
    late = asyncio.create_task(cache.get("k", reads))
    await asyncio.sleep(0.01)
    reads.gate.set()
    assert (await early).body == b"before the change"
    assert (await late).body == b"after the change"
    assert reads.count == 2
    assert (await cache.get("k", reads)).body == b"after the change" and reads.count == 2


async def test_a_caller_going_away_does_not_cancel_the_read_for_others():
    cache = CatalogCache(ttl=5)
    reads = Reads()
    reads.gate.clear()
    leaving = asyncio.create_task(cache.get("k", reads))
    staying = asyncio.create_task(cache.get("k", reads))
    await asyncio.sleep(0.01)
    leaving.cancel()
    reads.gate.set()
    assert (await staying).body == reads.body
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert len(cache) == 1 and reads.count == 1


async def test_a_failed_read_fails_its_callers_and_leaves_nothing_behind():
    cache = CatalogCache(ttl=5)
    reads = Reads()
    reads.gate.clear()
    reads.fail = ConnectionError("database restarting")
    waiting = [asyncio.create_task(cache.get("k", reads)) for _ in range(3)]
    await asyncio.sleep(0.01)
    reads.gate.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    assert len(cache) == 0
    reads.fail = None
    assert (await cache.get("k", reads)).body == reads.body and reads.count == 2


async def test_memory_is_bounded_least_recently_used_first():
    body = b"x" * 768  # 1 KiB with the per-entry overhead
    cache = CatalogCache(ttl=60, max_bytes=4 * 1024)
    reads = Reads(body)
    for key in ("a", "b", "c", "d"):
        await cache.get(key, reads)
    assert len(cache) == 4 and cache.size_bytes == 4 * 1024
    await cache.get("a", reads)  # used again: now the most recent
    await cache.get("e", reads)
    assert len(cache) == 4 and reads.count == 5
    await cache.get("a", reads)
    assert reads.count == 5  # kept
    await cache.get("b", reads)
    assert reads.count == 6  # evicted, read again
    # A response bigger than a quarter of the budget is served but never kept.
    huge = Reads(b"y" * 2048)
    await cache.get("huge", huge)
    await cache.get("huge", huge)
    assert huge.count == 2 and cache.size_bytes <= 4 * 1024


async def test_events_and_resets_on_the_bus_drop_every_page():
    bus = MemoryBus()
    cache = CatalogCache(ttl=60)
    cache.follow(bus)
    await asyncio.sleep(0)
    assert cache.following
    reads = Reads()
    await cache.get("a", reads)
    await cache.get("b", reads)
    await bus.publish(CHANNEL, CHANGED, {"course_id": "x"})
    assert len(cache) == 0
    await cache.get("a", reads)
    cache.on_reset(CHANNEL)
    assert len(cache) == 0
    await bus.publish("course:other", "course.updated", {})
    await cache.get("a", reads)
    await bus.publish("course:other", "course.updated", {})
    assert len(cache) == 1


async def test_while_the_bus_is_unreachable_pages_only_expire_and_listening_is_retried():
    redis = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    bus = RedisBus(redis)
    clock = Ticks()
    cache = CatalogCache(ttl=5, clock=clock)
    try:
        cache.follow(bus)
        for _ in range(200):
            await asyncio.sleep(0.01)
            if not cache.subscribing:
                break
        assert not cache.following
        reads = Reads()
        entry = await cache.get("k", reads)
        assert await cache.get("k", reads) is entry and reads.count == 1
        cache.follow(bus)
        assert not cache.subscribing  # not before the retry pause is over
        clock.now += 6
        cache.follow(bus)
        assert cache.subscribing  # tried again
        await cache.get("k", reads)
        assert reads.count == 2  # expired meanwhile
        while cache.subscribing:
            await asyncio.sleep(0.01)
        assert not cache.following
    finally:
        await bus.close()
        await redis.aclose()
