"""Local fan-out: which of this process's connections follow which channel.

The hub is the bus's one listener per channel in this process; an event's frame, encoded
once by the publisher, goes as the same bytes into every subscriber's queue.
"""

from __future__ import annotations

import asyncio
import logging

from lms_rt.metrics import Metrics
from lms_rt.realtime.bus import Bus, Event
from lms_rt.realtime.connection import Connection, Subscription, text_frame
from lms_rt.realtime.protocol import ack, reset
from lms_rt.realtime.registry import Caller

log = logging.getLogger(__name__)


class Hub:
    def __init__(self, bus: Bus, metrics: Metrics) -> None:
        self.bus = bus
        self.metrics = metrics
        self.connections: set[Connection] = set()
        self.by_user: dict[str, set[Connection]] = {}
        self._followers: dict[str, set[Connection]] = {}
        # The bus subscription of a channel, awaited by every local subscriber of it so that
        # none reads its position before live delivery is guaranteed.
        self._following: dict[str, asyncio.Task[None]] = {}

    # --- bus listener --------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        followers = self._followers.get(event.channel)
        if not followers:
            return
        framed = text_frame(event.frame)
        for connection in tuple(followers):
            connection.deliver(event, framed)
        self.metrics.ws_events_delivered.inc(len(followers))

    def on_reset(self, channel: str) -> None:
        self.metrics.ws_resets.inc()
        for connection in tuple(self._followers.get(channel, ())):
            connection.reset_channel(channel)

    # --- connections ---------------------------------------------------------------------

    def add(self, connection: Connection) -> None:
        self.connections.add(connection)
        self.metrics.ws_connections.set(len(self.connections))

    def authenticated(self, connection: Connection) -> None:
        assert connection.caller is not None
        self.by_user.setdefault(connection.caller.user_id, set()).add(connection)

    def user_connections(self, user_id: str) -> set[Connection]:
        return self.by_user.get(user_id, set())

    def shared_caller(self, caller: Caller) -> Caller:
        """An equal caller another socket of the user already holds (tabs of one session),
        so that they share one instead of each keeping its own copy; else ``caller``."""
        others = self.by_user.get(caller.user_id)
        held = next(iter(others)).caller if others else None
        return held if held is not None and held == caller else caller

    async def remove(self, connection: Connection) -> None:
        self.connections.discard(connection)
        if connection.caller is not None:
            mine = self.by_user.get(connection.caller.user_id)
            if mine is not None:
                mine.discard(connection)
                if not mine:
                    del self.by_user[connection.caller.user_id]
        for channel in list(connection.subscriptions):
            await self.unsubscribe(connection, channel)
        self.metrics.ws_connections.set(len(self.connections))

    # --- subscriptions -------------------------------------------------------------------

    async def subscribe(
        self,
        connection: Connection,
        frame_id: int,
        channel: str,
        since: int | None,
        epoch: str | None,
    ) -> None:
        """Ack with the channel's position, then replay what was missed, with no gap and no
        duplicate between the replay and live delivery."""
        if channel in connection.subscriptions:
            await self.unsubscribe(connection, channel)
        connection.subscriptions[channel] = Subscription()
        self._followers.setdefault(channel, set()).add(connection)
        self.metrics.ws_subscriptions.inc()
        await self._follow(channel)
        seq, current_epoch = await self.bus.position(channel)
        connection.send(ack(frame_id, seq, current_epoch))
        subscription = connection.subscriptions.get(channel)
        if subscription is None:  # unsubscribed meanwhile
            return
        if since is None:
            subscription.last_seq = seq
            connection.replayed(channel, [])
            return
        missed = None
        # A position from an unknown or older numbering cannot be trusted: refetch.
        if epoch is not None and epoch == current_epoch:
            missed = await self.bus.history(channel, since)
        if missed is not None and not connection.fits(missed):
            missed = None
        if missed is None:
            self.metrics.ws_resets.inc()
            subscription.last_seq = seq
            connection.send(reset(channel))
            connection.replayed(channel, [])
            return
        subscription.last_seq = since
        sent = connection.replayed(channel, missed)
        if sent:
            self.metrics.ws_replayed.inc(sent)

    async def _follow(self, channel: str) -> None:
        task = self._following.get(channel)
        if task is None or (task.done() and task.exception() is not None):
            task = asyncio.create_task(self.bus.subscribe(channel, self))
            self._following[channel] = task
        await asyncio.shield(task)

    async def unsubscribe(self, connection: Connection, channel: str) -> bool:
        if connection.subscriptions.pop(channel, None) is None:
            return False
        self.metrics.ws_subscriptions.dec()
        followers = self._followers.get(channel)
        if followers is not None:
            followers.discard(connection)
            if not followers:
                del self._followers[channel]
                task = self._following.pop(channel, None)
                if task is not None:
                    await asyncio.gather(task, return_exceptions=True)
                # Someone may have followed the channel again while we waited: then the bus
                # subscription is theirs now and must stay.
                if channel not in self._followers:
                    await self.bus.unsubscribe(channel, self)
        return True

    def followers(self, channel: str) -> set[Connection]:
        return self._followers.get(channel, set())
