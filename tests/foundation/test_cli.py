"""The real commands: `make run`, `lms-rt serve` refusing bad production settings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.harness.services import free_port

ROOT = Path(__file__).resolve().parents[2]
LMS_RT = str(Path(sys.executable).with_name("lms-rt"))


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(values)
    return env


async def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"server exited with {process.returncode}")
            try:
                async with session.get(url + "/health") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await _sleep(0.2)
    raise AssertionError("server did not become healthy")


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


@pytest.mark.slow
async def test_make_run_serves_the_embedded_default(tmp_path):
    port = free_port()
    env = _env(LMS_PORT=str(port), LMS_DATA_DIR=str(tmp_path / "var"))
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_healthy(base, process)
        async with aiohttp.ClientSession() as session:
            async with session.get(base + "/api/docs") as docs:
                assert docs.status == 200
                assert "swagger-ui" in await docs.text()
            async with session.get(base + "/ready", headers={"X-Request-ID": "trace-me-42"}) as r:
                assert r.status == 200
                assert (await r.json())["checks"] == {"database": "ok"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert (tmp_path / "var" / "lms.sqlite3").is_file()
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    traced = [line for line in lines if line.get("request_id") == "trace-me-42"]
    assert traced and traced[0]["path"] == "/ready" and traced[0]["status"] == 200


@pytest.mark.parametrize(
    ("secret", "reason"),
    [(None, "development key"), ("short-secret", "at least 32 bytes")],
)
def test_production_refuses_weak_secret(tmp_path, secret, reason):
    env = _env(LMS_ENV="production", LMS_DATA_DIR=str(tmp_path), LMS_PORT=str(free_port()))
    if secret is not None:
        env["LMS_SECRET_KEY"] = secret
    result = subprocess.run(
        [LMS_RT, "serve"], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode != 0
    assert "LMS_SECRET_KEY" in result.stderr and reason in result.stderr
