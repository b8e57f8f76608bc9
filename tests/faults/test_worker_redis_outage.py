"""``lms-rt worker`` lives through Redis going away: it polls again once Redis is back, and a
SIGTERM during the outage still stops it."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.exceptions import RedisError

from lms_rt import keys
from lms_rt.mail.models import SentMail
from tests.harness.services import RedisServer
from tests.harness.workers import WorkerProcess, worker_env

pytestmark = [pytest.mark.services, pytest.mark.slow]

OUTAGE = 3.0


async def _until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.1)


async def _enqueue_mail(client, key: str) -> None:
    """Queue a message once this process's own Redis connections have come back."""
    jobs = client.app[keys.JOBS]
    deadline = time.monotonic() + 10
    while True:
        try:
            context = {"name": "Ada", "course_title": "Faults", "course_url": "http://x/c"}
            await jobs.enqueue(
                "send_email", "ada@example.org", "enrollment_confirmation", context, key, job_id=key
            )
            return
        except (RedisError, OSError):
            assert time.monotonic() < deadline, "this process never reconnected to Redis"
            await asyncio.sleep(0.2)


async def test_a_worker_survives_a_redis_outage_and_stops_during_one(
    make_client, tmp_path, figures
):
    redis = RedisServer()
    redis.start()
    worker: WorkerProcess | None = None
    try:
        client = await make_client(redis_url=redis.url)
        worker = WorkerProcess(worker_env(client.app[keys.SETTINGS]), tmp_path)
        worker.start("emails")
        await _enqueue_mail(client, "before")
        await _until(lambda: SentMail.filter(key="before").exists(), 30, worker.log())

        redis.kill()
        await asyncio.sleep(OUTAGE)
        assert worker.process is not None and worker.process.poll() is None, worker.log()
        redis.start()  # the same port, empty
        back = time.monotonic()
        await _enqueue_mail(client, "after")
        await _until(lambda: SentMail.filter(key="after").exists(), 15, worker.log())
        figures.add("mail sent after Redis returned within", f"{time.monotonic() - back:.1f} s")

        redis.kill()
        await asyncio.sleep(1.5)
        began = time.monotonic()
        code = await worker.stop(timeout=10)
        figures.add(
            "SIGTERM during an outage: exit code / seconds",
            f"{code} / {time.monotonic() - began:.1f}",
        )
        assert code == 0, worker.log()
    finally:
        if worker is not None:
            worker.kill()
        redis.stop()
