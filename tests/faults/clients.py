"""A ``/ws`` client for fault tests: the scale-out tests' resuming client, plus what a page's
client does after a ``reset`` and a record of every resume.

- After ``reset`` (the channel's history is gone, e.g. Redis restarted empty) the old numbers
  mean nothing: the next event on that channel sets the new base, as ``lms-realtime.js`` does,
  and ``on_reset`` lets the test refetch (``live.snapshot``).
- A resume (``sub`` with ``since``) is recorded with the head the server acknowledged, so a
  test can count what was missed and replayed.
- Reconnecting waits a random moment first, as browsers do, so that missed events exist.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.scaleout.resuming import ResumingClient


@dataclass(frozen=True)
class Resume:
    channel: str
    since: int
    head: int  # events since+1 .. head were replayed right after the ack

    @property
    def replayed(self) -> int:
        return self.head - self.since


class FaultClient(ResumingClient):
    def __init__(
        self,
        http: aiohttp.ClientSession,
        urls: list[str],
        token: str,
        channels: list[str],
        name: str,
        *,
        rng: random.Random | None = None,
        reconnect_delay: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        super().__init__(http, urls, token, channels, name)
        self.rng = rng or random.Random(0)
        self.reconnect_delay = reconnect_delay
        self.rebasing: set[str] = set()
        self.resumes: list[Resume] = []
        self.epoch_changes: list[tuple[str, str, str]] = []
        self.reset_times: list[float] = []  # wall clock, one per reset frame
        # Each channel's head when first subscribed: what was published after it is owed.
        self.first_heads: dict[str, int] = {}
        self.on_reset: Callable[[str], None] | None = None

    async def _reconnect(self) -> None:
        low, high = self.reconnect_delay
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))
        if not self._closing:
            await super()._reconnect()

    def _dispatch(self, frame: dict[str, Any]) -> None:
        reset = frame.get("op") == "reset"
        if reset:
            self.rebasing.add(frame["channel"])
            self.reset_times.append(time.time())
        super()._dispatch(frame)
        if reset and self.on_reset is not None:
            self.on_reset(frame["channel"])

    def _on_ack(self, frame: dict[str, Any]) -> None:
        channel = self._subscribing.pop(frame["id"])
        since = self.last_seq.get(channel)
        known = self.epochs.get(channel)
        self.epochs[channel] = frame["epoch"]
        if since is None or channel in self.rebasing:
            self.first_heads.setdefault(channel, frame["seq"])
            self.last_seq[channel] = frame["seq"]
            self.rebasing.discard(channel)
        elif known != frame["epoch"]:
            # The server follows this ack with a reset: the next event sets the base.
            self.epoch_changes.append((channel, str(known), frame["epoch"]))
            self.rebasing.add(channel)
        else:
            self.resumes.append(Resume(channel, since, frame["seq"]))

    def _on_event(self, frame: dict[str, Any]) -> None:
        channel = frame["channel"]
        if channel in self.rebasing:
            self.rebasing.discard(channel)
            self.last_seq[channel] = frame["seq"] - 1
        super()._on_event(frame)
