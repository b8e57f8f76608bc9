"""Sharded pub/sub (``SSUBSCRIBE``/``SUNSUBSCRIBE``, Redis >= 7) on redis-py's asyncio PubSub.

redis-py 5's asyncio ``PubSub`` speaks only the classic commands. This adds the shard forms
with the same bookkeeping: shard channels are remembered and subscribed again whenever the
connection is re-established, and ``subscribed`` counts them. Messages arrive as
``{"type": "smessage", "channel": ..., "data": ...}`` (confirmations as ``ssubscribe``).
"""

from __future__ import annotations

from typing import Any

from redis.asyncio.client import PubSub
from redis.asyncio.connection import Connection


class ShardedPubSub(PubSub):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shard_channels: dict[Any, None] = {}
        self.pending_unsubscribe_shard_channels: set[Any] = set()

    @property
    def subscribed(self) -> bool:
        return bool(self.channels or self.patterns or self.shard_channels)

    async def on_connect(self, connection: Connection) -> None:
        await super().on_connect(connection)
        self.pending_unsubscribe_shard_channels.clear()
        if self.shard_channels:
            names = [self.encoder.decode(name, force=True) for name in self.shard_channels]
            await self.ssubscribe(*names)

    async def ssubscribe(self, *names: str) -> None:
        await self.execute_command("SSUBSCRIBE", *names)
        # Recorded after sending, as PubSub.subscribe does, so a reconnect meanwhile does not
        # subscribe twice.
        added = self._as_received(names)
        self.shard_channels.update(dict.fromkeys(added))
        self.pending_unsubscribe_shard_channels.difference_update(added)

    async def sunsubscribe(self, *names: str) -> None:
        self.pending_unsubscribe_shard_channels.update(self._as_received(names))
        await self.execute_command("SUNSUBSCRIBE", *names)

    def _as_received(self, names: tuple[str, ...]) -> set[Any]:
        """Names as messages carry them (bytes unless responses are decoded)."""
        return {self.encoder.decode(self.encoder.encode(name)) for name in names}

    async def handle_message(
        self, response: Any, ignore_subscribe_messages: bool = False
    ) -> dict[str, Any] | None:
        if (
            isinstance(response, list)
            and response
            and response[0] in (b"sunsubscribe", "sunsubscribe")
        ):
            name = response[1]
            if name in self.pending_unsubscribe_shard_channels:
                self.pending_unsubscribe_shard_channels.discard(name)
                self.shard_channels.pop(name, None)
        message: dict[str, Any] | None = await super().handle_message(
            response, ignore_subscribe_messages
        )
        return message

    async def aclose(self) -> None:
        await super().aclose()
        self.shard_channels = {}
        self.pending_unsubscribe_shard_channels = set()
