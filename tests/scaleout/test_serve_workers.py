"""``lms-rt serve --workers N``: N server processes on one port under a small supervisor."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.factories import create_user, login
from tests.harness.servers import LMS_RT, SupervisorProcess, alive, probe, server_env
from tests.harness.ws import WsClient
from tests.scaleout.resuming import until

SOCKETS = 16


def _gauge(metrics: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", metrics, re.MULTILINE)
    assert match, f"{name} not in /metrics"
    return float(match.group(1))


async def _answers_ping(ws: WsClient) -> bool:
    try:
        await ws.send({"op": "ping"})
        await ws.expect("pong")
    except (ConnectionError, aiohttp.ClientError, TimeoutError):
        return False
    return True


def _restarts(log_path: Path, count: int) -> list[str] | None:
    """The back-off delays the supervisor logged, once there are ``count`` of them."""
    found = re.findall(r"restarting in ([\d.]+) s", log_path.read_text())
    return found if len(found) >= count else None


def _refusal(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    clean.update({"LMS_DATA_DIR": str(tmp_path / "var"), "LMS_LOG_JSON": "false", **env})
    return subprocess.run(
        [LMS_RT, "serve", *args], env=clean, capture_output=True, text=True, timeout=30
    )


def test_serve_refuses_workers_it_cannot_run(tmp_path):
    refused = _refusal(tmp_path, "--workers", "2")
    assert refused.returncode == 1
    assert "--workers 2 needs services mode" in refused.stderr
    assert "LMS_REDIS_URL" in refused.stderr and "one process" in refused.stderr
    # A Redis URL alone does not do: SQLite cannot be shared by several server processes.
    half = _refusal(tmp_path, "--workers", "2", LMS_REDIS_URL="redis://127.0.0.1:1/0")
    assert half.returncode == 1 and "needs services mode" in half.stderr
    nothing = _refusal(tmp_path, "--workers", "0")
    assert nothing.returncode == 1 and "at least 1" in nothing.stderr
    long_dir = _refusal(tmp_path, "--workers", "1", "--control-dir", "/tmp/" + "d" * 100)
    assert long_dir.returncode == 1 and "too long a path for a Unix socket" in long_dir.stderr


@pytest.mark.slow
async def test_a_child_that_keeps_dying_is_restarted_ever_more_slowly(tmp_path):
    # A plain listener (no SO_REUSEPORT) on the port: every child fails to bind it and exits.
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        env.update(
            LMS_DATA_DIR=str(tmp_path / "var"),
            LMS_PORT=str(blocker.getsockname()[1]),
            LMS_LOG_JSON="false",
            LMS_LOG_LEVEL="WARNING",
        )
        log_path = tmp_path / "crashing.log"
        with log_path.open("wb") as log:
            supervisor = subprocess.Popen(
                [LMS_RT, "serve", "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                delays = await until(lambda: _restarts(log_path, 3), timeout=30, what="restarts")
                # Told to stop while waiting out a back-off, it stops at once.
                supervisor.send_signal(signal.SIGTERM)
                assert await asyncio.to_thread(supervisor.wait, 15) == 0
            finally:
                if supervisor.poll() is None:
                    supervisor.kill()
                    supervisor.wait()
    assert [float(d) for d in delays[:3]] == [0.5, 1.0, 2.0]
    assert "address already in use" in log_path.read_text()


@pytest.mark.services
@pytest.mark.slow
async def test_two_children_share_the_port_a_killed_one_is_replaced_sigterm_stops_all(
    client, settings, tmp_path
):
    env = server_env(settings, LMS_WS_MAX_CONNECTIONS_PER_USER=str(SOCKETS * 2))
    supervisor = SupervisorProcess(env, tmp_path, "workers", 2)
    await supervisor.start()
    try:
        first, second = supervisor.children()
        user = await create_user(client)
        token = (await login(client, user.email))["access_token"]
        async with aiohttp.ClientSession() as http:
            sockets = []
            for _ in range(SOCKETS):
                ws = await WsClient.connect(http, supervisor.url + "/ws")
                await ws.auth(token)
                sockets.append(ws)
            # The kernel spread the connections over both processes' listeners.
            counts = {}
            for child in (first, second):
                _, metrics = await probe(supervisor.control_socket(child), "/metrics")
                counts[child] = _gauge(metrics, "lms_ws_connections")
            assert sum(counts.values()) == SOCKETS
            assert all(count >= 1 for count in counts.values()), counts

            # A child that dies is replaced; the other one is left alone.
            os.kill(first, signal.SIGKILL)
            children = await supervisor.until_serving(without={first}, timeout=20)
            assert second in children and first not in children
            [replacement] = [pid for pid in children if pid != second]
            assert "exited unexpectedly (code -9)" in supervisor.log()
            # Exactly the killed process's sockets are gone; the others never noticed.
            answering = await asyncio.gather(*(_answers_ping(ws) for ws in sockets))
            assert answering.count(False) == counts[first]
            survivors = [ws for ws, ok in zip(sockets, answering, strict=True) if ok]
            fresh = await WsClient.connect(http, supervisor.url + "/ws")
            await fresh.auth(token)
            survivors.append(fresh)

            # SIGTERM to the supervisor reaches every child: sockets hear 1001, all exit.
            supervisor.signal(signal.SIGTERM)
            codes = await asyncio.gather(*(ws.closed_with(timeout=20) for ws in survivors))
            assert set(codes) == {1001}
            assert await supervisor.wait(30) == 0
            assert not alive(second) and not alive(replacement)
    finally:
        await supervisor.stop()


@pytest.mark.services
@pytest.mark.slow
async def test_sighup_replaces_children_one_at_a_time_and_requests_keep_succeeding(
    client, settings, tmp_path
):
    supervisor = SupervisorProcess(server_env(settings), tmp_path, "rolling", 2)
    await supervisor.start()
    try:
        old = set(supervisor.children())
        statuses: list[int] = []
        retried = 0
        fewest_ready = 2
        done = asyncio.Event()

        async def traffic() -> None:
            nonlocal retried
            # A new connection per request, so the kernel picks a listener for each.
            connector = aiohttp.TCPConnector(force_close=True)
            async with aiohttp.ClientSession(connector=connector) as http:
                while not done.is_set():
                    for attempt in range(2):
                        try:
                            async with http.get(supervisor.url + "/api/v1/courses") as r:
                                statuses.append(r.status)
                            break
                        except aiohttp.ClientConnectionError:
                            # A connection the kernel queued on a listener just as it closed
                            # is reset (see docs/deploy.md, tcp_migrate_req); clients retry.
                            retried += 1
                            if attempt:
                                raise
                    await asyncio.sleep(0.01)

        async def watch() -> None:
            nonlocal fewest_ready
            while not done.is_set():
                ready = 0
                for child in supervisor.children():
                    try:
                        status, _ = await probe(supervisor.control_socket(child), "/ready")
                    except (aiohttp.ClientError, OSError, TimeoutError):
                        continue
                    ready += status == 200
                fewest_ready = min(fewest_ready, ready)
                await asyncio.sleep(0.05)

        tasks = [asyncio.create_task(traffic()), asyncio.create_task(watch())]
        await asyncio.sleep(0.3)
        supervisor.signal(signal.SIGHUP)
        new = await supervisor.until_serving(without=old, timeout=40)
        # The last replaced process may still be finishing its requests.
        await until(lambda: not any(alive(pid) for pid in old), timeout=20, what="old children")
        done.set()
        await asyncio.gather(*tasks)

        assert not old & set(new)
        # Each replacement was ready before the process it replaced stopped.
        assert fewest_ready == 2
        assert len(statuses) > 50 and set(statuses) == {200}, (len(statuses), set(statuses))
        assert retried <= 1
        assert await supervisor.stop() == 0
    finally:
        await supervisor.stop()
