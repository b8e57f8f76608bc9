"""A ``/ws`` client that survives a server going away, as ``web/static/lms-realtime.js`` does.

On close it reconnects (to the next of its URLs), authenticates again and resubscribes every
channel with the last ``seq`` it saw and the channel's epoch, so the server replays what it
missed. A call cut off before its reply fails with :class:`Disconnected`: whether to send it
again is the caller's decision, as in the JS client. Everything received is recorded so a test
can check that nothing was lost, duplicated or reset.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

import aiohttp

TIMEOUT = 15.0
# The ``authed`` frame carries no id: its waiter is filed under this one.
AUTHED = 0


class Disconnected(Exception):
    """The socket closed before the reply came."""


async def until(predicate: Callable[[], Any], timeout: float = TIMEOUT, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.02)


class ResumingClient:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        urls: list[str],
        token: str,
        channels: list[str],
        name: str,
    ) -> None:
        self.http = http
        self.urls = urls
        self.token = token
        self.channels = channels
        self.name = name
        self.last_seq: dict[str, int] = {}
        self.epochs: dict[str, str] = {}
        self.events: dict[str, list[dict[str, Any]]] = {channel: [] for channel in channels}
        self.gaps: list[tuple[str, int, int]] = []
        self.duplicates: list[tuple[str, int]] = []
        self.resets: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.failures: list[str] = []
        self.close_codes: list[int | None] = []
        self.connected_to: list[str] = []
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._subscribing: dict[int, str] = {}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._up = asyncio.Event()
        self._closing = False

    # --- connection -----------------------------------------------------------------------

    async def start(self) -> None:
        await self._connect()

    async def connected(self, timeout: float = TIMEOUT) -> None:
        await asyncio.wait_for(self._up.wait(), timeout)

    async def _connect(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        attempt = 0
        while True:
            url = self.urls[(len(self.connected_to) + attempt) % len(self.urls)]
            try:
                ws = await self.http.ws_connect(url + "/ws")
                break
            except (aiohttp.ClientError, OSError):
                if time.monotonic() > deadline:
                    raise
                attempt += 1
                await asyncio.sleep(0.1)
        self._ws = ws
        self.connected_to.append(url)
        self._reader = asyncio.create_task(self._read(ws), name=f"{self.name}-reader")
        authed = await self._request({"op": "auth", "token": self.token})
        assert authed["op"] == "authed", authed
        for channel in self.channels:
            frame: dict[str, Any] = {"op": "sub", "channel": channel}
            if channel in self.last_seq:
                frame["since"] = self.last_seq[channel]
                frame["epoch"] = self.epochs[channel]
            ack = await self._request(frame)
            assert ack["op"] == "ack", (self.name, channel, ack)
        self._up.set()

    async def _reconnect(self) -> None:
        try:
            await self._connect()
        except Disconnected:
            # Dropped again while resubscribing: the new socket's reader starts over.
            pass
        except Exception as exc:
            self.failures.append(f"reconnecting failed: {exc!r}")

    async def close(self) -> None:
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            await asyncio.gather(self._reconnecting, return_exceptions=True)
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    # --- frames ---------------------------------------------------------------------------

    async def _request(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send ``frame`` and wait for its answer: the frame with its id, or ``authed``."""
        ws = self._ws
        if ws is None or ws.closed:
            raise Disconnected(self.name)
        key = AUTHED
        if frame["op"] != "auth":
            key = next(self._ids)
            frame = {**frame, "id": key}
        if frame["op"] == "sub":
            self._subscribing[key] = frame["channel"]
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            await ws.send_json(frame)
        except (ConnectionError, aiohttp.ClientError) as exc:
            raise Disconnected(self.name) from exc
        return await asyncio.wait_for(future, TIMEOUT)

    async def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        await self.connected()
        return await self._request({"op": "call", "method": method, "params": params})

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self._dispatch(message.json())
        self._up.clear()
        self.close_codes.append(ws.close_code)
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(Disconnected(self.name))
        if not self._closing:
            self._reconnecting = asyncio.create_task(self._reconnect())

    def _dispatch(self, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        if op == "event":
            self._on_event(frame)
        elif op == "authed":
            self._settle(AUTHED, frame)
        elif op == "ack":
            self._on_ack(frame)
            self._settle(frame["id"], frame)
        elif op == "reset":
            self.resets.append(frame)
        elif op in ("reply", "error") and "id" in frame:
            if op == "error":
                self.errors.append(frame)
            self._settle(frame["id"], frame)

    def _settle(self, key: int, frame: dict[str, Any]) -> None:
        future = self._pending.pop(key, None)
        if future is not None and not future.done():
            future.set_result(frame)

    def _on_ack(self, frame: dict[str, Any]) -> None:
        """A first subscription starts at the channel's head; a resume keeps its place, and
        the server replays what lies beyond it right after this ack."""
        channel = self._subscribing.pop(frame["id"])
        if frame["epoch"] != self.epochs.setdefault(channel, frame["epoch"]):
            self.failures.append(f"{channel} changed epoch: {frame}")
        self.last_seq.setdefault(channel, frame["seq"])

    def _on_event(self, frame: dict[str, Any]) -> None:
        channel, seq = frame["channel"], frame["seq"]
        last = self.last_seq.get(channel)
        if last is not None and seq <= last:
            self.duplicates.append((channel, seq))
            return
        if last is not None and seq != last + 1:
            self.gaps.append((channel, last, seq))
        self.last_seq[channel] = seq
        self.events[channel].append(frame)

    # --- reading what arrived -------------------------------------------------------------

    def of_type(self, channel: str, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events[channel] if e["type"] == kind]

    async def event(
        self, channel: str, kind: str, where: Callable[[dict[str, Any]], bool] = lambda e: True
    ) -> dict[str, Any]:
        """The first ``kind`` event on ``channel`` matching ``where`` (waiting for it)."""

        def found() -> dict[str, Any] | None:
            return next((e for e in self.of_type(channel, kind) if where(e)), None)

        frame: dict[str, Any] = await until(found, what=f"{self.name}: {kind} on {channel}")
        return frame
