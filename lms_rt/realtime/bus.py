"""The event bus: numbered per-channel event streams with bounded, resumable history.

``publish`` gives an event the next sequence number of its channel and encodes its frame
once; every process forwards those exact bytes to its sockets. ``history`` returns what a
resuming subscriber missed, or ``None`` when history no longer reaches that far. The epoch
changes whenever numbering restarts (Redis lost its data, or an idle channel expired), so a
client holding a number from an older epoch refetches instead of trusting it.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from lms_rt.realtime.sharded_pubsub import ShardedPubSub

log = logging.getLogger(__name__)

# Enough for a client away for a minute of a busy live quiz; older gaps refetch over REST.
DEFAULT_HISTORY_SIZE = 1000
DEFAULT_HISTORY_TTL_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class Event:
    channel: str
    seq: int
    frame: bytes  # the complete ``{"op":"event",...}`` frame, sent to clients as it is

    def decode(self) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(self.frame)
        return data


class Listener(Protocol):
    def on_event(self, event: Event) -> None: ...

    def on_reset(self, channel: str) -> None:
        """Events of ``channel`` were lost beyond repair: subscribers must refetch."""


def frame_parts(channel: str, type: str, data: dict[str, Any]) -> tuple[bytes, bytes]:
    """The frame around its sequence number: ``prefix + str(seq) + suffix``."""
    prefix = b'{"op":"event","channel":' + orjson.dumps(channel) + b',"seq":'
    body = orjson.dumps({"type": type, "data": data, "ts": now_iso()})
    return prefix, b"," + body[1:]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def seq_of(channel: str, frame: bytes) -> int:
    """Read the sequence number without decoding the whole frame (fixed prefix layout)."""
    start = len(b'{"op":"event","channel":') + len(orjson.dumps(channel)) + len(b',"seq":')
    end = frame.index(b",", start)
    return int(frame[start:end])


class Bus(abc.ABC):
    """Publish/subscribe with per-channel sequence numbers and resumable history."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = {}
        self.published = 0

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._listeners.clear()

    @abc.abstractmethod
    async def publish(self, channel: str, type: str, data: dict[str, Any]) -> int:
        """Append an event to the channel and deliver it everywhere; returns its seq."""

    async def publish_many(self, events: Sequence[tuple[str, str, dict[str, Any]]]) -> list[int]:
        """Publish each ``(channel, type, data)``, in order; their seqs."""
        return [await self.publish(channel, type, data) for channel, type, data in events]

    @abc.abstractmethod
    async def history(self, channel: str, since: int) -> list[Event] | None:
        """Events with ``seq > since`` in order, or ``None`` if history no longer reaches."""

    @abc.abstractmethod
    async def position(self, channel: str) -> tuple[int, str]:
        """The channel's latest sequence number and its epoch."""

    async def subscribe(self, channel: str, listener: Listener) -> None:
        """Deliver the channel's events to ``listener`` from now on (in this process)."""
        self._listeners.setdefault(channel, set()).add(listener)

    async def unsubscribe(self, channel: str, listener: Listener) -> None:
        listeners = self._listeners.get(channel)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[channel]

    def _deliver(self, event: Event) -> None:
        for listener in tuple(self._listeners.get(event.channel, ())):
            try:
                listener.on_event(event)
            except Exception:
                # One failing listener must not keep the event from the others.
                log.exception("listener failed on %s #%d", event.channel, event.seq)

    def _reset(self, channel: str) -> None:
        for listener in tuple(self._listeners.get(channel, ())):
            try:
                listener.on_reset(channel)
            except Exception:
                log.exception("listener failed on reset of %s", channel)


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
        prefix, suffix = frame_parts(channel, type, data)
        event = Event(channel=channel, seq=seq, frame=prefix + str(seq).encode() + suffix)
        self._history.setdefault(channel, deque(maxlen=self._history_size)).append(event)
        self.published += 1
        self._deliver(event)
        return seq

    async def history(self, channel: str, since: int) -> list[Event] | None:
        latest = self._seq.get(channel, 0)
        if since > latest:
            return None
        if since == latest:
            return []
        events = self._history.get(channel, deque())
        if not events or events[0].seq > since + 1:
            return None
        return [event for event in events if event.seq > since]

    async def position(self, channel: str) -> tuple[int, str]:
        return self._seq.get(channel, 0), self.epoch


# KEYS: meta (hash: seq, epoch), log (stream). ARGV: prefix, suffix, maxlen, ttl, new epoch,
# pub/sub name (sharded: on the keys' slot, as a script requires). One script, so numbering,
# history and delivery can never disagree; seq and epoch share one hash so that eviction or
# expiry loses both or neither.
_PUBLISH = """
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[5]
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local frame = ARGV[1] .. seq .. ARGV[2]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], seq .. '-1', 'f', frame)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[6], frame)
return seq
"""


def _publish_script(command: str) -> str:
    """The publish script delivering with ``PUBLISH`` or, sharded, ``SPUBLISH``."""
    return _PUBLISH.replace("redis.call('PUBLISH'", f"redis.call('{command}'")


# The channel's position, giving a channel nobody has published on yet its epoch.
_POSITION = """
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {redis.call('HGET', KEYS[1], 'seq'), epoch}
"""

# Numbering went backwards (Redis restored older data): start a new epoch, unless another
# process already did. ARGV: the epoch the caller knew, the new epoch.
_ROTATE = """
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch and epoch ~= ARGV[1] then
  return epoch
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'epoch', ARGV[2], 'seq', 0)
return ARGV[2]
"""


class RedisBus(Bus):
    """Redis: per-channel seq and epoch in a hash, a capped stream, pub/sub for delivery.

    ``sharded``: delivery by sharded pub/sub (``SPUBLISH``/``SSUBSCRIBE``) on a channel named
    with the same hash tag as the keys, ``lms:rt:{<channel>}:ch``, so a channel's keys and its
    delivery share one Redis Cluster slot. Off, the names are the classic ``lms:rt:ch:<channel>``.

    Each process holds one pub/sub connection subscribed only to the channels its own sockets
    follow. Missed pub/sub messages (a dropped connection, a restart) are detected by sequence
    gaps and by a periodic position check, and filled from the stream. A Redis restart (its
    ``run_id`` changes) starts a new epoch for every followed channel: restored data may be
    older than what clients saw, so they refetch rather than trust reused numbers.
    """

    # How often every followed channel's position is compared with what arrived (seconds).
    POSITION_CHECK_SECONDS = 2.0
    RECONNECT_MAX_SECONDS = 5.0

    def __init__(
        self,
        redis: Redis,
        *,
        history_size: int = DEFAULT_HISTORY_SIZE,
        history_ttl: int = DEFAULT_HISTORY_TTL_SECONDS,
        prefix: str = "lms:rt",
        sharded: bool = False,
    ) -> None:
        super().__init__()
        self.redis = redis
        self.sharded = sharded
        self._history_size = history_size
        self._history_ttl = history_ttl
        self._prefix = prefix
        self._publish = redis.register_script(_publish_script("SPUBLISH" if sharded else "PUBLISH"))
        self._position = redis.register_script(_POSITION)
        self._rotate = redis.register_script(_ROTATE)
        self._pubsub: PubSub | None = None
        self._last_seq: dict[str, int] = {}
        self._epochs: dict[str, str] = {}
        # A channel's Redis subscription, awaited by everyone who follows it meanwhile.
        self._subscribing: dict[str, asyncio.Task[None]] = {}
        self._confirmations: dict[str, asyncio.Future[None]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._repairs: set[asyncio.Task[None]] = set()
        self._repairing: set[str] = set()
        self._run_id: str | None = None

    # Keys share a hash tag so that a channel's keys sit on one Redis Cluster slot.
    def _keys(self, channel: str) -> list[str]:
        tag = f"{self._prefix}:{{{channel}}}"
        return [f"{tag}:meta", f"{tag}:log"]

    def _pubsub_name(self, channel: str) -> str:
        if self.sharded:
            return f"{self._prefix}:{{{channel}}}:ch"
        return f"{self._prefix}:ch:{channel}"

    def _channel_of(self, name: str) -> str:
        if self.sharded:
            return name[len(self._prefix) + 2 : -len("}:ch")]
        return name[len(self._prefix) + 4 :]

    def _new_pubsub(self) -> PubSub:
        return ShardedPubSub(self.redis.connection_pool) if self.sharded else self.redis.pubsub()

    async def _listen(self, pubsub: PubSub, channels: Sequence[str]) -> None:
        names = [self._pubsub_name(channel) for channel in channels]
        if isinstance(pubsub, ShardedPubSub):
            await pubsub.ssubscribe(*names)
        else:
            await pubsub.subscribe(*names)

    async def _unlisten(self, pubsub: PubSub, channel: str) -> None:
        if isinstance(pubsub, ShardedPubSub):
            await pubsub.sunsubscribe(self._pubsub_name(channel))
        else:
            await pubsub.unsubscribe(self._pubsub_name(channel))

    async def start(self) -> None:
        self._pubsub = self._new_pubsub()
        # Connected before anyone subscribes: PubSub opens its connection lazily and without a
        # lock, so many first subscriptions at once would each open (and leak) their own.
        await self._pubsub.connect()
        self._run_id = await self._current_run_id()
        self._tasks = [
            asyncio.create_task(self._read_loop(), name="bus-reader"),
            asyncio.create_task(self._position_loop(), name="bus-position-check"),
        ]

    async def close(self) -> None:
        for task in (*self._tasks, *self._repairs, *self._subscribing.values()):
            task.cancel()
        await asyncio.gather(
            *self._tasks, *self._repairs, *self._subscribing.values(), return_exceptions=True
        )
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()
        await super().close()

    @property
    def healthy(self) -> bool:
        """Both background loops alive (they end only when the bus closes)."""
        return all(not task.done() for task in self._tasks)

    async def _current_run_id(self) -> str | None:
        try:
            info = await self.redis.info("server")
        except (RedisError, OSError):
            return None
        return str(info.get("run_id")) if info.get("run_id") else None

    def _publish_call(self, channel: str, type: str, data: dict[str, Any]) -> dict[str, Any]:
        prefix, suffix = frame_parts(channel, type, data)
        return {
            "keys": self._keys(channel),
            "args": [
                prefix,
                suffix,
                self._history_size,
                self._history_ttl,
                uuid.uuid4().hex,
                self._pubsub_name(channel),
            ],
        }

    async def publish(self, channel: str, type: str, data: dict[str, Any]) -> int:
        seq = await self._publish(**self._publish_call(channel, type, data))
        self.published += 1
        return int(seq)

    async def publish_many(self, events: Sequence[tuple[str, str, dict[str, Any]]]) -> list[int]:
        """One round trip for many events (a room's worth of personal results): the same
        script per event, pipelined."""
        if not events:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for channel, type, data in events:
                await self._publish(**self._publish_call(channel, type, data), client=pipe)
            seqs = await pipe.execute()
        self.published += len(events)
        return [int(seq) for seq in seqs]

    async def position(self, channel: str) -> tuple[int, str]:
        seq, current = await self._position(
            keys=self._keys(channel), args=[uuid.uuid4().hex, self._history_ttl]
        )
        return int(seq), _text(current) or ""

    async def history(self, channel: str, since: int) -> list[Event] | None:
        meta, log_key = self._keys(channel)
        latest = int(await self.redis.hget(meta, "seq") or 0)  # type: ignore[misc]
        if since > latest:
            return None
        if since == latest:
            return []
        entries = await self.redis.xrange(log_key, min=f"{since + 1}-0", max=f"{latest}-1")
        events = [
            Event(channel=channel, seq=int(entry_id.split(b"-")[0]), frame=fields[b"f"])
            for entry_id, fields in entries
        ]
        contiguous = [e.seq for e in events] == list(range(since + 1, latest + 1))
        return events if contiguous else None

    # --- following channels --------------------------------------------------------------

    async def subscribe(self, channel: str, listener: Listener) -> None:
        await super().subscribe(channel, listener)
        task = self._subscribing.get(channel)
        if task is None and channel not in self._epochs:
            task = asyncio.create_task(self._follow(channel))
            self._subscribing[channel] = task
            task.add_done_callback(lambda _: self._subscribing.pop(channel, None))
        if task is not None:
            await asyncio.shield(task)

    async def _follow(self, channel: str) -> None:
        seq, epoch = await self.position(channel)
        self._last_seq[channel] = seq
        self._epochs[channel] = epoch
        await self._redis_subscribe(channel)
        if channel not in self._listeners:
            # Everyone left while we were subscribing: undo it.
            await self.unsubscribe_all(channel)

    async def unsubscribe_all(self, channel: str) -> None:
        self._last_seq.pop(channel, None)
        self._epochs.pop(channel, None)
        if self._pubsub is not None:
            try:
                await self._unlisten(self._pubsub, channel)
            except (RedisError, OSError):
                log.warning("unsubscribe from %s failed; the reader will resubscribe", channel)

    async def unsubscribe(self, channel: str, listener: Listener) -> None:
        await super().unsubscribe(channel, listener)
        if channel not in self._listeners and channel not in self._subscribing:
            await self.unsubscribe_all(channel)

    async def _redis_subscribe(self, channel: str) -> None:
        """Returns once Redis confirmed: events published after this reach us live."""
        assert self._pubsub is not None, "RedisBus.start() first"
        confirmed = asyncio.get_running_loop().create_future()
        self._confirmations[channel] = confirmed
        try:
            await self._listen(self._pubsub, [channel])
            await asyncio.wait_for(asyncio.shield(confirmed), 5)
        except (RedisError, OSError, TimeoutError):
            # The reader resubscribes after it reconnects; the position check fills the gap.
            log.warning("subscribing to %s not confirmed yet", channel)
        finally:
            if self._confirmations.get(channel) is confirmed:
                del self._confirmations[channel]

    async def _read_loop(self) -> None:
        """Ends only when cancelled: every failure is followed by reconnect attempts, with a
        growing pause, until one succeeds."""
        delay = 0.1
        broken = False
        while True:
            try:
                if broken:
                    await self._reconnect()
                    broken = False
                pubsub = self._pubsub
                assert pubsub is not None
                if not pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                message = await pubsub.get_message(timeout=1.0)
                delay = 0.1
                if message is not None:
                    self._on_message(message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                log.warning("bus pub/sub connection lost (%s); reconnecting", exc)
                broken = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.RECONNECT_MAX_SECONDS)
            except Exception:
                log.exception("bus reader failed on a message; going on")

    async def _reconnect(self) -> None:
        old, self._pubsub = self._pubsub, self._new_pubsub()
        if old is not None:
            with contextlib.suppress(RedisError, OSError):
                await old.aclose()
        await self._pubsub.connect()
        channels = list(self._listeners)
        if channels:
            await self._listen(self._pubsub, channels)
        await self._check_restart()
        for channel in channels:
            self._schedule_catch_up(channel)

    async def _check_restart(self) -> None:
        """A new Redis run_id means a restart: its data may be older than what clients saw."""
        run_id = await self._current_run_id()
        if run_id is None or run_id == self._run_id:
            return
        restarted = self._run_id is not None
        self._run_id = run_id
        if restarted:
            log.warning("Redis restarted (run_id changed): new epochs for followed channels")
            for channel in list(self._listeners):
                await self._new_epoch(channel)

    async def _new_epoch(self, channel: str) -> None:
        known = self._epochs.get(channel, "")
        epoch = await self._rotate(keys=self._keys(channel), args=[known, uuid.uuid4().hex])
        seq, _ = await self.position(channel)
        self._epochs[channel] = _text(epoch) or ""
        self._last_seq[channel] = seq
        self._reset(channel)

    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        channel = self._channel_of(message["channel"].decode())
        if kind in ("subscribe", "ssubscribe"):
            future = self._confirmations.get(channel)
            if future is not None and not future.done():
                future.set_result(None)
            return
        if kind not in ("message", "smessage") or channel not in self._listeners:
            return
        frame: bytes = message["data"]
        seq = seq_of(channel, frame)
        last = self._last_seq.get(channel, 0)
        if seq <= last:
            return
        if seq > last + 1:
            # A message went missing between us and Redis: fetch it, in order, first.
            self._schedule_catch_up(channel)
            return
        self._last_seq[channel] = seq
        self._deliver(Event(channel=channel, seq=seq, frame=frame))

    def _schedule_catch_up(self, channel: str) -> None:
        if channel in self._repairing:
            return
        self._repairing.add(channel)
        task = asyncio.create_task(self._catch_up(channel))
        self._repairs.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._repairs.discard(finished)
            self._repairing.discard(channel)

        task.add_done_callback(done)

    async def _catch_up(self, channel: str) -> None:
        """Deliver whatever the stream has beyond what this process saw, or reset."""
        if channel not in self._listeners:
            return
        meta, _ = self._keys(channel)
        try:
            seen = self._last_seq.get(channel, 0)
            raw_seq, raw_epoch = await self.redis.hmget(meta, ["seq", "epoch"])  # type: ignore[misc]
            await self._reconcile(channel, int(raw_seq or 0), _text(raw_epoch), seen)
        except (RedisError, OSError) as exc:
            log.warning("catching up %s failed: %s", channel, exc)

    async def _reconcile(self, channel: str, seq: int, epoch: str | None, seen: int) -> None:
        """Compare Redis's position (read after ``seen`` was noted) with what we delivered.

        The reader may deliver more while the position is being read, so only numbering
        below what had been delivered *before* the read means it went backwards.
        """
        known = self._epochs.get(channel)
        last = self._last_seq.get(channel, 0)
        if known is not None and epoch != known:
            # Numbering restarted (Redis lost its data, or the channel expired).
            if epoch is None:
                del self._epochs[channel]
            else:
                self._epochs[channel] = epoch
            self._last_seq[channel] = seq
            self._reset(channel)
            return
        if seq < seen:
            # Same epoch but fewer events than we had delivered: restored older data.
            await self._new_epoch(channel)
            return
        if known is None and epoch is not None:
            self._epochs[channel] = epoch
        if seq <= last:
            return
        missed = await self.history(channel, last)
        if missed is None:
            self._last_seq[channel] = seq
            self._reset(channel)
            return
        for event in missed:
            if event.seq > self._last_seq.get(channel, 0):
                self._last_seq[channel] = event.seq
                self._deliver(event)

    async def _position_loop(self) -> None:
        """Every few seconds: one round trip per 500 followed channels finds pub/sub messages
        that never came, and keeps followed channels' numbering from expiring while idle."""
        while True:
            await asyncio.sleep(self.POSITION_CHECK_SECONDS)
            try:
                await self._check_restart()
                await self._check_positions()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("position check failed; trying again next round")

    async def _check_positions(self) -> None:
        channels = list(self._listeners)
        for start in range(0, len(channels), 500):
            chunk = channels[start : start + 500]
            seen = {channel: self._last_seq.get(channel, 0) for channel in chunk}
            async with self.redis.pipeline(transaction=False) as pipe:
                for channel in chunk:
                    meta, _ = self._keys(channel)
                    pipe.hmget(meta, ["seq", "epoch"])
                    pipe.expire(meta, self._history_ttl)
                values = await pipe.execute()
            for i, channel in enumerate(chunk):
                raw_seq, raw_epoch = values[2 * i]
                seq, epoch = int(raw_seq or 0), _text(raw_epoch)
                if (
                    channel in self._listeners
                    and channel not in self._repairing
                    and (seq != seen[channel] or epoch != self._epochs.get(channel))
                ):
                    await self._reconcile(channel, seq, epoch, seen[channel])


def _text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else value
