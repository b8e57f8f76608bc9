"""ARQ workers SIGKILLed again and again at random moments while they issue certificates, send
mail and process payment webhooks: every effect exists exactly once afterwards.

Before any worker runs, the queues hold the jobs of ``CERTIFICATES`` completed enrollments
(certificate, then its email), ``PAYMENTS`` paid Stripe webhooks (the grant, then a receipt)
and every enrollment's confirmation mail. ``WORKERS`` workers serve all three queues with a
concurrency of one and a slow Stripe and mail relay, so jobs are caught mid-run; ``KILLS``
times, after a random pause (a seeded RNG), one of the workers running a job is SIGKILLed and a
fresh one started in its place. A killed job runs again once its ARQ in-progress mark lapses
(job timeout + 10 s), so it can be killed at most once per lapse: far fewer times than its
tries (5, mail 20), and every job's result is checked to be a success.

Effects counted: one certificate row and one stored PDF per completed enrollment, one grant
(enrollment, payment notification) per paid payment, and one Message-ID per message at the
SMTP sink. Mail is at least once, identified once (DESIGN.md §7): a run killed between the
relay's acceptance and its sent-marker sends again under the same Message-ID, so deliveries
are counted separately from distinct ids.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from typing import Any

import pytest
from arq.jobs import JobResult

from lms_rt import keys
from lms_rt.certificates.issuing import storage_key
from lms_rt.certificates.models import Certificate
from lms_rt.courses.models import Lesson
from lms_rt.enrollments.models import Enrollment, EnrollmentSource
from lms_rt.jobs.queue import ArqJobQueue
from lms_rt.mail.mailer import message_id
from lms_rt.mail.models import SentMail
from lms_rt.notifications.models import Notification, NotificationType
from lms_rt.payments.models import Payment, PaymentStatus, WebhookEvent
from lms_rt.users.models import Role
from tests.factories import complete_lesson, create_course, enroll, signed_in
from tests.harness import crowd
from tests.harness.smtp import SmtpServer
from tests.harness.stripe_standin import StripeStandIn
from tests.harness.workers import WorkerProcess, worker_env
from tests.payments.helpers import API, PRICE, STRIPE_SECRET

pytestmark = [pytest.mark.services, pytest.mark.slow]

SEED = 3303
KEY = "sk_test_lms"
CERTIFICATES = 30
PAYMENTS = 30
WORKERS = 3
KILLS = 6
PAUSE = (0.4, 1.2)  # seconds between kills, before waiting for a worker that is running a job
JOB_TIMEOUT = 6  # a killed job runs again after JOB_TIMEOUT + 10 s; a loaded machine needs room
CONCURRENCY = 1  # per queue and worker: the backlog lasts through the kills
SMTP_DELAY = 0.1  # between taking a message and acknowledging it
QUEUES = ("certificates", "emails", "payments")
JOBS = ("issue_certificate", "send_email", "process_webhook")
DRAIN_TIMEOUT = 60.0  # generous: a loaded machine runs the reruns late


class SlowRelay(SmtpServer):
    """Takes each message, then acknowledges it a moment later: a kill in between leaves a
    delivered message whose sender never heard so, the case a re-send covers."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(SMTP_DELAY)
        return reply


async def test_workers_killed_at_random_moments_leave_every_effect_once(
    make_client, tmp_path, figures
):
    rng = random.Random(SEED)
    figures.add("seed", SEED)
    async with StripeStandIn(KEY) as stripe:
        with SlowRelay() as smtp:
            client = await make_client(
                stripe_api_key=KEY,
                stripe_api_base=stripe.url,
                stripe_webhook_secret=STRIPE_SECRET,
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
            )
            completed = await _completions(client)
            paid = await _paid_webhooks(client, stripe)
            env = worker_env(
                client.app[keys.SETTINGS],
                LMS_SMTP_HOST="127.0.0.1",
                LMS_SMTP_PORT=str(smtp.port),
                LMS_STRIPE_API_KEY=KEY,
                LMS_STRIPE_API_BASE=stripe.url,
                LMS_STRIPE_WEBHOOK_SECRET=STRIPE_SECRET,
                LMS_JOB_TIMEOUT_SECONDS=str(JOB_TIMEOUT),
                LMS_MAIL_RETRY_BASE_SECONDS="0.5",
                LMS_WORKER_CONCURRENCY=str(CONCURRENCY),
            )
            # A slow provider keeps payment jobs in flight long enough to be cut off.
            stripe.delay = 0.3
            jobs = client.app[keys.JOBS]
            assert isinstance(jobs, ArqJobQueue)
            workers: list[WorkerProcess] = []
            try:
                cut_off, killing = await _kill_repeatedly(rng, env, tmp_path, workers)
                drained = await _drain(jobs, completed, paid, workers)
                await asyncio.sleep(1.5)  # room for a duplicate to arrive, were there one
            finally:
                for worker in workers:
                    await worker.stop()
            results = [r for r in await jobs.pool.all_job_results() if r.function in JOBS]
            await _check(figures, client, smtp, completed, paid, results, cut_off)
            figures.add(
                "kills over / drained after the last kill", f"{killing:.1f} s / {drained:.1f} s"
            )


async def _completions(client: Any) -> list[Enrollment]:
    """Completed enrollments: each has queued its confirmation mail and its certificate."""
    teacher, _ = await signed_in(client, Role.INSTRUCTOR, full_name="Dr. Grace Hopper")
    course = await create_course(client, teacher, lessons=1)
    lesson = await Lesson.get(course_id=course.id)
    members = await crowd.students(client.app[keys.SETTINGS], CERTIFICATES, name="Graduate")
    done = []
    for member in members:
        enrollment = await enroll(client, member.user, course)
        await complete_lesson(client, member.user, enrollment, lesson)
        done.append(await Enrollment.get(id=enrollment.id))
    assert all(e.completed_at is not None for e in done)
    return done


async def _paid_webhooks(client: Any, stripe: StripeStandIn) -> list[Payment]:
    """Payments whose succeeded webhooks are stored, their processing queued."""
    teacher, _ = await signed_in(client, Role.INSTRUCTOR)
    course = await create_course(client, teacher, price_amount=PRICE)
    members = await crowd.students(client.app[keys.SETTINGS], PAYMENTS, name="Payer")
    payments = []
    for member in members:
        response = await client.post(
            f"{API}/payments/create-payment-intent",
            json={"course_id": str(course.id)},
            headers={"Authorization": f"Bearer {member.token}"},
        )
        assert response.status in (200, 201), await response.text()
        payment = await Payment.get(id=(await response.json())["payment_id"])
        body, signed = stripe.webhook(
            stripe.succeed_intent(payment.provider_reference), STRIPE_SECRET
        )
        delivered = await client.post(f"{API}/payments/webhooks/stripe", data=body, headers=signed)
        assert delivered.status == 200, await delivered.text()
        payments.append(payment)
    return payments


# ARQ logs "<secs>s → <job>" when it starts a job and "←" (done), "↻" (retry), "!" (failed)
# or "⊘" (aborted) when it ends; the worker's log is JSON, so the arrows are escaped.
_JOB_LINE = re.compile(r'"message": " *[0-9.]+s (\\u2192|\\u2190|\\u21bb|!|\\u2298) ')


def _running_jobs(worker: WorkerProcess) -> int:
    """Jobs this worker has started and not finished, by its own log."""
    marks = _JOB_LINE.findall(worker.log_path.read_text(errors="replace"))
    started = marks.count("\\u2192")
    return started - (len(marks) - started)


async def _in_flight(jobs: ArqJobQueue) -> int:
    return len([key async for key in jobs.pool.scan_iter(match="arq:in-progress:*")])


async def _kill_repeatedly(
    rng: random.Random, env: dict[str, str], tmp_path: Any, workers: list[WorkerProcess]
) -> tuple[list[int], float]:
    """``WORKERS`` workers; ``KILLS`` times, after a random pause, one that is running a job is
    SIGKILLed and a fresh one started. Returns how many jobs each victim was running, and how
    long the kills took from the first pause to the last kill."""
    started = 0

    def start() -> WorkerProcess:
        nonlocal started
        started += 1
        worker = WorkerProcess(env, tmp_path, f"worker-{started}")
        worker.start(*QUEUES)
        workers.append(worker)
        return worker

    running = [start() for _ in range(WORKERS)]
    cut_off = []
    began = time.monotonic()
    for _ in range(KILLS):
        await asyncio.sleep(rng.uniform(*PAUSE))
        deadline = time.monotonic() + 30
        while not (busy := [w for w in running if _running_jobs(w) > 0]):
            assert time.monotonic() < deadline, "no worker is running a job"
            await asyncio.sleep(0.01)
        victim = busy[rng.randrange(len(busy))]
        victim.kill()
        cut_off.append(_running_jobs(victim))
        running.remove(victim)
        running.append(start())
    return cut_off, time.monotonic() - began


async def _drain(
    jobs: ArqJobQueue,
    completed: list[Enrollment],
    paid: list[Payment],
    workers: list[WorkerProcess],
) -> float:
    """Until every queue is empty, nothing is in progress and the domain effects all exist."""
    began = time.monotonic()
    deadline = began + DRAIN_TIMEOUT
    while time.monotonic() < deadline:
        depth = await jobs.depth()
        issued = await Certificate.filter(
            enrollment_id__in=[e.id for e in completed], file_key__not_isnull=True
        ).count()
        unprocessed = await WebhookEvent.filter(processed_at=None).count()
        state = {
            "queued": {q: depth[q] for q in QUEUES if depth[q]},
            "in progress": await _in_flight(jobs),
            "certificates to issue": len(completed) - issued,
            "webhooks to process": unprocessed,
        }
        if not any(state.values()):
            return time.monotonic() - began
        await asyncio.sleep(0.2)
    raise AssertionError(f"not drained: {state}\n{workers[-1].log()}")


async def _check(
    figures: Any,
    client: Any,
    smtp: SmtpServer,
    completed: list[Enrollment],
    paid: list[Payment],
    results: list[JobResult],
    cut_off: list[int],
) -> None:
    by_function = Counter(r.function for r in results)
    rerun = Counter(r.function for r in results if r.job_try > 1)
    figures.add("jobs", ", ".join(f"{name} {by_function[name]}" for name in JOBS))
    figures.add("kills", f"{len(cut_off)} (jobs each victim was running: {cut_off})")
    figures.add(
        "jobs run again after a kill",
        ", ".join(f"{name} {rerun[name]}" for name in JOBS),
    )
    assert all(r.success for r in results), [r for r in results if not r.success]
    assert sum(rerun.values()) > 0, "no kill caught a job mid-run"

    # Certificates: one row and one stored PDF per completed enrollment, no stray files.
    certificates = await Certificate.filter(enrollment_id__in=[e.id for e in completed])
    storage = client.app[keys.DEPS].storage
    folder = storage.root / "certificates"
    stored = sorted(p.name for p in folder.iterdir() if p.suffix == ".pdf")
    leftovers = sorted(p.name for p in folder.iterdir() if p.suffix != ".pdf")
    figures.add(
        "certificates: completed enrollments / rows / stored PDFs / leftover temporaries",
        f"{len(completed)} / {len(certificates)} / {len(stored)} / {len(leftovers)}",
    )
    assert len(certificates) == len(completed)
    assert len({c.enrollment_id for c in certificates}) == len(completed)
    assert sorted(storage_key(c.id).split("/")[-1] for c in certificates) == stored
    assert all(c.file_key == storage_key(c.id) for c in certificates)

    # Payments: each settled once, one enrollment and one payment notification each.
    payments = await Payment.filter(id__in=[p.id for p in paid])
    grants = await Enrollment.filter(
        student_id__in=[p.user_id for p in paid], course_id=paid[0].course_id
    )
    noticed = Counter(
        n.user_id
        for n in await Notification.filter(
            user_id__in=[p.user_id for p in paid], type=NotificationType.PAYMENT_RESULT
        )
    )
    figures.add(
        "payments: paid / succeeded / enrollments granted / payment notifications",
        f"{len(paid)} / {sum(p.status == PaymentStatus.SUCCEEDED for p in payments)} / "
        f"{len(grants)} / {sum(noticed.values())}",
    )
    assert all(p.status == PaymentStatus.SUCCEEDED for p in payments)
    assert len(grants) == len(paid) and all(g.source == EnrollmentSource.PAYMENT for g in grants)
    assert {p.enrollment_id for p in payments} == {g.id for g in grants}
    assert all(noticed[p.user_id] == 1 for p in paid), noticed

    # Mail: the sent-markers are the ledger; each marker's Message-ID reached the sink, and
    # nothing else did.
    sent = await SentMail.all()
    delivered = Counter(smtp.message_ids())
    expected = {row.message_id for row in sent}
    figures.add(
        "emails: messages (sent-markers) / distinct Message-IDs at the sink / deliveries",
        f"{len(sent)} / {len(delivered)} / {sum(delivered.values())}",
    )
    assert set(delivered) == expected
    assert {message_id(row.key) for row in sent} == expected
    keys_sent = {row.key for row in sent}
    assert {f"certificate-issued:{c.id}" for c in certificates} <= keys_sent
    assert {f"receipt:{p.id}" for p in paid} <= keys_sent
    mailed_jobs = {r.args[3] for r in results if r.function == "send_email"}
    assert mailed_jobs == keys_sent
    confirmations = Counter(
        row.recipient for row in sent if row.template == "enrollment_confirmation"
    )
    assert len(confirmations) == len(completed) + len(paid)
    assert set(confirmations.values()) == {1}
