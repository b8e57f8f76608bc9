"""PostgreSQL or Redis away: the API answers 503 JSON with Retry-After (never a 500 or a
trace), ``/ready`` names what is missing, nothing is half-written, and everything recovers
by itself once the service is back — no restart of lms_rt."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest

from lms_rt.enrollments.models import Enrollment
from lms_rt.users.models import Role
from tests.conftest import TEST_SECRET
from tests.factories import create_course, signed_in
from tests.harness.services import PostgresServer, RedisServer

pytestmark = pytest.mark.services
API = "/api/v1"


async def _until_ok(
    client: Any, path: str, headers: dict[str, str], seconds: float = 20
) -> list[int]:
    """Statuses seen until the first 200; none of them may be a 500."""
    seen: list[int] = []
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        response = await client.get(path, headers=headers)
        seen.append(response.status)
        if response.status == 200:
            return seen
        assert response.status == 503, await response.text()
        assert asyncio.get_running_loop().time() < deadline, seen
        await asyncio.sleep(0.2)


async def _migrate(url: str) -> None:
    """In a process of its own: migrating here would replace this process's ORM context."""
    migrating = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lms_rt",
        "migrate",
        env={**os.environ, "LMS_DATABASE_URL": url, "LMS_SECRET_KEY": TEST_SECRET},
    )
    assert await migrating.wait() == 0


async def _enroll(client: Any, course: Any, headers: dict[str, str]) -> Any:
    return await client.post(
        f"{API}/enrollments", json={"course_id": str(course.id)}, headers=headers
    )


async def test_a_database_outage_is_503_and_heals(make_client):
    with PostgresServer() as database:
        await _migrate(database.url)
        client = await make_client(database_url=database.url)
        teacher, _ = await signed_in(client, Role.INSTRUCTOR)
        course = await create_course(client, teacher)
        student, headers = await signed_in(client)
        assert (await client.get(f"{API}/courses", headers=headers)).status == 200

        database.pause()
        try:
            for response in (
                await client.get(f"{API}/courses", headers=headers),
                await client.get(f"{API}/users/me", headers=headers),
                await _enroll(client, course, headers),
            ):
                text = await response.text()
                assert response.status == 503, text
                assert (await response.json())["error"]["code"] == "unavailable"
                assert response.headers["Retry-After"] == "5" and "Traceback" not in text
            ready = await client.get("/ready")
            assert ready.status == 503 and (await ready.json())["checks"]["database"] == "failed"
            assert (await client.get("/health")).status == 200
        finally:
            database.resume()

        await _until_ok(client, f"{API}/courses", headers)
        assert (await client.get("/ready")).status == 200
        # The enrollment refused during the outage was never written; one now works.
        assert not await Enrollment.filter(student_id=student.id).exists()
        response = await _enroll(client, course, headers)
        assert response.status == 201, await response.text()


async def test_a_redis_outage_keeps_the_api_serving(make_client):
    redis = RedisServer()
    redis.start()
    try:
        client = await make_client(redis_url=redis.url)
        teacher, _ = await signed_in(client, Role.INSTRUCTOR)
        course = await create_course(client, teacher)
        _, headers = await signed_in(client)
        redis.stop()
        # Reads and writes that need only PostgreSQL go on; shared rate limits fail open.
        assert (await client.get(f"{API}/courses", headers=headers)).status == 200
        response = await _enroll(client, course, headers)
        assert response.status == 201, await response.text()
        ready = await client.get("/ready")
        assert ready.status == 503 and (await ready.json())["checks"]["redis"] == "failed"

        redis.start()  # same port, empty
        await _until_ok(client, "/ready", {})
        assert (await client.get(f"{API}/users/me", headers=headers)).status == 200
    finally:
        redis.stop()
