"""REST throughput: lms_rt's catalog, course page and progress updates beside a bare ceiling.

Measured as /work/shared/BENCHMARKING.md prescribes for REST: wrk (Debian) with a fixed
connection count and duration against the real endpoints on PostgreSQL with seeded data, beside
a bare aiohttp handler that serves the very same JSON bytes from memory (the ceiling), with the
same process layouts (one and two processes sharing one port with ``reuse_port``), back to back.

- ``GET /api/v1/courses?limit=20`` over 10,000 published courses (anonymous), wrk -c64;
- ``GET /api/v1/courses/{id}``: a course of 3 sections x 5 published lessons (anonymous), -c64;
- ``PUT /api/v1/enrollments/{id}/lessons/{lesson_id}/progress`` ``{"time_spent_seconds": 1}``
  from 500 students, each request with one student's token and enrollment, wrk -c500.

Run standalone (``make bench`` does): ``python tests/bench/rest_catalog.py [--quick]``. It starts
its own PostgreSQL, Redis and servers, seeds the database directly (bulk inserts, minted
tokens: no HTTP, no bcrypt), and stops every process it started, also on error. It exits
non-zero when wrk reports any non-2xx response or socket error, or when the seconds recorded by
the progress runs do not match the requests wrk completed. Times are printed, never asserted.
``--only catalog|course|progress`` (repeatable) and ``--db-pool-max N`` are for exploring.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
import orjson  # noqa: E402
import uvloop  # noqa: E402

from lms_rt.config import Settings  # noqa: E402
from tests.bench.common import children_of, write_json  # noqa: E402
from tests.bench.rest.seed import COURSES, LESSONS_PER_SECTION, SECTIONS, Seeded, seed  # noqa: E402
from tests.harness.services import PostgresServer, RedisServer, free_port  # noqa: E402

PARTS = Path(__file__).resolve().parent / "rest"
LMS_RT = str(Path(sys.executable).with_name("lms-rt"))
SECRET = "bench-secret-key-" + "x" * 40

WRK_THREADS = 2
# wrk counts a request as timed out only past this; a slow answer is latency, not an error.
WRK_TIMEOUT = "60s"
# Per server process. PostgreSQL has 2 cores here: more connections than this only queue
# inside PostgreSQL instead of in the pool.
DB_POOL_MAX = 20
LAYOUTS = (1, 2)
SYSTEMS = ("lms_rt", "ceiling")
PROGRESS_BODY = {"time_spent_seconds": 1}


@dataclass(frozen=True)
class Durations:
    warmup: int  # seconds of unreported load before each figure: pools, caches, first rows
    measure: int
    # For the 500-connection run. An asyncio server shares itself among every request it has
    # accepted, so 500 requests sent at once finish together, about 500 / throughput seconds
    # later (several seconds here), and wrk's counts come in waves of up to 500: the window
    # must span many of them for the rate not to depend on where it happens to end.
    crowd_measure: int


FULL = Durations(warmup=3, measure=10, crowd_measure=30)
QUICK = Durations(warmup=2, measure=3, crowd_measure=8)


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    connections: int
    script: str
    crowd: bool = False


ENDPOINTS = (
    Endpoint("catalog", "GET /api/v1/courses?limit=20", 64, "report.lua"),
    Endpoint("course", "GET /api/v1/courses/{id}", 64, "report.lua"),
    Endpoint(
        "progress",
        "PUT /api/v1/enrollments/{id}/lessons/{id}/progress",
        500,
        "progress.lua",
        crowd=True,
    ),
)


class BenchError(RuntimeError):
    """A process would not start or a response was not what was seeded: no figures."""


def log(message: str) -> None:
    print(f"[rest_catalog] {message}", file=sys.stderr, flush=True)


def raise_fd_limit() -> None:
    """500 wrk connections and as many server sockets: soft limit up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- /proc ---------------------------------------------------------------------------------

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def listening(pid: int, port: int) -> bool:
    """Whether ``pid`` holds a TCP socket listening on ``port`` (its own, under reuse_port)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{cols[9]}]")
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        with contextlib.suppress(OSError):
            if os.readlink(fd) in inodes:
                return True
    return False


def listen_overflows() -> int:
    """The kernel's count of connections dropped because an accept queue was full."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=True))
            return int(table.get("ListenOverflows", 0))
    return 0


def machine_ticks() -> list[int]:
    """/proc/stat's first line: user nice system idle iowait irq softirq steal (in ticks)."""
    return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


class CpuWatch:
    """CPU seconds of groups of processes over one wrk run, as shares of one core."""

    def __init__(self, groups: dict[str, list[int]], postmaster: int) -> None:
        self.groups = groups
        self.postmaster = postmaster
        self.start = self._sample()
        self.wrk_start = self._children_cpu()
        self.machine_start = machine_ticks()
        self.driver_start = time.process_time()

    @staticmethod
    def _children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def _pids(self) -> dict[str, list[int]]:
        return {**self.groups, "postgres": [self.postmaster, *children_of(self.postmaster)]}

    def _sample(self) -> dict[int, float]:
        samples = {}
        for pids in self._pids().values():
            for pid in pids:
                cpu = cpu_seconds(pid)
                if cpu is not None:
                    samples[pid] = cpu
        return samples

    def shares(self, wall: float) -> dict[str, list[float]]:
        """Per group, each process's share (servers one by one; the others summed)."""
        end = self._sample()
        out: dict[str, list[float]] = {}
        for name, pids in self._pids().items():
            used = [(end[p] - self.start.get(p, 0.0)) / wall for p in pids if p in end]
            out[name] = used if name == "servers" else [sum(used)]
        # wrk is this process's only child reaped during the run: its rusage is wrk's.
        out["wrk"] = [(self._children_cpu() - self.wrk_start) / wall]
        # The whole machine, as shares of all its cores: busy, and stolen by the hypervisor.
        ticks = [b - a for a, b in zip(self.machine_start, machine_ticks(), strict=True)]
        total = max(sum(ticks), 1)
        busy = (total - ticks[3] - ticks[4] - ticks[7]) / total
        out["machine"] = [busy, ticks[7] / total]
        cores = os.cpu_count() or 1
        # Interrupt work is charged to no process: mostly the loopback traffic of this run.
        out["irq"] = [(ticks[5] + ticks[6]) / total * cores]
        # Whatever else ran on the machine meanwhile (this driver's own share taken out).
        ours = sum(sum(v) for k, v in out.items() if k != "machine")
        ours += (time.process_time() - self.driver_start) / wall
        out["others"] = [max(0.0, busy * cores - ours)]
        return out


# --- server processes ----------------------------------------------------------------------


class Server:
    """One server process; several of them may share one port (``reuse_port``)."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, log_path: Path) -> None:
        self.argv, self.env, self.port, self.log_path = argv, env, port, log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    async def start(self, timeout: float = 60.0) -> None:
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                preexec_fn=raise_fd_limit,
            )
        # With several processes on one port, a health probe may reach any of them: each
        # process is up once it holds its own listening socket (bound after its start-up).
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.argv[:2]} exited:\n{self.log_tail()}")
            if listening(self.process.pid, self.port):
                return
            await asyncio.sleep(0.1)
        raise BenchError(f"{self.argv[:2]} never listened on {self.port}:\n{self.log_tail()}")

    async def stop(self, timeout: float = 20.0) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if process.poll() is None:
            process.kill()
            process.wait()


def lms_server(settings: Settings, pool_max: int, port: int, workdir: Path, index: int) -> Server:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        {
            "LMS_ENV": "production",
            "LMS_HOST": "127.0.0.1",
            "LMS_PORT": str(port),
            "LMS_SECRET_KEY": settings.secret_key,
            "LMS_DATABASE_URL": settings.database_url,
            "LMS_REDIS_URL": settings.redis_url,
            "LMS_DATA_DIR": str(workdir / f"lms-data-{index}"),
            "LMS_LOG_LEVEL": "WARNING",
            "LMS_DB_POOL_MAX": str(pool_max),
            # One client address sends everything: the limit is lifted, the limiter still runs
            # (one Redis round trip per request), as it does in production.
            "LMS_RATE_LIMIT": "100000000/minute",
        }
    )
    return Server([LMS_RT, "serve"], env, port, workdir / f"lms-{port}-{index}.log")


def ceiling_server(bodies: Path, port: int, workdir: Path, index: int) -> Server:
    argv = [
        sys.executable,
        str(PARTS / "ceiling_server.py"),
        "--port",
        str(port),
        "--bodies",
        str(bodies),
    ]
    return Server(argv, dict(os.environ), port, workdir / f"ceiling-{port}-{index}.log")


# --- wrk -----------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests: int
    seconds: float
    connect: int
    read: int
    write: int
    status: int
    timeout: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    output: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def socket_errors(self) -> int:
        return self.connect + self.read + self.write + self.timeout


async def run_wrk(
    url: str, connections: int, seconds: int, script: str, args: list[str], out: Path
) -> WrkResult:
    argv = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        WRK_TIMEOUT,
        "-s",
        str(PARTS / script),
        url,
    ]
    if args:
        argv += ["--", *args]
    with out.open("wb") as sink:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=raise_fd_limit,
        )
    try:
        while process.poll() is None:
            await asyncio.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = out.read_text(errors="replace")
    if process.returncode != 0:
        raise BenchError(f"wrk exited {process.returncode}: {' '.join(argv)}\n{text[-2000:]}")
    for line in text.splitlines():
        if line.startswith("WRK_RESULT "):
            data: dict[str, Any] = orjson.loads(line.removeprefix("WRK_RESULT "))
            break
    else:
        raise BenchError(f"no WRK_RESULT line from {' '.join(argv)}:\n{text[-2000:]}")
    return WrkResult(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        connect=int(data["connect"]),
        read=int(data["read"]),
        write=int(data["write"]),
        status=int(data["status"]),
        timeout=int(data["timeout"]),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        output=text,
    )


# --- the run -------------------------------------------------------------------------------


@dataclass
class Figure:
    wrk: WrkResult
    cpu: dict[str, list[float]]
    overflows: int
    recorded: int | None = None  # progress on lms_rt: seconds added to the enrollments


@dataclass
class Bench:
    durations: Durations
    pool_max: int = DB_POOL_MAX
    endpoints: tuple[Endpoint, ...] = ENDPOINTS
    seeded: Seeded | None = None
    figures: dict[tuple[str, int, str], Figure] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    seed_seconds: float = 0.0


SUM_SQL = "SELECT COALESCE(SUM(total_time_spent_seconds), 0) FROM enrollments"
BUSY_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
    "AND state <> 'idle' AND pid <> pg_backend_pid()"
)


async def settled_total(db: asyncpg.Connection) -> int:
    """The recorded seconds once no request is still writing (wrk leaves up to -c in flight)."""
    last: int | None = None
    steady = 0
    for _ in range(600):
        total = int(await db.fetchval(SUM_SQL))
        busy = int(await db.fetchval(BUSY_SQL))
        steady = steady + 1 if total == last and busy == 0 else 0
        if steady >= 3:
            return total
        last = total
        await asyncio.sleep(0.25)
    raise BenchError("progress writes never settled: the servers are still busy")


async def quiesce(servers: list[Server]) -> None:
    """Wait until the servers are idle: wrk leaves requests in flight, which they still serve."""
    quiet = 0
    last = sum(cpu_seconds(s.pid) or 0.0 for s in servers)
    for _ in range(600):
        await asyncio.sleep(0.2)
        now = sum(cpu_seconds(s.pid) or 0.0 for s in servers)
        # A few ticks per 0.2 s is an idle event loop (timers, health of pools).
        quiet = quiet + 1 if now - last <= 0.02 * len(servers) else 0
        last = now
        if quiet >= 2:
            return
    raise BenchError("the servers never went idle after a run")


async def fetch_bodies(url: str, seeded: Seeded, bodies: Path) -> None:
    """The real responses, checked against the seed, saved for the ceiling to serve."""
    token, path = seeded.progress[0]
    async with aiohttp.ClientSession() as session:
        async with session.get(url + "/api/v1/courses?limit=20") as response:
            catalog = await response.read()
            if response.status != 200:
                raise BenchError(f"catalog: {response.status} {catalog[:500]!r}")
        page = orjson.loads(catalog)
        if len(page["items"]) != 20 or page["total"] != seeded.courses:
            raise BenchError(
                f"catalog: {len(page['items'])} items of {page['total']}, "
                f"20 of {seeded.courses} seeded"
            )
        async with session.get(f"{url}/api/v1/courses/{seeded.course_id}") as response:
            course = await response.read()
            if response.status != 200:
                raise BenchError(f"course: {response.status} {course[:500]!r}")
        outline = [len(s["lessons"]) for s in orjson.loads(course)["sections"]]
        if outline != [LESSONS_PER_SECTION] * SECTIONS:
            raise BenchError(f"course: sections of {outline} lessons, not as seeded")
        headers = {"Authorization": f"Bearer {token}"}
        async with session.put(url + path, json=PROGRESS_BODY, headers=headers) as response:
            progress = await response.read()
            if response.status != 200:
                raise BenchError(f"progress: {response.status} {progress[:500]!r}")
        if orjson.loads(progress)["time_spent_seconds"] < 1:
            raise BenchError(f"progress: the time was not recorded: {progress!r}")
    bodies.mkdir(parents=True, exist_ok=True)
    (bodies / "catalog.json").write_bytes(catalog)
    (bodies / "course.json").write_bytes(course)
    (bodies / "progress.json").write_bytes(progress)
    log(
        f"responses: catalog {len(catalog):,} B, course {len(course):,} B, "
        f"progress {len(progress):,} B"
    )


async def check_ceiling(url: str, seeded: Seeded, bodies: Path) -> None:
    token, path = seeded.progress[0]
    async with aiohttp.ClientSession() as session:
        for method, target, name in (
            ("GET", "/api/v1/courses?limit=20", "catalog"),
            ("GET", f"/api/v1/courses/{seeded.course_id}", "course"),
            ("PUT", path, "progress"),
        ):
            headers = {"Authorization": f"Bearer {token}"}
            async with session.request(
                method,
                url + target,
                json=PROGRESS_BODY if method == "PUT" else None,
                headers=headers,
            ) as response:
                body = await response.read()
            if response.status != 200 or body != (bodies / f"{name}.json").read_bytes():
                raise BenchError(f"the ceiling does not serve lms_rt's {name} bytes")


class Runner:
    def __init__(
        self,
        bench: Bench,
        settings: Settings,
        workdir: Path,
        pg: PostgresServer,
        redis_server: RedisServer,
    ) -> None:
        self.bench = bench
        self.settings = settings
        self.workdir = workdir
        self.bodies = workdir / "bodies"
        self.lines = workdir / "progress-lines.txt"
        self.postmaster = int((pg.data_dir / "postmaster.pid").read_text().split()[0])
        assert redis_server.base_dir is not None
        self.redis_pid = int((redis_server.base_dir / "redis.pid").read_text().split()[0])
        self.db: asyncpg.Connection | None = None
        self.runs = 0

    async def run(self) -> None:
        began = time.monotonic()
        self.bench.seeded = seeded = await seed(self.settings)
        self.lines.write_text("".join(f"{t} {p}\n" for t, p in seeded.progress))
        self.db = db = await asyncpg.connect(
            self.settings.database_url.replace("postgres://", "postgresql://", 1)
        )
        try:
            # Planner statistics, as autovacuum would have gathered them on a live database.
            await db.execute("ANALYZE")
            self.bench.seed_seconds = time.monotonic() - began
            self.bench.versions["postgres"] = str(await db.fetchval("SHOW server_version"))
            log(
                f"seeded {seeded.courses:,} courses, {len(seeded.progress)} students "
                f"in {self.bench.seed_seconds:.1f} s"
            )
            for processes in LAYOUTS:
                for system in SYSTEMS:
                    await self.layout(system, processes)
        finally:
            await db.close()

    async def layout(self, system: str, processes: int) -> None:
        port = free_port()
        if system == "lms_rt":
            servers = [
                lms_server(self.settings, self.bench.pool_max, port, self.workdir, i)
                for i in range(processes)
            ]
        else:
            servers = [ceiling_server(self.bodies, port, self.workdir, i) for i in range(processes)]
        url = f"http://127.0.0.1:{port}"
        try:
            await asyncio.gather(*(s.start() for s in servers))
            log(f"{system} x{processes} on port {port} (pids {[s.pid for s in servers]})")
            assert self.bench.seeded is not None
            if system == "lms_rt" and not self.bodies.exists():
                await fetch_bodies(url, self.bench.seeded, self.bodies)
            elif system == "ceiling":
                await check_ceiling(url, self.bench.seeded, self.bodies)
            for endpoint in self.bench.endpoints:
                await self.measure(system, processes, endpoint, url, servers)
        finally:
            await asyncio.gather(*(s.stop() for s in servers), return_exceptions=True)

    def target(self, endpoint: Endpoint, url: str) -> tuple[str, list[str]]:
        seeded = self.bench.seeded
        assert seeded is not None
        if endpoint.key == "catalog":
            return url + "/api/v1/courses?limit=20", []
        if endpoint.key == "course":
            return f"{url}/api/v1/courses/{seeded.course_id}", []
        return url + "/", [str(self.lines), str(WRK_THREADS)]

    async def wrk(
        self, what: str, endpoint: Endpoint, url: str, seconds: int, warmup: bool = False
    ) -> WrkResult:
        target, args = self.target(endpoint, url)
        self.runs += 1
        out = self.workdir / f"wrk-{self.runs}.txt"
        result = await run_wrk(target, endpoint.connections, seconds, endpoint.script, args, out)
        if result.requests == 0 and not warmup:
            self.bench.problems.append(f"{what}: wrk completed no request")
        if result.status:
            self.bench.problems.append(f"{what}: {result.status} non-2xx responses")
        if result.socket_errors:
            self.bench.problems.append(
                f"{what}: socket errors: connect {result.connect}, read {result.read}, "
                f"write {result.write}, timeout {result.timeout}"
            )
        if result.status or result.socket_errors:
            log(f"{what}: wrk said:\n{result.output[-1500:]}")
        return result

    async def measure(
        self, system: str, processes: int, endpoint: Endpoint, url: str, servers: list[Server]
    ) -> None:
        what = f"{system} x{processes} {endpoint.label}"
        writes = system == "lms_rt" and endpoint.key == "progress"
        # Its errors count; its requests may all still be queued when it ends (500 at once).
        await self.wrk(f"{what} (warm-up)", endpoint, url, self.bench.durations.warmup, True)
        assert self.db is not None
        await quiesce(servers)
        before = await settled_total(self.db) if writes else 0
        overflows = listen_overflows()
        watch = CpuWatch(
            {"servers": [s.pid for s in servers], "redis": [self.redis_pid]}, self.postmaster
        )
        durations = self.bench.durations
        seconds = durations.crowd_measure if endpoint.crowd else durations.measure
        result = await self.wrk(what, endpoint, url, seconds)
        figure = Figure(
            wrk=result,
            cpu=watch.shares(result.seconds or 1.0),
            overflows=listen_overflows() - overflows,
        )
        await quiesce(servers)
        if writes:
            recorded = await settled_total(self.db) - before
            figure.recorded = recorded
            # Each completed request added one second; those still in flight when wrk stopped
            # (at most one per connection) may have added theirs too.
            if not result.requests <= recorded <= result.requests + endpoint.connections:
                self.bench.problems.append(
                    f"{what}: {recorded:,} seconds recorded for {result.requests:,} completed "
                    f"requests (expected {result.requests:,}..."
                    f"{result.requests + endpoint.connections:,})"
                )
        self.bench.figures[(endpoint.key, processes, system)] = figure
        log(
            f"{what}: {result.rate:,.0f} req/s, p99 {result.p99_ms:.1f} ms"
            + (f", {figure.recorded:,} s recorded" if writes else "")
        )


# --- report --------------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def _tool_version(argv: list[str]) -> str:
    with contextlib.suppress(OSError):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    return "?"


def _pct(values: list[float]) -> str:
    return "+".join(f"{v * 100:.0f}" for v in values) if values else "-"


def report(bench: Bench, wall: float) -> str:
    d = bench.durations
    head = (
        f"{'endpoint':<58} {'procs':>5}  {'lms_rt req/s':>12} {'p99 ms':>8}  "
        f"{'ceiling req/s':>13} {'p99 ms':>8}  {'lms/ceiling':>11}"
    )
    lines = [
        f"REST throughput: wrk -t{WRK_THREADS} --timeout {WRK_TIMEOUT}, {d.measure} s per figure "
        f"({d.crowd_measure} s with 500 connections) after {d.warmup} s of unreported warm-up; "
        f"{COURSES:,} published courses seeded",
        head,
        "-" * len(head),
    ]
    for endpoint in bench.endpoints:
        for processes in LAYOUTS:
            lms = bench.figures.get((endpoint.key, processes, "lms_rt"))
            ceiling = bench.figures.get((endpoint.key, processes, "ceiling"))
            ratio = (
                f"{lms.wrk.rate / ceiling.wrk.rate:.3f}"
                if lms and ceiling and ceiling.wrk.rate
                else "-"
            )
            label = f"{endpoint.label} (-c{endpoint.connections})"
            lines.append(
                f"{label:<58} {processes:>5}  "
                f"{f'{lms.wrk.rate:,.0f}' if lms else '-':>12} "
                f"{f'{lms.wrk.p99_ms:.1f}' if lms else '-':>8}  "
                f"{f'{ceiling.wrk.rate:,.0f}' if ceiling else '-':>13} "
                f"{f'{ceiling.wrk.p99_ms:.1f}' if ceiling else '-':>8}  {ratio:>11}"
            )
    lines.append(
        "lms/ceiling = lms_rt requests/s / ceiling requests/s (higher is better, 1 = free)."
    )
    lines.append("")
    cores = os.cpu_count() or 1
    lines.append(
        f"While measuring: CPU in % of one core ({cores}00% = the whole machine), servers one "
        "by one; irq = interrupt work charged to no process (mostly this run's loopback "
        "traffic); others = CPU spent on anything but this benchmark (other jobs on the "
        "machine); busy/steal = share of all cores busy / stolen by the hypervisor; "
        "overflows = connections the kernel dropped from a full accept queue (retried 1 s+ "
        "later by the client)."
    )
    cpu_head = (
        f"  {'endpoint':<8} {'procs':>5} {'system':<7} {'servers':>9} {'pg':>4} {'redis':>5} "
        f"{'wrk':>4} {'irq':>4} {'others':>6} {'busy':>5} {'steal':>5} {'p50 ms':>8} "
        f"{'max ms':>8} {'overflows':>9}"
    )
    lines.append(cpu_head)
    for endpoint in bench.endpoints:
        for processes in LAYOUTS:
            for system in SYSTEMS:
                fig = bench.figures.get((endpoint.key, processes, system))
                if fig is None:
                    continue
                cpu = fig.cpu
                lines.append(
                    f"  {endpoint.key:<8} {processes:>5} {system:<7} {_pct(cpu['servers']):>9} "
                    f"{_pct(cpu['postgres']):>4} {_pct(cpu['redis']):>5} {_pct(cpu['wrk']):>4} "
                    f"{_pct(cpu['irq']):>4} {_pct(cpu['others']):>6} "
                    f"{cpu['machine'][0] * 100:>4.0f}% {cpu['machine'][1] * 100:>4.0f}% "
                    f"{fig.wrk.p50_ms:>8.1f} {fig.wrk.max_ms:>8.1f} {fig.overflows:>9}"
                )
    checked = [
        (processes, fig)
        for processes in LAYOUTS
        if (fig := bench.figures.get(("progress", processes, "lms_rt"))) is not None
    ]
    if checked:
        crowd = next(e.connections for e in ENDPOINTS if e.key == "progress")
        lines.append("")
        lines.append(
            "progress check: seconds added to enrollments.total_time_spent_seconds during the "
            "run vs requests wrk completed (each adds 1 s; at most one per connection may still "
            "have been in flight when wrk stopped):"
        )
        for processes, fig in checked:
            assert fig.recorded is not None
            lines.append(
                f"  x{processes}: {fig.recorded:,} s recorded, {fig.wrk.requests:,} completed "
                f"(allowed {fig.wrk.requests:,}..{fig.wrk.requests + crowd:,}); "
                f"{fig.recorded / fig.wrk.seconds:,.0f} commits/s server-side"
            )
    lines.append("")
    lines.append(
        f"machine: nproc {os.cpu_count()}, {_cpu_model()}; Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}, PostgreSQL {bench.versions.get('postgres', '?')}, "
        f"{_tool_version(['redis-server', '--version']).split(' sha=')[0]}, "
        f"{_tool_version(['wrk', '--version']).split(' Copyright')[0]}"
    )
    lines.append(
        f"notes: wrk ({WRK_THREADS} threads) runs on the same {os.cpu_count()} cores as the "
        "servers, PostgreSQL and Redis, for both columns alike, so every figure includes its "
        "cost; lms_rt runs LMS_ENV=production, LMS_LOG_LEVEL=WARNING, "
        f"LMS_DB_POOL_MAX={bench.pool_max} per process, its rate limiter lifted but running; "
        "requests are anonymous for the two GETs and signed in (one student's token each) for "
        "progress; the ceiling serves the same bytes from memory with uvloop and reuse_port."
    )
    lines.append(
        f"seeding (bulk inserts + ANALYZE): {bench.seed_seconds:.1f} s; wall time: {wall:.0f} s"
    )
    return "\n".join(lines)


def summary(bench: Bench, quick: bool) -> dict[str, Any]:
    """Every figure, machine-readable (``--json``): one row per endpoint, layout and system."""
    figures = [
        {
            "endpoint": key,
            "label": next(e.label for e in ENDPOINTS if e.key == key),
            "connections": next(e.connections for e in ENDPOINTS if e.key == key),
            "processes": processes,
            "system": system,
            "requests": fig.wrk.requests,
            "seconds": fig.wrk.seconds,
            "requests_per_second": fig.wrk.rate,
            "p50_ms": fig.wrk.p50_ms,
            "p99_ms": fig.wrk.p99_ms,
            "max_ms": fig.wrk.max_ms,
            "non_2xx": fig.wrk.status,
            "socket_errors": fig.wrk.socket_errors,
            "overflows": fig.overflows,
            "recorded": fig.recorded,
        }
        for (key, processes, system), fig in bench.figures.items()
    ]
    return {
        "benchmark": "rest_catalog",
        "quick": quick,
        "durations": {
            "warmup": bench.durations.warmup,
            "measure": bench.durations.measure,
            "crowd_measure": bench.durations.crowd_measure,
        },
        "courses": COURSES,
        "pool_max": bench.pool_max,
        "versions": bench.versions,
        "figures": figures,
        "problems": bench.problems,
        "ok": not bench.problems,
    }


# --- main ----------------------------------------------------------------------------------


async def run(bench: Bench, pg: PostgresServer, redis_server: RedisServer, workdir: Path) -> None:
    task = asyncio.current_task()
    assert task is not None
    # SIGTERM unwinds like Ctrl-C: every server is stopped on the way out.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    settings = Settings(
        env="production",
        secret_key=SECRET,
        database_url=pg.url,
        redis_url=redis_server.url,
        data_dir=workdir / "driver",
        db_pool_max=4,
        # Long enough that no token expires during the run.
        access_token_minutes=240,
    )
    await Runner(bench, settings, workdir, pg, redis_server).run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs: a fast check")
    parser.add_argument(
        "--only",
        action="append",
        choices=[e.key for e in ENDPOINTS],
        help="measure only this endpoint (repeatable)",
    )
    parser.add_argument(
        "--db-pool-max",
        type=int,
        default=DB_POOL_MAX,
        help=f"LMS_DB_POOL_MAX of each lms_rt process (default {DB_POOL_MAX})",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("rest_catalog: wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    raise_fd_limit()
    bench = Bench(
        durations=QUICK if args.quick else FULL,
        pool_max=args.db_pool_max,
        endpoints=tuple(e for e in ENDPOINTS if not args.only or e.key in args.only),
    )
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="lms-bench-rest-") as tmp,
        PostgresServer() as pg,
        RedisServer() as redis_server,
    ):
        try:
            uvloop.run(run(bench, pg, redis_server, Path(tmp)))
        except BenchError as exc:
            print(f"rest_catalog: {exc}", file=sys.stderr)
            return 1
        except (asyncio.CancelledError, KeyboardInterrupt):
            print("rest_catalog: interrupted; every process was stopped", file=sys.stderr)
            return 130
    print(report(bench, time.monotonic() - began))
    write_json(args.json, summary(bench, args.quick))
    if bench.problems:
        print("\nCHECKS FAILED — the figures above are not valid:", file=sys.stderr)
        for problem in bench.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
