"""Jobs that meet a database outage ask ARQ to run them again (``Retry``) instead of failing
for good, whichever driver error the outage surfaces as; once it is back, they finish."""

from __future__ import annotations

import pytest
from arq import Retry

from lms_rt import keys
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.tasks import issue_certificate
from lms_rt.courses.models import Lesson
from lms_rt.mail.models import SentMail
from lms_rt.mail.tasks import send_email
from lms_rt.payments.models import Payment, PaymentStatus, WebhookEvent
from lms_rt.payments.tasks import process_webhook
from lms_rt.users.models import Role
from tests.conftest import TEST_SECRET
from tests.factories import complete_lesson, create_course, enroll, signed_in
from tests.harness.private_postgres import migrated_postgres
from tests.harness.stripe_standin import StripeStandIn
from tests.payments.helpers import API, PRICE, STRIPE_SECRET

pytestmark = [pytest.mark.services, pytest.mark.slow]

KEY = "sk_test_lms"


async def test_jobs_retry_through_a_database_outage(make_client):
    async with migrated_postgres(TEST_SECRET) as database, StripeStandIn(KEY) as stripe:
        client = await make_client(
            database_url=database.url,
            stripe_api_key=KEY,
            stripe_api_base=stripe.url,
            stripe_webhook_secret=STRIPE_SECRET,
        )
        teacher, _ = await signed_in(client, Role.INSTRUCTOR)
        course = await create_course(client, teacher, lessons=1)
        student, headers = await signed_in(client)
        enrollment = await enroll(client, student, course)
        await complete_lesson(client, student, enrollment, await Lesson.get(course_id=course.id))
        paid = await create_course(client, teacher, price_amount=PRICE)
        response = await client.post(
            f"{API}/payments/create-payment-intent",
            json={"course_id": str(paid.id)},
            headers=headers,
        )
        payment = await Payment.get(id=(await response.json())["payment_id"])
        event = stripe.succeed_intent(payment.provider_reference)
        body, signed = stripe.webhook(event, STRIPE_SECRET)
        delivered = await client.post(f"{API}/payments/webhooks/stripe", data=body, headers=signed)
        assert delivered.status == 200, await delivered.text()
        webhook = await WebhookEvent.get(event_id=event["id"])

        ctx = {"deps": client.app[keys.DEPS], "job_try": 1}
        runs = {
            "certificate": lambda: issue_certificate(ctx, str(enrollment.id)),
            "webhook": lambda: process_webhook(ctx, str(webhook.id)),
            "mail": lambda: send_email(
                ctx,
                student.email,
                "enrollment_confirmation",
                {"name": "Ada", "course_title": "Faults", "course_url": "http://x/c"},
                "outage-mail",
            ),
        }
        database.pause()
        try:
            for run in runs.values():
                # Twice: the first meets connections the shutdown cut, the next a refused connect.
                for _ in range(2):
                    with pytest.raises(Retry):
                        await run()
        finally:
            database.resume()

        assert await _eventually(runs["certificate"]) == "issued"
        assert await _eventually(runs["webhook"]) == "succeeded"
        assert await _eventually(runs["mail"]) == "sent"
        assert (await Certificate.get(enrollment_id=enrollment.id)).file_key
        assert (await Payment.get(id=payment.id)).status == PaymentStatus.SUCCEEDED
        assert await SentMail.filter(key="outage-mail").exists()


async def _eventually(run) -> str:
    """The pool may hand out a connection or two the restart cut before it has fresh ones."""
    for _ in range(10):
        try:
            return str(await run())
        except Retry:
            continue
    raise AssertionError("still retrying after the database came back")
