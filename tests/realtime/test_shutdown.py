"""Graceful shutdown of the gateway: calls being handled are answered before the 1001."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from lms_rt.app import create_app
from lms_rt.realtime.registry import Caller
from lms_rt.realtime.setup import GATEWAY, REALTIME
from tests.factories import create_user, login
from tests.harness.ws import WsClient


class SlowMethod:
    """``test.slow``: holds each call until released, recording the calls it began."""

    def __init__(self) -> None:
        self.began: list[Any] = []
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        self.began.append(params["n"])
        self.started.set()
        await self.release.wait()
        return {"done": params["n"]}


async def _client_with_slow_method(make_client, make_settings, **settings: Any):
    app = create_app(make_settings(**settings))
    slow = SlowMethod()
    app[REALTIME].method("test.slow", slow)
    return await make_client(app=app), slow


async def _socket(client) -> WsClient:
    user = await create_user(client)
    ws = await WsClient.connect(client)
    await ws.auth((await login(client, user.email))["access_token"])
    return ws


async def _until_close(ws: WsClient, timeout: float = 10) -> tuple[list[dict[str, Any]], int]:
    """Every text frame, in order, up to the close frame; and the close code."""
    frames: list[dict[str, Any]] = []

    async def read() -> int:
        while True:
            message = await ws.ws.receive()
            if message.type == aiohttp.WSMsgType.TEXT:
                frames.append(message.json())
            elif message.type == aiohttp.WSMsgType.CLOSE:
                return int(message.data)
            else:
                raise AssertionError(f"socket ended without a close frame: {message.type}")

    code = await asyncio.wait_for(read(), timeout)
    return frames, code


async def test_a_call_in_flight_is_answered_before_the_going_away_close(make_client, make_settings):
    client, slow = await _client_with_slow_method(make_client, make_settings)
    ws = await _socket(client)
    await ws.send({"op": "call", "id": 1, "method": "test.slow", "params": {"n": 1}})
    await asyncio.wait_for(slow.started.wait(), 5)

    stopping = asyncio.create_task(client.app[GATEWAY].stop())
    await asyncio.sleep(0.1)
    # Frames sent once the stop began are not taken in: the client sends them again after
    # reconnecting elsewhere.
    await ws.send({"op": "call", "id": 2, "method": "test.slow", "params": {"n": 2}})
    await ws.send({"op": "ping"})
    await asyncio.sleep(0.2)
    assert not stopping.done(), "the stop waits for the call being handled"
    slow.release.set()

    frames, code = await _until_close(ws)
    await stopping
    assert frames == [{"op": "reply", "id": 1, "result": {"done": 1}}]
    assert code == 1001
    assert slow.began == [1]
    # New sockets are turned away meanwhile.
    try:
        await WsClient.connect(client)
    except aiohttp.WSServerHandshakeError as exc:
        assert exc.status == 503
    else:
        raise AssertionError("a stopping gateway accepted a new socket")


async def test_a_call_outlasting_the_grace_period_does_not_hold_up_the_1001(
    make_client, make_settings
):
    client, slow = await _client_with_slow_method(
        make_client, make_settings, ws_shutdown_grace_seconds=0.3
    )
    ws = await _socket(client)
    idle = await _socket(client)
    await ws.send({"op": "call", "id": 1, "method": "test.slow", "params": {"n": 1}})
    await asyncio.wait_for(slow.started.wait(), 5)

    # The clients keep reading, as real ones do, so they answer the close handshake.
    closes = [asyncio.create_task(_until_close(socket)) for socket in (ws, idle)]
    started = time.monotonic()
    await client.app[GATEWAY].stop()
    assert time.monotonic() - started < 1.5
    assert await asyncio.gather(*closes) == [([], 1001), ([], 1001)]
    slow.release.set()


async def test_a_stop_with_nothing_in_flight_closes_at_once(make_client):
    client = await make_client()
    sockets = [await _socket(client) for _ in range(3)]
    closes = [asyncio.create_task(_until_close(ws)) for ws in sockets]
    started = time.monotonic()
    await client.app[GATEWAY].stop()
    assert time.monotonic() - started < 1.0
    assert await asyncio.gather(*closes) == [([], 1001)] * 3
