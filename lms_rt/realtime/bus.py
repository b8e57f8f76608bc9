"""The event bus: numbered, per-channel event streams with bounded history.

``publish`` gives every event the next sequence number of its channel; ``history`` returns what
a resuming subscriber missed, or ``None`` when the history no longer reaches that far (the
client must refetch). The epoch changes whenever the numbering restarts, so a client holding a
sequence number from an older epoch is told to refetch too.
"""

from __future__ import annotations

import abc
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Listener = Callable[["Event"], None]

# Enough for a client that was away for a minute of a busy live quiz; older gaps refetch.
DEFAULT_HISTORY_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Event:
    channel: str
    seq: int
    type: str
    data: dict[str, Any]
    ts: str

    def frame(self) -> dict[str, Any]:
        return {
            "op": "event",
            "channel": self.channel,
            "seq": self.seq,
            "type": self.type,
            "data": self.data,
            "ts": self.ts,
        }


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class Bus(abc.ABC):
    """Publish/subscribe with per-channel sequence numbers and resumable history."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = {}

    @abc.abstractmethod
    async def publish(self, channel: str, type: str, data: dict[str, Any]) -> int:
        """Append an event to the channel and deliver it; returns its sequence number."""

    @abc.abstractmethod
    async def history(self, channel: str, since: int) -> list[Event] | None:
        """Events with ``seq > since`` in order, or ``None`` if history no longer reaches."""

    @abc.abstractmethod
    async def position(self, channel: str) -> tuple[int, str]:
        """The channel's latest sequence number and its epoch."""

    async def close(self) -> None:
        self._listeners.clear()

    def subscribe(self, channel: str, listener: Listener) -> None:
        self._listeners.setdefault(channel, set()).add(listener)

    def unsubscribe(self, channel: str, listener: Listener) -> None:
        listeners = self._listeners.get(channel)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[channel]

    def _deliver(self, event: Event) -> None:
        for listener in tuple(self._listeners.get(event.channel, ())):
            listener(event)


class MemoryBus(Bus):
    """The embedded default: one process, history in a deque per channel."""

    def __init__(self, history_size: int = DEFAULT_HISTORY_SIZE) -> None:
        super().__init__()
        self.epoch = uuid.uuid4().hex
        self._history_size = history_size
        self._seq: dict[str, int] = {}
        self._history: dict[str, deque[Event]] = {}

    async def publish(self, channel: str, type: str, data: dict[str, Any]) -> int:
        seq = self._seq.get(channel, 0) + 1
        self._seq[channel] = seq
        event = Event(channel=channel, seq=seq, type=type, data=data, ts=now_iso())
        self._history.setdefault(channel, deque(maxlen=self._history_size)).append(event)
        self._deliver(event)
        return seq

    async def history(self, channel: str, since: int) -> list[Event] | None:
        latest = self._seq.get(channel, 0)
        if since >= latest:
            return [] if since == latest else None
        events = self._history.get(channel, deque())
        if not events or events[0].seq > since + 1:
            return None
        return [event for event in events if event.seq > since]

    async def position(self, channel: str) -> tuple[int, str]:
        return self._seq.get(channel, 0), self.epoch
