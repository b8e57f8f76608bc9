"""The bus and hub under faults: outages, restarts, rollbacks, races, big replays."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

from lms_rt import keys
from lms_rt.realtime.bus import RedisBus
from lms_rt.realtime.setup import GATEWAY
from tests.factories import create_user, login
from tests.harness.recorder import Recorder
from tests.harness.services import RedisServer
from tests.harness.ws import WsClient

services = pytest.mark.services
# Classic and sharded pub/sub (SSUBSCRIBE) must recover the same way.
sharding = pytest.mark.parametrize("sharded", [False, True], ids=["classic", "sharded"])


class Exploding:
    def on_event(self, event) -> None:
        raise RuntimeError("a broken listener")

    def on_reset(self, channel: str) -> None:
        raise RuntimeError("a broken listener")


@services
@sharding
async def test_reader_survives_an_outage_longer_than_its_backoff(sharded):
    server = RedisServer()
    server.start()
    redis = Redis.from_url(server.url)
    bus = RedisBus(redis, sharded=sharded)
    # The safety-net poll must not hide a dead reader.
    bus.POSITION_CHECK_SECONDS = 600
    await bus.start()
    recorder = Recorder()
    try:
        await bus.subscribe("course:a", recorder)
        server.stop()
        await asyncio.sleep(2.5)
        server.start()
        for _ in range(100):
            if not any(t.done() for t in bus._tasks) and bus._pubsub.subscribed:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        assert bus.healthy
        started = time.monotonic()
        await bus.publish("course:a", "note", {})
        await recorder.wait_for(1, timeout=2)
        assert time.monotonic() - started < 1.0
    finally:
        await bus.close()
        await redis.aclose()
        server.stop()


@services
async def test_a_failing_listener_does_not_stop_delivery(migrated):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis)
    await bus.start()
    recorder = Recorder()
    try:
        await bus.subscribe("course:a", Exploding())
        await bus.subscribe("course:a", recorder)
        for _ in range(3):
            await bus.publish("course:a", "note", {})
        await recorder.wait_for(3)
        assert bus.healthy
    finally:
        await bus.close()
        await redis.aclose()


@services
@sharding
async def test_gap_is_repaired_without_the_poll(migrated, sharded):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis, sharded=sharded)
    bus.POSITION_CHECK_SECONDS = 600
    await bus.start()
    recorder = Recorder()
    try:
        await bus.subscribe("course:a", recorder)
        meta, log_key = bus._keys("course:a")
        await redis.hincrby(meta, "seq", 1)
        await redis.xadd(
            log_key, {"f": b'{"op":"event","channel":"course:a","seq":1,"x":1}'}, id="1-1"
        )
        await bus.publish("course:a", "note", {})
        await recorder.wait_for(2, timeout=1.5)
        assert [e.seq for e in recorder.events] == [1, 2]
    finally:
        await bus.close()
        await redis.aclose()


@services
async def test_numbering_restored_backwards_starts_a_new_epoch(migrated):
    """Redis restored older data (an AOF or RDB reload): subscribers refetch, nothing is
    silently dropped as a duplicate."""
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis)
    await bus.start()
    recorder = Recorder()
    try:
        await bus.subscribe("course:a", recorder)
        for _ in range(5):
            await bus.publish("course:a", "note", {})
        await recorder.wait_for(5)
        _, old_epoch = await bus.position("course:a")
        meta, log_key = bus._keys("course:a")
        await redis.hset(meta, "seq", 3)
        await redis.xtrim(log_key, minid="1-0")
        await bus._catch_up("course:a")
        assert recorder.resets == ["course:a"]
        seq, epoch = await bus.position("course:a")
        assert epoch != old_epoch and seq == 0
        await bus.publish("course:a", "note", {"after": True})
        await recorder.wait_for(6)
        assert recorder.events[-1].seq == 1
    finally:
        await bus.close()
        await redis.aclose()


@services
async def test_a_redis_restart_is_noticed_by_its_run_id(migrated):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis)
    await bus.start()
    recorder = Recorder()
    try:
        await bus.subscribe("course:a", recorder)
        await bus.publish("course:a", "note", {})
        await recorder.wait_for(1)
        _, old_epoch = await bus.position("course:a")
        bus._run_id = "a-previous-redis"  # as if the server had restarted since
        await bus._check_restart()
        assert recorder.resets == ["course:a"]
        assert (await bus.position("course:a"))[1] != old_epoch
    finally:
        await bus.close()
        await redis.aclose()


@services
async def test_seq_key_lost_alone_cannot_return_stale_history(migrated):
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis)
    await bus.start()
    try:
        for _ in range(5):
            await bus.publish("course:a", "note", {})
        meta, _ = bus._keys("course:a")
        await redis.delete(meta)
        assert await bus.publish("course:a", "note", {}) == 1
        assert [e.seq for e in await bus.history("course:a", 0)] == [1]
    finally:
        await bus.close()
        await redis.aclose()


async def _token(client) -> tuple[str, str]:
    user = await create_user(client)
    return str(user.id), (await login(client, user.email))["access_token"]


async def test_closing_one_socket_while_another_follows_the_channel(client):
    """A page reload: the old socket leaves as the new one subscribes to the same channel."""
    user_id, token = await _token(client)
    channel = f"user:{user_id}"
    for _ in range(5):
        old = await WsClient.connect(client)
        await old.auth(token)
        await old.sub(channel)
        new = await WsClient.connect(client)
        await new.auth(token)
        await asyncio.gather(old.close(), new.sub(channel))
        await asyncio.sleep(0.05)
        seq = await client.app[keys.BUS].publish(channel, "note", {})
        [event] = await new.events(1)
        assert event["seq"] == seq
        await new.close()


async def test_a_presence_store_error_does_not_leak_the_socket(client, monkeypatch):
    from redis.exceptions import RedisError

    from lms_rt.realtime.registry import ChannelName

    user_id, token = await _token(client)
    gateway = client.app[GATEWAY]

    async def broken(*args, **kwargs):
        raise RedisError("presence store down")

    monkeypatch.setattr(gateway.presence, "_remove_entry", broken)
    monkeypatch.setattr(gateway.presence, "_write_entry", broken)
    monkeypatch.setattr(
        gateway.registry, "presence_channel", lambda c: ChannelName(c.kind, c.id, c.sub).text
    )
    ws = await WsClient.connect(client)
    await ws.auth(token)
    assert (await ws.sub(f"user:{user_id}"))["op"] == "ack"
    await ws.close()
    for _ in range(50):
        if not gateway.hub.connections:
            break
        await asyncio.sleep(0.05)
    assert not gateway.hub.connections and not gateway.hub.by_user


async def test_a_replay_bigger_than_the_send_queue_resets_instead_of_looping(make_client):
    client = await make_client(ws_send_queue_bytes=64 * 1024)
    user_id, token = await _token(client)
    channel = f"user:{user_id}"
    first = await WsClient.connect(client)
    await first.auth(token)
    ack = await first.sub(channel)
    await first.close()
    for _ in range(200):
        await client.app[keys.BUS].publish(channel, "note", {"pad": "x" * 1000})
    again = await WsClient.connect(client)
    await again.auth(token)
    await again.sub(channel, since=0, epoch=ack["epoch"])
    assert (await again.expect("reset"))["channel"] == channel
    await again.send({"op": "ping"})
    assert (await again.expect("pong"))["op"] == "pong"


async def test_since_without_an_epoch_is_not_trusted(client):
    user_id, token = await _token(client)
    channel = f"user:{user_id}"
    await client.app[keys.BUS].publish(channel, "note", {})
    ws = await WsClient.connect(client)
    await ws.auth(token)
    await ws.sub(channel, since=0)
    assert (await ws.expect("reset"))["channel"] == channel


async def test_rpc_errors_carry_their_details(client):
    _, token = await _token(client)
    ws = await WsClient.connect(client)
    await ws.auth(token)
    reply = await ws.call("quiz.save_answer", {})
    assert reply["error"]["code"] == "invalid"
    assert {d["field"] for d in reply["error"]["details"]} >= {"attempt_id"}


async def test_frames_are_parsed_strictly(client):
    _, token = await _token(client)
    ws = await WsClient.connect(client)
    await ws.auth(token)
    await ws.send({"op": "sub", "id": True, "channel": "user:x"})
    error = await ws.expect("error")
    assert "id" not in error and error["code"] == "bad_request"
    await ws.send({"op": "sub", "id": "7", "channel": "user:x"})
    assert (await ws.expect("error"))["code"] == "bad_request"


@services
async def test_a_position_read_overtaken_by_the_reader_is_not_a_rollback(migrated):
    """Under load the reader delivers more while the position is being read: the older
    reading must not look like numbering that went backwards (a spurious reset)."""
    redis = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await redis.flushdb()
    bus = RedisBus(redis)
    bus.POSITION_CHECK_SECONDS = 600
    await bus.start()
    recorder = Recorder()
    try:
        await bus.subscribe("course:a", recorder)
        for _ in range(7):
            await bus.publish("course:a", "note", {})
        await recorder.wait_for(7)
        _, epoch = await bus.position("course:a")
        # Read when 5 had been delivered, compared after the reader reached 7.
        await bus._reconcile("course:a", 5, epoch, seen=5)
        assert recorder.resets == []
        assert (await bus.position("course:a"))[1] == epoch
    finally:
        await bus.close()
        await redis.aclose()
