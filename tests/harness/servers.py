"""Real `lms-rt serve` processes for tests that need more than one server.

Every process also answers on its own Unix socket (``serve --control-dir``), so a test can
reach one particular process even when several share a port (a replacement started beside the
process it replaces, or the children of ``serve --workers``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection
from pathlib import Path
from typing import IO

import aiohttp

from tests.harness.services import free_port

LMS_RT = str(Path(sys.executable).with_name("lms-rt"))


def _control_dir() -> Path:
    # Unix socket paths are limited to ~107 bytes: a short folder, not the test's tmp_path.
    return Path(tempfile.mkdtemp(prefix="lms-ctl-"))


async def probe(socket_path: Path, path: str, timeout: float = 2.0) -> tuple[int, str]:
    """``GET path`` from the one process listening on ``socket_path``: (status, body)."""
    connector = aiohttp.UnixConnector(path=str(socket_path))
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.get(f"http://localhost{path}", timeout=aiohttp.ClientTimeout(timeout)) as r,
    ):
        return r.status, await r.text()


async def until_answers(
    socket_path: Path, path: str, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    """Wait until ``path`` answers 200 on the process's own socket (or fail with its log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if (await probe(socket_path, path))[0] == 200:
                return
        except (aiohttp.ClientError, OSError, TimeoutError):
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"server not answering {path}: {log.read_text(errors='replace')[-2000:]}")


def children_of(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc), oldest first."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: fields follow the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        state, ppid, start = fields[0], int(fields[1]), int(fields[19])
        if ppid == pid and state != "Z":
            found.append((start, int(entry)))
    return [child for _, child in sorted(found)]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class ServerProcess:
    def __init__(self, env: dict[str, str], log_dir: Path, name: str, port: int | None = None):
        """``port``: share the port of a running server (its replacement); a free one if not."""
        self.port = port or free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        self.env.update(env)
        self.env["LMS_PORT"] = str(self.port)
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.control_dir: Path | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def control_socket(self) -> Path:
        assert self.control_dir is not None
        return self.control_dir / f"{self.pid}.sock"

    async def start(self, timeout: float = 30) -> None:
        """Start and wait until this very process is healthy (not another on its port)."""
        self._log = self.log_path.open("ab")
        self.control_dir = _control_dir()
        self.process = subprocess.Popen(
            [LMS_RT, "serve", "--control-dir", str(self.control_dir)],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        await until_answers(self.control_socket, "/health", self.process, self.log_path, timeout)

    async def until_ready(self, timeout: float = 30) -> None:
        """Wait until this process's ``/ready`` answers 200 (database and Redis reachable)."""
        assert self.process is not None
        await until_answers(self.control_socket, "/ready", self.process, self.log_path, timeout)

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown at all."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    async def stop(self, timeout: float = 20) -> int:
        """SIGTERM (graceful), then SIGKILL if it overstays; returns the exit code."""
        if self.process is None or self.process.poll() is not None:
            self._close()
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close()
        return self.process.returncode

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.control_dir is not None:
            shutil.rmtree(self.control_dir, ignore_errors=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


class SupervisorProcess:
    """``lms-rt serve --workers N``: a supervisor and its N server processes on one port."""

    def __init__(self, env: dict[str, str], log_dir: Path, name: str, workers: int) -> None:
        self.workers = workers
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        self.env.update(env)
        self.env["LMS_PORT"] = str(self.port)
        self.log_path = log_dir / f"{name}.log"
        self.control_dir = _control_dir()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def control_socket(self, child: int) -> Path:
        return self.control_dir / f"{child}.sock"

    def children(self) -> list[int]:
        return children_of(self.pid)

    async def start(self, timeout: float = 30) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                LMS_RT,
                "serve",
                "--workers",
                str(self.workers),
                "--control-dir",
                str(self.control_dir),
            ],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        await self.until_serving(timeout=timeout)

    async def until_serving(self, without: Collection[int] = (), timeout: float = 30) -> list[int]:
        """Wait until N children (none of ``without``) answer ``/ready``; their pids."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"supervisor exited: {self.log()}")
            children = [pid for pid in self.children() if pid not in without]
            if len(children) == self.workers and all(
                await asyncio.gather(*(self._ready(pid) for pid in children))
            ):
                return children
            await asyncio.sleep(0.1)
        raise RuntimeError(f"{self.workers} children never became ready: {self.log()}")

    async def _ready(self, child: int) -> bool:
        try:
            return (await probe(self.control_socket(child), "/ready"))[0] == 200
        except (aiohttp.ClientError, OSError, TimeoutError):
            return False

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    async def wait(self, timeout: float = 30) -> int | None:
        """The supervisor's exit code, or ``None`` if it is still running after ``timeout``."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.process.poll()

    async def stop(self, timeout: float = 30) -> int:
        """SIGTERM to the supervisor (it stops its children); SIGKILL to all if it overstays."""
        if self.process is None:
            return 0
        children = self.children()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            if await self.wait(timeout) is None:
                for child in children:
                    if alive(child):
                        os.kill(child, signal.SIGKILL)
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.control_dir, ignore_errors=True)
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


def server_env(settings, **extra: str) -> dict[str, str]:
    env = {
        "LMS_ENV": "test",
        "LMS_SECRET_KEY": settings.secret_key,
        "LMS_DATABASE_URL": settings.database_url,
        "LMS_REDIS_URL": settings.redis_url,
        "LMS_DATA_DIR": str(settings.data_dir),
        "LMS_BCRYPT_ROUNDS": "4",
        "LMS_RATE_LIMIT": "100000/minute",
        "LMS_LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env
