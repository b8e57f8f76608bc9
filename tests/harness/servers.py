"""Real `lms-rt serve` processes for tests that need more than one server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import aiohttp

from tests.harness.services import free_port

LMS_RT = str(Path(sys.executable).with_name("lms-rt"))


class ServerProcess:
    def __init__(self, env: dict[str, str], log_dir: Path, name: str) -> None:
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        self.env.update(env)
        self.env["LMS_PORT"] = str(self.port)
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, timeout: float = 30) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [LMS_RT, "serve"], env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
                try:
                    async with session.get(self.url + "/health") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server not healthy: {self.log_path.read_text()[-2000:]}")

    async def stop(self, timeout: float = 20) -> int:
        """SIGTERM (graceful), then SIGKILL if it overstays; returns the exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self._log is not None:
            self._log.close()
        return self.process.returncode


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
