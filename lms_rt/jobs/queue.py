"""Enqueueing jobs: onto ARQ in services mode, onto an in-process runner when embedded.

Both run the same job functions with the same retry policy: ``Retry`` re-runs the job after
its ``defer`` up to ``MAX_TRIES`` times; any other exception fails it for good.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import time
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from arq import ArqRedis, Retry, create_pool
from arq.connections import RedisSettings

from lms_rt.jobs.instrument import instrumented
from lms_rt.jobs.registry import (
    MAX_TRIES,
    QUEUES,
    JobFunction,
    JobSpec,
    job_specs,
    queue_name,
)
from lms_rt.jobs.stats import JobStats, MemoryJobStats, RedisJobStats

log = logging.getLogger(__name__)

# ARQ forgets a job id once its result expires; the inline runner keeps ids as long.
KEEP_RESULT_SECONDS = 3600
SEEN_PRUNE_AT = 10_000


class UnknownJob(LookupError):
    pass


class JobQueue(abc.ABC):
    def __init__(self, stats: JobStats) -> None:
        self.specs: dict[str, JobSpec] = job_specs()
        self.stats = stats

    def spec(self, name: str) -> JobSpec:
        try:
            return self.specs[name]
        except KeyError:
            raise UnknownJob(f"no worker knows a job named {name!r}") from None

    @abc.abstractmethod
    async def enqueue(
        self, name: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> bool:
        """Queue a job; ``False`` when a job with the same ``job_id`` is already known."""

    async def close(self) -> None:
        return None

    @abc.abstractmethod
    async def depth(self) -> dict[str, int]:
        """Jobs waiting, per queue."""


class ArqJobQueue(JobQueue):
    def __init__(self, pool: ArqRedis) -> None:
        super().__init__(RedisJobStats(pool))
        self.pool = pool

    @classmethod
    async def connect(cls, redis_url: str) -> ArqJobQueue:
        return cls(await create_pool(RedisSettings.from_dsn(redis_url)))

    async def enqueue(
        self, name: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> bool:
        spec = self.spec(name)
        job = await self.pool.enqueue_job(
            name,
            *args,
            _job_id=job_id,
            _queue_name=queue_name(spec.queue),
            _defer_by=timedelta(seconds=defer_by) if defer_by else None,
        )
        if job is not None:
            await self.stats.record(name, "enqueued")
        return job is not None

    async def close(self) -> None:
        await self.pool.aclose()

    async def depth(self) -> dict[str, int]:
        async with self.pool.pipeline(transaction=False) as pipe:
            for queue in QUEUES:
                pipe.zcard(queue_name(queue))
            counts = await pipe.execute()
        return {queue: int(n) for queue, n in zip(QUEUES, counts, strict=True)}


class InlineJobQueue(JobQueue):
    """Runs jobs as tasks of this process (the embedded default)."""

    def __init__(self, context: dict[str, Any]) -> None:
        super().__init__(MemoryJobStats())
        self.context = context
        self._tasks: set[asyncio.Task[None]] = set()
        self._seen: dict[str, float] = {}

    async def enqueue(
        self, name: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> bool:
        spec = self.spec(name)
        if job_id is not None:
            now = time.monotonic()
            if self._seen.get(job_id, 0.0) > now:
                return False
            if len(self._seen) > SEEN_PRUNE_AT:
                # Ids are remembered as long as ARQ keeps results, and no longer.
                self._seen = {k: until for k, until in self._seen.items() if until > now}
            self._seen[job_id] = now + KEEP_RESULT_SECONDS
        await self.stats.record(name, "enqueued")
        self._spawn(self._run(spec.name, spec.function, args, defer_by or 0.0, spec.max_tries))
        return True

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def run_scheduled(self, name: str, function: JobFunction) -> None:
        """A cron job's run, with the same retry policy as queued jobs."""
        self._spawn(self._run(name, function, (), 0.0))

    async def _run(
        self,
        name: str,
        job: JobFunction,
        args: tuple[Any, ...],
        delay: float,
        max_tries: int = MAX_TRIES,
    ) -> None:
        function = instrumented(name, job, self.stats, max_tries)
        for attempt in range(1, max_tries + 1):
            if delay:
                await asyncio.sleep(delay)
            ctx = {**self.context, "job_try": attempt}
            try:
                await function(ctx, *args)
                return
            except Retry as retry:
                delay = _seconds(retry.defer_score)
                log.warning("job %s asked to retry (try %d) in %.1fs", name, attempt, delay)
            except Exception:
                log.exception("job %s failed", name)
                return
        log.error("job %s gave up after %d tries", name, max_tries)

    async def depth(self) -> dict[str, int]:
        waiting: dict[str, int] = dict.fromkeys(QUEUES, 0)
        waiting["in_process"] = len(self._tasks)
        return waiting

    async def drain(self) -> None:
        """Wait until every queued job has finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*tuple(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in tuple(self._tasks):
            task.cancel()
        await asyncio.gather(*tuple(self._tasks), return_exceptions=True)


def _seconds(defer_score: int | None) -> float:
    return (defer_score or 0) / 1000
