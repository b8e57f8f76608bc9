from __future__ import annotations

import pytest

from tests.harness.services import RedisServer


async def test_health_answers_without_touching_dependencies(client):
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_ready_checks_database_and_redis(client, settings):
    response = await client.get("/ready")
    assert response.status == 200
    body = await response.json()
    expected = {"database": "ok", "redis": "ok"} if settings.redis_url else {"database": "ok"}
    assert body["checks"] == expected


@pytest.mark.services
async def test_ready_turns_503_naming_redis_when_redis_stops(make_client):
    redis = RedisServer()
    redis.start()
    try:
        client = await make_client(redis_url=redis.url)
        assert (await client.get("/ready")).status == 200
        redis.stop()
        response = await client.get("/ready")
        body = await response.json()
        assert response.status == 503
        assert body["checks"] == {"database": "ok", "redis": "failed"}
        assert body["error"]["code"] == "unavailable"
        assert "redis" in body["error"]["message"]
        assert (await client.get("/health")).status == 200
    finally:
        redis.stop()
