"""One timer for every socket's deadline (the auth timeout, then its token's expiry).

Deadlines fall into one-second buckets of the loop clock, fired by a single timer handle for
the earliest bucket. A socket waiting on its deadline costs an entry in a shared bucket (a
dict: half a set's size per entry) instead of a ``TimerHandle``, its ``uv_timer`` and the
closure it calls, which tens of thousands of idle sockets would otherwise each hold. A
deadline fires within a second after it is due.
"""

from __future__ import annotations

import asyncio
import heapq
import math
from collections.abc import Callable

from lms_rt.realtime.connection import Connection


class Deadlines:
    def __init__(self, on_due: Callable[[Connection], None]) -> None:
        self._on_due = on_due
        self._buckets: dict[int, dict[Connection, None]] = {}
        self._keys: list[int] = []  # a heap of the buckets' seconds
        self._timer: asyncio.TimerHandle | None = None
        self._timer_key: int | None = None

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets.values())

    def set(self, item: Connection, when: float) -> None:
        """Call ``on_due(item)`` once the loop clock passes ``when``, instead of the deadline
        the item had."""
        self.clear(item)
        key = math.ceil(when)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = {}
            heapq.heappush(self._keys, key)
            if self._timer_key is None or key < self._timer_key:
                self._schedule(key)
        bucket[item] = None
        item.due = bucket

    def clear(self, item: Connection) -> None:
        bucket = item.due
        if bucket is not None:
            item.due = None
            bucket.pop(item, None)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._timer_key = None

    def _schedule(self, key: int) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_key = key
        self._timer = asyncio.get_running_loop().call_at(key, self._fire)

    def _fire(self) -> None:
        # The loop may run a timer a hair before its time: the bucket it was set for is due.
        now = max(asyncio.get_running_loop().time(), self._timer_key or 0)
        self._timer = self._timer_key = None
        due: list[Connection] = []
        while self._keys and self._keys[0] <= now:
            bucket = self._buckets.pop(heapq.heappop(self._keys), {})
            for item in bucket:
                item.due = None
            due.extend(bucket)
        if self._keys:
            self._schedule(self._keys[0])
        for item in due:
            self._on_due(item)
