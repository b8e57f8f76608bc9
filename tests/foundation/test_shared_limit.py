"""The request limit shared through Redis in batches: exact within a process, one budget
across processes once they have synced, sliding between windows, and unharmed by an outage."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from lms_rt.http.shared_limit import SharedWindowLimiter
from tests.harness.services import RedisServer

pytestmark = pytest.mark.services


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
async def redis(settings):
    client = Redis.from_url(settings.redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


def limiter(redis: Redis, clock: Clock, limit: str = "3/minute") -> SharedWindowLimiter:
    return SharedWindowLimiter(redis, limit, "test", sync_seconds=3600, clock=clock)


async def test_one_process_is_held_exactly(redis):
    clock = Clock(600.0)  # the start of a window
    only = limiter(redis, clock)
    assert [await only.hit("a") for _ in range(3)] == [None, None, None]
    retry = await only.hit("a")
    assert retry == 60
    assert await only.hit("b") is None  # another client has its own budget


async def test_processes_share_one_budget_after_a_sync(redis):
    clock = Clock(600.0)
    first, second = limiter(redis, clock), limiter(redis, clock)
    assert [await first.hit("a") for _ in range(2)] == [None, None]
    await first.sync()
    assert await second.hit("a") is None  # not yet known here: one sync's overshoot at most
    await second.sync()
    assert await second.hit("a") is not None
    assert await redis.get("lms:rl:test:10:a") == b"3"


async def test_the_window_slides(redis):
    clock = Clock(659.0)  # the last second of window 10
    one = limiter(redis, clock)
    for _ in range(3):
        assert await one.hit("a") is None
    clock.at = 660.5  # window 11 begins; window 10 still overlaps almost entirely
    assert await one.hit("a") is not None
    clock.at = 700.0  # a third of window 10 overlaps: 3 * 1/3 = 1 counted, 2 more allowed
    assert [await one.hit("a") for _ in range(3)] == [None, None, 20]


async def test_an_outage_keeps_counting_locally_and_catches_up():
    server = RedisServer()
    server.start()
    client = Redis.from_url(server.url)
    try:
        clock = Clock(600.0)
        one = limiter(client, clock, "5/minute")
        await one.hit("a")
        server.stop()
        await one.hit("a")
        with pytest.raises(Exception):  # noqa: B017 - the driver's own error
            await one.sync()
        assert await one.hit("a") is None  # still counted here: 3 of 5
        server.start()
        await one.sync()
        assert await client.get("lms:rl:test:10:a") == b"3"
        assert [await one.hit("a") for _ in range(3)] == [None, None, 60]
    finally:
        await client.aclose()
        server.stop()
