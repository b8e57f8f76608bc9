"""One contract for both buses: numbering, history, resume, epochs, delivery."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from lms_rt.realtime.bus import Bus, MemoryBus, RedisBus
from tests.conftest import EMBEDDED
from tests.harness.recorder import Recorder


@pytest.fixture(params=["memory", "redis"])
async def bus(request, migrated) -> AsyncIterator[Bus]:
    if request.param == "memory":
        memory = MemoryBus(history_size=10)
        yield memory
        await memory.close()
        return
    if EMBEDDED:
        pytest.skip("needs Redis")
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    redis_bus = RedisBus(redis, history_size=10)
    await redis_bus.start()
    yield redis_bus
    await redis_bus.close()
    await redis.aclose()


async def test_sequence_numbers_are_per_channel_and_start_at_one(bus):
    assert [await bus.publish("course:a", "x", {"n": i}) for i in range(3)] == [1, 2, 3]
    assert await bus.publish("course:b", "x", {}) == 1
    seq, epoch = await bus.position("course:a")
    assert seq == 3 and epoch
    assert (await bus.position("course:b"))[1] == epoch or isinstance(bus, RedisBus)


async def test_history_replays_exactly_what_was_missed(bus):
    for i in range(5):
        await bus.publish("course:a", "note", {"n": i})
    missed = await bus.history("course:a", 2)
    assert [event.seq for event in missed] == [3, 4, 5]
    decoded = missed[0].decode()
    assert decoded["op"] == "event" and decoded["channel"] == "course:a"
    assert decoded["type"] == "note" and decoded["data"] == {"n": 2} and decoded["seq"] == 3
    assert await bus.history("course:a", 5) == []


async def test_history_beyond_its_window_or_ahead_is_none(bus):
    for i in range(300):
        await bus.publish("course:a", "note", {"n": i})
    # Capped near 10 events (Redis trims whole stream nodes of 100), so seq 1 is long gone.
    assert await bus.history("course:a", 0) is None
    assert await bus.history("course:a", 999) is None
    recent = await bus.history("course:a", 298)
    assert [event.seq for event in recent] == [299, 300]


async def test_subscribers_get_live_events_in_order(bus):
    recorder = Recorder()
    await bus.subscribe("course:a", recorder)
    for i in range(20):
        await bus.publish("course:a", "note", {"n": i})
    await bus.publish("course:other", "note", {})
    await recorder.wait_for(20)
    assert [event.seq for event in recorder.events] == list(range(1, 21))
    await bus.unsubscribe("course:a", recorder)
    await bus.publish("course:a", "note", {})
    await asyncio.sleep(0.1)
    assert len(recorder.events) == 20


async def test_publishing_many_at_once_numbers_and_delivers_each_in_order(bus):
    recorder = Recorder()
    await bus.subscribe("user:a", recorder)
    await bus.publish("user:a", "note", {"n": -1})
    seqs = await bus.publish_many(
        [("user:a", "note", {"n": 0}), ("user:b", "note", {"n": 1}), ("user:a", "note", {"n": 2})]
    )
    assert seqs == [2, 1, 3]
    assert await bus.publish_many([]) == []
    await recorder.wait_for(3)
    assert [(e.seq, e.decode()["data"]["n"]) for e in recorder.events] == [(1, -1), (2, 0), (3, 2)]
    assert [e.seq for e in await bus.history("user:a", 1)] == [2, 3]
    assert (await bus.position("user:b"))[0] == 1


async def test_frame_is_encoded_once_and_identical_for_history_and_live(bus):
    recorder = Recorder()
    await bus.subscribe("course:a", recorder)
    await bus.publish("course:a", "note", {"text": "ünïcødé"})
    await recorder.wait_for(1)
    [replayed] = await bus.history("course:a", 0)
    assert recorder.events[0].frame == replayed.frame


@pytest.mark.services
async def test_redis_epoch_changes_after_data_loss(migrated):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    bus = RedisBus(redis)
    await bus.start()
    recorder = Recorder()
    try:
        await redis.flushdb()
        await bus.subscribe("course:a", recorder)
        await bus.publish("course:a", "note", {})
        _, epoch = await bus.position("course:a")
        await recorder.wait_for(1)
        await redis.flushall()
        # The position check notices the loss and tells the subscriber to refetch.
        await asyncio.wait_for(_until(lambda: recorder.resets), 10)
        assert recorder.resets == ["course:a"]
        assert await bus.publish("course:a", "note", {}) == 1
        assert (await bus.position("course:a"))[1] != epoch
        await recorder.wait_for(2)
        assert recorder.events[-1].seq == 1
    finally:
        await bus.close()
        await redis.aclose()


@pytest.mark.services
async def test_redis_bus_fills_a_dropped_pubsub_message_from_history(migrated):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis)
    await bus.start()
    recorder = Recorder()
    try:
        await bus.subscribe("course:a", recorder)
        await bus.publish("course:a", "note", {"n": 1})
        await recorder.wait_for(1)
        # Append to the stream without publishing: as if Redis dropped the message for us.
        meta, log_key = bus._keys("course:a")
        await redis.hincrby(meta, "seq", 1)
        await redis.xadd(
            log_key, {"f": b'{"op":"event","channel":"course:a","seq":2,"x":1}'}, id="2-1"
        )
        await bus.publish("course:a", "note", {"n": 3})
        await recorder.wait_for(3)
        assert [event.seq for event in recorder.events] == [1, 2, 3]
    finally:
        await bus.close()
        await redis.aclose()


async def _until(predicate) -> None:
    while not predicate():
        await asyncio.sleep(0.05)
