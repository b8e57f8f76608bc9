"""Two ``lms-rt serve`` processes on PostgreSQL and Redis, each with its own catalog cache: a
change made through one is in the other's catalog within moments, long before its cached
pages would have expired."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from redis.asyncio import Redis

from lms_rt import keys
from lms_rt.courses.catalog_cache import CHANNEL
from lms_rt.users.models import Role
from tests.factories import create_course, create_user, enroll, signed_in
from tests.harness.servers import ServerProcess, server_env

pytestmark = [pytest.mark.services, pytest.mark.slow]

CATALOG = "/api/v1/courses?limit=100"
# The bus delivers through Redis pub/sub in milliseconds; the cached pages live for seconds.
SHOWS_WITHIN = 1.5
# A page still fresh for at least this long cannot expire before SHOWS_WITHIN is over.
FRESH_FOR_AT_LEAST = 3


@pytest.fixture
async def two_servers(settings, tmp_path):
    servers = [ServerProcess(server_env(settings), tmp_path, name) for name in ("a", "b")]
    await asyncio.gather(*(server.start() for server in servers))
    yield servers
    await asyncio.gather(*(server.stop() for server in servers))


async def catalog(http: aiohttp.ClientSession, server: ServerProcess) -> tuple[list[str], int]:
    """The titles listed by ``server`` and for how long its page stays fresh."""
    async with http.get(server.url + CATALOG) as response:
        assert response.status == 200
        max_age = int(response.headers["Cache-Control"].split("max-age=")[1])
        return sorted(item["title"] for item in (await response.json())["items"]), max_age


async def both_listening(client, servers: list[ServerProcess]) -> None:
    """Each process starts listening for catalog changes when it first serves the catalog;
    Redis counts the subscribers of the channel (named as this app's bus names it)."""
    async with aiohttp.ClientSession() as http:
        for server in servers:
            await catalog(http, server)
    bus = client.app[keys.BUS]
    numsub = "SHARDNUMSUB" if getattr(bus, "sharded", False) else "NUMSUB"
    name = bus._pubsub_name(CHANNEL)
    redis = Redis.from_url(client.app[keys.SETTINGS].redis_url)
    try:
        deadline = time.monotonic() + 10
        while True:
            _, count = await redis.execute_command("PUBSUB", numsub, name)
            if count >= len(servers):
                return
            assert time.monotonic() < deadline, "the servers never listened for changes"
            await asyncio.sleep(0.05)
    finally:
        await redis.aclose()


async def cached_for_a_while(http: aiohttp.ClientSession, server: ServerProcess) -> list[str]:
    """The server's listing once its cached page has seconds left to live."""
    deadline = time.monotonic() + 15
    while True:
        titles, max_age = await catalog(http, server)
        if max_age >= FRESH_FOR_AT_LEAST:
            return titles
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)


async def shows(http: aiohttp.ClientSession, server: ServerProcess, expected: list[str]) -> float:
    """Seconds until ``server`` lists ``expected`` (fails after SHOWS_WITHIN)."""
    began = time.monotonic()
    while True:
        titles, _ = await catalog(http, server)
        waited = time.monotonic() - began
        if titles == sorted(expected):
            return waited
        assert waited < SHOWS_WITHIN, f"{server.url} still lists {titles}, not {expected}"
        await asyncio.sleep(0.02)


async def test_changes_through_one_process_reach_the_other_cache_at_once(client, two_servers):
    a, b = two_servers
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    kept = await create_course(client, teacher, title="Kept")
    draft = await create_course(client, teacher, title="Draft", published=False)
    await both_listening(client, two_servers)

    async with aiohttp.ClientSession(headers=headers) as http:

        async def change(server: ServerProcess, method: str, path: str, **kwargs) -> None:
            async with http.request(method, server.url + path, **kwargs) as response:
                assert response.status in (200, 204), await response.text()

        course = f"/api/v1/courses/{draft.id}"
        steps = [
            (a, "POST", f"{course}/publish", {}, ["Draft", "Kept"]),
            (a, "PATCH", course, {"json": {"title": "New"}}, ["Kept", "New"]),
            (b, "POST", f"{course}/unpublish", {}, ["Kept"]),
            (b, "DELETE", f"/api/v1/courses/{kept.id}", {}, []),
        ]
        await enroll(client, await create_user(client), kept)  # so DELETE archives it
        for writer, method, path, kwargs, expected in steps:
            reader = b if writer is a else a
            before = await cached_for_a_while(http, reader)
            assert before != sorted(expected)
            await change(writer, method, path, **kwargs)
            # The writer itself shows the change on its very next request.
            titles, _ = await catalog(http, writer)
            assert titles == sorted(expected), (method, path)
            await shows(http, reader, expected)
