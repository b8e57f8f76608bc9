"""``/health``, ``/ready``, ``/metrics``, ``/api/v1/openapi.json`` and ``/api/docs``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import aiohttp_jinja2
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from tortoise import connections

from lms_rt import keys
from lms_rt.http.openapi import ApiRoutes, json_response
from lms_rt.jobs.stats import prometheus_text

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
api = ApiRoutes(tag="system")

# A probe must answer quickly even when a dependency hangs: a readiness check that itself
# hangs would keep a broken instance in the load balancer.
READY_TIMEOUT_SECONDS = 2.0


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    """The process is alive and serving; says nothing about its dependencies."""
    return json_response({"status": "ok"})


async def _check_database() -> None:
    await connections.get("default").execute_query("SELECT 1")


async def _check(name: str, probe: Awaitable[object]) -> str | None:
    try:
        await asyncio.wait_for(probe, READY_TIMEOUT_SECONDS)
    except Exception as exc:
        log.warning("readiness check %s failed: %s", name, exc)
        return f"{type(exc).__name__}"
    return None


@routes.get("/ready")
async def ready(request: web.Request) -> web.Response:
    """Database (and Redis in services mode) reachable; 503 names what is not."""
    checks: dict[str, Awaitable[object]] = {"database": _check_database()}
    redis = request.app[keys.REDIS]
    if redis is not None:
        checks["redis"] = redis.ping()
    results = {name: await _check(name, probe) for name, probe in checks.items()}
    failed = {name: reason for name, reason in results.items() if reason is not None}
    body: dict[str, object] = {
        "status": "unavailable" if failed else "ok",
        "checks": {
            name: ("ok" if reason is None else "failed") for name, reason in results.items()
        },
    }
    if failed:
        body["error"] = {
            "code": "unavailable",
            "message": "Not ready: " + ", ".join(sorted(failed)) + " unreachable",
            "details": [{"check": name, "reason": reason} for name, reason in failed.items()],
        }
    return json_response(body, status=503 if failed else 200)


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """This process's figures, and the job figures of every worker (from Redis) or of the
    in-process runner."""
    body = request.app[keys.METRICS].render()
    try:
        body += prometheus_text(await request.app[keys.DEPS].jobs.stats.figures())
    except Exception as exc:  # Redis away: the process's own figures still answer
        log.warning("job figures unavailable: %s", exc)
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


@routes.get("/api/v1/openapi.json")
async def openapi_document(request: web.Request) -> web.Response:
    return json_response(request.app[keys.API].document())


@routes.get("/api/docs")
@aiohttp_jinja2.template("api_docs.html")
async def api_docs(request: web.Request) -> dict[str, str]:
    """Swagger UI served from this server's own static files; no CDN involved."""
    return {"openapi_url": "/api/v1/openapi.json"}
