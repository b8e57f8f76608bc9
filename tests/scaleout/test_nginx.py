"""The repository's nginx config, run by a real nginx in front of two ``lms-rt serve``
processes: REST, websockets across processes, body limits and ``X-Forwarded-For`` trust."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.factories import bearer, create_user
from tests.harness.servers import ServerProcess, probe, server_env
from tests.harness.ws import WsClient
from tests.scaleout.proxy import NginxProcess, nginx_binary

NGINX = nginx_binary()
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx)"
)

API = "/api/v1"
PASSWORD = "correct horse battery"
# The test's client reaches nginx from this loopback address, and nginx reaches the servers
# from 127.0.0.1: so "the proxy" and "the client" are different addresses, as in production.
CLIENT_ADDRESS = "127.0.0.3"


async def _proxied(
    settings, tmp_path: Path, trusted: str
) -> AsyncIterator[tuple[NginxProcess, list[ServerProcess]]]:
    env = server_env(settings, LMS_TRUSTED_PROXIES=trusted)
    servers = [ServerProcess(env, tmp_path, name) for name in ("px-a", "px-b")]
    await asyncio.gather(*(server.start() for server in servers))
    assert NGINX is not None
    proxy = NginxProcess(NGINX, [f"127.0.0.1:{s.port}" for s in servers], tmp_path)
    try:
        await proxy.start()
        yield proxy, servers
    finally:
        await proxy.stop()
        await asyncio.gather(*(server.stop() for server in servers))


@pytest.fixture
async def proxied(client, settings, tmp_path):
    async for running in _proxied(settings, tmp_path, trusted="127.0.0.1/32"):
        yield running


async def _gauge(server: ServerProcess, name: str) -> float:
    _, metrics = await probe(server.control_socket, "/metrics")
    match = re.search(rf"^{name} (\S+)$", metrics, re.MULTILINE)
    assert match, name
    return float(match.group(1))


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(CLIENT_ADDRESS, 0)))


async def _login(http: aiohttp.ClientSession, url: str, email: str, **headers: str) -> str:
    async with http.post(
        url + f"{API}/auth/login", json={"email": email, "password": PASSWORD}, headers=headers
    ) as response:
        assert response.status == 200, await response.text()
        token: str = (await response.json())["access_token"]
        return token


async def test_nginx_accepts_the_repository_config(tmp_path):
    assert NGINX is not None
    proxy = NginxProcess(NGINX, ["127.0.0.1:1", "127.0.0.1:2"], tmp_path)
    try:
        checked = proxy.check()
    finally:
        await proxy.stop()
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


@pytest.mark.services
@pytest.mark.slow
async def test_rest_and_websockets_through_nginx_reach_both_processes(client, proxied):
    proxy, servers = proxied
    user = await create_user(client)
    async with _session() as http:
        token = await _login(http, proxy.url, user.email)
        async with http.get(
            proxy.url + f"{API}/users/me", headers={**bearer(token), "X-Request-ID": "edge-1"}
        ) as response:
            assert response.status == 200
            assert (await response.json())["id"] == str(user.id)
            # The request id travels through the proxy to the server and back.
            assert response.headers["X-Request-ID"] == "edge-1"
        async with http.get(proxy.url + "/health") as response:
            assert response.status == 200
            assert response.headers["X-Request-ID"]
        # The processes' own figures are not published through the proxy.
        async with http.get(proxy.url + "/metrics") as response:
            assert response.status == 404
        # Over the limit, the answer is the API's JSON error, whoever stops the body.
        async with http.post(
            proxy.url + f"{API}/auth/login",
            data=io.BytesIO(b"x" * (2 * 1024 * 1024)),
            headers={"Content-Type": "application/json"},
        ) as response:
            assert response.status == 413
            assert (await response.json())["error"]["code"] == "too_large"

        ws = await WsClient.connect(http, proxy.url + "/ws")
        await ws.auth(token)
        ack = await ws.sub(f"user:{user.id}")
        assert ack["op"] == "ack"
        holding = [await _gauge(server, "lms_ws_connections") for server in servers]
        assert sorted(holding) == [0, 1]
        other = servers[holding.index(0)]

        # Changes made through the proxy until one lands on the process without the socket:
        # its event still reaches the socket, through Redis.
        changes = 0
        for attempt in range(20):
            before = await _gauge(other, "lms_events_published")
            async with http.patch(
                proxy.url + f"{API}/users/me",
                json={"full_name": f"Through nginx {attempt}"},
                headers=bearer(token),
            ) as response:
                assert response.status == 200, await response.text()
            changes += 1
            if await _gauge(other, "lms_events_published") > before:
                break
        else:
            raise AssertionError("no request reached the second process through nginx")
        events = await ws.events(changes)
        assert [e["seq"] for e in events] == list(range(ack["seq"] + 1, ack["seq"] + changes + 1))
        assert {e["type"] for e in events} == {"user.updated"}
        # A socket through the proxy gets its pongs as any other.
        await ws.send({"op": "ping"})
        assert (await ws.expect("pong"))["t"] > 0
        await ws.close()


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.parametrize(
    ("trusted", "seen_as"),
    [("127.0.0.1/32", CLIENT_ADDRESS), ("", "127.0.0.1")],
    ids=["proxy-trusted", "proxy-not-trusted"],
)
async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    client, settings, tmp_path, trusted, seen_as
):
    user = await create_user(client)
    async for proxy, _ in _proxied(settings, tmp_path, trusted):
        async with _session() as http:
            # A client's own X-Forwarded-For is never believed: nginx appends the address it
            # saw, and only that hop, written by the trusted proxy, is taken.
            token = await _login(http, proxy.url, user.email, **{"X-Forwarded-For": "203.0.113.9"})
            async with http.get(proxy.url + f"{API}/auth/sessions", headers=bearer(token)) as r:
                assert r.status == 200
                [current] = [s for s in await r.json() if s["current"]]
        assert current["ip"] == seen_as
