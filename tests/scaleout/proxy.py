"""The repository's nginx config run for real: rendered with the test's ports, nothing else.

``deploy/nginx/nginx.conf`` names the compose services as upstreams and listens on port 80;
:func:`render` swaps exactly those for local ports. Relative paths in the file (pid, temp
files) resolve under the ``-p`` prefix, a private temporary folder here.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

from tests.harness.services import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "nginx" / "nginx.conf"


def nginx_binary() -> str | None:
    # Debian installs it in /usr/sbin, which is not on every user's PATH.
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


def render(upstreams: list[str], listen: str) -> str:
    """The config with ``upstreams`` as the servers of ``upstream lms_rt`` and ``listen``."""
    text = CONFIG.read_text(encoding="utf-8")
    block = re.search(r"^    upstream lms_rt \{\n.*?^    \}\n", text, re.MULTILINE | re.DOTALL)
    assert block, "no upstream lms_rt block"
    servers = re.findall(r"^        server \S+;\n", block.group(0), re.MULTILINE)
    assert servers, "no servers in upstream lms_rt"
    ours = "".join(f"        server {upstream};\n" for upstream in upstreams)
    rendered = block.group(0).replace(servers[0], ours, 1)
    for extra in servers[1:]:
        rendered = rendered.replace(extra, "", 1)
    text = text.replace(block.group(0), rendered)
    assert text.count("        listen 80;\n") == 1, "expected one `listen 80;`"
    return text.replace("        listen 80;\n", f"        listen {listen};\n")


class NginxProcess:
    def __init__(self, binary: str, upstreams: list[str], log_dir: Path) -> None:
        self.binary = binary
        self.port = free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="lms-nginx-"))
        # Run as root, nginx's workers drop to an unprivileged user that must reach the
        # temporary folders under the prefix.
        self.prefix.chmod(0o755)
        self.config = self.prefix / "nginx.conf"
        self.config.write_text(render(upstreams, f"127.0.0.1:{self.port}"), encoding="utf-8")
        self.log_path = log_dir / "nginx.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *extra: str) -> list[str]:
        return [
            self.binary,
            "-e",
            "stderr",
            "-p",
            f"{self.prefix}/",
            "-c",
            str(self.config),
            *extra,
        ]

    def check(self) -> subprocess.CompletedProcess[str]:
        """``nginx -t``: parse the config and open what it names, without serving."""
        return subprocess.run(
            self.command("-t"), capture_output=True, text=True, timeout=30, check=False
        )

    async def start(self, timeout: float = 10) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command("-g", "daemon off;"), stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError(f"nginx not listening: {self.log()}")

    async def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # Fast shutdown: a graceful one would wait for every open websocket to close.
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.to_thread(self.process.wait), 10)
            except TimeoutError:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.prefix, ignore_errors=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]
