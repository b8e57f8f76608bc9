"""A bus listener that records what it receives and lets a test wait for it."""

from __future__ import annotations

import asyncio

from lms_rt.realtime.bus import Event


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.resets: list[str] = []
        self.changed = asyncio.Event()

    def on_event(self, event: Event) -> None:
        self.events.append(event)
        self.changed.set()

    def on_reset(self, channel: str) -> None:
        self.resets.append(channel)
        self.changed.set()

    async def wait_for(self, count: int, timeout: float = 5.0) -> None:
        async def until() -> None:
            while len(self.events) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), timeout)
