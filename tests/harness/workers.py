"""A real ``lms-rt worker`` process that tests can start, SIGKILL and start again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

LMS_RT = str(Path(sys.executable).with_name("lms-rt"))


class WorkerProcess:
    def __init__(self, env: dict[str, str], log_dir: Path, name: str = "worker") -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        self.env.update(env)
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, *queues: str) -> None:
        self._log = self.log_path.open("ab")
        argv = [LMS_RT, "worker", *(arg for queue in queues for arg in ("--queue", queue))]
        self.process = subprocess.Popen(
            argv, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        """SIGKILL: no chance to finish or re-queue anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    async def stop(self, timeout: float = 20) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if self.process.poll() is None:
                self.kill()
        self._close_log()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


def worker_env(settings, **extra: str) -> dict[str, str]:
    env = {
        "LMS_ENV": "test",
        "LMS_SECRET_KEY": settings.secret_key,
        "LMS_DATABASE_URL": settings.database_url,
        "LMS_REDIS_URL": settings.redis_url,
        "LMS_DATA_DIR": str(settings.data_dir),
        "LMS_BASE_URL": settings.base_url,
        "LMS_LOG_LEVEL": "INFO",
    }
    env.update(extra)
    return env
