"""``lms-rt serve --workers N``: a small supervisor of N server processes sharing one port.

It restarts a child that dies (with back-off), replaces children one at a time on SIGHUP, each
replacement ready before the process it replaces stops, and stops them all on SIGTERM/SIGINT.
Each child also answers on its own Unix socket in the control folder, so that one process of
several sharing the port can be probed for ``/ready``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("lms_rt.supervisor")

# Time a stopping server gives in-flight requests (its sockets hear 1001 first).
SHUTDOWN_TIMEOUT = 10.0
# A child that dies within STABLE_SECONDS of starting is crash-looping: each further restart
# waits twice as long as the last, from RESTART_BASE_DELAY up to RESTART_MAX_DELAY.
RESTART_BASE_DELAY = 0.5
RESTART_MAX_DELAY = 30.0
STABLE_SECONDS = 30.0
# A replacement must answer /ready within this during a rolling restart, or the rolling
# restart stops there and the process it would have replaced keeps serving.
READY_TIMEOUT = 60.0
# Children still running this long after SIGTERM (past their own shutdown) are killed.
STOP_TIMEOUT = SHUTDOWN_TIMEOUT + 20.0


def control_socket(control_dir: Path, pid: int) -> Path:
    return control_dir / f"{pid}.sock"


def follow_parent(parent_pid: int) -> None:
    """In a child: get SIGTERM when the supervisor dies, so that no server outlives it
    unsupervised."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM))
    if os.getppid() != parent_pid:
        sys.exit("lms-rt serve: the supervisor exited before this server started")


@dataclass(eq=False)
class Child:
    process: asyncio.subprocess.Process
    control: Path
    started: float
    # Stopped on purpose (shutdown, rolling restart): its exit is not a crash.
    retiring: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid


class Supervisor:
    """N ``lms-rt serve`` children on one port: restarts a child that dies (with back-off),
    replaces them one at a time on SIGHUP, and on SIGTERM/SIGINT stops them all, then exits.

    Children run in their own process group, so a terminal's Ctrl+C reaches them once, through
    this process, rather than twice.
    """

    def __init__(self, argv: Sequence[str], workers: int, control_dir: Path) -> None:
        self.argv = list(argv)
        self.control_dir = control_dir
        self.slots: list[Child | None] = [None] * workers
        self.children: set[Child] = set()
        self._failures = [0] * workers
        self._stopping = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._rolling: asyncio.Task[None] | None = None
        self._roll_again = False

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        loop.add_signal_handler(signal.SIGHUP, self.rolling_restart)
        try:
            for slot in range(len(self.slots)):
                if not self._stopping.is_set():
                    self.slots[slot] = await self._spawn(slot)
            await self._stopping.wait()
            await self._shutdown()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.remove_signal_handler(sig)

    def stop(self) -> None:
        log.info("stopping %d server process(es)", len(self.children))
        self._stopping.set()

    def rolling_restart(self) -> None:
        if self._stopping.is_set():
            return
        if self._rolling is not None and not self._rolling.done():
            # A deploy during a rolling restart: go round once more when this one is done.
            self._roll_again = True
            return
        self._rolling = self._spawn_task(self._roll())

    async def _spawn(self, slot: int) -> Child:
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            "--control-dir",
            str(self.control_dir),
            "--parent-pid",
            str(os.getpid()),
            stdin=asyncio.subprocess.DEVNULL,
            process_group=0,
        )
        child = Child(process, control_socket(self.control_dir, process.pid), time.monotonic())
        self.children.add(child)
        self._spawn_task(self._watch(slot, child))
        log.info("server process %d started (slot %d)", child.pid, slot)
        return child

    def _spawn_task(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _watch(self, slot: int, child: Child) -> None:
        code = await child.process.wait()
        self.children.discard(child)
        with contextlib.suppress(OSError):
            child.control.unlink()
        if child.retiring or self._stopping.is_set() or self.slots[slot] is not child:
            return
        lived = time.monotonic() - child.started
        self._failures[slot] = self._failures[slot] + 1 if lived < STABLE_SECONDS else 1
        delay = min(RESTART_MAX_DELAY, RESTART_BASE_DELAY * 2 ** (self._failures[slot] - 1))
        log.warning(
            "server process %d exited unexpectedly (code %s) after %.1f s; restarting in %.1f s",
            child.pid,
            code,
            lived,
            delay,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)
        # Meanwhile a rolling restart may have filled the slot, or a stop begun.
        if not self._stopping.is_set() and self.slots[slot] is child:
            self.slots[slot] = await self._spawn(slot)

    async def _roll(self) -> None:
        while True:
            self._roll_again = False
            for slot in range(len(self.slots)):
                if self._stopping.is_set() or not await self._replace(slot):
                    return
            if not self._roll_again:
                log.info("rolling restart done")
                return

    async def _replace(self, slot: int) -> bool:
        """Start a replacement, wait until it is ready, then stop the process it replaces."""
        # Until it takes the slot, the replacement's death is not restarted (see _watch).
        new = await self._spawn(slot)
        if not await self._until_ready(new):
            log.error(
                "rolling restart stopped: replacement %d not ready within %.0f s; "
                "the running processes keep serving",
                new.pid,
                READY_TIMEOUT,
            )
            await self._terminate([new])
            return False
        old, self.slots[slot] = self.slots[slot], new
        if old is not None:
            old.retiring = True
            await self._terminate([old])
        log.info("slot %d: process %d replaced by %d", slot, old.pid if old else 0, new.pid)
        return True

    async def _until_ready(self, child: Child) -> bool:
        import aiohttp

        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and not self._stopping.is_set():
            if child.process.returncode is not None:
                return False
            with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
                connector = aiohttp.UnixConnector(path=str(child.control))
                async with (
                    aiohttp.ClientSession(connector=connector) as session,
                    session.get("http://localhost/ready", timeout=aiohttp.ClientTimeout(2)) as r,
                ):
                    if r.status == 200:
                        return True
            await asyncio.sleep(0.2)
        return False

    async def _terminate(self, children: Sequence[Child]) -> None:
        """SIGTERM (graceful: 1001 to sockets, requests finish), SIGKILL past STOP_TIMEOUT."""
        for child in children:
            child.retiring = True
            if child.process.returncode is None:
                child.process.send_signal(signal.SIGTERM)
        waits = [child.process.wait() for child in children]
        try:
            await asyncio.wait_for(asyncio.gather(*waits), STOP_TIMEOUT)
        except TimeoutError:
            for child in children:
                if child.process.returncode is None:
                    log.error("server process %d ignored SIGTERM; killing it", child.pid)
                    child.process.kill()
            await asyncio.gather(*(child.process.wait() for child in children))

    async def _shutdown(self) -> None:
        if self._rolling is not None:
            self._rolling.cancel()
            await asyncio.gather(self._rolling, return_exceptions=True)
        await self._terminate(list(self.children))
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        log.info("all server processes stopped")


def supervise(argv: Sequence[str], workers: int, control_dir: Path | None) -> None:
    """Run ``workers`` children of ``argv`` (an ``lms-rt serve`` command line) until told to
    stop; without a ``control_dir``, in a private temporary folder removed afterwards."""
    own_dir = control_dir is None
    folder = control_dir or Path(tempfile.mkdtemp(prefix="lms-rt-"))
    try:
        asyncio.run(Supervisor(argv, workers, folder).run())
    finally:
        if own_dir:
            shutil.rmtree(folder, ignore_errors=True)
