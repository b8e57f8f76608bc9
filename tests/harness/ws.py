"""A small websocket test client speaking protocol v1, with timeouts on every wait."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import aiohttp

TIMEOUT = 5.0


class WsClient:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self.backlog: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, session: Any, url: str = "/ws", **kwargs: Any) -> WsClient:
        return cls(await session.ws_connect(url, **kwargs))

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send_json(frame)

    async def auth(self, token: str) -> dict[str, Any]:
        await self.send({"op": "auth", "token": token})
        return await self.expect("authed")

    async def sub(
        self, channel: str, since: int | None = None, epoch: str | None = None
    ) -> dict[str, Any]:
        frame_id = next(self._ids)
        frame: dict[str, Any] = {"op": "sub", "id": frame_id, "channel": channel}
        if since is not None:
            frame["since"] = since
        if epoch is not None:
            frame["epoch"] = epoch
        await self.send(frame)
        return await self.expect_id(frame_id)

    async def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        frame_id = next(self._ids)
        await self.send({"op": "call", "id": frame_id, "method": method, "params": params or {}})
        return await self.expect_id(frame_id)

    async def receive(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        if self.backlog:
            return self.backlog.pop(0)
        message = await self.ws.receive(timeout=timeout)
        if message.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"socket closed: {message.type} {self.ws.close_code}")
        frame: dict[str, Any] = message.json()
        return frame

    async def expect(self, op: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        return await self._first(lambda f: f.get("op") == op, timeout)

    async def expect_id(self, frame_id: int, timeout: float = TIMEOUT) -> dict[str, Any]:
        return await self._first(lambda f: f.get("id") == frame_id, timeout)

    async def events(self, count: int, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        got = []
        while len(got) < count:
            got.append(await self.expect("event", timeout))
        return got

    async def _first(self, predicate: Any, timeout: float) -> dict[str, Any]:
        """The first matching frame; frames read past meanwhile stay queued, in order."""
        for index, frame in enumerate(self.backlog):
            if predicate(frame):
                return self.backlog.pop(index)

        async def find() -> dict[str, Any]:
            while True:
                message = await self.ws.receive()
                if message.type != aiohttp.WSMsgType.TEXT:
                    raise ConnectionError(f"socket closed: {message.type} {self.ws.close_code}")
                frame: dict[str, Any] = message.json()
                if predicate(frame):
                    return frame
                self.backlog.append(frame)

        return await asyncio.wait_for(find(), timeout)

    async def closed_with(self, timeout: float = TIMEOUT) -> int | None:
        """Read until the server closes; the close code."""

        async def until_closed() -> int | None:
            while True:
                message = await self.ws.receive()
                if message.type == aiohttp.WSMsgType.CLOSE:
                    # The code the server sent; ``close_code`` may read 1006 if the server
                    # dropped the connection before our half of the closing handshake.
                    return int(message.data)
                if message.type in (
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.CLOSING,
                    aiohttp.WSMsgType.ERROR,
                ):
                    return self.ws.close_code

        return await asyncio.wait_for(until_closed(), timeout)

    async def close(self) -> None:
        await self.ws.close()
