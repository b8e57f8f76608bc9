"""Baseline server for ws_fanout.py: python-socketio on aiohttp, rooms shared through Redis.

Configured as the benchmarking notes prescribe (``AsyncRedisManager``, loggers off) and
otherwise left at python-socketio's defaults. It runs on uvloop because ``lms-rt serve`` does,
so the event loop is not what differs between the columns.
"""

from __future__ import annotations

import argparse
import resource
from typing import Any

import socketio
import uvloop
from aiohttp import web


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def make_app(redis_url: str) -> web.Application:
    manager = socketio.AsyncRedisManager(redis_url)
    sio = socketio.AsyncServer(
        async_mode="aiohttp", client_manager=manager, logger=False, engineio_logger=False
    )

    @sio.on("join")
    async def join(sid: str, data: dict[str, Any]) -> bool:
        await sio.enter_room(sid, data["room"])
        # Returning a value makes socket.io acknowledge: the client knows it is in the room.
        return True

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    sio.attach(app)
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
