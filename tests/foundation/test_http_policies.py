"""Request ids, security headers, CORS and rate limiting."""

from __future__ import annotations

import pytest

from lms_rt.http.headers import HSTS

LONG_SECRET = "s" * 48


async def test_request_id_is_generated_when_absent(client):
    response = await client.get("/health")
    assert len(response.headers["X-Request-ID"]) == 32


async def test_request_id_is_echoed_when_given(client):
    response = await client.get("/api/v1/nothing", headers={"X-Request-ID": "abc-123.x"})
    assert response.status == 404
    assert response.headers["X-Request-ID"] == "abc-123.x"


async def test_unsafe_request_id_is_replaced(client):
    response = await client.get("/health", headers={"X-Request-ID": "bad id\u00e9<script>"})
    assert response.headers["X-Request-ID"] != "bad id\u00e9<script>"
    assert len(response.headers["X-Request-ID"]) == 32


async def test_security_headers_on_api_and_pages(client):
    api = await client.get("/health")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in api.headers
    page = await client.get("/")
    assert page.status == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert "frame-ancestors 'none'" in csp


async def test_hsts_only_in_production(make_client):
    client = await make_client(env="production", secret_key=LONG_SECRET)
    response = await client.get("/health")
    assert response.headers["Strict-Transport-Security"] == HSTS


async def test_docs_page_needs_no_cdn(client):
    response = await client.get("/api/docs")
    assert response.status == 200
    html = await response.text()
    assert "http://" not in html and "https://" not in html
    for asset in (
        "/api/docs/assets/swagger-ui-bundle.js",
        "/api/docs/assets/swagger-ui.css",
        "/static/api-docs.js",
    ):
        assert asset in html
        assert (await client.get(asset)).status == 200


async def test_cors_preflight_for_allowed_origin(make_client):
    client = await make_client(cors_origins="https://app.example.org")
    response = await client.options(
        "/api/v1/openapi.json",
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "AUTHORIZATION" in response.headers["Access-Control-Allow-Headers"].upper()
    simple = await client.get("/api/v1/openapi.json", headers={"Origin": "https://app.example.org"})
    assert simple.headers["Access-Control-Allow-Origin"] == "https://app.example.org"


async def test_cors_preflight_refused_for_other_origins(make_client):
    client = await make_client(cors_origins="https://app.example.org")
    response = await client.options(
        "/api/v1/openapi.json",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert response.status == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert (await response.json())["error"]["code"] == "forbidden"
    simple = await client.get(
        "/api/v1/openapi.json", headers={"Origin": "https://evil.example.com"}
    )
    assert "Access-Control-Allow-Origin" not in simple.headers


async def test_rate_limit_gives_429_with_retry_after(make_client):
    client = await make_client(rate_limit="3/minute")
    statuses = [(await client.get("/api/v1/openapi.json")).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert (await response.json())["error"]["code"] == "rate_limited"
    # Probes are never throttled.
    assert (await client.get("/health")).status == 200
    assert (await client.get("/ready")).status == 200


async def test_rotating_forwarded_for_from_an_untrusted_peer_does_not_evade(make_client):
    client = await make_client(rate_limit="3/minute")
    statuses = [
        (await client.get("/", headers={"X-Forwarded-For": f"10.0.0.{i}"})).status for i in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


async def test_trusted_proxy_forwarded_for_identifies_clients(make_client):
    client = await make_client(rate_limit="2/minute", trusted_proxies="127.0.0.0/8")
    first = [
        (await client.get("/", headers={"X-Forwarded-For": "203.0.113.7"})).status for _ in range(3)
    ]
    assert first == [200, 200, 429]
    # Another client behind the same proxy has its own budget.
    other = await client.get("/", headers={"X-Forwarded-For": "198.51.100.9"})
    assert other.status == 200
    # A client cannot prepend addresses to escape: the right-most untrusted hop counts.
    forged = await client.get("/", headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.7"})
    assert forged.status == 429


@pytest.mark.services
async def test_rate_limit_counters_are_shared_through_redis(settings):
    """Two processes' limiters on one Redis see one budget per client."""
    from redis.asyncio import Redis

    from lms_rt.http.ratelimit import RateLimiter, make_storage

    first_redis, second_redis = (
        Redis.from_url(settings.redis_url),
        Redis.from_url(settings.redis_url),
    )
    try:
        await first_redis.flushdb()
        first = RateLimiter(make_storage(first_redis), "3/minute", namespace="http")
        second = RateLimiter(make_storage(second_redis), "3/minute", namespace="http")
        results = [await limiter.hit("203.0.113.1") for limiter in (first, second, first, second)]
        assert results[:3] == [None, None, None]
        assert results[3] is not None and 1 <= results[3] <= 60
        assert await second.hit("198.51.100.2") is None
    finally:
        await first_redis.aclose()
        await second_redis.aclose()
