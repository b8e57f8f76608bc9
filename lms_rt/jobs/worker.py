"""``lms-rt worker``: one ARQ ``Worker`` per queue, all in one process and one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

from arq import Worker, func
from arq.connections import RedisSettings

from lms_rt.config import ConfigurationError, Settings
from lms_rt.jobs.queue import KEEP_RESULT_SECONDS, MAX_TRIES
from lms_rt.jobs.registry import QUEUES, job_specs, queue_name
from lms_rt.resources import open_deps

log = logging.getLogger(__name__)


def build_worker(
    settings: Settings, queue: str, ctx: dict[str, Any], *, burst: bool = False
) -> Worker:
    functions = [
        func(spec.function, name=spec.name, max_tries=MAX_TRIES)  # type: ignore[arg-type]
        for spec in job_specs().values()
        if spec.queue == queue
    ]
    return Worker(
        functions=functions,
        queue_name=queue_name(queue),
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        # A SIGKILLed worker's job becomes runnable again after job_timeout + 10 s.
        job_timeout=settings.job_timeout_seconds,
        max_tries=MAX_TRIES,
        keep_result=KEEP_RESULT_SECONDS,
        ctx=ctx,
        burst=burst,
        handle_signals=False,
        poll_delay=0.5,
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
        workers = [
            build_worker(settings, queue, {"deps": deps}, burst=burst)
            for queue in queues
            if any(spec.queue == queue for spec in job_specs().values())
        ]
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # SIGTERM cancels running jobs, which ARQ re-queues for another worker at once.
            loop.add_signal_handler(sig, _stop_all, workers, sig)
        log.info("worker serving queues %s", ", ".join(queues))
        try:
            await asyncio.gather(*(worker.async_run() for worker in workers))
        except asyncio.CancelledError:
            pass
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            for worker in workers:
                await worker.close()


def _stop_all(workers: Sequence[Worker], sig: signal.Signals) -> None:
    for worker in workers:
        worker.handle_sig(sig)
