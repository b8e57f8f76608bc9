"""Each shared resource as an async context manager, opened in dependency order.

The web app enters them through cleanup contexts; the worker enters the same managers, so a
job sees exactly the objects a request handler sees.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web
from redis.asyncio import Redis

from lms_rt import keys
from lms_rt.auth.kit import AuthKit
from lms_rt.clock import Clock
from lms_rt.config import Settings
from lms_rt.db import open_database
from lms_rt.deps import Deps
from lms_rt.files.s3 import S3Storage
from lms_rt.files.signing import UrlSigner
from lms_rt.files.storage import LocalStorage, Storage
from lms_rt.http.ratelimit import RateLimiter, make_storage
from lms_rt.http.shared_limit import SharedWindowLimiter
from lms_rt.jobs.queue import ArqJobQueue, InlineJobQueue, JobQueue
from lms_rt.mail.mailer import make_mailer
from lms_rt.realtime.bus import Bus, MemoryBus, RedisBus

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_redis(settings: Settings) -> AsyncIterator[Redis | None]:
    if not settings.redis_url:
        yield None
        return
    client = Redis.from_url(settings.redis_url, health_check_interval=30)
    try:
        yield client
    finally:
        await client.aclose()


@asynccontextmanager
async def open_bus(settings: Settings, redis: Redis | None) -> AsyncIterator[Bus]:
    """RedisBus across processes in services mode; MemoryBus in one process when embedded."""
    bus: Bus
    if redis is not None:
        bus = RedisBus(
            redis,
            history_size=settings.ws_history_size,
            history_ttl=settings.ws_history_ttl_seconds,
            sharded=settings.redis_sharded_pubsub,
        )
    else:
        bus = MemoryBus(history_size=settings.ws_history_size)
    await bus.start()
    try:
        yield bus
    finally:
        await bus.close()


@asynccontextmanager
async def open_storage(settings: Settings) -> AsyncIterator[Storage]:
    """S3 (bucket created if missing) when ``storage_backend`` is "s3"; else local files."""
    storage: Storage
    if settings.storage_backend == "s3":
        storage = S3Storage(
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            endpoint_url=settings.s3_endpoint_url,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    else:
        storage = LocalStorage(settings.files_dir, UrlSigner(settings.secret_key))
    await storage.start()
    try:
        yield storage
    finally:
        await storage.close()


@asynccontextmanager
async def open_jobs(settings: Settings, context: dict[str, Any]) -> AsyncIterator[JobQueue]:
    """ARQ in services mode; the in-process runner (same functions) when embedded."""
    queue: JobQueue
    if settings.redis_url:
        queue = await ArqJobQueue.connect(settings.redis_url)
    else:
        queue = InlineJobQueue(context)
    try:
        yield queue
    finally:
        await queue.close()


@asynccontextmanager
async def open_deps(settings: Settings, stack: AsyncExitStack) -> AsyncIterator[Deps]:
    """Database, Redis, bus, storage, mailer, job queue and auth: what services and jobs use."""
    redis = await stack.enter_async_context(open_redis(settings))
    counters = make_storage(redis)
    await stack.enter_async_context(open_database(settings))
    bus = await stack.enter_async_context(open_bus(settings, redis))
    storage = await stack.enter_async_context(open_storage(settings))
    job_context: dict[str, Any] = {}
    jobs = await stack.enter_async_context(open_jobs(settings, job_context))
    deps = Deps(
        settings=settings,
        redis=redis,
        counters=counters,
        bus=bus,
        jobs=jobs,
        mailer=make_mailer(settings),
        storage=storage,
        auth=AuthKit.build(settings, counters),
        clock=Clock(),
    )
    job_context["deps"] = deps
    yield deps


async def deps_context(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    async with AsyncExitStack() as stack, open_deps(settings, stack) as deps:
        app[keys.DEPS] = deps
        app[keys.REDIS] = deps.redis
        if deps.redis is not None:
            # Every request passes here: counted locally and shared in batches, not per hit.
            shared = SharedWindowLimiter(deps.redis, settings.rate_limit, namespace="http")
            stack.push_async_callback(shared.close)
            app[keys.RATE_LIMITER] = shared
        else:
            app[keys.RATE_LIMITER] = RateLimiter(
                deps.counters, settings.rate_limit, namespace="http"
            )
        app[keys.BUS] = deps.bus
        app[keys.JOBS] = deps.jobs
        app[keys.STORAGE] = deps.storage
        app[keys.MAILER] = deps.mailer
        yield


async def http_client_context(app: web.Application) -> AsyncIterator[None]:
    async with ClientSession(timeout=ClientTimeout(total=30)) as session:
        app[keys.HTTP] = session
        yield


CLEANUP_CONTEXTS = (deps_context, http_client_context)
