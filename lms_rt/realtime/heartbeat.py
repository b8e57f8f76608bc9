"""Keep-alive for every socket from one task, instead of aiohttp's timers per socket.

Every half period one round looks at each socket: one that sent nothing since the previous
round's ping to it is gone and is cut; one quiet for at least half a period is pinged. An
idle socket is thus pinged once a period and a dead one is cut within one and a half periods
of silence, as aiohttp's own heartbeat does. Any frame from the client counts as a sign of
life, its pongs included, and so is being in the middle of handling one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from lms_rt.realtime.connection import Connection

log = logging.getLogger(__name__)

# An unmasked PING frame with no payload (RFC 6455 section 5.5.2).
PING_FRAME = b"\x89\x00"


class Heartbeat:
    def __init__(
        self,
        period: float,
        connections: Callable[[], Iterable[Connection]],
        on_gone: Callable[[Connection], None],
    ) -> None:
        self.period = period
        self._connections = connections
        self._on_gone = on_gone
        self._last_round = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.period > 0:
            self._task = asyncio.create_task(self._loop(), name="ws-heartbeat")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        self._last_round = loop.time()
        while True:
            await asyncio.sleep(self.period / 2)
            try:
                self.round(loop.time())
            except Exception:
                log.exception("heartbeat round failed")

    def round(self, now: float) -> None:
        half = self.period / 2
        previous, self._last_round = self._last_round, now
        for connection in tuple(self._connections()):
            if connection.closed or connection.busy:
                # A socket in the middle of a call reads nothing until it returns; the call
                # itself is a sign of life.
                connection.pinged = False
                continue
            if connection.pinged:
                connection.pinged = False
                if connection.seen < previous:
                    self._on_gone(connection)
                    continue
            if now - connection.seen >= half:
                transport = connection.transport
                if transport is not None and not transport.is_closing():
                    transport.write(PING_FRAME)
                    connection.pinged = True
