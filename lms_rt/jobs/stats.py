"""Job counts and durations: kept in Redis where jobs run in workers (so the API's
``/metrics`` shows what every worker did), in memory when they run in-process."""

from __future__ import annotations

import abc
from collections import defaultdict
from dataclasses import dataclass

from redis.asyncio import Redis

OUTCOMES = ("enqueued", "succeeded", "failed", "retried", "interrupted")
STATS_KEY = "lms:jobs:stats"


@dataclass(frozen=True)
class JobFigure:
    job: str
    outcome: str
    count: int
    seconds: float  # total run time of the runs with this outcome (0 for "enqueued")


class JobStats(abc.ABC):
    @abc.abstractmethod
    async def record(self, job: str, outcome: str, seconds: float = 0.0) -> None: ...

    @abc.abstractmethod
    async def figures(self) -> list[JobFigure]: ...


class MemoryJobStats(JobStats):
    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], int] = defaultdict(int)
        self._seconds: dict[tuple[str, str], float] = defaultdict(float)

    async def record(self, job: str, outcome: str, seconds: float = 0.0) -> None:
        self._counts[(job, outcome)] += 1
        self._seconds[(job, outcome)] += seconds

    async def figures(self) -> list[JobFigure]:
        return [
            JobFigure(job, outcome, count, self._seconds[(job, outcome)])
            for (job, outcome), count in sorted(self._counts.items())
        ]


class RedisJobStats(JobStats):
    """One hash: ``<job>|<outcome>|n`` counts and ``<job>|<outcome>|s`` summed seconds."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def record(self, job: str, outcome: str, seconds: float = 0.0) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(STATS_KEY, f"{job}|{outcome}|n", 1)
            if seconds:
                pipe.hincrbyfloat(STATS_KEY, f"{job}|{outcome}|s", seconds)
            await pipe.execute()

    async def figures(self) -> list[JobFigure]:
        raw = await self.redis.hgetall(STATS_KEY)  # type: ignore[misc]
        counts: dict[tuple[str, str], int] = {}
        seconds: dict[tuple[str, str], float] = defaultdict(float)
        for field, value in raw.items():
            job, outcome, kind = field.decode().rsplit("|", 2)
            if kind == "n":
                counts[(job, outcome)] = int(value)
            else:
                seconds[(job, outcome)] = float(value)
        return [
            JobFigure(job, outcome, count, seconds[(job, outcome)])
            for (job, outcome), count in sorted(counts.items())
        ]


def prometheus_text(figures: list[JobFigure]) -> bytes:
    """The figures in the Prometheus text format, to append to a process's own metrics."""
    lines = [
        "# HELP lms_jobs_total Background jobs by outcome (enqueued, succeeded, failed, "
        "retried, interrupted)",
        "# TYPE lms_jobs_total counter",
        *(f'lms_jobs_total{{job="{f.job}",outcome="{f.outcome}"}} {f.count}' for f in figures),
        "# HELP lms_job_seconds_total Time spent running jobs, by outcome",
        "# TYPE lms_job_seconds_total counter",
        *(
            f'lms_job_seconds_total{{job="{f.job}",outcome="{f.outcome}"}} {f.seconds:.6f}'
            for f in figures
            if f.outcome != "enqueued"
        ),
    ]
    return ("\n".join(lines) + "\n").encode()
