"""PostgreSQL goes away for a few seconds while two ``lms-rt serve`` processes take enrollments,
progress and payment webhooks, and a worker processes the webhooks.

Students enroll in a free course, report time (each report with its id) and complete lessons,
each request retried on 503 as a client honouring ``Retry-After`` would; "Stripe" (the local
stand-in) delivers each payment's signed ``payment_intent.succeeded`` webhook and retries it
until it gets a 2xx, as Stripe does. A few seconds in, PostgreSQL stops (fast shutdown: open
connections are cut) and starts again on the same port and data after ``OUTAGE`` seconds.

While it is away every failing request is a 503 with the JSON error shape and
``Retry-After``, never a 500 or a trace; the pools recover with no restart; and afterwards no
enrollment or payment is half-written: every counter agrees with the rows it counts, every
acknowledged progress report counted exactly once, every payment settled once with one grant,
every webhook processed.
"""

from __future__ import annotations

import asyncio
import email
import json
import random
import time
import uuid
from collections import Counter
from email import policy
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from lms_rt import keys
from lms_rt.courses.models import Course, Lesson
from lms_rt.enrollments.models import (
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
    ProgressReport,
    ProgressStatus,
)
from lms_rt.jobs.queue import ArqJobQueue
from lms_rt.mail.mailer import message_id
from lms_rt.mail.models import SentMail
from lms_rt.notifications.models import Notification, NotificationType
from lms_rt.payments.models import Payment, PaymentStatus, WebhookEvent
from lms_rt.users.models import Role
from tests.conftest import TEST_SECRET
from tests.factories import create_course, signed_in
from tests.harness import crowd
from tests.harness.private_postgres import migrated_postgres
from tests.harness.servers import ServerProcess, server_env
from tests.harness.services import PostgresServer
from tests.harness.stripe_standin import StripeStandIn
from tests.harness.workers import WorkerProcess, worker_env
from tests.payments.helpers import PRICE, STRIPE_SECRET

pytestmark = [pytest.mark.services, pytest.mark.slow]

SEED = 2202
KEY = "sk_test_lms"
STUDENTS = 40
PAYERS = 20
LESSONS = 3
REPORT_SECONDS = 3
LOAD_SECONDS = 12.0
OUTAGE_AFTER = 3.0
OUTAGE = 4.0
THINK = (0.3, 1.0)  # between one student's requests
DELIVER_EVERY = 0.4  # one payment's webhook after another
RETRY_PAUSE = 0.3
SETTLE_TIMEOUT = 30.0
API = "/api/v1"


class Traffic:
    """Every HTTP attempt's status, and the checks every 503 must pass."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.http = http
        self.statuses: Counter[int] = Counter()
        self.by_kind: dict[str, Counter[int]] = {}
        self.problems: list[str] = []
        self.timeline: list[tuple[float, int]] = []  # (monotonic time, status) of each answer

    async def until_done(
        self, kind: str, method: str, url: str, *, final: set[int], **kwargs: Any
    ) -> tuple[int, str]:
        """Send until the answer is one of ``final``; retried only on 503."""
        while True:
            async with self.http.request(method, url, **kwargs) as response:
                text = await response.text()
                self.timeline.append((time.monotonic(), response.status))
                self.statuses[response.status] += 1
                self.by_kind.setdefault(kind, Counter())[response.status] += 1
                if response.status in final:
                    return response.status, text
                if response.status != 503:
                    self.problems.append(f"{kind} {method} {url}: {response.status} {text[:300]}")
                    return response.status, text
                self._check_unavailable(kind, response, text)
            await asyncio.sleep(RETRY_PAUSE)

    def _check_unavailable(self, kind: str, response: aiohttp.ClientResponse, text: str) -> None:
        try:
            code = (response.content_type == "application/json") and _error_code(text)
        except ValueError:
            code = None
        if code != "unavailable" or "Traceback" in text or not response.headers.get("Retry-After"):
            self.problems.append(f"{kind}: a 503 that is not the JSON outage answer: {text[:300]}")


def _error_code(text: str) -> str | None:
    body = json.loads(text)
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


async def test_postgres_restarted_under_load(make_client, tmp_path, figures):
    async with migrated_postgres(TEST_SECRET) as database, StripeStandIn(KEY) as stripe:
        client = await make_client(
            database_url=database.url,
            stripe_api_key=KEY,
            stripe_api_base=stripe.url,
            stripe_webhook_secret=STRIPE_SECRET,
        )
        settings = client.app[keys.SETTINGS]
        stripe_env = {
            "LMS_STRIPE_API_KEY": KEY,
            "LMS_STRIPE_API_BASE": stripe.url,
            "LMS_STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
        }
        servers = [
            ServerProcess(server_env(settings, **stripe_env), tmp_path, name) for name in "ab"
        ]
        worker = WorkerProcess(
            worker_env(
                settings,
                LMS_JOB_TIMEOUT_SECONDS="10",
                LMS_MAIL_RETRY_BASE_SECONDS="1",
                **stripe_env,
            ),
            tmp_path,
        )
        try:
            await asyncio.gather(*(s.start() for s in servers))
            worker.start("payments", "emails")
            await _scenario(figures, client, database, stripe, servers, worker)
        finally:
            await worker.stop()
            await asyncio.gather(*(s.stop() for s in servers))


async def _scenario(
    figures: Any,
    client: Any,
    database: PostgresServer,
    stripe: StripeStandIn,
    servers: list[ServerProcess],
    worker: WorkerProcess,
) -> None:
    rng = random.Random(SEED)
    settings = client.app[keys.SETTINGS]
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    free = await create_course(client, teacher, lessons=LESSONS)
    paid = await create_course(client, teacher, price_amount=PRICE)
    lessons = [str(x.id) for x in await Lesson.filter(course_id=free.id).order_by("order")]
    students = await crowd.students(settings, STUDENTS)
    payers = await crowd.students(settings, PAYERS, name="Payer")
    urls = [s.url for s in servers]

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        traffic = Traffic(http)
        intents = []
        for i, payer in enumerate(payers):
            async with http.post(
                f"{urls[i % 2]}{API}/payments/create-payment-intent",
                json={"course_id": str(paid.id)},
                headers=_auth(payer),
            ) as response:
                assert response.status == 201, await response.text()
                intents.append((await response.json())["payment_id"])
        references = [
            str((await Payment.get(id=uuid.UUID(payment_id))).provider_reference)
            for payment_id in intents
        ]
        # A slow provider keeps webhook jobs running when the database goes.
        stripe.delay = 0.3
        stop = time.monotonic() + LOAD_SECONDS
        acked: dict[str, dict[str, int]] = {}

        async def student(i: int, member: crowd.Member) -> None:
            url = urls[i % 2] + API
            mine = acked[member.id] = {"reports": 0, "completed": 0, "lost_commit": 0}
            # Arrivals spread over the first half of the load: some enroll during the outage.
            await asyncio.sleep(rng.uniform(0, LOAD_SECONDS / 2))
            status, text = await traffic.until_done(
                "enroll",
                "POST",
                f"{url}/enrollments",
                final={201, 409},
                json={"course_id": str(free.id)},
                headers=_auth(member),
            )
            if status == 201:
                enrollment = json.loads(text)["id"]
            else:  # the first try committed, its answer was lost: read it back
                mine["lost_commit"] = 1
                enrollment = await _enrollment_id(traffic, url, member, free.id)
            while time.monotonic() < stop:
                await asyncio.sleep(rng.uniform(*THINK))
                base = f"{url}/enrollments/{enrollment}/lessons"
                if mine["completed"] < LESSONS and rng.random() < 0.25:
                    lesson = lessons[mine["completed"]]
                    await traffic.until_done(
                        "complete", "POST", f"{base}/{lesson}/complete", final={200},
                        headers=_auth(member),
                    )  # fmt: skip
                    mine["completed"] += 1
                else:
                    report = {
                        "time_spent_seconds": REPORT_SECONDS,
                        "report_id": f"r{mine['reports']}",
                    }
                    await traffic.until_done(
                        "progress", "PUT", f"{base}/{rng.choice(lessons)}/progress",
                        final={200}, json=report, headers=_auth(member),
                    )  # fmt: skip
                    mine["reports"] += 1

        async def stripe_delivers() -> None:
            for i, reference in enumerate(references):
                await asyncio.sleep(DELIVER_EVERY)
                event = stripe.succeed_intent(reference)
                body, signed = stripe.webhook(event, STRIPE_SECRET)
                await traffic.until_done(
                    "webhook", "POST", f"{urls[i % 2]}{API}/payments/webhooks/stripe",
                    final={200}, data=body, headers=signed,
                )  # fmt: skip

        async def outage() -> tuple[float, float]:
            await asyncio.sleep(OUTAGE_AFTER)
            began = time.monotonic()
            await asyncio.to_thread(database.pause)
            await asyncio.sleep(OUTAGE)
            await asyncio.to_thread(database.resume)
            return began, time.monotonic()

        load_began = time.monotonic()
        away = asyncio.create_task(outage())
        await asyncio.gather(stripe_delivers(), *(student(i, m) for i, m in enumerate(students)))
        outage_began, outage_ended = await away
        load_seconds = time.monotonic() - load_began
        # The pools recover by themselves: both servers ready again, no restart.
        for server in servers:
            await server.until_ready(timeout=10)
        await _ready(client)
        settled = await _settled(client.app[keys.JOBS], worker)

    figures.add("requests", sum(traffic.statuses.values()))
    figures.add("status histogram", dict(sorted(traffic.statuses.items())))
    for kind, counts in sorted(traffic.by_kind.items()):
        figures.add(f"  {kind}", dict(sorted(counts.items())))
    figures.add(
        "outage",
        f"{outage_ended - outage_began:.1f} s (from {outage_began - load_began:.1f} s into "
        f"{load_seconds:.1f} s of load)",
    )
    after = [(t - outage_ended, status) for t, status in traffic.timeline if t > outage_ended]
    late = [t for t, status in after if status == 503]
    figures.add(
        "after the database returned: first success / 503s / last 503",
        f"+{min(t for t, status in after if status < 300):.2f} s / {len(late)} / "
        + (f"+{max(late):.2f} s" if late else "none"),
    )
    figures.add("webhooks processed and queues drained after the load within", f"{settled:.1f} s")
    assert not traffic.problems, traffic.problems
    assert set(traffic.statuses) <= {200, 201, 409, 503}, traffic.statuses
    assert traffic.statuses[503] > 0, "the outage refused nothing"
    await _nothing_half_written(figures, settings.outbox_dir, free, paid, students, payers, acked)


def _auth(member: crowd.Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {member.token}"}


async def _enrollment_id(traffic: Traffic, url: str, member: crowd.Member, course: Any) -> str:
    """The student's enrollment in ``course``, read back over the API (retried on 503)."""
    _, text = await traffic.until_done(
        "read", "GET", f"{url}/enrollments/my-courses", final={200}, headers=_auth(member)
    )
    for row in json.loads(text):
        if row["course"]["id"] == str(course):
            return str(row["enrollment"]["id"])
    raise AssertionError(f"{member.id} is not enrolled")


async def _ready(client: Any) -> None:
    """This process's own pool is back too (the checks below read through it)."""
    deadline = time.monotonic() + 10
    while (await client.get("/ready")).status != 200:
        assert time.monotonic() < deadline, "this process's database pool did not recover"
        await asyncio.sleep(0.2)


async def _settled(jobs: ArqJobQueue, worker: WorkerProcess) -> float:
    """Seconds until every stored webhook is processed and the worker's queues are empty
    (jobs that met the outage wait for their retry there)."""
    began = time.monotonic()
    while True:
        depth = await jobs.depth()
        busy = [key async for key in jobs.pool.scan_iter(match="arq:in-progress:*")]
        unprocessed = await WebhookEvent.filter(processed_at=None).exists()
        stored = await WebhookEvent.all().count()
        if stored and not unprocessed and not depth["payments"] + depth["emails"] and not busy:
            return time.monotonic() - began
        assert time.monotonic() - began < SETTLE_TIMEOUT, (depth, worker.log())
        await asyncio.sleep(0.2)


def _outbox_message_ids(folder: Path) -> set[str]:
    ids = set()
    for path in folder.glob("*.eml"):
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        ids.add(str(parsed["Message-ID"]))
    return ids


async def _nothing_half_written(
    figures: Any,
    outbox: Path,
    free: Any,
    paid: Any,
    students: list[crowd.Member],
    payers: list[crowd.Member],
    acked: dict[str, dict[str, int]],
) -> None:
    # Enrollments: one each, counters equal to the rows they count, each report counted once.
    enrollments = await Enrollment.filter(course_id=free.id)
    assert sorted(str(e.student_id) for e in enrollments) == sorted(m.id for m in students)
    confirmed = Counter(
        n.user_id for n in await Notification.filter(type=NotificationType.ENROLLMENT_CONFIRMED)
    )
    reports_total = 0
    for enrollment in enrollments:
        mine = acked[str(enrollment.student_id)]
        progress = await LessonProgress.filter(enrollment_id=enrollment.id)
        completed = [p for p in progress if p.status == ProgressStatus.COMPLETED]
        reports = await ProgressReport.filter(enrollment_id=enrollment.id).count()
        reports_total += reports
        assert reports == mine["reports"], (enrollment.id, reports, mine)
        assert (
            enrollment.total_time_spent_seconds
            == sum(p.time_spent_seconds for p in progress)
            == REPORT_SECONDS * reports
        )
        assert enrollment.completed_lessons_count == len(completed) == mine["completed"]
        assert enrollment.total_lessons_count == LESSONS
        assert enrollment.progress_percentage == round(100.0 * len(completed) / LESSONS, 2)
        finished = len(completed) == LESSONS
        assert (enrollment.status == EnrollmentStatus.COMPLETED) == finished
        assert (enrollment.completed_at is not None) == finished
        assert confirmed[enrollment.student_id] == 1
    # Payments: settled once each, one grant, one notification, one receipt.
    payments = await Payment.filter(course_id=paid.id)
    grants = await Enrollment.filter(course_id=paid.id)
    events = await WebhookEvent.all()
    receipts = await SentMail.filter(template="payment_receipt").count()
    noticed = Counter(
        n.user_id for n in await Notification.filter(type=NotificationType.PAYMENT_RESULT)
    )
    assert len(payments) == len(payers)
    assert all(p.status == PaymentStatus.SUCCEEDED for p in payments)
    assert sorted(str(g.student_id) for g in grants) == sorted(m.id for m in payers)
    assert all(g.source == EnrollmentSource.PAYMENT for g in grants)
    assert {p.enrollment_id for p in payments} == {g.id for g in grants}
    assert len(events) == len(payers) and all(e.processed_at is not None for e in events)
    assert all(noticed[g.student_id] == 1 for g in grants)
    assert all(confirmed[g.student_id] == 1 for g in grants)
    for course, rows in ((free, enrollments), (paid, grants)):
        stored = await Course.get(id=course.id)
        assert stored.enrollment_count == len(rows)
    # Mail jobs that met the outage waited for the database instead of giving up.
    mailed = Counter(
        key.split(":")[1]
        for key in await SentMail.filter(template="enrollment_confirmation").values_list(
            "key", flat=True
        )
    )
    # An enrollment whose commit went through as the database went away answered 503 and had
    # its after-commit work (events, the mail's job) dropped: a known gap, counted.
    unsure = {e.id for e in enrollments if acked[str(e.student_id)]["lost_commit"]}
    expected = Counter(str(e.id) for e in [*enrollments, *grants] if e.id not in unsure)
    assert +(mailed - Counter(str(e) for e in unsure)) == expected, mailed
    assert all(mailed[str(e)] <= 1 for e in unsure)
    figures.add(
        "enrollments whose commit answer was lost (409 on retry) / their confirmation mails",
        f"{len(unsure)} / {sum(mailed[str(e)] for e in unsure)}",
    )
    assert receipts == len(payments)
    # ... and each marked message is in the outbox, under its Message-ID.
    marked = set(await SentMail.all().values_list("message_id", flat=True))
    assert marked == _outbox_message_ids(outbox)
    assert {message_id(f"receipt:{p.id}") for p in payments} <= marked
    figures.add(
        "enrollments: free / paid (each with one confirmation)",
        f"{len(enrollments)} / {len(grants)}",
    )
    figures.add(
        "progress reports acknowledged / stored",
        f"{sum(m['reports'] for m in acked.values())} / {reports_total}",
    )
    figures.add("confirmation mails (one per enrollment)", sum(mailed.values()))
    figures.add(
        "lessons completed",
        sum(e.completed_lessons_count for e in enrollments),
    )
    figures.add(
        "payments succeeded / webhook events / processing runs / receipts mailed",
        f"{sum(p.status == PaymentStatus.SUCCEEDED for p in payments)} / {len(events)} / "
        f"{sum(e.attempts for e in events)} / {receipts}",
    )
