"""``lms-rt worker``: one ARQ ``Worker`` per queue, all in one process and one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from datetime import UTC
from typing import Any

from aiohttp import web
from arq import Worker, func
from arq.connections import RedisSettings
from redis.exceptions import RedisError

from lms_rt.config import ConfigurationError, Settings
from lms_rt.jobs.cron import arq_cron_jobs, cron_specs
from lms_rt.jobs.instrument import instrumented
from lms_rt.jobs.queue import KEEP_RESULT_SECONDS
from lms_rt.jobs.registry import MAX_TRIES, QUEUES, job_specs, queue_name
from lms_rt.jobs.stats import JobStats, RedisJobStats, prometheus_text
from lms_rt.resources import open_deps

log = logging.getLogger(__name__)

# ARQ's polling loop ends at the first Redis error; a worker waits this long and polls again,
# so a Redis restart or a network blip does not end the process.
REDIS_RETRY_SECONDS = 1.0


def build_worker(
    settings: Settings,
    queue: str,
    ctx: dict[str, Any],
    stats: JobStats,
    *,
    burst: bool = False,
) -> Worker:
    functions = [
        func(
            instrumented(spec.name, spec.function, stats, spec.max_tries),  # type: ignore[arg-type]
            name=spec.name,
            max_tries=spec.max_tries,
        )
        for spec in job_specs().values()
        if spec.queue == queue
    ]
    schedules = [spec for spec in cron_specs(settings) if spec.queue == queue]
    return Worker(
        functions=functions,
        cron_jobs=arq_cron_jobs(
            schedules, lambda spec: instrumented(spec.name, spec.function, stats, 3)
        ),
        queue_name=queue_name(queue),
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        # A SIGKILLed worker's job becomes runnable again after job_timeout + 10 s.
        job_timeout=settings.job_timeout_seconds,
        max_tries=MAX_TRIES,
        keep_result=KEEP_RESULT_SECONDS,
        ctx=ctx,
        burst=burst,
        # Schedules are stated in UTC, as the in-process runner reads them.
        timezone=UTC,
        handle_signals=False,
        # ARQ fills its free slots, then waits this long before reading the queue again:
        # at 0.5 s a burst of short jobs (mail) drained at a few dozen a second.
        poll_delay=0.1,
        max_jobs=settings.worker_concurrency,
    )


async def run_workers(settings: Settings, queues: Sequence[str], *, burst: bool = False) -> None:
    if not settings.redis_url:
        raise ConfigurationError(
            "lms-rt worker needs LMS_REDIS_URL; the embedded default runs jobs inside "
            "`lms-rt serve`"
        )
    unknown = set(queues) - set(QUEUES)
    if unknown:
        raise ConfigurationError(f"unknown queue(s): {', '.join(sorted(unknown))}")
    async with AsyncExitStack() as stack, open_deps(settings, stack) as deps:
        assert deps.redis is not None
        stats = RedisJobStats(deps.redis)
        workers = [
            build_worker(settings, queue, {"deps": deps}, stats, burst=burst)
            for queue in queues
            if any(spec.queue == queue for spec in job_specs().values())
        ]
        if settings.worker_metrics_port:
            await stack.enter_async_context(serve_metrics(settings, stats))
        loop = asyncio.get_running_loop()
        stopping = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # SIGTERM cancels running jobs, which ARQ re-queues for another worker at once.
            loop.add_signal_handler(sig, _stop_all, workers, sig, stopping)
        log.info("worker serving queues %s", ", ".join(queues))
        try:
            await asyncio.gather(*(_serve(worker, stopping) for worker in workers))
        except asyncio.CancelledError:
            pass
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            for worker in workers:
                try:
                    await worker.close()
                except (RedisError, OSError) as exc:
                    log.warning("closing %s: Redis unavailable (%s)", worker.queue_name, exc)


async def _serve(worker: Worker, stopping: asyncio.Event) -> None:
    """Run one ARQ worker until stopped, through Redis outages: jobs already running go on,
    and polling resumes once Redis answers again."""
    while not stopping.is_set():
        try:
            await worker.async_run()
            return
        except (RedisError, OSError) as exc:
            if stopping.is_set():
                return
            log.warning(
                "queue %s: Redis unavailable (%s); polling again in %.0f s",
                worker.queue_name,
                exc,
                REDIS_RETRY_SECONDS,
            )
        with suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), REDIS_RETRY_SECONDS)


@asynccontextmanager
async def serve_metrics(settings: Settings, stats: JobStats) -> AsyncIterator[None]:
    """``GET /metrics`` on the worker's own small port: the job figures of every worker."""

    async def metrics(request: web.Request) -> web.Response:
        body = prometheus_text(await stats.figures())
        return web.Response(body=body, content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.worker_metrics_port)
    await site.start()
    try:
        yield
    finally:
        await runner.cleanup()


def _stop_all(workers: Sequence[Worker], sig: signal.Signals, stopping: asyncio.Event) -> None:
    stopping.set()
    for worker in workers:
        worker.handle_sig(sig)
