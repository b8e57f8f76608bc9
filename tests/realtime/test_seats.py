"""The per-user connection cap across processes: seats of a dead process stop counting fast."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from redis.asyncio import Redis

from lms_rt.config import Settings
from lms_rt.realtime.seats import Seats
from tests.factories import create_user, login
from tests.harness.servers import ServerProcess, server_env
from tests.harness.ws import WsClient

services = pytest.mark.services

TTL = 1.5


@pytest.fixture
async def redis(migrated) -> AsyncIterator[Redis]:
    client = Redis.from_url(migrated["LMS_TEST_REDIS_URL"])
    await client.flushdb()
    yield client
    await client.aclose()


async def _process(redis: Redis, cap: int = 2) -> Seats:
    seats = Seats(redis, cap, ttl=TTL)
    await seats.start()
    return seats


def _crash(seats: Seats) -> None:
    """What SIGKILL leaves behind: the heartbeat stops, nothing is cleaned up."""
    assert seats._task is not None
    seats._task.cancel()


def test_by_default_a_dead_process_is_forgotten_within_ten_seconds():
    assert Settings().ws_seat_ttl_seconds <= 10


@services
async def test_a_live_process_keeps_its_seats_past_the_ttl(redis):
    a, b = await _process(redis), await _process(redis)
    try:
        assert await a.take("u1", "c1") and await a.take("u1", "c2")
        assert not await b.take("u1", "c3")
        await asyncio.sleep(TTL * 2)
        assert not await b.take("u1", "c3")
        # Another user is not counted against this one.
        assert await b.take("u2", "c4")
        # A seat given back can be taken on the other process.
        await a.release("u1", "c1")
        assert await b.take("u1", "c3")
    finally:
        await a.stop()
        await b.stop()


@services
async def test_the_seats_of_a_dead_process_lapse_within_the_ttl(redis):
    a, b = await _process(redis), await _process(redis)
    try:
        assert await a.take("u1", "c1") and await a.take("u1", "c2")
        _crash(a)
        died = time.monotonic()
        while not await b.take("u1", "c3"):
            assert time.monotonic() - died < TTL + 0.5, "seats outlived their process"
            await asyncio.sleep(0.1)
        # Nothing of the dead process counts any more: the cap is b's to fill.
        assert await b.take("u1", "c4")
        assert not await b.take("u1", "c5")
    finally:
        await b.stop()


@services
async def test_a_graceful_stop_frees_its_seats_at_once(redis):
    a, b = await _process(redis), await _process(redis)
    try:
        assert await a.take("u1", "c1") and await a.take("u1", "c2")
        await a.stop()
        assert await b.take("u1", "c3")
    finally:
        await b.stop()


@services
async def test_a_process_whose_heartbeat_lapsed_writes_its_seats_again(redis):
    """A stall past the TTL (or Redis losing the key): others may drop the seats meanwhile,
    and the process puts them back with its next heartbeat."""
    a, b = await _process(redis), await _process(redis)
    try:
        assert await a.take("u1", "c1") and await a.take("u1", "c2")
        await redis.delete(a._process_key(a.process_id))
        assert await b.take("u1", "c3")
        await asyncio.sleep(TTL / 3 + 0.3)
        members = {m.decode() for m in await redis.zrange(a._key("u1"), 0, -1)}
        assert members == {a._member("c1"), a._member("c2"), b._member("c3")}
        assert not await b.take("u1", "c4")
    finally:
        await a.stop()
        await b.stop()


@services
async def test_under_the_cap_a_seat_never_lists_the_users_seats(redis):
    """Thousands of sockets of one user (a kiosk, a load test) cost one script each, not a
    read of every seat the user holds."""

    async def listings() -> int:
        stats = await redis.info("commandstats")
        return int(stats.get("cmdstat_zrange", {}).get("calls", 0))

    seats = await _process(redis, cap=100)
    try:
        before = await listings()
        for n in range(100):
            assert await seats.take("u1", f"c{n}")
        assert await listings() == before
        # At the cap the seats are read, to find any of a dead process.
        assert not await seats.take("u1", "c100")
        assert await listings() == before + 1
    finally:
        await seats.stop()


@services
async def test_seats_in_the_older_format_count_until_they_expire(redis):
    """During a rolling deploy processes of the previous release hold bare connection ids
    scored by their expiry; they count until then, and lapse after."""
    new = await _process(redis)
    try:
        key = new._key("u1")
        await redis.zadd(key, {"old-live": time.time() + 60, "old-lapsed": time.time() - 1})
        assert await new.take("u1", "c1")
        assert not await new.take("u1", "c2")
        assert {m.decode() for m in await redis.zrange(key, 0, -1)} == {
            "old-live",
            new._member("c1"),
        }
    finally:
        await new.stop()


@services
@pytest.mark.slow
async def test_a_sigkilled_server_stops_holding_seats_within_the_ttl(client, settings, tmp_path):
    ttl = 3.0
    env = server_env(
        settings, LMS_WS_MAX_CONNECTIONS_PER_USER="2", LMS_WS_SEAT_TTL_SECONDS=str(ttl)
    )
    doomed, survivor = (ServerProcess(env, tmp_path, name) for name in ("doomed", "survivor"))
    await asyncio.gather(doomed.start(), survivor.start())
    try:
        user = await create_user(client)
        token = (await login(client, user.email))["access_token"]
        async with aiohttp.ClientSession() as http:

            async def attempt(server: ServerProcess) -> int | None:
                """None when the socket was seated, else its close code."""
                ws = await WsClient.connect(http, server.url + "/ws")
                await ws.send({"op": "auth", "token": token})
                try:
                    frame = await ws.receive()
                except ConnectionError:
                    return ws.ws.close_code
                assert frame["op"] == "authed", frame
                await ws.close()
                return None

            held = []
            for _ in range(2):
                ws = await WsClient.connect(http, doomed.url + "/ws")
                await ws.auth(token)
                held.append(ws)
            assert await attempt(survivor) == 4429
            # Alive past its TTL, the process keeps its seats.
            await asyncio.sleep(ttl * 1.5)
            assert await attempt(survivor) == 4429

            doomed.kill()
            killed = time.monotonic()
            # Its key still has at least two thirds of the TTL to live.
            assert await attempt(survivor) == 4429
            while (code := await attempt(survivor)) is not None:
                assert code == 4429
                assert time.monotonic() - killed < ttl + 1.0, "seats outlived the process"
                await asyncio.sleep(0.2)
            for ws in held:
                await ws.ws.close()
    finally:
        await asyncio.gather(doomed.stop(), survivor.stop())
