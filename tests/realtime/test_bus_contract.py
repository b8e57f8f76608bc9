"""One contract for both buses: numbering, history, resume, epochs, delivery.

RedisBus runs it twice: with classic pub/sub and with sharded pub/sub (SPUBLISH/SSUBSCRIBE,
which a standalone Redis 7 serves as well as a cluster does).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.crc import key_slot

from lms_rt.realtime.bus import Bus, MemoryBus, RedisBus
from tests.conftest import EMBEDDED
from tests.harness.recorder import Recorder


@pytest.fixture(params=["memory", "redis", "redis-sharded"])
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
    redis_bus = RedisBus(redis, history_size=10, sharded=request.param == "redis-sharded")
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


sharding = pytest.mark.parametrize("sharded", [False, True], ids=["classic", "sharded"])


@pytest.mark.services
async def test_redis_key_names_stay_put_and_sharded_delivery_shares_their_slot(migrated):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    classic, sharded = RedisBus(redis), RedisBus(redis, sharded=True)
    await classic.start()
    await sharded.start()
    try:
        # Existing deployments keep their history: the keys are the same in both modes.
        keys = ["lms:rt:{course:a}:meta", "lms:rt:{course:a}:log"]
        assert classic._keys("course:a") == sharded._keys("course:a") == keys
        assert classic._pubsub_name("course:a") == "lms:rt:ch:course:a"
        assert sharded._pubsub_name("course:a") == "lms:rt:{course:a}:ch"
        assert len({key_slot(name.encode()) for name in [*keys, "lms:rt:{course:a}:ch"]}) == 1
        first, second = Recorder(), Recorder()
        await classic.subscribe("course:a", first)
        await sharded.subscribe("course:b", second)
        assert await redis.pubsub_channels() == [b"lms:rt:ch:course:a"]
        assert await redis.execute_command("PUBSUB", "SHARDCHANNELS") == [b"lms:rt:{course:b}:ch"]
        # Each mode's publisher reaches its own subscribers, numbered from one store.
        await classic.publish("course:a", "note", {})
        await sharded.publish("course:b", "note", {})
        await sharded.publish("course:b", "note", {})
        await first.wait_for(1)
        await second.wait_for(2)
        assert (await classic.position("course:b"))[0] == 2
        # Processes of the two modes side by side (a switch by rolling restart): what the other
        # mode publishes is not heard live, but the position check fills it in from history.
        await classic.publish("course:b", "note", {"from": "classic"})
        await second.wait_for(3, timeout=3 * RedisBus.POSITION_CHECK_SECONDS)
        assert [e.seq for e in second.events] == [1, 2, 3]
        await sharded.unsubscribe("course:b", second)
        assert await redis.execute_command("PUBSUB", "SHARDCHANNELS") == []
    finally:
        await classic.close()
        await sharded.close()
        await redis.aclose()


@pytest.mark.services
@sharding
async def test_redis_epoch_changes_after_data_loss(migrated, sharded):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    bus = RedisBus(redis, sharded=sharded)
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
@sharding
async def test_redis_bus_fills_a_dropped_pubsub_message_from_history(migrated, sharded):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis, sharded=sharded)
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
