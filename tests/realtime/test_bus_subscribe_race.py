"""Many first subscriptions at once share the process's one pub/sub connection and are all
confirmed at once (a lazily opened connection used to be opened, and leaked, by each)."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

from lms_rt.realtime.bus import RedisBus

pytestmark = pytest.mark.services


@pytest.mark.parametrize("sharded", [False, True])
async def test_concurrent_first_subscriptions_share_one_connection(migrated, sharded):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis, sharded=sharded)
    await bus.start()
    try:
        began = time.monotonic()
        await asyncio.gather(*(bus.subscribe(f"race:{n}", lambda event: None) for n in range(40)))
        await asyncio.gather(*(bus._redis_subscribe(f"race:{n}") for n in range(40, 60)))
        took = time.monotonic() - began
        clients = await redis.client_list()
        listening = [c for c in clients if int(c.get("sub", 0)) + int(c.get("ssub", 0)) > 0]
        assert len(listening) == 1, listening
        assert took < 4.5, f"confirmations waited {took:.1f} s"
    finally:
        await bus.close()
        await redis.aclose()
