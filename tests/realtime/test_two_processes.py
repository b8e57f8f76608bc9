"""Two `lms-rt serve` processes on PostgreSQL and Redis: fan-out, resume, shutdown, restarts."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from redis.asyncio import Redis

from tests.factories import bearer, create_user, login
from tests.harness.servers import ServerProcess, server_env
from tests.harness.services import RedisServer
from tests.harness.ws import WsClient

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
async def two_servers(settings, tmp_path):
    servers = [ServerProcess(server_env(settings), tmp_path, name) for name in ("a", "b")]
    await asyncio.gather(*(server.start() for server in servers))
    yield servers
    await asyncio.gather(*(server.stop() for server in servers))


async def _socket(session: aiohttp.ClientSession, server: ServerProcess, token: str) -> WsClient:
    ws = await WsClient.connect(session, server.url + "/ws")
    await ws.auth(token)
    return ws


async def _patch_name(session, server: ServerProcess, token: str, name: str) -> None:
    async with session.patch(
        server.url + "/api/v1/users/me", json={"full_name": name}, headers=bearer(token)
    ) as response:
        assert response.status == 200


async def test_event_from_process_a_reaches_subscribers_on_b_in_order(client, two_servers):
    a, b = two_servers
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    async with aiohttp.ClientSession() as session:
        on_b = await _socket(session, b, token)
        on_a = await _socket(session, a, token)
        for ws in (on_a, on_b):
            await ws.sub(f"user:{user.id}")
        for i in range(10):
            await _patch_name(session, a, token, f"Name {i}")
        for ws in (on_b, on_a):
            events = await ws.events(10)
            assert [e["seq"] for e in events] == list(range(1, 11))
            assert {e["type"] for e in events} == {"user.updated"}


async def test_resume_on_the_other_process_gets_exactly_the_missed_events(client, two_servers):
    a, b = two_servers
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    channel = f"user:{user.id}"
    async with aiohttp.ClientSession() as session:
        first = await _socket(session, a, token)
        ack = await first.sub(channel)
        await _patch_name(session, a, token, "before")
        [seen] = await first.events(1)
        await first.close()
        await asyncio.gather(*(_patch_name(session, a, token, f"away {i}") for i in range(50)))
        second = await _socket(session, b, token)
        resumed = await second.sub(channel, since=seen["seq"], epoch=ack["epoch"])
        assert resumed["seq"] == 51 and resumed["epoch"] == ack["epoch"]
        missed = await second.events(50)
        assert [e["seq"] for e in missed] == list(range(2, 52))
        await _patch_name(session, b, token, "live again")
        [live] = await second.events(1)
        assert live["seq"] == 52


async def test_flushall_makes_resuming_clients_reset(client, two_servers, settings):
    a, b = two_servers
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    channel = f"user:{user.id}"
    async with aiohttp.ClientSession() as session:
        watcher = await _socket(session, b, token)
        ack = await watcher.sub(channel)
        await _patch_name(session, a, token, "one")
        [seen] = await watcher.events(1)
        redis = Redis.from_url(settings.redis_url)
        try:
            await redis.flushall()
        finally:
            await redis.aclose()
        # A live subscriber hears that its numbering is gone...
        assert (await watcher.expect("reset", timeout=10))["channel"] == channel
        # ...and one resuming with the old epoch is told to refetch too.
        late = await _socket(session, a, token)
        await late.sub(channel, since=seen["seq"], epoch=ack["epoch"])
        assert (await late.expect("reset"))["channel"] == channel
        await _patch_name(session, a, token, "after the flush")
        [after] = await watcher.events(1)
        assert after["seq"] == 1


async def test_sigterm_sends_1001_and_clients_continue_on_the_other_process(client, two_servers):
    a, b = two_servers
    user = await create_user(client)
    token = (await login(client, user.email))["access_token"]
    channel = f"user:{user.id}"
    async with aiohttp.ClientSession() as session:
        ws = await _socket(session, a, token)
        ack = await ws.sub(channel)
        await _patch_name(session, b, token, "one")
        [seen] = await ws.events(1)
        stopping = asyncio.create_task(a.stop())
        assert await ws.closed_with(timeout=15) == 1001
        assert await stopping == 0
        await _patch_name(session, b, token, "while moving")
        moved = await _socket(session, b, token)
        await moved.sub(channel, since=seen["seq"], epoch=ack["epoch"])
        [missed] = await moved.events(1)
        assert missed["seq"] == 2 and missed["data"] == {"changed": ["full_name"]}


async def test_redis_restart_mid_stream(client, settings, tmp_path):
    redis_server = RedisServer()
    redis_server.start()
    env = server_env(settings, LMS_REDIS_URL=redis_server.url)
    servers = [ServerProcess(env, tmp_path, name) for name in ("ra", "rb")]
    try:
        await asyncio.gather(*(server.start() for server in servers))
        a, b = servers
        user = await create_user(client)
        token = (await login(client, user.email))["access_token"]
        channel = f"user:{user.id}"
        async with aiohttp.ClientSession() as session:
            watchers = [await _socket(session, server, token) for server in servers]
            for ws in watchers:
                await ws.sub(channel)
            await _patch_name(session, a, token, "before")
            for ws in watchers:
                assert (await ws.events(1))[0]["seq"] == 1
            redis_server.stop()
            redis_server.start()
            # The servers reconnect by themselves: readiness comes back...
            for server in servers:
                await _until_ready(session, server)
            # ...the data was lost with the restart, so subscribers are told to refetch, and
            # events published afterwards reach them.
            for ws in watchers:
                assert (await ws.expect("reset", timeout=15))["channel"] == channel
            await _patch_name(session, b, token, "after")
            for ws in watchers:
                [event] = await ws.events(1, timeout=10)
                assert event["seq"] == 1 and event["type"] == "user.updated"
    finally:
        await asyncio.gather(*(server.stop() for server in servers))
        redis_server.stop()


async def _until_ready(session: aiohttp.ClientSession, server: ServerProcess) -> None:
    for _ in range(100):
        async with session.get(server.url + "/ready") as response:
            if response.status == 200:
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{server.url} never became ready again")


async def test_the_connection_cap_counts_a_users_sockets_on_every_process(
    client, settings, tmp_path
):
    servers = [
        ServerProcess(server_env(settings, LMS_WS_MAX_CONNECTIONS_PER_USER="2"), tmp_path, name)
        for name in ("cap-a", "cap-b")
    ]
    await asyncio.gather(*(server.start() for server in servers))
    a, b = servers
    try:
        async with aiohttp.ClientSession() as session:
            user, other = await create_user(client), await create_user(client)
            user_token = (await login(client, user.email))["access_token"]
            other_token = (await login(client, other.email))["access_token"]
            first = await _socket(session, a, user_token)
            second = await _socket(session, b, user_token)
            third = await WsClient.connect(session, a.url + "/ws")
            await third.send({"op": "auth", "token": user_token})
            assert await third.closed_with() == 4429
            # Someone else is not counted against this user.
            await (await _socket(session, b, other_token)).close()
            # A seat freed on one process can be taken on the other.
            await first.close()
            for _ in range(50):
                again = await WsClient.connect(session, b.url + "/ws")
                await again.send({"op": "auth", "token": user_token})
                frame = await again.receive()
                if frame.get("op") == "authed":
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the freed seat was never available")
            await second.close()
            await again.close()
    finally:
        await asyncio.gather(*(server.stop() for server in servers))
