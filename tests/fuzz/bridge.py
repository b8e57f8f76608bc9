"""Driving the app from synchronous Hypothesis code.

Hypothesis (its stateful machines, and schemathesis' ``requests`` calls) runs synchronously,
while the app under test is served on the test's own event loop by pytest-aiohttp. Blocking
that loop would stall the server, so the synchronous part runs in a worker thread
(``asyncio.to_thread``) while the test coroutine awaits it, leaving the loop free to serve.
Whenever the worker needs the app (an HTTP call through the test client, a database read), it
hands a coroutine back to the loop with ``asyncio.run_coroutine_threadsafe`` and waits for the
result. Every coroutine therefore runs on the one loop the app, Tortoise and the bus live on;
the worker thread only ever waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# Long enough for a slow step on a loaded machine, short enough that a hang fails the test.
STEP_TIMEOUT_SECONDS = 60.0


class LoopBridge:
    """Runs coroutines on ``loop`` from another thread, one at a time, and returns results."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = STEP_TIMEOUT_SECONDS) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


async def off_loop(function: Callable[[LoopBridge], T]) -> T:
    """Run ``function(bridge)`` in a worker thread while this loop keeps serving."""
    bridge = LoopBridge(asyncio.get_running_loop())
    return await asyncio.to_thread(function, bridge)
