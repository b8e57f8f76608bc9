"""Websocket fan-out: lms_rt's /ws beside python-socketio and a bare aiohttp ceiling.

Measured as /work/shared/BENCHMARKING.md prescribes: three columns, one load generator, the
same payload and the same layout (two server processes on one Redis), back to back.

- memory per idle connection: server RSS after connecting and 2 s of quiet, minus before;
- fan-out latency with 1,000 / 5,000 / 10,000 subscribers of one channel: publish call until
  the last subscriber has the event, p50/p99, every missing delivery counted;
- sustained throughput with 5,000 subscribers over 50 channels: the publish rate is stepped up
  until a delivery is missing or p99 passes 250 ms; the step before is reported.

Run standalone (``make bench`` does): ``python tests/bench/ws_fanout.py [--quick]``. It starts
its own PostgreSQL, Redis, servers and load generator and stops all of them, also on error.
Counts are checked and any loss outside the throughput step search exits non-zero; times are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402
import orjson  # noqa: E402
import socketio  # type: ignore[import-untyped]  # noqa: E402
import uvloop  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from lms_rt.auth.tokens import TokenIssuer  # noqa: E402
from lms_rt.config import Settings  # noqa: E402
from lms_rt.migrate import migrate  # noqa: E402
from lms_rt.realtime.bus import RedisBus  # noqa: E402
from tests.bench.common import (  # noqa: E402
    BenchError,
    Server,
    cpu_seconds,
    lms_server,
    machine_cpu,
    percentile,
    raise_fd_limit,
    rss_kib,
    write_json,
)
from tests.harness.services import PostgresServer, RedisServer, free_port  # noqa: E402

PARTS = Path(__file__).resolve().parent / "fanout"
SECRET = secrets.token_urlsafe(48)

# Every event carries its number and publish stamp, padded to about 100 bytes of JSON.
EVENT_BYTES = 100
# Between fan-out events, so that one event's tail never overlaps the next one's publish.
FANOUT_PAUSE = 0.05
FANOUT_TIMEOUT = 15.0
# Events published before the measured ones of a scenario: the first broadcast to a fresh
# group pays one-off costs (lazily built structures) that are not fan-out latency.
UNMEASURED_EVENTS = 2
THROUGHPUT_P99_LIMIT = 0.250
# Roughly 1-1.5-2-3-5 steps: coarse enough to finish in minutes, fine enough that the ratio
# between columns is not decided by where a coarse ladder happens to jump.
THROUGHPUT_RATES = [10, 20, 50, 100, 150, 200, 300, 400, 500, 700, 1000, 1500, 2000, 3000, 5000]
# After a step's last publish, how long its deliveries may take before they count as missing.
THROUGHPUT_DRAIN = 10.0
QUIET_SECONDS = 2.0
WARMUP_SOCKETS = 20

COLUMNS = ("lms_rt", "python-socketio", "ceiling")


@dataclass(frozen=True)
class Sizes:
    idle: int
    fanout: tuple[int, ...]
    events: int
    channels: int
    per_channel: int
    step_seconds: float


FULL = Sizes(
    idle=10_000,
    fanout=(1_000, 5_000, 10_000),
    events=30,
    channels=50,
    per_channel=100,
    step_seconds=5.0,
)
QUICK = Sizes(
    idle=2_000, fanout=(1_000, 2_000), events=10, channels=10, per_channel=100, step_seconds=2.0
)


# --- processes -----------------------------------------------------------------------------


class LoadGen:
    """The load generator process (fanout/loadgen.py): one JSON command, one JSON reply."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(PARTS / "loadgen.py"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=256 * 1024 * 1024,
            preexec_fn=raise_fd_limit,
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def request(self, **command: Any) -> dict[str, Any]:
        process = self.process
        assert process is not None and process.stdin is not None and process.stdout is not None
        process.stdin.write(orjson.dumps(command) + b"\n")
        await process.stdin.drain()
        line = await process.stdout.readline()
        if not line:
            raise BenchError(f"the load generator died (exit {await process.wait()})")
        reply: dict[str, Any] = orjson.loads(line)
        if "error" in reply:
            raise BenchError(f"load generator: {reply['error']}")
        return reply

    async def stop(self) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.request(cmd="quit"), 30)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 30)
        if process.returncode is None:
            process.kill()
            await process.wait()


# --- the three systems under test -----------------------------------------------------------


@dataclass
class Identity:
    """Who subscribes to a channel: lms_rt needs a user's token, the baselines only a name."""

    channel: str
    tokens: Callable[[int], list[str | None]]


class System:
    """How to start one column's server processes and publish to its channels."""

    name = ""
    protocol = ""  # the load generator's name for its wire protocol

    def __init__(self, redis_url: str, workdir: Path) -> None:
        self.redis_url = redis_url
        self.workdir = workdir
        self.servers: list[Server] = []

    def server(self, index: int) -> Server:
        raise NotImplementedError

    async def start(self) -> None:
        self.servers = [self.server(i) for i in range(2)]
        await asyncio.gather(*(s.start() for s in self.servers))

    async def stop(self) -> None:
        await asyncio.gather(*(s.stop() for s in self.servers), return_exceptions=True)
        await self.close_publisher()

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        raise NotImplementedError

    async def close_publisher(self) -> None:
        return None


def _script_server(script: str, redis_url: str, workdir: Path, tag: str) -> Server:
    port = free_port()
    argv = [sys.executable, str(PARTS / script), "--port", str(port), "--redis", redis_url]
    return Server(argv, dict(os.environ), port, workdir / f"{tag}.log")


class LmsRt(System):
    name = "lms_rt"
    protocol = "lms"

    def __init__(self, redis_url: str, workdir: Path, settings: Settings) -> None:
        super().__init__(redis_url, workdir)
        self.settings = settings
        self.redis = Redis.from_url(redis_url)
        # The same Lua path a server's services publish through.
        self.bus = RedisBus(self.redis)

    def server(self, index: int) -> Server:
        return lms_server(
            self.settings,
            self.redis_url,
            free_port(),
            self.workdir / f"lms-data-{index}",
            self.workdir / f"lms-{index}.log",
        )

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        await self.bus.publish(channel, "bench.tick", data)

    async def close_publisher(self) -> None:
        await self.redis.aclose()


class PythonSocketIO(System):
    name = "python-socketio"
    protocol = "socketio"

    def __init__(self, redis_url: str, workdir: Path) -> None:
        super().__init__(redis_url, workdir)
        self.manager = socketio.AsyncRedisManager(redis_url, write_only=True)

    def server(self, index: int) -> Server:
        return _script_server("socketio_server.py", self.redis_url, self.workdir, f"sio-{index}")

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        await self.manager.emit("tick", data, room=channel, namespace="/")

    async def close_publisher(self) -> None:
        if self.manager.redis is not None:
            await self.manager.redis.aclose()


class Ceiling(System):
    name = "ceiling"
    protocol = "ceiling"

    def __init__(self, redis_url: str, workdir: Path) -> None:
        super().__init__(redis_url, workdir)
        self.redis = Redis.from_url(redis_url)

    def server(self, index: int) -> Server:
        return _script_server("ceiling_server.py", self.redis_url, self.workdir, f"ceil-{index}")

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        await self.redis.publish(channel, orjson.dumps(data))

    async def close_publisher(self) -> None:
        await self.redis.aclose()


# --- lms_rt's users, sessions and tokens ----------------------------------------------------


async def seed_lms(settings: Settings, users: int) -> list[tuple[str, str]]:
    """Users with one session each, written directly: nobody signs in through bcrypt."""
    from lms_rt.auth.models import AuthSession
    from lms_rt.db import open_database
    from lms_rt.users.models import Role, User

    # In a task of its own: aerich leaves its (closed) Tortoise context in the caller's
    # context variables, where open_database below would find it instead of its own.
    await asyncio.create_task(migrate(settings))
    async with open_database(settings):
        rows = [
            User(
                email=f"bench-{i}@example.org",
                password_hash="!",  # matches no password: these accounts only hold tokens
                full_name=f"Bench {i}",
                role=Role.STUDENT,
            )
            for i in range(users)
        ]
        await User.bulk_create(rows)
        expires = datetime.now(UTC) + timedelta(days=1)
        sessions = [AuthSession(user_id=user.id, expires_at=expires) for user in rows]
        await AuthSession.bulk_create(sessions)
        return [(str(u.id), str(s.id)) for u, s in zip(rows, sessions, strict=True)]


def lms_identities(settings: Settings, seeded: list[tuple[str, str]]) -> list[Identity]:
    issuer = TokenIssuer(settings)

    def minter(user_id: str, session_id: str) -> Callable[[int], list[str | None]]:
        # One token per socket, all of one session: many devices of one user, as far as the
        # gateway can tell.
        return lambda count: [
            issuer.access(user_id, session_id, "student")[0] for _ in range(count)
        ]

    return [Identity(f"user:{uid}", minter(uid, sid)) for uid, sid in seeded]


def named_identities(count: int) -> list[Identity]:
    return [Identity(f"user:{uuid.uuid4()}", lambda n: [None] * n) for _ in range(count)]


# --- measuring -----------------------------------------------------------------------------


@dataclass
class FanoutResult:
    subscribers: int
    latencies: list[float]
    missing: int
    extra: int

    @property
    def p50(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None

    @property
    def p99(self) -> float | None:
        return percentile(self.latencies, 0.99) if self.latencies else None


@dataclass
class Step:
    rate: int
    published: int
    achieved_rate: float
    p50: float | None
    p99: float | None
    missing: int
    extra: int
    cpu: dict[str, float]
    started: float  # seconds after the sockets were open
    repeat: bool

    @property
    def good(self) -> bool:
        return self.missing == 0 and self.p99 is not None and self.p99 <= THROUGHPUT_P99_LIMIT


@dataclass
class ColumnResult:
    name: str
    idle_kib: float | None = None
    idle_sockets: int = 0
    connect_rate: float | None = None
    fanout: dict[int, FanoutResult] = field(default_factory=dict)
    fanout_cpu: dict[int, dict[str, float]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    # The last step of the ladder that held: every delivery, p99 within the limit.
    sustained: Step | None = None
    base_rss_mib: float | None = None
    final_rss_mib: float | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class CpuWatch:
    """CPU seconds of each process over a phase, as a share of one core.

    ``other`` is whatever else kept the machine busy meanwhile: kernel network work not
    charged to a process, and any process outside this benchmark. A large share of it means
    the figures were taken on a machine that was not ours alone.
    """

    def __init__(self, pids: dict[str, list[int]]) -> None:
        self.pids = pids
        self.began = time.monotonic()
        self.start = self._now()

    def _now(self) -> dict[str, float]:
        mine = {k: sum(cpu_seconds(p) for p in pids) for k, pids in self.pids.items()}
        busy, steal = machine_cpu()
        return {**mine, "other": busy - sum(mine.values()), "steal": steal}

    def shares(self) -> dict[str, float]:
        wall = max(time.monotonic() - self.began, 1e-9)
        now = self._now()
        return {k: max(0.0, now[k] - self.start[k]) / wall for k in now}


class Column:
    """Runs every scenario against one system with the shared load generator."""

    def __init__(
        self,
        system: System,
        loadgen: LoadGen,
        sizes: Sizes,
        identities: list[Identity],
        redis_pid: int,
        counter: Iterator[int],
    ) -> None:
        self.system = system
        self.loadgen = loadgen
        self.sizes = sizes
        # [0] warm-up, [1] the one-channel fan-out, [2:] the throughput channels.
        self.identities = identities
        self.redis_pid = redis_pid
        self.counter = counter
        self.result = ColumnResult(system.name)
        self._groups = 0
        self.opened_at = time.monotonic()

    def log(self, message: str) -> None:
        print(f"[{self.system.name}] {message}", file=sys.stderr, flush=True)

    def cpu_watch(self) -> CpuWatch:
        return CpuWatch(
            {
                "client": [self.loadgen.pid],
                "servers": [s.pid for s in self.system.servers],
                "redis": [self.redis_pid],
                "driver": [os.getpid()],
            }
        )

    def payload(self, n: int) -> dict[str, Any]:
        data: dict[str, Any] = {"n": n, "t": time.monotonic()}
        pad = EVENT_BYTES - len(orjson.dumps({**data, "pad": ""}))
        data["pad"] = "x" * max(0, pad)
        return data

    async def publish(self, channel: str) -> int:
        n = next(self.counter)
        await self.system.publish(channel, self.payload(n))
        return n

    async def open(self, members: list[tuple[str | None, str]]) -> tuple[str, dict[str, Any]]:
        self._groups += 1
        group = f"{self.system.name}-{self._groups}"
        reply = await self.loadgen.request(
            cmd="open",
            group=group,
            protocol=self.system.protocol,
            urls=[s.url for s in self.system.servers],
            members=[list(m) for m in members],
        )
        if reply["failed"]:
            self.result.problems.append(
                f"{reply['failed']} of {len(members)} sockets failed to open: {reply['errors']}"
            )
        return group, reply

    def members(self, identity: Identity, count: int) -> list[tuple[str | None, str]]:
        return [(token, identity.channel) for token in identity.tokens(count)]

    async def check_group(self, group: str, expected: dict[str, int], what: str) -> None:
        """Every socket got exactly the events of its channel, none was dropped, no gaps."""
        stats = await self.loadgen.request(cmd="stats", group=group)
        for channel, (low, high, sockets) in stats["channels"].items():
            want = expected.get(channel, 0)
            if low != want or high != want:
                self.result.problems.append(
                    f"{what}: sockets of {channel} received {low}..{high} events, "
                    f"{want} expected ({sockets} sockets)"
                )
        for trouble in describe_troubles(stats):
            self.result.problems.append(f"{what}: {trouble}")

    # --- scenarios ---------------------------------------------------------------------------

    async def run(self) -> ColumnResult:
        await self.system.start()
        pids = ", ".join(str(s.pid) for s in self.system.servers)
        self.log(f"servers up on {[s.url for s in self.system.servers]} (pids {pids})")
        await self.warm_up()
        await self.idle_then_fanout()
        for size in sorted(self.sizes.fanout):
            if size == self.sizes.idle:
                continue
            group, _ = await self.open(self.members(self.identities[1], size))
            await self.fanout(group, size)
            await self.loadgen.request(cmd="close", group=group)
        await self.throughput()
        await asyncio.sleep(QUIET_SECONDS)
        # After every socket is gone again: what a server keeps of connections that left.
        self.result.final_rss_mib = sum(rss_kib(s.pid) for s in self.system.servers) / 1024
        return self.result

    async def warm_up(self) -> None:
        """Lazy start-up costs (pools, first subscriptions) are paid before any figure."""
        identity = self.identities[0]
        group, _ = await self.open(self.members(identity, WARMUP_SOCKETS))
        for _ in range(50):
            n = await self.publish(identity.channel)
            reply = await self.loadgen.request(
                cmd="wait", targets={str(n): WARMUP_SOCKETS}, timeout=1.0
            )
            if reply["events"][str(n)][0] >= WARMUP_SOCKETS:
                break
        else:
            raise BenchError(f"{self.system.name}: warm-up events never arrived")
        await self.loadgen.request(cmd="close", group=group)
        await asyncio.sleep(0.5)

    async def idle_then_fanout(self) -> None:
        count = self.sizes.idle
        before = sum(rss_kib(s.pid) for s in self.system.servers)
        self.result.base_rss_mib = before / 1024
        group, reply = await self.open(self.members(self.identities[1], count))
        opened = reply["opened"]
        self.result.connect_rate = opened / reply["seconds"]
        self.log(f"{opened} sockets open in {reply['seconds']:.1f} s; {QUIET_SECONDS} s of quiet")
        await asyncio.sleep(QUIET_SECONDS)
        after = sum(rss_kib(s.pid) for s in self.system.servers)
        self.result.idle_sockets = opened
        if opened:
            self.result.idle_kib = (after - before) / opened
        if count in self.sizes.fanout:
            await self.fanout(group, count)
        await self.loadgen.request(cmd="close", group=group)

    async def fanout(self, group: str, subscribers: int) -> None:
        channel = self.identities[1].channel
        latencies: list[float] = []
        missing = extra = 0
        total = UNMEASURED_EVENTS + self.sizes.events
        watch = self.cpu_watch()
        for index in range(total):
            n = await self.publish(channel)
            reply = await self.loadgen.request(
                cmd="wait", targets={str(n): subscribers}, timeout=FANOUT_TIMEOUT
            )
            got, last, stamp = reply["events"][str(n)]
            extra += max(0, int(got) - subscribers)
            if index >= UNMEASURED_EVENTS:
                if got >= subscribers:
                    latencies.append(last - stamp)
                else:
                    missing += subscribers - int(got)
            await asyncio.sleep(FANOUT_PAUSE)
        self.result.fanout_cpu[subscribers] = watch.shares()
        result = FanoutResult(subscribers, latencies, missing, extra)
        self.result.fanout[subscribers] = result
        self.log(
            f"fan-out to {subscribers}: p50 {_ms(result.p50)} ms, p99 {_ms(result.p99)} ms, "
            f"{missing} missing"
        )
        if missing or extra:
            self.result.problems.append(
                f"fan-out {subscribers}: {missing} deliveries missing, {extra} extra"
            )
        await self.check_group(group, {channel: total}, f"fan-out {subscribers}")

    async def throughput(self) -> None:
        sizes = self.sizes
        channels = [i.channel for i in self.identities[2 : 2 + sizes.channels]]
        members = [
            m
            for ident in self.identities[2 : 2 + sizes.channels]
            for m in self.members(ident, sizes.per_channel)
        ]
        group, reply = await self.open(members)
        self.opened_at = time.monotonic()
        self.log(f"{reply['opened']} sockets over {len(channels)} channels")
        # One unmeasured event per channel, then quiet: the ladder starts on a settled system.
        numbers = [await self.publish(channel) for channel in channels]
        await self.loadgen.request(
            cmd="wait",
            targets={str(n): sizes.per_channel for n in numbers},
            timeout=THROUGHPUT_DRAIN,
        )
        await asyncio.sleep(QUIET_SECONDS)
        for rate in THROUGHPUT_RATES:
            step = await self.step(rate, channels)
            if not step.good and step.missing == 0 and not step.extra:
                # Late but complete: a passing hiccup (a collection, a burst of heartbeats of
                # sockets that all connected together) or the limit? Only a repeat tells.
                await asyncio.sleep(1.0)
                step = await self.step(rate, channels, repeat=True)
            if not step.good:
                break
            self.result.sustained = step
            await asyncio.sleep(1.0)
        # Losses end the ladder rather than fail the run, but their cause belongs in the report.
        stats = await self.loadgen.request(cmd="stats", group=group)
        for trouble in describe_troubles(stats):
            self.result.notes.append(f"throughput sockets: {trouble}")
            self.log(f"throughput sockets: {trouble}")
        await self.loadgen.request(cmd="close", group=group)

    async def step(self, rate: int, channels: list[str], repeat: bool = False) -> Step:
        per_channel = self.sizes.per_channel
        count = max(1, int(rate * self.sizes.step_seconds))
        watch = self.cpu_watch()
        numbers: list[int] = []
        began = time.monotonic() + 0.01
        for i in range(count):
            delay = began + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            numbers.append(await self.publish(channels[i % len(channels)]))
        span = max(time.monotonic() - began, count / rate)
        # While publishing only: the drain afterwards is mostly waiting.
        cpu = watch.shares()
        reply = await self.loadgen.request(
            cmd="wait",
            targets={str(n): per_channel for n in numbers},
            timeout=THROUGHPUT_DRAIN,
        )
        latencies = []
        missing = extra = 0
        for got, last, stamp in reply["events"].values():
            extra += max(0, int(got) - per_channel)
            if got >= per_channel:
                latencies.append(last - stamp)
            else:
                missing += per_channel - int(got)
        step = Step(
            rate=rate,
            published=count,
            achieved_rate=count / span,
            p50=statistics.median(latencies) if latencies else None,
            p99=percentile(latencies, 0.99) if latencies else None,
            missing=missing,
            extra=extra,
            cpu=cpu,
            started=began - self.opened_at,
            repeat=repeat,
        )
        self.result.steps.append(step)
        self.log(
            f"{rate:>5} events/s{' again' if repeat else ''} at +{step.started:.0f} s "
            f"(achieved {step.achieved_rate:.0f}): p50 {_ms(step.p50)} ms, "
            f"p99 {_ms(step.p99)} ms, {missing} missing; cpu {_shares(cpu)}"
        )
        if extra:
            self.result.problems.append(f"throughput {rate}/s: {extra} extra deliveries")
        return step


def describe_troubles(stats: dict[str, Any]) -> list[str]:
    """What the load generator saw go wrong on a group's sockets, beyond counts."""
    troubles = []
    if stats["gaps"]:
        troubles.append(f"{stats['gaps']} sequence gaps")
    if stats["resets"]:
        troubles.append(f"{stats['resets']} reset frames")
    for ended, count in sorted(stats["dropped"].items()):
        troubles.append(f"{count} closed by the server ({ended})")
    return troubles


# --- report --------------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def _shares(cpu: dict[str, float]) -> str:
    busy = {k: v for k, v in cpu.items() if k != "steal"}
    parts = [f"{k} {v * 100:.0f}%" for k, v in busy.items()]
    text = (
        ", ".join(parts) + f" = {sum(busy.values()) * 100:.0f}% of {(os.cpu_count() or 1) * 100}%"
    )
    if cpu.get("steal", 0.0) >= 0.01:
        text += f" (+{cpu['steal'] * 100:.0f}% stolen)"
    return text


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}"


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    redis_version = subprocess.run(
        ["redis-server", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"machine: nproc {os.cpu_count()}, {model}; Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}, python-socketio {_version('python-socketio')}, "
        f"{redis_version.split(' sha=')[0]}"
    )


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def fanout_ms(size: int, pick: str) -> Callable[[ColumnResult], float | None]:
    def get(c: ColumnResult) -> float | None:
        value = getattr(c.fanout[size], pick) if size in c.fanout else None
        return None if value is None else value * 1000

    return get


def report(results: dict[str, ColumnResult], sizes: Sizes, wall: float) -> str:
    rows: list[tuple[str, list[float | None], Callable[[float], str]]] = []

    def row(label: str, values: list[float | None], fmt: Callable[[float], str]) -> None:
        rows.append((label, values, fmt))

    cols = [results.get(name) for name in COLUMNS]

    def each(get: Callable[[ColumnResult], float | None]) -> list[float | None]:
        return [get(c) if c is not None else None for c in cols]

    row(
        f"idle KiB per connection, {sizes.idle:,} sockets [low]",
        each(lambda c: c.idle_kib),
        lambda v: f"{v:.1f}",
    )
    for size in sorted(sizes.fanout):
        for label, pick in (("p50", "p50"), ("p99", "p99")):
            row(
                f"fan-out {size:,} subscribers, {label} ms [low]",
                each(fanout_ms(size, pick)),
                lambda v: f"{v:.1f}",
            )
    label = f"{sizes.channels * sizes.per_channel:,} subs over {sizes.channels} channels"
    row(
        f"sustained events/s, {label} [high]",
        each(lambda c: c.sustained.achieved_rate if c.sustained else 0.0),
        lambda v: f"{v:,.0f}",
    )
    row(
        "sustained deliveries/s (events x subscribers) [high]",
        each(lambda c: c.sustained.achieved_rate * sizes.per_channel if c.sustained else 0.0),
        lambda v: f"{v:,.0f}",
    )
    row(
        "server RSS MiB, warm and empty (info) [low]",
        each(lambda c: c.base_rss_mib),
        lambda v: f"{v:,.0f}",
    )
    row(
        "server RSS MiB, empty again after all scenarios (info) [low]",
        each(lambda c: c.final_rss_mib),
        lambda v: f"{v:,.0f}",
    )
    row(
        f"connect+join of {sizes.idle:,}, sockets/s (info) [high]",
        each(lambda c: c.connect_rate),
        lambda v: f"{v:,.0f}",
    )

    width = max(len(r[0]) for r in rows)
    head = f"{'figure':<{width}}  " + "  ".join(f"{c:>15}" for c in COLUMNS)
    head += f"  {'lms/socketio':>12}  {'lms/ceiling':>11}"
    lines = [head, "-" * len(head)]
    for label, values, fmt in rows:
        cells = [fmt(v) if v is not None else "-" for v in values]
        lines.append(
            f"{label:<{width}}  "
            + "  ".join(f"{c:>15}" for c in cells)
            + f"  {_ratio(values[0], values[1]):>12}  {_ratio(values[0], values[2]):>11}"
        )
    lines.append(
        "[low]/[high]: which way is better. Ratios are lms_rt / the other column: on [low] rows "
        "below 1 means lms_rt is better, on [high] rows above 1."
    )
    lines.append("")
    lines.append(
        "throughput ladder (+s: step start after the sockets opened; CPU as % of one core while "
        "publishing). A step that is only late (p99 over "
        f"{THROUGHPUT_P99_LIMIT * 1000:.0f} ms, nothing missing) is run once more; "
        "the ladder stops at the first step that fails twice or loses anything:"
    )
    for name, result in zip(COLUMNS, cols, strict=True):
        if result is None:
            continue
        for step in result.steps:
            verdict = "ok" if step.good else "late" if step.missing == 0 else "LOSES"
            again = "again" if step.repeat else ""
            lines.append(
                f"  {name:<15} {step.rate:>5}/s {again:<5} +{step.started:>4.0f} s "
                f"(achieved {step.achieved_rate:>6.0f}): p50 {_ms(step.p50):>7} "
                f"p99 {_ms(step.p99):>7} missing {step.missing:>6} {verdict:<5} "
                f"{_shares(step.cpu)}"
            )
        last = result.steps[-1] if result.steps else None
        if last is not None and last.good:
            lines.append(f"  {name:<15} never broke: the figure is a lower bound")
    for name, result in zip(COLUMNS, cols, strict=True):
        for note in result.notes if result is not None else []:
            lines.append(f"  {name:<15} {note}")
    lines.append("")
    lines.append("CPU during fan-out (% of one core):")
    for name, result in zip(COLUMNS, cols, strict=True):
        if result is None:
            continue
        for size, cpu in sorted(result.fanout_cpu.items()):
            lines.append(f"  {name:<15} {size:>6,} subscribers: {_shares(cpu)}")
    lines.append("")
    lines.append(machine())
    lines.append(
        "notes: one load-generator process (uvloop, orjson, aiohttp) shares the cores with the "
        "two server processes, Redis and the publishing driver, in every column alike; latency "
        "runs from the publish call to the last subscriber's arrival as the client stamps it; "
        "the client offers no permessage-deflate; sockets alternate between the two servers."
    )
    lines.append(f"wall time: {wall:.0f} s")
    busy = foreign_load(cols)
    if busy:
        lines.append(
            "WARNING: something outside this benchmark kept the machine busy while it measured "
            f"({busy}); the figures are not comparable with a run on a quiet machine."
        )
    return "\n".join(lines)


# Over this share of a core, "other" is more than the kernel's own network work: another
# workload was running beside the benchmark.
FOREIGN_LOAD_LIMIT = 0.25


def foreign_load(cols: list[ColumnResult | None]) -> str:
    """Which columns measured beside someone else's work, and how much of it."""
    found = []
    for name, result in zip(COLUMNS, cols, strict=True):
        if result is None:
            continue
        phases = [s.cpu for s in result.steps] + list(result.fanout_cpu.values())
        others = [cpu.get("other", 0.0) for cpu in phases]
        if others and max(others) > FOREIGN_LOAD_LIMIT:
            mean = sum(others) / len(others)
            found.append(f"{name}: other up to {max(others) * 100:.0f}%, mean {mean * 100:.0f}%")
    return "; ".join(found)


def summary(
    results: dict[str, ColumnResult], sizes: Sizes, quick: bool, problems: list[str]
) -> dict[str, Any]:
    """The figures of every column, machine-readable (``--json``): times in milliseconds."""

    def ms(seconds: float | None) -> float | None:
        return None if seconds is None else seconds * 1000

    columns: dict[str, Any] = {}
    for name, result in results.items():
        sustained = result.sustained
        last = result.steps[-1] if result.steps else None
        columns[name] = {
            "idle_sockets": result.idle_sockets,
            "idle_kib_per_socket": result.idle_kib,
            "connect_per_second": result.connect_rate,
            "base_rss_mib": result.base_rss_mib,
            "final_rss_mib": result.final_rss_mib,
            "fanout": {
                str(size): {
                    "events": len(f.latencies),
                    "p50_ms": ms(f.p50),
                    "p99_ms": ms(f.p99),
                    "missing": f.missing,
                    "extra": f.extra,
                }
                for size, f in sorted(result.fanout.items())
            },
            "sustained": None
            if sustained is None
            else {
                "step_rate": sustained.rate,
                "events_per_second": sustained.achieved_rate,
                "deliveries_per_second": sustained.achieved_rate * sizes.per_channel,
                "p50_ms": ms(sustained.p50),
                "p99_ms": ms(sustained.p99),
            },
            "ladder_never_broke": last is not None and last.good,
            "problems": result.problems,
            "notes": result.notes,
        }
    return {
        "benchmark": "ws_fanout",
        "quick": quick,
        "sizes": {
            "idle": sizes.idle,
            "fanout": list(sizes.fanout),
            "events": sizes.events,
            "channels": sizes.channels,
            "per_channel": sizes.per_channel,
            "step_seconds": sizes.step_seconds,
        },
        "throughput_p99_limit_ms": THROUGHPUT_P99_LIMIT * 1000,
        "columns": columns,
        "foreign_load": foreign_load([results.get(name) for name in COLUMNS]),
        "problems": problems,
        "ok": not problems,
    }


# --- main ----------------------------------------------------------------------------------


async def run(
    sizes: Sizes, only: list[str], pg: PostgresServer, redis_server: RedisServer, workdir: Path
) -> dict[str, ColumnResult]:
    settings = Settings(
        env="production",
        secret_key=SECRET,
        database_url=pg.url,
        redis_url=redis_server.url,
        data_dir=workdir / "driver",
        # Tokens keep the default lifetime: each is minted just before its socket connects
        # and no group stays open for anything near 15 minutes.
    )
    assert redis_server.base_dir is not None
    redis_pid = int((redis_server.base_dir / "redis.pid").read_text().split()[0])
    users = 2 + sizes.channels
    seeded = await seed_lms(settings, users)
    counter = iter(range(1, 10**9))
    loadgen = LoadGen()
    await loadgen.start()
    results: dict[str, ColumnResult] = {}
    try:
        for name in COLUMNS:
            if name not in only:
                continue
            system: System
            if name == "lms_rt":
                system = LmsRt(redis_server.url, workdir, settings)
                identities = lms_identities(settings, seeded)
            elif name == "python-socketio":
                system = PythonSocketIO(redis_server.url, workdir)
                identities = named_identities(users)
            else:
                system = Ceiling(redis_server.url, workdir)
                identities = named_identities(users)
            column = Column(system, loadgen, sizes, identities, redis_pid, counter)
            try:
                results[name] = await column.run()
            finally:
                await system.stop()
    finally:
        await loadgen.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a fast check")
    parser.add_argument(
        "--only", action="append", choices=COLUMNS, help="run only this column (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    raise_fd_limit()
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = max(sizes.idle, *sizes.fanout, sizes.channels * sizes.per_channel) + 1000
    if soft < needed:
        print(f"ws_fanout: the fd limit is {soft}; {needed} are needed", file=sys.stderr)
        return 2
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp,
        PostgresServer() as pg,
        RedisServer() as redis_server,
    ):
        workdir = Path(tmp)
        try:
            results = uvloop.run(run(sizes, args.only or list(COLUMNS), pg, redis_server, workdir))
        except BenchError as exc:
            print(f"ws_fanout: {exc}", file=sys.stderr)
            return 1
    print(report(results, sizes, time.monotonic() - began))
    problems = [f"{name}: {p}" for name, r in results.items() for p in r.problems]
    write_json(args.json, summary(results, sizes, args.quick, problems))
    if problems:
        print("\nLOSSES — the figures above are not valid:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
