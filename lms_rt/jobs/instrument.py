"""Counting each run of a job by how it ended, around the job function itself, so that ARQ
workers and the in-process runner count alike."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

from arq import Retry

from lms_rt.jobs.registry import JobFunction
from lms_rt.jobs.stats import JobStats

log = logging.getLogger(__name__)


def instrumented(name: str, function: JobFunction, stats: JobStats, max_tries: int) -> JobFunction:
    @functools.wraps(function)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            result = await function(ctx, *args, **kwargs)
        except Retry:
            last = int(ctx.get("job_try", 1)) >= max_tries
            await _record(stats, name, "failed" if last else "retried", began)
            raise
        except asyncio.CancelledError:
            # A worker told to stop (ARQ queues the job again) or a job over its timeout
            # (ARQ gives up on it): from inside, the two look alike.
            await _record(stats, name, "interrupted", began)
            raise
        except Exception:
            await _record(stats, name, "failed", began)
            raise
        await _record(stats, name, "succeeded", began)
        return result

    return run


async def _record(stats: JobStats, name: str, outcome: str, began: float) -> None:
    try:
        await stats.record(name, outcome, time.perf_counter() - began)
    except Exception as exc:  # counting must never change a job's outcome
        log.warning("recording job %s %s failed: %s", name, outcome, exc)
