"""A throwaway S3 stand-in: moto's server, started from this virtualenv.

Like the other test services it listens only on 127.0.0.1 on a port below the ephemeral range
and is stopped (and its folder removed) on ``stop()``. ``reset()`` empties it between tests.
moto does not check presigned URLs' signatures or expiry: tests check those in code.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.harness.services import HOST, ServiceError, free_port

_START_TIMEOUT = 30.0
_STOP_TIMEOUT = 10.0
# Credentials moto accepts (it checks none); the region S3 needs no LocationConstraint in.
ACCESS_KEY_ID = "test"
SECRET_ACCESS_KEY = "test"
REGION = "us-east-1"

# Servers still running when the interpreter exits (an interrupted run) are stopped, not left.
_running: set[MotoServer] = set()


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_running):
        with contextlib.suppress(Exception):
            server.stop()


class MotoServer:
    def __init__(self) -> None:
        self.port: int | None = None
        self.base_dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise ServiceError("MotoServer has not been started")
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None

    def settings(self) -> dict[str, str]:
        """Settings overrides that point the app's S3 storage here."""
        return {
            "storage_backend": "s3",
            "s3_endpoint_url": self.url,
            "s3_region": REGION,
            "s3_access_key_id": ACCESS_KEY_ID,
            "s3_secret_access_key": SECRET_ACCESS_KEY,
        }

    def start(self) -> None:
        if self.running:
            raise ServiceError("MotoServer is already running")
        binary = Path(sys.executable).parent / "moto_server"
        if not binary.exists():
            raise ServiceError(f"{binary} not found; install the test extra (moto[server])")
        self.port = free_port()
        self.base_dir = Path(tempfile.mkdtemp(prefix="lms-moto-", dir="/tmp"))
        log = (self.base_dir / "moto.log").open("wb")
        try:
            self._process = subprocess.Popen(
                [str(binary), "-H", HOST, "-p", str(self.port)],
                cwd=self.base_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        _running.add(self)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + _START_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                last = f"exited with {self._process.returncode}"
                break
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1.0) as response:
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except (OSError, urllib.error.URLError) as exc:
                last = str(exc)
            time.sleep(0.05)
        raise ServiceError(f"moto_server on {self.url} did not start ({last})\n{self._tail()}")

    def _tail(self) -> str:
        if self.base_dir is None:
            return ""
        with contextlib.suppress(OSError):
            lines = (self.base_dir / "moto.log").read_text(errors="replace").splitlines()
            return "--- tail of moto.log ---\n" + "\n".join(lines[-40:])
        return ""

    def reset(self) -> None:
        """Forget every bucket and object (POST /moto-api/reset)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10.0) as response:
            if response.status != 200:
                raise ServiceError(f"moto reset answered HTTP {response.status}")

    def stop(self) -> None:
        process, self._process = self._process, None
        _running.discard(self)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=_STOP_TIMEOUT)
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
