"""What the benchmarks share: server processes, descriptor limits, percentiles, the machine."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from lms_rt.config import Settings


def raise_fd_limit() -> None:
    """Thousands of sockets need thousands of descriptors: soft limit up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class BenchError(RuntimeError):
    """A process would not start or the load generator broke: no figures to print."""


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children_of(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(entry.name))
    return pids


def machine_cpu() -> tuple[float, float]:
    """Busy and stolen CPU seconds of the whole machine so far (first line of /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


class Server:
    """One server process on a port below the ephemeral range, with its log in a file."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.argv, self.env, self.port, self.log_path = argv, env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=raise_fd_limit,
            )
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise BenchError(f"{' '.join(self.argv)} exited:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(self.url + "/health") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise BenchError(f"{self.argv} never became healthy:\n{self.log_tail()}")

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


def write_json(path: Path | None, summary: dict[str, Any]) -> None:
    """A benchmark's figures for ``run_all.py`` (``--json PATH``); nothing without a path."""
    if path is not None:
        path.write_bytes(
            orjson.dumps(summary, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
        )


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 20-30 samples p99 is the slowest event, as it should be."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


LMS_RT = str(Path(sys.executable).with_name("lms-rt"))


def lms_server(settings: Settings, redis_url: str, port: int, data_dir: Path, log: Path) -> Server:
    """``lms-rt serve`` in production mode with the per-person limits lifted (connections per
    user, request and message rates) so that the benchmark is not refused; nothing that shapes
    the measured paths is changed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        {
            "LMS_ENV": "production",
            "LMS_HOST": "127.0.0.1",
            "LMS_PORT": str(port),
            "LMS_SECRET_KEY": settings.secret_key,
            "LMS_DATABASE_URL": settings.database_url,
            "LMS_REDIS_URL": redis_url,
            "LMS_DATA_DIR": str(data_dir),
            "LMS_LOG_LEVEL": "WARNING",
            "LMS_WS_MAX_CONNECTIONS_PER_USER": "1000000",
            "LMS_RATE_LIMIT": "100000000/minute",
            "LMS_WS_MESSAGES_PER_SECOND": "100000",
        }
    )
    return Server([LMS_RT, "serve"], env, port, log)
