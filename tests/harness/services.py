"""Throwaway PostgreSQL and Redis servers for the test suite.

Each server lives in its own fresh folder under /tmp, listens only on 127.0.0.1 on a port below
the ephemeral range, and is removed with that folder on ``stop()``. Failures raise
``ServiceError`` carrying the tail of the server's log, so a broken start explains itself in
the test output instead of surfacing later as "connection refused".
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = [
    "PostgresServer",
    "RedisServer",
    "ServiceError",
    "find_pg_bin",
    "free_port",
    "running_services",
]

HOST = "127.0.0.1"

# Linux hands out ephemeral (client-side) ports from 32768 upwards; a server port picked below
# that range cannot be stolen by an outgoing connection between the bind test and the real bind.
_PORT_RANGE = (20000, 32768)

# A cold initdb + start takes well under a second here; the generous limits only matter on a
# loaded CI machine, where failing fast would turn slowness into flaky errors.
_PG_START_TIMEOUT = 60.0
_REDIS_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 15.0

# A port may be taken between the bind test and the server's own bind (another test process);
# a few fresh ports make that race harmless.
_PORT_ATTEMPTS = 5

_LOG_TAIL_LINES = 40

# Ports handed out by this process and not yet known to be released, so two servers started
# back to back never receive the same port before either has bound it.
_handed_out: set[int] = set()

# Servers still running when the interpreter exits (a test run interrupted before teardown)
# are stopped rather than left behind as daemons.
_running: set[PostgresServer | RedisServer] = set()

# Lines redis-server logs when it gives up after daemonising (its exit status is lost to us then).
_REDIS_FATAL_MARKERS = (
    "could not create server tcp listening socket",
    "failed listening on port",
    "fatal",
)


class ServiceError(RuntimeError):
    """A test service failed to start or stop; the message ends with its log tail."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1, below the ephemeral range, that is free right now."""
    low, high = _PORT_RANGE
    for _ in range(200):
        port = random.randrange(low, high)
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise ServiceError(f"no free TCP port found in {low}-{high - 1} on {HOST}")


def find_pg_bin() -> Path:
    """The newest installed PostgreSQL server's bin folder (Debian's layout, else PATH)."""
    candidates = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    candidates = [p for p in candidates if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    if candidates:
        return max(candidates, key=lambda p: _version_key(p.parent.name))
    initdb = shutil.which("initdb")
    if initdb is not None:
        return Path(initdb).resolve().parent
    raise ServiceError(
        "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb and no initdb "
        "on PATH); run scripts/install-system-packages.sh"
    )


def _version_key(name: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in name.split("."):
        if not piece.isdigit():
            return (-1,)
        parts.append(int(piece))
    return tuple(parts)


def _log_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(no log at {path}: {exc.strerror})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else f"(log {path} is empty)"


def _clean_env() -> dict[str, str]:
    # PG* variables from the developer's shell (PGHOST, PGPORT, PGDATABASE, ...) would silently
    # point the client tools at another server.
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A daemon reparented to a PID 1 that never reaps leaves a zombie: dead for our purposes.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _kill_pid_file(pid_file: Path, timeout: float) -> None:
    """Terminate the process named in ``pid_file`` (first line) and wait until it is gone."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                return
            time.sleep(0.02)
    raise ServiceError(f"process {pid} from {pid_file} survived SIGKILL")


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_running):
        with contextlib.suppress(Exception):
            server.stop()


class PostgresServer:
    """A private PostgreSQL cluster with one database, trust auth, and durability turned off.

    fsync, synchronous_commit and full_page_writes are off: the data is thrown away after the
    run, and they are most of the cost of every commit.
    """

    def __init__(self, database: str = "lms", user: str = "postgres") -> None:
        self.database = database
        self.user = user
        self.port: int | None = None
        self.base_dir: Path | None = None
        self.startup_seconds: float | None = None
        self._bin: Path | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise ServiceError("PostgresServer has not been started")
        return f"postgres://{self.user}@{HOST}:{self.port}/{self.database}"

    @property
    def running(self) -> bool:
        return self.base_dir is not None

    @property
    def data_dir(self) -> Path:
        if self.base_dir is None:
            raise ServiceError("PostgresServer has not been started")
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        if self.base_dir is None:
            raise ServiceError("PostgresServer has not been started")
        return self.base_dir / "server.log"

    def start(self) -> None:
        if self.running:
            raise ServiceError("PostgresServer is already running")
        began = time.monotonic()
        self._bin = find_pg_bin()
        self.base_dir = Path(tempfile.mkdtemp(prefix="lms-pg-", dir="/tmp"))
        _running.add(self)
        try:
            self._prepare_dir(self.base_dir)
            self._run_as_owner(
                [
                    str(self._bin / "initdb"),
                    "-D", str(self.data_dir),
                    "-U", self.user,
                    "-A", "trust",
                    "-E", "UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                what="initdb",
            )  # fmt: skip
            self._start_on_free_port()
            self._run(
                [
                    str(self._bin / "createdb"),
                    "-h", HOST,
                    "-p", str(self.port),
                    "-U", self.user,
                    self.database,
                ],
                what="createdb",
            )  # fmt: skip
        except BaseException:
            self._discard()
            raise
        self.startup_seconds = time.monotonic() - began

    def restart(self) -> None:
        """Stop and start the server on the same port and data, as a database failover would."""
        if not self.running:
            raise ServiceError("PostgresServer is not running")
        self._pg_ctl_stop()
        self._pg_ctl_start()

    def pause(self) -> None:
        """Stop the server but keep its port and data, for :meth:`resume` (an outage)."""
        if not self.running:
            raise ServiceError("PostgresServer is not running")
        self._pg_ctl_stop()

    def resume(self) -> None:
        self._pg_ctl_start()

    def stop(self) -> None:
        if not self.running:
            return
        try:
            self._pg_ctl_stop()
        finally:
            self._discard()

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- internals --------------------------------------------------------------------------

    @staticmethod
    def _as_root() -> bool:
        return os.geteuid() == 0

    def _prepare_dir(self, base: Path) -> None:
        # initdb refuses to run as root, so the cluster belongs to the postgres account, which
        # must own the folder to create the data directory and the socket inside it.
        if self._as_root():
            shutil.chown(base, user="postgres", group="postgres")
        base.chmod(0o700)

    def _owner_prefix(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if self._as_root() else []

    def _run_as_owner(self, args: Sequence[str], what: str) -> None:
        self._run([*self._owner_prefix(), *args], what=what)

    def _run(self, args: Sequence[str], what: str, timeout: float = _PG_START_TIMEOUT) -> None:
        assert self.base_dir is not None
        try:
            proc = subprocess.run(
                list(args),
                cwd=self.base_dir,
                env=_clean_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ServiceError(f"PostgreSQL {what} failed: {exc}\n{self._tail()}") from exc
        if proc.returncode != 0:
            raise ServiceError(
                f"PostgreSQL {what} exited {proc.returncode}\n"
                f"stdout: {proc.stdout.strip()}\nstderr: {proc.stderr.strip()}\n{self._tail()}"
            )

    def _tail(self) -> str:
        if self.base_dir is None:
            return ""
        return f"--- tail of {self.log_file} ---\n{_log_tail(self.log_file)}"

    def _start_on_free_port(self) -> None:
        last: ServiceError | None = None
        for _ in range(_PORT_ATTEMPTS):
            self.port = free_port()
            log_size = self.log_file.stat().st_size if self.log_file.exists() else 0
            try:
                self._pg_ctl_start()
                return
            except ServiceError as exc:
                last = exc
                _handed_out.discard(self.port)
                with self.log_file.open("rb") as log:
                    log.seek(log_size)
                    new_lines = log.read().decode("utf-8", "replace").lower()
                if "could not bind" not in new_lines:
                    raise
        assert last is not None
        raise last

    def _pg_ctl_start(self) -> None:
        assert self._bin is not None
        assert self.base_dir is not None
        assert self.port is not None
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.base_dir}",
                f"-c listen_addresses={HOST}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        self._run_as_owner(
            [
                str(self._bin / "pg_ctl"),
                "-D", str(self.data_dir),
                "-l", str(self.log_file),
                "-w",
                "-t", str(int(_PG_START_TIMEOUT)),
                "-o", options,
                "start",
            ],
            what="start",
        )  # fmt: skip

    def _pg_ctl_stop(self) -> None:
        assert self._bin is not None
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            self._run_as_owner(
                [
                    str(self._bin / "pg_ctl"),
                    "-D", str(self.data_dir),
                    "-m", "fast",
                    "-w",
                    "-t", str(int(_STOP_TIMEOUT)),
                    "stop",
                ],
                what="stop",
            )  # fmt: skip
        except ServiceError:
            # A server that will not shut down cleanly is still not allowed to outlive the run.
            _kill_pid_file(pid_file, timeout=_STOP_TIMEOUT)

    def _discard(self) -> None:
        _running.discard(self)
        if self.base_dir is not None:
            if (self.data_dir / "postmaster.pid").exists():
                with contextlib.suppress(ServiceError):
                    _kill_pid_file(self.data_dir / "postmaster.pid", timeout=_STOP_TIMEOUT)
            shutil.rmtree(self.base_dir, ignore_errors=True)
        self.base_dir = None
        if self.port is not None:
            _handed_out.discard(self.port)


class RedisServer:
    """A private, non-persistent redis-server that can be stopped and started on the same port.

    Tests stop and restart it to check that clients reconnect; the port is kept across restarts,
    while each start gets a fresh empty folder (nothing is saved, so nothing is lost).
    """

    def __init__(self, port: int | None = None, executable: str = "redis-server") -> None:
        self.port: int | None = port
        self.executable = executable
        self.base_dir: Path | None = None
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise ServiceError("RedisServer has not been started")
        return f"redis://{HOST}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.base_dir is not None

    def start(self) -> None:
        if self.running:
            raise ServiceError("RedisServer is already running")
        binary = shutil.which(self.executable)
        if binary is None:
            raise ServiceError(
                f"{self.executable} not found on PATH; run scripts/install-system-packages.sh"
            )
        began = time.monotonic()
        if self.port is not None:
            # A restart: the port is part of the URL the clients already hold.
            self._start_once(binary, self.port)
        else:
            self._start_on_free_port(binary)
        self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        if self.base_dir is None:
            return
        pid_file = self.base_dir / "redis.pid"
        try:
            _kill_pid_file(pid_file, timeout=_STOP_TIMEOUT)
            # The port must be free when stop() returns, so start() can bind it again at once.
            deadline = time.monotonic() + _STOP_TIMEOUT
            while self.port is not None and _port_open(self.port):
                if time.monotonic() > deadline:
                    raise ServiceError(f"redis on port {self.port} still answers after stop")
                time.sleep(0.02)
        finally:
            _running.discard(self)
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None

    def kill(self) -> None:
        """SIGKILL, as a crash would: nothing is flushed. The port stays ours for ``start()``."""
        if self.base_dir is None:
            return
        try:
            pid = int((self.base_dir / "redis.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pid = None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.stop()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
        if self.port is not None:
            _handed_out.discard(self.port)

    # -- internals --------------------------------------------------------------------------

    def _start_on_free_port(self, binary: str) -> None:
        last: ServiceError | None = None
        for _ in range(_PORT_ATTEMPTS):
            port = free_port()
            try:
                self._start_once(binary, port)
            except ServiceError as exc:
                last = exc
                _handed_out.discard(port)
                if "address already in use" not in str(exc).lower():
                    raise
                continue
            self.port = port
            return
        assert last is not None
        raise last

    def _start_once(self, binary: str, port: int) -> None:
        base = Path(tempfile.mkdtemp(prefix="lms-redis-", dir="/tmp"))
        self.base_dir = base
        _running.add(self)
        log_file = base / "redis.log"
        args = [
            binary,
            "--port", str(port),
            "--bind", HOST,
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "yes",
            "--pidfile", str(base / "redis.pid"),
            "--logfile", str(log_file),
            "--dir", str(base),
        ]  # fmt: skip
        try:
            try:
                proc = subprocess.run(
                    args,
                    cwd=base,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=_REDIS_START_TIMEOUT,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ServiceError(f"redis-server failed to launch: {exc}") from exc
            if proc.returncode != 0:
                raise ServiceError(
                    f"redis-server exited {proc.returncode}: {proc.stderr.strip()}\n"
                    f"--- tail of {log_file} ---\n{_log_tail(log_file)}"
                )
            self._wait_ready(port, base)
        except BaseException:
            with contextlib.suppress(ServiceError):
                _kill_pid_file(base / "redis.pid", timeout=_STOP_TIMEOUT)
            _running.discard(self)
            shutil.rmtree(base, ignore_errors=True)
            self.base_dir = None
            raise

    def _wait_ready(self, port: int, base: Path) -> None:
        log_file = base / "redis.log"
        deadline = time.monotonic() + _REDIS_START_TIMEOUT
        last_error = "no answer"
        while time.monotonic() < deadline:
            reply = _redis_ping(port)
            if reply == "+PONG":
                return
            last_error = reply
            # The daemonised child writes its pid file only once it listens; a fatal line in the
            # log before that (a port already in use) means it exited and will never answer.
            if not (base / "redis.pid").exists():
                log = _log_tail(log_file).lower()
                if any(marker in log for marker in _REDIS_FATAL_MARKERS):
                    break
            time.sleep(0.01)
        raise ServiceError(
            f"redis-server on {HOST}:{port} did not answer PING ({last_error})\n"
            f"--- tail of {log_file} ---\n{_log_tail(log_file)}"
        )


def _redis_ping(port: int) -> str:
    """Send PING over a raw socket; return the reply line or a description of the failure."""
    try:
        with socket.create_connection((HOST, port), timeout=1.0) as sock:
            sock.sendall(b"PING\r\n")
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = sock.recv(256)
                if not chunk:
                    break
                data += chunk
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    return data.decode("utf-8", "replace").strip() or "connection closed"


@contextlib.contextmanager
def running_services() -> Iterator[dict[str, str]]:
    """Start PostgreSQL and Redis; yield the environment variables that point tests at them."""
    with contextlib.ExitStack() as stack:
        postgres = stack.enter_context(PostgresServer())
        redis = stack.enter_context(RedisServer())
        yield {
            "LMS_TEST_DATABASE_URL": postgres.url,
            "LMS_TEST_REDIS_URL": redis.url,
        }
