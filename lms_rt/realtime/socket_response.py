"""A websocket served once its request's handler and middlewares have returned.

aiohttp keeps a websocket alive for as long as its handler runs, and with it every middleware
coroutine the request passed through (request id, errors, rate limit, audit context...):
about two kilobytes that each idle socket would hold for hours. The handler here only upgrades
and returns; aiohttp then finishes the response with ``write_eof``, which is where the socket
is served until it closes, with the context variables the middlewares had set carried over
(logs keep the upgrade's request id, audit events its address).

The access log and HTTP metrics therefore record the upgrade itself (101, how long the
handshake took), not the socket's whole life.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

_UNSET = object()


class SocketResponse(web.WebSocketResponse):
    # A slot, not an attribute: one more attribute would push aiohttp's response past the
    # keys its instances share and give every socket a dictionary of its own.
    __slots__ = ("_serve",)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._serve: Callable[[], Awaitable[None]] | None = None

    def serve_after_handler(self, serve: Callable[[], Awaitable[None]]) -> None:
        """Run ``serve`` (until the socket is over) once the handler chain has returned."""
        self._serve = serve

    async def write_eof(self) -> None:  # type: ignore[override]
        serve, self._serve = self._serve, None
        if serve is not None:
            # Nothing but the coroutine is kept while the socket lives.
            serving, serve = serve(), None
            await serving
        await super().write_eof()


def adopt(context: contextvars.Context) -> None:
    """Set, in the running task, the context variables ``context`` holds."""
    for variable, value in context.items():
        if variable.get(_UNSET) is not value:
            variable.set(value)
