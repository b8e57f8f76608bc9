"""Job throughput: certificates and emails through real ``lms-rt worker`` processes.

Laid out as deployed: ``lms-rt worker --queue certificates`` and ``lms-rt worker --queue
emails``, two processes on PostgreSQL and Redis, mail going to an SMTP sink (aiosmtpd, in this
process). N completed enrollments are seeded directly; once both workers have run a few
warm-up jobs:

- certificates: N ``issue_certificate`` jobs, enqueued at once through the app's job queue.
  Each renders a PDF, stores it, commits and enqueues the certificate's email, which the
  emails worker sends meanwhile (reported as "certificate emails");
- emails: N ``send_email`` jobs (an enrollment confirmation each), enqueued at once.

Reported per kind (printed, never asserted): the time to enqueue, the time to drain (first
enqueue until the last job finished), jobs/s over it, and job latency p50/p99/max from ARQ's
own records of each job (enqueued, started, finished), split into queue wait and run time.

Correctness, checked every run: every job succeeded; exactly N certificates exist for the N
enrollments, each with its PDF in storage; and the SMTP sink received exactly the expected
Message-IDs (one per certificate, one per email), none missing and none twice. Anything else
exits non-zero.

Run standalone (``make bench`` does): ``python tests/bench/job_throughput.py [--quick]
[--jobs N] [--json PATH]``. It starts its own PostgreSQL, Redis, workers and SMTP sink and
stops all of them, also on error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402
import uvloop  # noqa: E402
from arq import ArqRedis  # noqa: E402
from arq.constants import result_key_prefix  # noqa: E402
from arq.jobs import Job, JobResult  # noqa: E402

from lms_rt.config import Settings  # noqa: E402
from lms_rt.files.storage import LocalStorage  # noqa: E402
from lms_rt.jobs.queue import ArqJobQueue  # noqa: E402
from lms_rt.jobs.stats import RedisJobStats  # noqa: E402
from lms_rt.mail.mailer import message_id  # noqa: E402
from lms_rt.migrate import migrate  # noqa: E402
from tests.bench.common import (  # noqa: E402
    BenchError,
    children_of,
    cpu_seconds,
    machine_cpu,
    percentile,
    write_json,
)
from tests.harness.services import PostgresServer, RedisServer  # noqa: E402
from tests.harness.smtp import SmtpServer  # noqa: E402
from tests.harness.workers import WorkerProcess, worker_env  # noqa: E402

JOBS = 1_000
QUICK_JOBS = 100
WARMUP_JOBS = 5
# Enqueue calls in flight at once: a burst, without one Redis connection per job.
ENQUEUE_CONCURRENCY = 32
POLL_SECONDS = 0.05
# After the last expected delivery: room for a duplicate to arrive, were there one.
SETTLE_SECONDS = 2.0
# ARQ's default per worker process (``lms-rt worker`` does not change it).
ARQ_MAX_JOBS = 10
# Names in two scripts: the PDF shapes Arabic right-to-left text as well as Latin.
NAMES = ("Laila Mourad", "ليلى مراد", "Omar Khaled", "يوسف إبراهيم", "Sara Ahmed", "نور الدين")
KINDS = ("certificates", "certificate_emails", "emails")


@dataclass(frozen=True)
class Student:
    enrollment_id: str
    email: str
    name: str


@dataclass(frozen=True)
class Seeded:
    course_title: str
    warmup: list[Student]
    measured: list[Student]


async def seed(settings: Settings, count: int) -> Seeded:
    """One course and ``count`` (+ warm-up) students who completed it, written directly."""
    from lms_rt.courses.models import Course
    from lms_rt.db import open_database
    from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
    from lms_rt.users.models import Role, User

    # In a task of its own: aerich leaves its closed Tortoise context in the caller's context.
    await asyncio.create_task(migrate(settings))
    async with open_database(settings):
        now = datetime.now(UTC)
        teacher = await User.create(
            email="teacher@example.org",
            password_hash="!",
            full_name="Dr. Ada Lovelace",
            role=Role.INSTRUCTOR,
        )
        course = await Course.create(
            title="Background Jobs in Practice",
            slug="background-jobs",
            instructor=teacher,
            is_published=True,
            published_at=now,
        )
        students = [
            User(
                email=f"student-{i}@example.org",
                password_hash="!",  # matches no password: nobody signs in
                full_name=f"{NAMES[i % len(NAMES)]} {i}",
                role=Role.STUDENT,
            )
            for i in range(count + WARMUP_JOBS)
        ]
        await User.bulk_create(students, batch_size=500)
        enrollments = [
            Enrollment(
                student_id=s.id,
                course_id=course.id,
                status=EnrollmentStatus.COMPLETED,
                started_at=now,
                completed_at=now,
                last_activity_at=now,
                progress_percentage=100.0,
            )
            for s in students
        ]
        await Enrollment.bulk_create(enrollments, batch_size=500)
    rows = [
        Student(str(e.id), s.email, s.full_name) for s, e in zip(students, enrollments, strict=True)
    ]
    return Seeded(course.title, warmup=rows[:WARMUP_JOBS], measured=rows[WARMUP_JOBS:])


# --- what is enqueued ----------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    job_id: str
    args: tuple[Any, ...]


def certificate_work(students: list[Student]) -> list[Work]:
    # The job id the app gives it when an enrollment completes.
    return [Work(f"certificate:{s.enrollment_id}", (s.enrollment_id,)) for s in students]


def email_work(students: list[Student], course_title: str) -> list[Work]:
    work = []
    for s in students:
        key = f"enrollment-confirmation:{s.enrollment_id}"
        context = {
            "name": s.name,
            "course_title": course_title,
            "course_url": "http://127.0.0.1:8080/courses/background-jobs",
        }
        work.append(Work(key, (s.email, "enrollment_confirmation", context, key)))
    return work


def certificate_mail_key(certificate_id: uuid.UUID) -> str:
    """The key (and job id) ``lms_rt.certificates.events`` gives a certificate's email."""
    return f"certificate-issued:{certificate_id}"


# --- measuring -----------------------------------------------------------------------------


def fixed(pids: list[int]) -> Callable[[], list[int]]:
    return lambda: pids


class CpuWatch:
    """CPU seconds of each group of processes over a phase, as a share of one core."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        self.groups = groups
        self.began = time.monotonic()
        self.start = self._sample()

    def _sample(self) -> dict[str, float]:
        sample = {}
        for name, pids in self.groups.items():
            total = 0.0
            for pid in pids():
                with contextlib.suppress(OSError):
                    total += cpu_seconds(pid)
            sample[name] = total
        sample["machine"] = machine_cpu()[0]
        return sample

    def shares(self) -> dict[str, float]:
        wall = max(time.monotonic() - self.began, 1e-9)
        end = self._sample()
        return {name: max(0.0, end[name] - self.start[name]) / wall for name in end}


@dataclass
class Phase:
    kind: str
    jobs: int
    began: float  # wall clock, just before the first enqueue
    enqueue_seconds: float | None
    results: list[JobResult]
    cpu: dict[str, float] = field(default_factory=dict)

    def _spans(self, start: str, end: str) -> list[float]:
        return [
            (getattr(r, end) - getattr(r, start)).total_seconds()
            for r in self.results
            if getattr(r, start) is not None and getattr(r, end) is not None
        ]

    @property
    def drain_seconds(self) -> float:
        return max(r.finish_time.timestamp() for r in self.results) - self.began

    def figures(self) -> dict[str, Any]:
        latency = self._spans("enqueue_time", "finish_time")
        wait = self._spans("enqueue_time", "start_time")
        run = self._spans("start_time", "finish_time")
        first_start = min(r.start_time.timestamp() for r in self.results)
        last_finish = max(r.finish_time.timestamp() for r in self.results)
        drain = self.drain_seconds
        return {
            "jobs": self.jobs,
            "enqueue_seconds": self.enqueue_seconds,
            "drain_seconds": drain,
            "jobs_per_second": self.jobs / drain if drain > 0 else None,
            # Between the first start and the last finish: the workers' own pace.
            "working_jobs_per_second": self.jobs / max(last_finish - first_start, 1e-3),
            "latency_p50_ms": percentile(latency, 0.50) * 1000,
            "latency_p99_ms": percentile(latency, 0.99) * 1000,
            "latency_max_ms": max(latency) * 1000,
            "wait_p50_ms": percentile(wait, 0.50) * 1000,
            "wait_p99_ms": percentile(wait, 0.99) * 1000,
            "run_p50_ms": percentile(run, 0.50) * 1000,
            "run_p99_ms": percentile(run, 0.99) * 1000,
            "tries_above_one": sum(1 for r in self.results if (r.job_try or 1) > 1),
            "cpu": self.cpu,
        }


class Bench:
    def __init__(
        self,
        settings: Settings,
        queue: ArqJobQueue,
        workers: dict[str, WorkerProcess],
        smtp: SmtpServer,
        timeout: float,
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.workers = workers
        self.smtp = smtp
        self.timeout = timeout
        self.problems: list[str] = []
        self.notes: list[str] = []

    @property
    def pool(self) -> ArqRedis:
        return self.queue.pool

    def log(self, message: str) -> None:
        print(f"[job_throughput] {message}", file=sys.stderr, flush=True)

    def check_workers(self) -> None:
        for name, worker in self.workers.items():
            process = worker.process
            if process is None or process.poll() is not None:
                raise BenchError(f"the {name} worker exited:\n{worker.log()}")

    async def enqueue(self, job: str, work: list[Work]) -> None:
        gate = asyncio.Semaphore(ENQUEUE_CONCURRENCY)

        async def one(item: Work) -> None:
            async with gate:
                if not await self.queue.enqueue(job, *item.args, job_id=item.job_id):
                    self.problems.append(f"{job} {item.job_id}: refused as a duplicate")

        await asyncio.gather(*(one(item) for item in work))

    async def wait_until(self, what: str, done: Callable[[], Awaitable[int]], want: int) -> None:
        deadline = time.monotonic() + self.timeout
        count = 0
        while time.monotonic() < deadline:
            count = await done()
            if count >= want:
                return
            self.check_workers()
            await asyncio.sleep(POLL_SECONDS)
        tails = "\n".join(f"--- {n}:\n{w.log()}" for n, w in self.workers.items())
        raise BenchError(f"{what}: {count} of {want} after {self.timeout:.0f} s\n{tails}")

    async def finished(self, job_ids: list[str]) -> int:
        keys = [result_key_prefix + job_id for job_id in job_ids]
        total = 0
        for i in range(0, len(keys), 1000):
            total += int(await self.pool.exists(*keys[i : i + 1000]))
        return total

    async def results(self, job: str, job_ids: list[str], expected: str) -> list[JobResult]:
        results = []
        unexpected: Counter[str] = Counter()
        for job_id in job_ids:
            result = await Job(job_id, self.pool).result_info()
            if result is None:
                unexpected["no result"] += 1
                continue
            if not result.success or result.result != expected:
                unexpected[repr(result.result)[:120]] += 1
            results.append(result)
        for outcome, count in unexpected.items():
            self.problems.append(f"{job}: {count} jobs ended with {outcome}, not {expected!r}")
        return results

    async def run_jobs(
        self, kind: str, job: str, work: list[Work], expected: str, watch: CpuWatch | None
    ) -> Phase:
        ids = [w.job_id for w in work]
        began = time.time()
        await self.enqueue(job, work)
        enqueue_seconds = time.time() - began
        await self.wait_until(f"{kind} finished", lambda: self.finished(ids), len(ids))
        cpu = watch.shares() if watch is not None else {}
        results = await self.results(job, ids, expected)
        return Phase(kind, len(ids), began, enqueue_seconds, results, cpu)

    async def certificate_ids(self, enrollment_ids: list[str]) -> list[uuid.UUID]:
        db = await asyncpg.connect(self.settings.database_url)
        try:
            rows = await db.fetch(
                "SELECT id FROM certificates WHERE enrollment_id = ANY($1::uuid[])",
                [uuid.UUID(e) for e in enrollment_ids],
            )
        finally:
            await db.close()
        return [row["id"] for row in rows]

    async def certificates(
        self, students: list[Student], watch: CpuWatch | None
    ) -> tuple[Phase, Phase]:
        """The certificate jobs, then the emails they enqueued, timed from the same start."""
        phase = await self.run_jobs(
            "certificates", "issue_certificate", certificate_work(students), "issued", watch
        )
        issued = await self.certificate_ids([s.enrollment_id for s in students])
        mail_ids = [certificate_mail_key(c) for c in issued]
        await self.wait_until(
            "certificate emails finished", lambda: self.finished(mail_ids), len(mail_ids)
        )
        cpu = watch.shares() if watch is not None else {}
        results = await self.results("send_email", mail_ids, "sent")
        return phase, Phase("certificate_emails", len(mail_ids), phase.began, None, results, cpu)

    async def run(self, seeded: Seeded, pg: PostgresServer, redis_pid: int) -> dict[str, Phase]:
        postmaster = int((pg.data_dir / "postmaster.pid").read_text().split()[0])
        groups: dict[str, Callable[[], list[int]]] = {
            f"{name} worker": fixed([w.process.pid] if w.process else [])
            for name, w in self.workers.items()
        }
        groups["postgres"] = lambda: [postmaster, *children_of(postmaster)]
        groups["redis"] = fixed([redis_pid])
        groups["driver + smtp sink"] = fixed([os.getpid()])

        self.log(f"warming up: {WARMUP_JOBS} certificates and {WARMUP_JOBS} emails")
        await self.certificates(seeded.warmup, None)
        await self.run_jobs(
            "warm-up emails",
            "send_email",
            email_work(seeded.warmup, seeded.course_title),
            "sent",
            None,
        )
        await asyncio.sleep(1.0)

        n = len(seeded.measured)
        self.log(f"{n} certificate jobs")
        certificates, certificate_emails = await self.certificates(
            seeded.measured, CpuWatch(groups)
        )
        self.log(
            f"certificates: drained in {certificates.drain_seconds:.1f} s; their emails "
            f"{certificate_emails.drain_seconds:.1f} s after the first enqueue"
        )
        await asyncio.sleep(1.0)
        self.log(f"{n} email jobs")
        emails = await self.run_jobs(
            "emails",
            "send_email",
            email_work(seeded.measured, seeded.course_title),
            "sent",
            CpuWatch(groups),
        )
        self.log(f"emails: drained in {emails.drain_seconds:.1f} s")
        return {
            "certificates": certificates,
            "certificate_emails": certificate_emails,
            "emails": emails,
        }

    async def verify(self, seeded: Seeded) -> dict[str, Any]:
        """Certificates, PDFs and Message-IDs against what was asked for: the loud part."""
        await asyncio.sleep(SETTLE_SECONDS)
        everyone = seeded.warmup + seeded.measured
        db = await asyncpg.connect(self.settings.database_url)
        try:
            rows = await db.fetch("SELECT id, enrollment_id, file_key FROM certificates")
            sent_rows = int(await db.fetchval("SELECT count(*) FROM sent_mail"))
        finally:
            await db.close()
        wanted = {uuid.UUID(s.enrollment_id) for s in everyone}
        measured = {uuid.UUID(s.enrollment_id) for s in seeded.measured}
        per_enrollment = Counter(row["enrollment_id"] for row in rows)
        mine = [row for row in rows if row["enrollment_id"] in measured]
        checks: dict[str, Any] = {
            "certificates_expected": len(measured),
            "certificates": len(mine),
            "certificates_twice": sum(1 for c in per_enrollment.values() if c > 1),
            "certificates_unasked": sum(1 for e in per_enrollment if e not in wanted),
        }
        storage = LocalStorage(self.settings.files_dir)
        pdfs = 0
        for row in mine:
            if row["file_key"] is None:
                continue
            with contextlib.suppress(Exception):
                data = await storage.get(row["file_key"])
                if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
                    pdfs += 1
        checks["pdfs_stored"] = pdfs
        if len(mine) != len(measured) or pdfs != len(measured):
            self.problems.append(
                f"{len(mine)} certificates and {pdfs} stored PDFs for {len(measured)} "
                "completed enrollments"
            )
        if checks["certificates_twice"] or checks["certificates_unasked"]:
            self.problems.append(
                f"{checks['certificates_twice']} enrollments with two certificates, "
                f"{checks['certificates_unasked']} certificates nobody asked for"
            )

        received = Counter(self.smtp.message_ids())
        certificate_mails = {message_id(certificate_mail_key(row["id"])) for row in rows}
        confirmations = {message_id(w.job_id) for w in email_work(everyone, seeded.course_title)}
        expected = certificate_mails | confirmations
        measured_certificate_mails = {message_id(certificate_mail_key(row["id"])) for row in mine}
        measured_confirmations = {
            message_id(w.job_id) for w in email_work(seeded.measured, seeded.course_title)
        }
        checks.update(
            {
                "messages_received": sum(received.values()),
                "message_ids_distinct": len(received),
                "message_ids_expected": len(expected),
                "certificate_emails_received": len(measured_certificate_mails & set(received)),
                "emails_received": len(measured_confirmations & set(received)),
                "message_ids_missing": len(expected - set(received)),
                "message_ids_twice": sum(1 for c in received.values() if c > 1),
                "message_ids_unexpected": len(set(received) - expected),
                "sent_mail_rows": sent_rows,
            }
        )
        if (
            checks["message_ids_missing"]
            or checks["message_ids_twice"]
            or checks["message_ids_unexpected"]
        ):
            self.problems.append(
                f"SMTP sink: {checks['message_ids_missing']} Message-IDs missing, "
                f"{checks['message_ids_twice']} received more than once, "
                f"{checks['message_ids_unexpected']} unexpected "
                f"({checks['messages_received']} messages for {len(expected)} expected)"
            )
        if sent_rows != len(expected):
            self.problems.append(f"{sent_rows} sent_mail rows for {len(expected)} messages")

        for figure in await RedisJobStats(self.pool).figures():
            if figure.job not in ("issue_certificate", "send_email"):
                continue
            if figure.outcome in ("failed", "interrupted") and figure.count:
                self.problems.append(f"{figure.job}: {figure.count} runs {figure.outcome}")
            if figure.outcome == "retried" and figure.count:
                self.notes.append(f"{figure.job}: {figure.count} runs asked to retry")
        return checks


# --- report --------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def report(jobs: int, figures: dict[str, dict[str, Any]], checks: dict[str, Any]) -> str:
    rows: list[tuple[str, str, int]] = [
        ("jobs", "jobs", 0),
        ("enqueue, s", "enqueue_seconds", 2),
        ("time to drain (first enqueue → last finished), s", "drain_seconds", 2),
        ("jobs/s over the drain", "jobs_per_second", 1),
        ("jobs/s, first start → last finish", "working_jobs_per_second", 1),
        ("latency enqueue → finished, p50 ms", "latency_p50_ms", 0),
        ("latency enqueue → finished, p99 ms", "latency_p99_ms", 0),
        ("latency enqueue → finished, max ms", "latency_max_ms", 0),
        ("queue wait, p50 ms", "wait_p50_ms", 0),
        ("queue wait, p99 ms", "wait_p99_ms", 0),
        ("run time, p50 ms", "run_p50_ms", 0),
        ("run time, p99 ms", "run_p99_ms", 0),
        ("runs after a retry", "tries_above_one", 0),
    ]
    width = max(len(r[0]) for r in rows)
    head = f"{'figure':<{width}}  " + "  ".join(f"{k:>18}" for k in KINDS)
    lines = [
        f"Job throughput: {jobs:,} certificates and {jobs:,} emails, enqueued at once onto warm "
        "workers",
        head,
        "-" * len(head),
    ]
    for label, key, digits in rows:
        cells = [_f(figures[k].get(key), digits) if k in figures else "-" for k in KINDS]
        lines.append(f"{label:<{width}}  " + "  ".join(f"{c:>18}" for c in cells))
    lines.append(
        "certificate_emails: the emails the certificate jobs enqueued after their commits, "
        "sent by the emails worker while certificates were still being issued; their drain "
        "is timed from the first certificate enqueue."
    )
    lines.append("")
    lines.append("CPU while each kind drained (% of one core):")
    for kind in ("certificate_emails", "emails"):
        cpu = figures.get(kind, {}).get("cpu", {})
        if cpu:
            label = "certificates + their emails" if kind == "certificate_emails" else kind
            parts = ", ".join(f"{k} {v * 100:.0f}%" for k, v in cpu.items() if k != "machine")
            cores = os.cpu_count() or 1
            lines.append(
                f"  {label}: {parts}; machine busy {cpu['machine'] * 100:.0f}% of {cores}00%"
            )
    lines.append("")
    lines.append(
        f"checks: {checks['certificates']} of {checks['certificates_expected']} certificates, "
        f"{checks['pdfs_stored']} PDFs stored, {checks['certificates_twice']} enrollments "
        f"certified twice; SMTP sink: {checks['messages_received']} messages, "
        f"{checks['message_ids_distinct']} distinct Message-IDs of "
        f"{checks['message_ids_expected']} expected (warm-up included), "
        f"{checks['message_ids_missing']} missing, {checks['message_ids_twice']} twice, "
        f"{checks['message_ids_unexpected']} unexpected; {checks['sent_mail_rows']} sent_mail "
        "rows"
    )
    lines.append(
        f"notes: two `lms-rt worker` processes (one per queue, ARQ max_jobs {ARQ_MAX_JOBS} "
        "each, LMS_ENV=production, LMS_LOG_LEVEL=WARNING), local file storage, PostgreSQL and "
        "Redis on the same cores as the driver; the SMTP sink (aiosmtpd) is a thread of the "
        "driver process; latencies come from ARQ's job records (enqueue stamped by the "
        f"enqueuer, finish by the worker), {ENQUEUE_CONCURRENCY} enqueue calls in flight."
    )
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------


async def run(
    jobs: int, pg: PostgresServer, redis_server: RedisServer, workdir: Path
) -> tuple[dict[str, dict[str, Any]], dict[str, Any], list[str], list[str]]:
    settings = Settings(
        env="production",
        secret_key=secrets.token_urlsafe(48),
        database_url=pg.url,
        redis_url=redis_server.url,
        data_dir=workdir / "data",
    )
    seeded = await seed(settings, jobs)
    assert redis_server.base_dir is not None
    redis_pid = int((redis_server.base_dir / "redis.pid").read_text().split()[0])
    with SmtpServer() as smtp:
        env = worker_env(
            settings,
            LMS_ENV="production",
            LMS_LOG_LEVEL="WARNING",
            LMS_SMTP_HOST="127.0.0.1",
            LMS_SMTP_PORT=str(smtp.port),
        )
        workers = {
            queue: WorkerProcess(env, workdir, f"worker-{queue}")
            for queue in ("certificates", "emails")
        }
        queue = await ArqJobQueue.connect(settings.redis_url)
        try:
            for name, worker in workers.items():
                worker.start(name)
            bench = Bench(settings, queue, workers, smtp, timeout=120.0 + jobs * 0.5)
            phases = await bench.run(seeded, pg, redis_pid)
            checks = await bench.verify(seeded)
        finally:
            await asyncio.gather(*(w.stop() for w in workers.values()))
            await queue.close()
    figures = {kind: phase.figures() for kind, phase in phases.items()}
    return figures, checks, bench.problems, bench.notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=JOBS, help=f"jobs per kind (default {JOBS})")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_JOBS} jobs per kind")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    jobs = QUICK_JOBS if args.quick else args.jobs
    if jobs < 1:
        parser.error("--jobs must be at least 1")
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="lms-bench-jobs-") as tmp,
        PostgresServer() as pg,
        RedisServer() as redis_server,
    ):
        try:
            figures, checks, problems, notes = uvloop.run(run(jobs, pg, redis_server, Path(tmp)))
        except BenchError as exc:
            print(f"job_throughput: {exc}", file=sys.stderr)
            return 1
    print(report(jobs, figures, checks))
    for note in notes:
        print(f"note: {note}")
    print(f"wall time: {time.monotonic() - began:.0f} s")
    write_json(
        args.json,
        {
            "benchmark": "job_throughput",
            "quick": args.quick,
            "jobs": jobs,
            "arq_max_jobs": ARQ_MAX_JOBS,
            "kinds": figures,
            "checks": checks,
            "notes": notes,
            "problems": problems,
            "ok": not problems,
        },
    )
    if problems:
        print("\nCHECKS FAILED — the figures above are not valid:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
