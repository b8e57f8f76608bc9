"""Jobs that run on a schedule: ARQ cron jobs in a worker, the same functions in-process
when embedded.

Each run is idempotent (the weekly report's messages have one key per instructor and week),
so two workers, a restart within the minute or a catch-up run change nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from arq import cron
from arq.cron import CronJob

from lms_rt import keys
from lms_rt.config import Settings
from lms_rt.jobs.registry import JobFunction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CronSpec:
    """When a job runs, in UTC: ``None`` for weekday or hour means every one."""

    name: str
    function: JobFunction
    queue: str
    weekday: int | None = None  # ISO: 1 = Monday
    hour: int | None = None
    minutes: frozenset[int] = frozenset({0})

    def due(self, at: datetime) -> bool:
        return (
            (self.weekday is None or at.isoweekday() == self.weekday)
            and (self.hour is None or at.hour == self.hour)
            and at.minute in self.minutes
        )

    def slot(self, at: datetime) -> str:
        """One name per scheduled run: its week, day, hour and minute."""
        year, week, day = at.isocalendar()
        return f"{self.name}:{year}-W{week:02d}-{day}T{at.hour:02d}:{at.minute:02d}"


def cron_specs(settings: Settings) -> list[CronSpec]:
    from lms_rt.announcements.service import publish_due
    from lms_rt.certificates.repair import repair_certificates
    from lms_rt.mail.weekly import send_weekly_reports
    from lms_rt.payments.subscriptions import expire_subscriptions
    from lms_rt.payments.sweep import sweep_payments
    from lms_rt.payments.tasks import reconcile_stripe
    from lms_rt.privacy.erasure import erase_due
    from lms_rt.privacy.retention import enforce_retention

    return [
        CronSpec(
            "send_weekly_reports",
            send_weekly_reports,
            "default",
            weekday=settings.weekly_report_weekday,
            hour=settings.weekly_report_hour,
        ),
        # Certificates whose job was lost or gave up are picked up again within minutes.
        CronSpec(
            "repair_certificates",
            repair_certificates,
            "certificates",
            minutes=frozenset(range(5, 60, 10)),
        ),
        # Announcements due whose deferred job was lost.
        CronSpec(
            "publish_due_announcements", publish_due, "default", minutes=frozenset(range(0, 60, 5))
        ),
        # Stripe events that never arrived as webhooks are fetched and processed.
        CronSpec("reconcile_stripe", reconcile_stripe, "payments", minutes=frozenset({15, 45})),
        # Webhook events never processed, receipts never sent, MyFatoorah invoices unanswered.
        CronSpec("sweep_payments", sweep_payments, "payments", minutes=frozenset(range(3, 60, 10))),
        # Enrollments from subscriptions whose paid period ended without a renewal.
        CronSpec(
            "expire_subscriptions",
            expire_subscriptions,
            "payments",
            minutes=frozenset(range(0, 60, 10)),
        ),
        # Accounts whose erasure cooling-off period is over.
        CronSpec("erase_due_accounts", erase_due, "default", minutes=frozenset(range(7, 60, 15))),
        # Retention: old live logs, chat, notifications and expired data exports go.
        CronSpec(
            "enforce_retention", enforce_retention, "default", hour=3, minutes=frozenset({30})
        ),
    ]


def arq_cron_jobs(specs: list[CronSpec], wrap: Callable[[CronSpec], JobFunction]) -> list[CronJob]:
    return [
        cron(
            wrap(spec),  # type: ignore[arg-type]
            name=spec.name,
            weekday=None if spec.weekday is None else spec.weekday - 1,  # ARQ: Monday is 0
            hour=spec.hour,
            minute=set(spec.minutes),
            unique=True,  # one run per slot, however many workers
            max_tries=3,
        )
        for spec in specs
    ]


async def inline_cron_context(app: web.Application) -> AsyncIterator[None]:
    """The embedded default's schedules, run by the in-process job runner."""
    from lms_rt.jobs.queue import InlineJobQueue

    deps = app[keys.DEPS]
    if not isinstance(deps.jobs, InlineJobQueue):
        yield  # a worker process runs them
        return
    runner = deps.jobs
    schedules = InlineCron(
        cron_specs(deps.settings),
        lambda spec: runner.run_scheduled(spec.name, spec.function),
        clock=deps.clock.now,
    )
    schedules.start()
    yield
    await schedules.stop()


class InlineCron:
    """Checks every few seconds whether a schedule is due and runs it once per slot."""

    def __init__(
        self,
        specs: list[CronSpec],
        run: Callable[[CronSpec], Any],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.specs = specs
        self._run = run
        self._clock = clock
        self._done: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="inline-cron")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def tick(self) -> list[str]:
        """Start what is due now; the slots started."""
        now = self._clock()
        started = []
        for spec in self.specs:
            slot = spec.slot(now)
            if spec.due(now) and slot not in self._done:
                self._done.add(slot)
                self._run(spec)
                started.append(slot)
        return started

    async def _loop(self) -> None:
        while True:
            try:
                self.tick()
            except Exception:
                log.exception("inline cron tick failed")
            await asyncio.sleep(10)
