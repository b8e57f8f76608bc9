"""The websocket load generator of ws_fanout.py: one process, driven over stdin/stdout.

It speaks three wire protocols (lms_rt ``/ws``, socket.io over engine.io v4, the ceiling's
first-frame room join) so that all three servers are measured by the very same client code.
Each command is one JSON line on stdin and gets one JSON line back on stdout; nothing else
is ever written to stdout.

Arrival times are ``time.monotonic()``: CLOCK_MONOTONIC is system-wide on Linux, so they
compare directly with the publish stamps the driver puts in each event.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson
import uvloop

# Handshakes in flight at once. aiohttp servers listen with a backlog of 128; staying well
# under it per server keeps SYNs from being dropped and retried a second later.
CONNECT_CONCURRENCY = 100
HANDSHAKE_TIMEOUT = 60.0
CLOSE_BATCH = 500


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Tally:
    """Per event: how many sockets have it, when the last one got it, and its publish stamp."""

    def __init__(self) -> None:
        self.events: dict[int, list[float]] = {}
        self.targets: dict[int, int] = {}
        self.remaining = 0
        self.complete: asyncio.Future[None] | None = None

    def record(self, data: dict[str, Any], now: float) -> None:
        n = data["n"]
        entry = self.events.get(n)
        if entry is None:
            entry = self.events[n] = [0, now, data["t"]]
        entry[0] += 1
        entry[1] = now
        if entry[0] == self.targets.get(n):
            self.remaining -= 1
            if self.remaining == 0 and self.complete is not None and not self.complete.done():
                self.complete.set_result(None)

    async def wait(self, targets: dict[int, int], timeout: float) -> dict[str, list[float]]:
        self.targets = targets
        self.remaining = sum(1 for n, want in targets.items() if self.events.get(n, [0])[0] < want)
        self.complete = asyncio.get_running_loop().create_future()
        if self.remaining:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.complete, timeout)
        self.targets, self.complete = {}, None
        return {str(n): self.events.pop(n, [0, 0.0, 0.0]) for n in targets}


class Socket:
    """One client socket and what it received since it subscribed."""

    __slots__ = (
        "channel", "closing", "ended", "gaps", "last_seq", "reader", "received", "resets", "ws",
    )  # fmt: skip

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, channel: str) -> None:
        self.ws = ws
        self.channel = channel
        self.received = 0
        self.gaps = 0
        self.resets = 0
        self.last_seq = 0
        self.closing = False
        self.ended = ""  # how the server ended it, when it did: close code and reason
        self.reader: asyncio.Task[None] | None = None

    def finished(self, message: aiohttp.WSMessage) -> bool:
        """True once the socket is over; remembers the close code and reason the server gave."""
        if message.type not in _ENDED:
            return False
        if message.type == aiohttp.WSMsgType.CLOSE:
            self.ended = f"{message.data} {message.extra or ''}".strip()
        else:
            self.ended = self.ended or f"{message.type.name} {self.ws.close_code}"
        return True


_TEXT = aiohttp.WSMsgType.TEXT
_ENDED = frozenset(
    {
        aiohttp.WSMsgType.CLOSE,
        aiohttp.WSMsgType.CLOSING,
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    }
)


async def _next_text(ws: aiohttp.ClientWebSocketResponse, what: str) -> str:
    message = await ws.receive()
    if message.type != aiohttp.WSMsgType.TEXT:
        reason = f" {message.extra!r}" if message.extra else ""
        raise ConnectionError(f"{what}: got {message.type.name} {ws.close_code}{reason}")
    text: str = message.data
    return text


# --- the three protocols: open (handshake + subscribe) and read ---------------------------


async def open_lms(session: aiohttp.ClientSession, base: str, token: str, channel: str) -> Socket:
    ws = await session.ws_connect(base + "/ws", compress=0)
    await ws.send_str(orjson.dumps({"op": "auth", "token": token}).decode())
    frame = orjson.loads(await _next_text(ws, "auth"))
    if frame.get("op") != "authed":
        raise ConnectionError(f"auth refused: {frame}")
    await ws.send_str(orjson.dumps({"op": "sub", "id": 1, "channel": channel}).decode())
    frame = orjson.loads(await _next_text(ws, "sub"))
    if frame.get("op") != "ack":
        raise ConnectionError(f"sub refused: {frame}")
    sock = Socket(ws, channel)
    sock.last_seq = frame["seq"]
    return sock


async def read_lms(sock: Socket, tally: Tally) -> None:
    ws = sock.ws
    while True:
        message = await ws.receive()
        if message.type != _TEXT:
            if sock.finished(message):
                return
            continue
        frame = orjson.loads(message.data)
        op = frame["op"]
        if op != "event":
            if op == "reset":
                sock.resets += 1
            continue
        now = time.monotonic()
        # Numbering is per channel and gap-free: anything else is a lost or repeated event.
        seq = frame["seq"]
        if seq != sock.last_seq + 1:
            sock.gaps += 1
        sock.last_seq = seq
        sock.received += 1
        tally.record(frame["data"], now)


async def open_socketio(
    session: aiohttp.ClientSession, base: str, token: str | None, channel: str
) -> Socket:
    ws = await session.ws_connect(base + "/socket.io/?EIO=4&transport=websocket", compress=0)

    async def until(prefix: str, what: str) -> str:
        while True:
            text = await _next_text(ws, what)
            if text == "2":  # engine.io ping: answer or the server drops us
                await ws.send_str("3")
                continue
            if text.startswith(prefix):
                return text

    await until("0", "engine.io open")
    await ws.send_str("40")
    await until("40", "socket.io connect")
    # Event with ack id 1: the reply proves the room was entered before anything is published.
    await ws.send_str('421["join",' + orjson.dumps({"room": channel}).decode() + "]")
    await until("431", "join ack")
    return Socket(ws, channel)


async def read_socketio(sock: Socket, tally: Tally) -> None:
    ws = sock.ws
    while True:
        message = await ws.receive()
        if message.type != _TEXT:
            if sock.finished(message):
                return
            continue
        text: str = message.data
        if text.startswith("42"):
            now = time.monotonic()
            sock.received += 1
            tally.record(orjson.loads(text[2:])[1], now)
        elif text == "2":
            await ws.send_str("3")


async def open_ceiling(
    session: aiohttp.ClientSession, base: str, token: str | None, channel: str
) -> Socket:
    ws = await session.ws_connect(base + "/ws", compress=0)
    await ws.send_str(channel)
    if await _next_text(ws, "join") != "joined":
        raise ConnectionError("ceiling join not confirmed")
    return Socket(ws, channel)


async def read_ceiling(sock: Socket, tally: Tally) -> None:
    ws = sock.ws
    while True:
        message = await ws.receive()
        if message.type != _TEXT:
            if sock.finished(message):
                return
            continue
        now = time.monotonic()
        sock.received += 1
        tally.record(orjson.loads(message.data), now)


Opener = Callable[[aiohttp.ClientSession, str, Any, str], Awaitable[Socket]]
Reader = Callable[[Socket, Tally], Awaitable[None]]
PROTOCOLS: dict[str, tuple[Opener, Reader]] = {
    "lms": (open_lms, read_lms),
    "socketio": (open_socketio, read_socketio),
    "ceiling": (open_ceiling, read_ceiling),
}


# --- commands ------------------------------------------------------------------------------


class LoadGenerator:
    def __init__(self) -> None:
        self.tally = Tally()
        self.groups: dict[str, list[Socket]] = {}
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def stop(self) -> None:
        for name in list(self.groups):
            await self.close({"group": name})
        if self.session is not None:
            await self.session.close()

    async def open(self, command: dict[str, Any]) -> dict[str, Any]:
        """Sockets alternate between the servers, so each process holds half of them."""
        assert self.session is not None
        opener, reader = PROTOCOLS[command["protocol"]]
        urls: list[str] = command["urls"]
        members: list[list[Any]] = command["members"]  # [token or null, channel]
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        sockets: list[Socket] = self.groups.setdefault(command["group"], [])
        errors: list[str] = []
        session = self.session

        async def one(index: int, token: Any, channel: str) -> None:
            async with gate:
                try:
                    sock = await asyncio.wait_for(
                        opener(session, urls[index % len(urls)], token, channel),
                        HANDSHAKE_TIMEOUT,
                    )
                except (aiohttp.ClientError, ConnectionError, OSError, TimeoutError) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    return
            sock.reader = asyncio.create_task(self._read(reader, sock))
            sockets.append(sock)

        began = time.monotonic()
        await asyncio.gather(*(one(i, tok, ch) for i, (tok, ch) in enumerate(members)))
        seconds = time.monotonic() - began
        # Thousands of long-lived socket objects would otherwise be re-scanned by every full
        # collection, pausing this one client for all three columns alike and blurring p99.
        gc.collect()
        gc.freeze()
        return {
            "opened": len(members) - len(errors),
            "failed": len(errors),
            "errors": sorted(set(errors))[:5],
            "seconds": seconds,
        }

    async def _read(self, reader: Reader, sock: Socket) -> None:
        with contextlib.suppress(aiohttp.ClientError, ConnectionError, OSError):
            await reader(sock, self.tally)

    async def wait(self, command: dict[str, Any]) -> dict[str, Any]:
        targets = {int(n): int(want) for n, want in command["targets"].items()}
        return {"events": await self.tally.wait(targets, float(command["timeout"]))}

    def stats(self, command: dict[str, Any]) -> dict[str, Any]:
        """Per channel: the fewest and most events any socket received, and losses seen."""
        channels: dict[str, list[int]] = {}
        dropped: dict[str, int] = {}
        gaps = resets = 0
        for sock in self.groups.get(command["group"], []):
            low_high = channels.setdefault(sock.channel, [sock.received, sock.received, 0])
            low_high[0] = min(low_high[0], sock.received)
            low_high[1] = max(low_high[1], sock.received)
            low_high[2] += 1
            gaps += sock.gaps
            resets += sock.resets
            if sock.ended and not sock.closing:
                dropped[sock.ended] = dropped.get(sock.ended, 0) + 1
        return {"channels": channels, "gaps": gaps, "resets": resets, "dropped": dropped}

    async def close(self, command: dict[str, Any]) -> dict[str, Any]:
        sockets = self.groups.pop(command["group"], [])
        began = time.monotonic()
        for sock in sockets:
            sock.closing = True
        batch: list[Socket] = []
        for start in range(0, len(sockets), CLOSE_BATCH):
            batch = sockets[start : start + CLOSE_BATCH]
            await asyncio.gather(*(s.ws.close() for s in batch), return_exceptions=True)
        readers = [s.reader for s in sockets if s.reader is not None]
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        closed = len(sockets)
        del sockets, readers, batch
        gc.unfreeze()
        gc.collect()
        return {"closed": closed, "seconds": time.monotonic() - began}


async def serve_commands() -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=64 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    out = sys.stdout.buffer
    generator = LoadGenerator()
    await generator.start()
    try:
        while True:
            line = await stdin.readline()
            if not line:
                return
            command = orjson.loads(line)
            name = command["cmd"]
            if name == "quit":
                return
            if name == "open":
                reply = await generator.open(command)
            elif name == "wait":
                reply = await generator.wait(command)
            elif name == "stats":
                reply = generator.stats(command)
            elif name == "close":
                reply = await generator.close(command)
            else:
                reply = {"error": f"unknown command {name}"}
            reply["cpu"] = time.process_time()
            out.write(orjson.dumps(reply) + b"\n")
            out.flush()
    finally:
        await generator.stop()


def main() -> None:
    raise_fd_limit()
    uvloop.run(serve_commands())


if __name__ == "__main__":
    main()
