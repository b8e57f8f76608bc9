"""A worker SIGKILLed while it processes a payment webhook: after the retry, the payment's
effect exists exactly once (one enrollment, one receipt)."""

from __future__ import annotations

import asyncio
import time

import pytest

from lms_rt import keys
from lms_rt.enrollments.models import Enrollment
from lms_rt.mail.mailer import message_id
from lms_rt.payments.models import Payment, PaymentStatus, WebhookEvent
from tests.factories import signed_in
from tests.harness.smtp import SmtpServer
from tests.harness.stripe_standin import StripeStandIn
from tests.harness.workers import WorkerProcess, worker_env
from tests.payments.helpers import API, STRIPE_SECRET, paid_course

pytestmark = [pytest.mark.services, pytest.mark.slow]

KEY = "sk_test_lms"
JOB_TIMEOUT = 3  # a killed job runs again after job_timeout + 10 s


async def test_a_worker_killed_mid_webhook_leaves_one_effect(make_client, tmp_path):
    stripe = StripeStandIn(KEY)
    await stripe.start()
    try:
        with SmtpServer() as smtp:
            await _scenario(make_client, tmp_path, stripe, smtp)
    finally:
        await stripe.stop()


async def _scenario(make_client, tmp_path, stripe: StripeStandIn, smtp: SmtpServer) -> None:
    settings_overrides = {
        "stripe_api_key": KEY,
        "stripe_api_base": stripe.url,
        "stripe_webhook_secret": STRIPE_SECRET,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port,
    }
    client = await make_client(**settings_overrides)
    settings = client.app[keys.SETTINGS]
    course = await paid_course(client)
    student, headers = await signed_in(client)
    response = await client.post(
        f"{API}/payments/create-payment-intent", json={"course_id": str(course.id)}, headers=headers
    )
    started = await response.json()
    payment = await Payment.get(id=started["payment_id"])
    event = stripe.succeed_intent(payment.provider_reference)
    body, signed = stripe.webhook(event, STRIPE_SECRET)
    assert (
        await client.post(f"{API}/payments/webhooks/stripe", data=body, headers=signed)
    ).status == 200
    row = await WebhookEvent.get(event_id=event["id"])

    env = worker_env(
        settings,
        LMS_STRIPE_API_KEY=KEY,
        LMS_STRIPE_API_BASE=stripe.url,
        LMS_STRIPE_WEBHOOK_SECRET=STRIPE_SECRET,
        LMS_SMTP_HOST="127.0.0.1",
        LMS_SMTP_PORT=str(smtp.port),
        LMS_JOB_TIMEOUT_SECONDS=str(JOB_TIMEOUT),
    )
    # Stripe answers slowly: the worker is caught in the middle of processing.
    stripe.delay = 2.0
    first = WorkerProcess(env, tmp_path, "first")
    first.start("payments", "emails")
    try:
        deadline = time.monotonic() + 30
        while not any(r.method == "GET" for r in stripe.requests[-1:]):
            assert time.monotonic() < deadline, first.log()
            await asyncio.sleep(0.02)
        first.kill()
    finally:
        first.kill()
    assert (await WebhookEvent.get(id=row.id)).processed_at is None, "killed too late"
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.PENDING

    stripe.delay = 0.0
    second = WorkerProcess(env, tmp_path, "second")
    second.start("payments", "emails")
    try:
        deadline = time.monotonic() + JOB_TIMEOUT + 40
        while time.monotonic() < deadline:
            processed = (await WebhookEvent.get(id=row.id)).processed_at is not None
            if processed and smtp.received:
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError(second.log())
        await asyncio.sleep(2)  # room for a duplicate, were there one
    finally:
        await second.stop()
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.SUCCEEDED
    assert await Enrollment.filter(student_id=student.id, course_id=course.id).count() == 1
    receipt = message_id(f"receipt:{payment.id}")
    assert smtp.message_ids().count(receipt) == 1
