"""Middlewares, outermost first: request id and access log, errors, rate limit."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from lms_rt import keys
from lms_rt.errors import LmsError, RateLimited, Unavailable, error_for_status
from lms_rt.http.client_ip import client_ip, parse_networks
from lms_rt.http.outages import RETRY_AFTER_SECONDS, is_outage
from lms_rt.logs import request_id_var, safe_url

access_log = logging.getLogger("lms_rt.access")
error_log = logging.getLogger("lms_rt.errors")

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes and scrapes are not throttled: a load balancer polling /ready must never see 429.
_UNLIMITED_PATHS = frozenset({"/health", "/ready", "/metrics"})


def _route_label(request: web.Request) -> str:
    info = request.match_info
    route = getattr(info, "route", None)
    resource = getattr(route, "resource", None)
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Assigns the request id, then logs one JSON access line and records metrics.

    The line never carries headers (Authorization, Cookie, signatures, CSRF tokens) or bodies;
    its path has secret query parameters redacted and email addresses masked.
    """
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    token = request_id_var.set(request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        if not response.prepared:
            response.headers[REQUEST_ID_HEADER] = request_id
        return response
    finally:
        elapsed = time.perf_counter() - started
        route = _route_label(request)
        metrics = request.app[keys.METRICS]
        metrics.http_requests.labels(request.method, route, str(status)).inc()
        metrics.http_latency.labels(request.method, route).observe(elapsed)
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": safe_url(request.rel_url.raw_path, request.query.items()),
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "remote": request.remote,
                },
            )
        request_id_var.reset(token)


def error_response(error: LmsError) -> web.Response:
    response = web.Response(
        body=orjson.dumps(error.body()), status=error.status, content_type="application/json"
    )
    response.headers.update(error.headers)
    return response


@web.middleware
async def render_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every 4xx and 5xx leaves as ``{"error": {...}}``; a 500 reveals nothing internal."""
    try:
        return await handler(request)
    except LmsError as exc:
        if exc.status >= 500:
            error_log.error("service error: %s", exc.message, exc_info=exc)
        return error_response(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        error = error_for_status(exc.status, exc.reason)
        response = error_response(error)
        for header in ("Allow", "Retry-After"):
            if header in exc.headers:
                response.headers[header] = exc.headers[header]
        return response
    except asyncio.CancelledError:
        raise
    except ConnectionResetError as exc:
        transport = request.transport
        if transport is None or transport.is_closing():
            # The client went away mid-request (a dropped upload): nobody is left to answer
            # and nothing failed on our side.
            access_log.info("client left during %s %s: %s", request.method, request.path, exc)
            raise
        # Reset by a backing service instead (a database shutting down): answered as below.
        return _failure(request, exc)
    except Exception as exc:
        return _failure(request, exc)


def _failure(request: web.Request, exc: Exception) -> web.Response:
    if is_outage(exc):
        error_log.warning(
            "backing service unavailable on %s %s: %r", request.method, request.path, exc
        )
        return error_response(
            Unavailable(
                "A service this needs is briefly unavailable; try again shortly",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        )
    error_log.exception("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(LmsError())


def rate_limit(trusted_proxies: list[str]) -> Middleware:
    """Per-client-IP limit on every request except probes, scrapes and static files."""
    trusted = parse_networks(trusted_proxies)

    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in _UNLIMITED_PATHS or request.path.startswith("/static/"):
            return await handler(request)
        try:
            retry_after = await request.app[keys.RATE_LIMITER].hit(client_ip(request, trusted))
        except Exception as exc:
            if not is_outage(exc):
                raise
            # The shared counters are away (Redis restarting): serve rather than refuse all.
            error_log.warning("rate limit counters unavailable, not limiting: %r", exc)
            retry_after = None
        if retry_after is not None:
            raise RateLimited("Too many requests; slow down", retry_after=retry_after)
        return await handler(request)

    return limit
