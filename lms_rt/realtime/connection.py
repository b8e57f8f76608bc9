"""One websocket's outgoing side: a bounded byte queue drained by its own writer task.

Broadcasts put the same bytes in many queues without awaiting anything, so one slow reader
never holds up the others. A queue over its byte limit means the reader cannot keep up: the
socket is closed with 4429 and the client resumes from its last sequence number.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from lms_rt.realtime.bus import Event
from lms_rt.realtime.protocol import CLOSE_TOO_SLOW, reset
from lms_rt.realtime.registry import Caller

log = logging.getLogger(__name__)

# After a slow consumer's close frame, how long its buffered bytes may take to drain before
# the TCP connection is cut outright.
SLOW_CLOSE_LINGER_SECONDS = 5.0
# A frame goes straight to the socket while less than this waits in its transport's buffer;
# beyond it, frames queue for the writer task, which waits for the socket to drain.
DIRECT_WRITE_LIMIT = 64 * 1024

# Connection ids: unique within the process (seats qualify them with the process's own id).
_ids = itertools.count(1)


def text_frame(payload: bytes) -> bytes:
    """A complete, unmasked websocket text frame (RFC 6455 section 5.2) around ``payload``.

    Built once per broadcast and written as the same bytes to every local subscriber.
    """
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


@dataclass(slots=True)
class Subscription:
    last_seq: int = 0
    # Live events that arrive while the subscription is replaying history wait here.
    pending: list[Event] | None = field(default_factory=list)


class Connection:
    # Tens of thousands live at once: no per-instance dict.
    __slots__ = (
        "__weakref__",
        "_max_queue_bytes",
        "_on_slow",
        "_queue",
        "_queued_bytes",
        "_writer",
        "budget",
        "budget_at",
        "busy",
        "caller",
        "closed",
        "due",
        "id",
        "pinged",
        "seated",
        "seen",
        "subscriptions",
        "token_expires_at",
        "transport",
        "ws",
    )

    def __init__(
        self,
        ws: web.WebSocketResponse,
        transport: asyncio.Transport | None,
        *,
        max_queue_bytes: int,
        on_slow: Callable[[Connection], None],
    ) -> None:
        self.id = f"{next(_ids):x}"
        self.ws = ws
        self.transport = transport
        self.caller: Caller | None = None
        self.token_expires_at = 0.0
        # The bucket of the shared deadlines (auth timeout, then token expiry) it waits in.
        self.due: dict[Connection, None] | None = None
        # Loop time of the last frame from the client, and whether a ping awaits an answer.
        self.seen = asyncio.get_running_loop().time()
        self.pinged = False
        # Handling a frame: what the client sends meanwhile (its pongs too) waits unread.
        self.busy = False
        # Messages it may still send now, and when that was worked out (see allow_message).
        self.budget: float | None = None
        self.budget_at = 0.0
        self.subscriptions: dict[str, Subscription] = {}
        self._max_queue_bytes = max_queue_bytes
        self._on_slow = on_slow
        # Made when a frame first has to wait, dropped once the writer has caught up.
        self._queue: deque[bytes] | None = None
        self._queued_bytes = 0
        self.closed = False
        self.seated = False  # holds one of its user's connection seats
        # Runs only while frames wait for a slow socket: an idle connection holds no task.
        self._writer: asyncio.Task[None] | None = None

    def allow_message(self, now: float, rate: float, burst: float) -> bool:
        """Take one message from the socket's bucket: ``rate`` per second, bursts up to
        ``burst`` (full until first used)."""
        if self.budget is None:
            budget = burst
        else:
            budget = min(burst, self.budget + (now - self.budget_at) * rate)
        self.budget_at = now
        if budget < 1:
            self.budget = budget
            return False
        self.budget = budget - 1
        return True

    # --- sending -------------------------------------------------------------------------

    def send(self, data: bytes, framed: bytes | None = None) -> None:
        """Send a text frame; never waits. ``framed`` is ``data`` already framed (shared by
        a broadcast's subscribers).

        With nothing queued and little in the transport's buffer the frame is written to the
        socket at once, with no task switch per subscriber; otherwise it queues for the
        writer task. Queue overflow closes the socket as too slow.
        """
        if self.closed:
            return
        transport = self.transport
        if (
            self._writer is None
            and transport is not None
            and not transport.is_closing()
            and not self.ws.closed
            and transport.get_write_buffer_size() <= DIRECT_WRITE_LIMIT
        ):
            transport.write(framed if framed is not None else text_frame(data))
            return
        self._queued_bytes += len(data)
        if self._queued_bytes > self._max_queue_bytes:
            self.abort_slow()
            return
        if self._queue is None:
            self._queue = deque()
        self._queue.append(data)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.id}")

    async def _write_loop(self) -> None:
        try:
            while self._queue:
                data = self._queue.popleft()
                await self.ws.send_frame(data, WSMsgType.TEXT)
                self._queued_bytes -= len(data)
        except (ConnectionError, RuntimeError) as exc:
            log.debug("writer of %s stopped: %s", self.id, exc)
        except asyncio.CancelledError:
            pass
        finally:
            self._writer = None
            if not self._queue:
                self._queue = None

    def abort_slow(self) -> None:
        """Drop what is queued, put a 4429 close frame behind what the kernel already has,
        and cut the connection if it still has not drained after a while.

        aiohttp's own close waits for the send buffer to drain, which never happens for a
        reader that stopped reading, so the close frame is written to the transport directly.
        """
        if self.closed:
            return
        self.closed = True
        self._queue = None
        if self._writer is not None:
            self._writer.cancel()
        self._on_slow(self)
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        reason = b"too slow"
        payload = CLOSE_TOO_SLOW.to_bytes(2, "big") + reason
        transport.write(bytes([0x88, len(payload)]) + payload)
        transport.close()
        asyncio.get_running_loop().call_later(SLOW_CLOSE_LINGER_SECONDS, transport.abort)

    async def close(self, code: int, message: str = "") -> None:
        if self.closed:
            return
        self.closed = True
        # Let what is already queued reach the client first (e.g. the reason for a kick).
        writer = self._writer
        if writer is not None:
            await asyncio.wait({writer}, timeout=1.0)
            writer.cancel()
            # Never write the close frame while a send is mid-drain.
            await asyncio.gather(writer, return_exceptions=True)
        try:
            reason = message.encode()[:120]  # a close payload holds at most 123 bytes
            await asyncio.wait_for(self.ws.close(code=code, message=reason), 2.0)
        except (TimeoutError, ConnectionError, RuntimeError):
            if self.transport is not None:
                self.transport.abort()

    async def stop(self) -> None:
        self.closed = True
        writer = self._writer
        if writer is not None:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)

    # --- events --------------------------------------------------------------------------

    def deliver(self, event: Event, framed: bytes | None = None) -> None:
        """In order, exactly once per subscription, held back while history replays."""
        subscription = self.subscriptions.get(event.channel)
        if subscription is None:
            return
        if subscription.pending is not None:
            subscription.pending.append(event)
            return
        if event.seq <= subscription.last_seq:
            return
        subscription.last_seq = event.seq
        self.send(event.frame, framed)

    def fits(self, events: list[Event]) -> bool:
        """Whether a replay fits comfortably in the send queue; if not, the client refetches
        (``reset``) instead of being closed as too slow in the middle of catching up."""
        return sum(len(e.frame) for e in events) <= self._max_queue_bytes // 2

    def replayed(self, channel: str, events: list[Event]) -> int:
        """Send history, then whatever arrived live meanwhile, skipping duplicates."""
        subscription = self.subscriptions[channel]
        pending, subscription.pending = subscription.pending or [], None
        sent = 0
        for event in [*events, *pending]:
            if event.seq > subscription.last_seq:
                subscription.last_seq = event.seq
                self.send(event.frame)
                sent += 1
        return sent

    def reset_channel(self, channel: str) -> None:
        subscription = self.subscriptions.get(channel)
        if subscription is None:
            return
        subscription.last_seq = 0
        self.send(reset(channel))
