"""The ceiling of rest_catalog.py: a bare aiohttp handler serving lms_rt's own JSON from memory.

The same routes (so the same URL matching), the same response bytes and content type, the
same event loop (uvloop) and the same ``reuse_port`` layout as ``lms-rt serve``; no
middleware, no auth, no database, no Redis. What lms_rt spends beyond this is the price of
doing the work.
"""

from __future__ import annotations

import argparse
import resource
from pathlib import Path

import uvloop
from aiohttp import web
from aiohttp.typedefs import Handler


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def serve_bytes(body: bytes, read_body: bool = False) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        if read_body:
            await request.read()
        return web.Response(body=body, content_type="application/json")

    return handler


def make_app(bodies: Path) -> web.Application:
    app = web.Application()

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get("/health", health)
    app.router.add_get("/api/v1/courses", serve_bytes((bodies / "catalog.json").read_bytes()))
    app.router.add_get(
        "/api/v1/courses/{course}", serve_bytes((bodies / "course.json").read_bytes())
    )
    app.router.add_put(
        "/api/v1/enrollments/{enrollment_id}/lessons/{lesson_id}/progress",
        serve_bytes((bodies / "progress.json").read_bytes(), read_body=True),
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bodies", type=Path, required=True, help="folder of the JSON bodies")
    args = parser.parse_args()
    raise_fd_limit()
    uvloop.install()
    web.run_app(
        make_app(args.bodies),
        host="127.0.0.1",
        port=args.port,
        access_log=None,
        print=None,
        reuse_port=True,
    )


if __name__ == "__main__":
    main()
