"""The ceiling of ws_fanout.py: the least an aiohttp + Redis pub/sub fan-out can do.

A socket's first text frame names its room; each process subscribes to a room's Redis
channel once and forwards every message's bytes, unchanged, to that room's local sockets.
No auth, no sequence numbers, no history, no per-socket queue: whatever lms_rt or
python-socketio spend beyond this is the price of their features.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
from collections.abc import AsyncIterator

import uvloop
from aiohttp import WSMsgType, web
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

ROOMS = web.AppKey("rooms", dict[str, set[web.WebSocketResponse]])
# Per room, resolved once Redis confirmed this process's subscription to it.
SUBSCRIBED = web.AppKey("subscribed", dict[str, asyncio.Future[None]])
PUBSUB = web.AppKey("pubsub", PubSub)


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(compress=False)
    await ws.prepare(request)
    message = await ws.receive()
    if message.type != WSMsgType.TEXT:
        return ws
    room: str = message.data
    subscribed = request.app[SUBSCRIBED]
    if room not in subscribed:
        subscribed[room] = asyncio.get_running_loop().create_future()
        request.app[ROOMS][room] = set()
        await request.app[PUBSUB].subscribe(room)
    # Tell the client it joined only once Redis confirmed, so no publish can slip past.
    await subscribed[room]
    members = request.app[ROOMS][room]
    members.add(ws)
    try:
        await ws.send_str("joined")
        async for _ in ws:
            pass
    finally:
        members.discard(ws)
    return ws


async def forward(app: web.Application) -> None:
    pubsub = app[PUBSUB]
    async for message in pubsub.listen():
        if message["type"] == "subscribe":
            waiter = app[SUBSCRIBED].get(message["channel"].decode())
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            continue
        if message["type"] != "message":
            continue
        for ws in tuple(app[ROOMS].get(message["channel"].decode(), ())):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_frame(message["data"], WSMsgType.TEXT)


def make_app(redis_url: str) -> web.Application:
    app = web.Application()
    app[ROOMS] = {}
    app[SUBSCRIBED] = {}

    async def redis_context(app: web.Application) -> AsyncIterator[None]:
        redis = Redis.from_url(redis_url)
        pubsub = redis.pubsub()
        # A pub/sub connection that listens on nothing yet would make listen() return at once.
        await pubsub.subscribe("ceiling:idle")
        app[PUBSUB] = pubsub
        task = asyncio.create_task(forward(app))
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await pubsub.aclose()
        await redis.aclose()

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.cleanup_ctx.append(redis_context)
    app.router.add_get("/ws", websocket)
    app.router.add_get("/health", health)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    args = parser.parse_args()
    raise_fd_limit()
    uvloop.install()
    web.run_app(make_app(args.redis), host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
