"""Paying for courses with Stripe: amounts from the server, access from verified webhooks
only, each event's effect exactly once, refunds, coupons and subscriptions."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from lms_rt import keys
from lms_rt.audit.models import AuditEvent
from lms_rt.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from lms_rt.payments.models import (
    Coupon,
    Payment,
    PaymentStatus,
    Refund,
    Subscription,
    WebhookEvent,
)
from lms_rt.payments.subscriptions import expire_subscriptions
from lms_rt.payments.sweep import sweep_payments
from lms_rt.payments.tasks import reconcile_stripe
from lms_rt.users.models import Role
from tests.factories import signed_in
from tests.payments.helpers import API, PRICE, STRIPE_SECRET, monthly_plan, paid_course, process


async def _deliver(client, stripe, event, secret=STRIPE_SECRET, **kwargs):
    body, headers = stripe.webhook(event, secret, **kwargs)
    return await client.post(f"{API}/payments/webhooks/stripe", data=body, headers=headers)


async def _intent(client, headers, course, **extra) -> dict:
    response = await client.post(
        f"{API}/payments/create-payment-intent",
        json={"course_id": str(course.id), **extra},
        headers=headers,
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def _reference(payment_id: str) -> str:
    payment = await Payment.get(id=payment_id)
    assert payment.provider_reference
    return payment.provider_reference


async def test_a_verified_payment_grants_the_course_once(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    started = await _intent(client, headers, course)
    assert (started["amount"], started["currency"]) == (PRICE, "EGP")
    assert started["client_secret"]
    intent_id = await _reference(started["payment_id"])
    sent = stripe.object(intent_id)
    assert sent["amount"] == PRICE and sent["currency"] == "egp"
    # Every write to Stripe carried an idempotency key.
    assert all(r.idempotency_key for r in stripe.requests if r.method == "POST")

    # Nothing is granted before Stripe says so.
    assert not await Enrollment.filter(student_id=student.id).exists()
    event = stripe.succeed_intent(intent_id)
    replies = await asyncio.gather(*(_deliver(client, stripe, event) for _ in range(5)))
    assert [r.status for r in replies] == [200] * 5
    assert await WebhookEvent.filter(event_id=event["id"]).count() == 1
    await process(client)
    await process(client)  # a second run finds everything processed

    payment = await Payment.get(id=started["payment_id"])
    assert payment.status == PaymentStatus.SUCCEEDED
    enrollment = await Enrollment.get(student_id=student.id, course_id=course.id)
    assert (enrollment.status, enrollment.source) == (
        EnrollmentStatus.ACTIVE,
        EnrollmentSource.PAYMENT,
    )
    history = await client.app[keys.BUS].history(f"user:{student.id}", 0)
    kinds = [e.decode()["type"] for e in history or []]
    assert kinds.count("payment.succeeded") == 1

    # Paid for already: a second purchase is refused.
    response = await client.post(
        f"{API}/payments/create-payment-intent",
        json={"course_id": str(course.id)},
        headers=headers,
    )
    assert response.status == 409


async def test_forged_tampered_stale_and_unsigned_webhooks_leave_nothing(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    _, headers = await signed_in(client)
    started = await _intent(client, headers, course)
    event = stripe.succeed_intent(await _reference(started["payment_id"]))
    body, good = stripe.webhook(event, STRIPE_SECRET)
    attempts = [
        (body, {"Content-Type": "application/json"}),  # unsigned
        stripe.webhook(event, "whsec_forged"),  # wrong secret
        (body.replace(b'"succeeded"', b'"canceled"', 1), good),  # tampered
        stripe.webhook(event, STRIPE_SECRET, timestamp=int(time.time()) - 301),  # stale
        (body, {"Content-Type": "application/json", "Stripe-Signature": "t=1,v1=zz"}),
    ]
    for payload, headers_sent in attempts:
        response = await client.post(
            f"{API}/payments/webhooks/stripe", data=payload, headers=headers_sent
        )
        assert response.status == 400, await response.text()
        assert "error" in await response.json()
    assert await WebhookEvent.all().count() == 0
    assert (await Payment.get(id=started["payment_id"])).status == PaymentStatus.PENDING
    # During a secret rotation a delivery signed with old and new secrets is accepted.
    response = await _deliver(client, stripe, event, "whsec_old", extra_secrets=[STRIPE_SECRET])
    assert response.status == 200


async def test_events_out_of_order_never_move_a_payment_backwards(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    started = await _intent(client, headers, course)
    intent_id = await _reference(started["payment_id"])
    failed = stripe.fail_intent(intent_id)
    succeeded = stripe.succeed_intent(intent_id)
    # The success arrives first, the older failure after it.
    for event in (succeeded, failed):
        assert (await _deliver(client, stripe, event)).status == 200
        await process(client)
    payment = await Payment.get(id=started["payment_id"])
    assert payment.status == PaymentStatus.SUCCEEDED
    assert await Enrollment.filter(student_id=student.id, course_id=course.id).exists()


async def test_a_client_cannot_name_its_own_amount_and_bad_purchases_are_refused(
    pay_client, stripe
):
    client = pay_client
    course = await paid_course(client)
    _, headers = await signed_in(client)
    response = await client.post(
        f"{API}/payments/create-payment-intent",
        json={"course_id": str(course.id), "amount": 1},
        headers=headers,
    )
    assert response.status == 422
    free = await paid_course(client, price=0)
    unpublished = await paid_course(client, published=False, lessons=0)
    for target, status in ((free, 409), (unpublished, 404)):
        response = await client.post(
            f"{API}/payments/create-payment-intent",
            json={"course_id": str(target.id)},
            headers=headers,
        )
        assert response.status == status, await response.text()
    assert stripe.objects("payment_intent") == []
    assert await Payment.all().count() == 0


async def test_a_coupon_lowers_the_price_and_stops_at_its_limit(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    _, admin = await signed_in(client, Role.ADMIN)
    response = await client.post(
        f"{API}/payments/coupons",
        json={"code": "half50", "percent_off": 50, "max_redemptions": 1},
        headers=admin,
    )
    assert response.status == 201, await response.text()
    _, first = await signed_in(client)
    started = await _intent(client, first, course, coupon="HALF50")
    assert started["amount"] == PRICE // 2
    await _deliver(client, stripe, stripe.succeed_intent(await _reference(started["payment_id"])))
    await process(client)
    assert (await Coupon.get(code="HALF50")).times_redeemed == 1

    _, second = await signed_in(client)
    response = await client.post(
        f"{API}/payments/create-payment-intent",
        json={"course_id": str(course.id), "coupon": "half50"},
        headers=second,
    )
    assert response.status == 409
    response = await client.post(
        f"{API}/payments/create-payment-intent",
        json={"course_id": str(course.id), "coupon": "NOPE"},
        headers=second,
    )
    assert response.status == 422


async def test_refunds_are_idempotent_and_a_full_refund_suspends_the_course(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    _, admin = await signed_in(client, Role.ADMIN)
    started = await _intent(client, headers, course)
    await _deliver(client, stripe, stripe.succeed_intent(await _reference(started["payment_id"])))
    await process(client)
    url = f"{API}/payments/{started['payment_id']}/refund"

    # A student may not refund, even their own payment.
    assert (await client.post(url, json={}, headers=headers)).status == 403
    partial = {"amount": 50_00, "reason": "goodwill", "request_id": "r1"}
    first = await client.post(url, json=partial, headers=admin)
    again = await client.post(url, json=partial, headers=admin)
    assert first.status == again.status == 201
    assert (await first.json())["id"] == (await again.json())["id"]
    assert len(stripe.objects("refund")) == 1
    payment = await Payment.get(id=started["payment_id"])
    assert (payment.status, payment.amount_refunded) == (PaymentStatus.PARTIALLY_REFUNDED, 50_00)
    enrollment = await Enrollment.get(student_id=student.id, course_id=course.id)
    assert enrollment.status == EnrollmentStatus.ACTIVE

    too_much = await client.post(url, json={"amount": PRICE}, headers=admin)
    assert too_much.status == 422
    rest = await client.post(url, json={"request_id": "r2"}, headers=admin)
    assert rest.status == 201 and (await rest.json())["amount"] == PRICE - 50_00
    # One audit event per refund made; the repeated request and the refused one add none.
    trail = await AuditEvent.filter(action="payment.refunded").order_by("created_at")
    assert [e.summary["after"]["amount"] for e in trail] == [50_00, PRICE - 50_00]
    assert trail[0].reason == "goodwill" and trail[0].target_id == started["payment_id"]
    # Stripe's charge.refunded events arrive later and change nothing more.
    for event in stripe.events:
        if event["type"] == "charge.refunded":
            await _deliver(client, stripe, event)
    await process(client)
    payment = await Payment.get(id=started["payment_id"])
    assert (payment.status, payment.amount_refunded) == (PaymentStatus.REFUNDED, PRICE)
    enrollment = await Enrollment.get(id=enrollment.id)
    assert enrollment.status == EnrollmentStatus.SUSPENDED


async def test_students_see_only_their_own_payments(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    _, mine = await signed_in(client)
    _, other = await signed_in(client)
    started = await _intent(client, mine, course)
    response = await client.get(f"{API}/payments/my-payments", headers=other)
    assert (await response.json())["total"] == 0
    response = await client.get(f"{API}/payments/my-payments", headers=mine)
    assert [p["id"] for p in (await response.json())["items"]] == [started["payment_id"]]
    assert (await client.get(f"{API}/payments", headers=mine)).status == 403
    refund = await client.post(
        f"{API}/payments/{started['payment_id']}/refund", json={}, headers=other
    )
    assert refund.status == 403


async def test_reconciliation_processes_an_event_that_never_arrived(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    started = await _intent(client, headers, course)
    stripe.succeed_intent(await _reference(started["payment_id"]))  # the webhook is lost
    found = await reconcile_stripe({"deps": client.app[keys.DEPS]})
    assert found >= 1
    await process(client)
    assert await Enrollment.filter(student_id=student.id, course_id=course.id).exists()
    assert await reconcile_stripe({"deps": client.app[keys.DEPS]}) == 0  # nothing new


async def test_a_subscription_opens_paid_courses_until_its_period_ends(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    _, admin = await signed_in(client, Role.ADMIN)
    plan = await monthly_plan(client, stripe, admin)
    response = await client.post(
        f"{API}/payments/create-subscription", json={"plan_id": plan["id"]}, headers=headers
    )
    assert response.status == 201, await response.text()
    started = await response.json()
    assert started["subscription"]["status"] == "incomplete" and started["client_secret"]

    # Not active yet: the paid course still asks for payment.
    enroll = {"course_id": str(course.id)}
    assert (await client.post(f"{API}/enrollments", json=enroll, headers=headers)).status == 402
    remote_id = (await Subscription.get(id=started["subscription"]["id"])).provider_subscription_id
    for event in stripe.activate_subscription(remote_id):
        await _deliver(client, stripe, event)
    await process(client)
    row = await Subscription.get(id=started["subscription"]["id"])
    assert row.status == "active"
    response = await client.post(f"{API}/enrollments", json=enroll, headers=headers)
    assert response.status == 201, await response.text()
    assert (await response.json())["source"] == "subscription"

    response = await client.post(f"{API}/payments/subscriptions/{row.id}/cancel", headers=headers)
    assert response.status == 200 and (await response.json())["cancel_at_period_end"]
    # The period runs out and Stripe ends the subscription: the course is suspended.
    for event in stripe.cancel(remote_id):
        await _deliver(client, stripe, event)
    await process(client)
    deps = client.app[keys.DEPS]
    later = datetime.now(UTC) + timedelta(days=40)
    original = deps.clock.now
    deps.clock.now = lambda: later  # type: ignore[method-assign]
    try:
        await expire_subscriptions({"deps": deps})
    finally:
        deps.clock.now = original  # type: ignore[method-assign]
    enrollment = await Enrollment.get(student_id=student.id, course_id=course.id)
    assert enrollment.status == EnrollmentStatus.SUSPENDED


async def test_a_declined_payment_fails_and_3d_secure_is_only_waiting(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    _, admin = await signed_in(client, Role.ADMIN)
    started = await _intent(client, headers, course)
    intent_id = await _reference(started["payment_id"])
    await _deliver(client, stripe, stripe.require_action(intent_id))
    await process(client)
    assert (await Payment.get(id=started["payment_id"])).status == PaymentStatus.REQUIRES_ACTION
    await _deliver(client, stripe, stripe.fail_intent(intent_id, "Your card was declined."))
    await process(client)
    payment = await Payment.get(id=started["payment_id"])
    assert payment.status == PaymentStatus.FAILED
    assert "declined" in (payment.failure_reason or "")
    assert not await Enrollment.filter(student_id=student.id).exists()
    history = await client.app[keys.BUS].history(f"user:{student.id}", 0)
    assert [e.decode()["type"] for e in history or []].count("payment.failed") == 1

    response = await client.get(f"{API}/payments?status=failed", headers=admin)
    assert [p["id"] for p in (await response.json())["items"]] == [started["payment_id"]]
    response = await client.get(f"{API}/payments?status=succeeded", headers=admin)
    assert (await response.json())["total"] == 0


async def test_a_payment_of_another_amount_grants_nothing(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    started = await _intent(client, headers, course)
    # Our record says the course cost more than the intent Stripe reports as paid.
    await Payment.filter(id=started["payment_id"]).update(amount=PRICE + 1)
    await _deliver(client, stripe, stripe.succeed_intent(await _reference(started["payment_id"])))
    await process(client)
    payment = await Payment.get(id=started["payment_id"])
    assert payment.status == PaymentStatus.FAILED
    assert not await Enrollment.filter(student_id=student.id).exists()


async def test_an_event_whose_processing_was_lost_is_swept_up(pay_client, stripe, monkeypatch):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    started = await _intent(client, headers, course)
    event = stripe.succeed_intent(await _reference(started["payment_id"]))
    # Stored, but its job was never queued (Redis away right after the commit).
    await WebhookEvent.create(
        provider="stripe", event_id=event["id"], type=event["type"], payload=event
    )
    deps = client.app[keys.DEPS]
    ctx = {"deps": deps}
    assert (await sweep_payments(ctx))["events"] == 0  # too recent: its job may be on its way
    later = datetime.now(UTC) + timedelta(minutes=10)
    monkeypatch.setattr(deps.clock, "now", lambda: later)
    jobs = client.app[keys.JOBS]
    queued: list[tuple] = []
    original = jobs.enqueue

    async def record(name, *args, **options):
        queued.append((name, args))
        return await original(name, *args, **options)

    monkeypatch.setattr(jobs, "enqueue", record)
    assert (await sweep_payments(ctx))["events"] == 1
    assert [name for name, _ in queued] == ["process_webhook"]
    await process(client)
    assert await Enrollment.filter(student_id=student.id, course_id=course.id).exists()


async def test_a_refund_stripe_never_made_can_be_asked_again(pay_client, stripe):
    client = pay_client
    course = await paid_course(client)
    _, headers = await signed_in(client)
    _, admin = await signed_in(client, Role.ADMIN)
    started = await _intent(client, headers, course)
    await _deliver(client, stripe, stripe.succeed_intent(await _reference(started["payment_id"])))
    await process(client)
    url = f"{API}/payments/{started['payment_id']}/refund"
    stripe.make_down(True)
    response = await client.post(url, json={"request_id": "once"}, headers=admin)
    assert response.status == 503
    assert await Refund.filter(payment_id=started["payment_id"]).count() == 0
    assert (await Payment.get(id=started["payment_id"])).status == PaymentStatus.SUCCEEDED
    stripe.make_down(False)
    response = await client.post(url, json={"request_id": "once"}, headers=admin)
    assert response.status == 201
    assert len(stripe.objects("refund")) == 1
    assert (await Payment.get(id=started["payment_id"])).status == PaymentStatus.REFUNDED


async def _subscribed(client, stripe, headers, admin) -> Subscription:
    stripe.add_price("price_monthly", 300_00, "egp", "month")
    plan = await (
        await client.post(
            f"{API}/payments/plans",
            json={
                "name": "All access",
                "price_amount": 300_00,
                "currency": "EGP",
                "interval": "month",
                "stripe_price_id": "price_monthly",
            },
            headers=admin,
        )
    ).json()
    started = await (
        await client.post(
            f"{API}/payments/create-subscription", json={"plan_id": plan["id"]}, headers=headers
        )
    ).json()
    row = await Subscription.get(id=started["subscription"]["id"])
    for event in stripe.activate_subscription(row.provider_subscription_id):
        await _deliver(client, stripe, event)
    await process(client)
    return await Subscription.get(id=row.id)


async def test_a_failed_renewal_keeps_access_only_to_the_end_of_what_was_paid(
    pay_client, stripe, monkeypatch
):
    client = pay_client
    course = await paid_course(client)
    student, headers = await signed_in(client)
    _, admin = await signed_in(client, Role.ADMIN)
    row = await _subscribed(client, stripe, headers, admin)
    paid_through = row.paid_through
    assert paid_through is not None
    enroll = {"course_id": str(course.id)}
    assert (await client.post(f"{API}/enrollments", json=enroll, headers=headers)).status == 201

    # The renewal fails: Stripe moves the period on and marks it past due.
    for event in stripe.past_due(row.provider_subscription_id):
        await _deliver(client, stripe, event)
    await process(client)
    row = await Subscription.get(id=row.id)
    assert row.status == "past_due" and row.paid_through == paid_through
    history = await client.app[keys.BUS].history(f"user:{student.id}", 0)
    assert "payment.failed" in [e.decode()["type"] for e in history or []]

    # Past the paid period (and its grace), the course is suspended...
    deps = client.app[keys.DEPS]
    later = paid_through + timedelta(hours=2)
    monkeypatch.setattr(deps.clock, "now", lambda: later)
    await expire_subscriptions({"deps": deps})
    enrollment = await Enrollment.get(student_id=student.id, course_id=course.id)
    assert enrollment.status == EnrollmentStatus.SUSPENDED
    # ...and a renewal paid late brings it back.
    for event in stripe.activate_subscription(row.provider_subscription_id):
        await _deliver(client, stripe, event)
    await process(client)
    enrollment = await Enrollment.get(id=enrollment.id)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    recurring = await Payment.filter(user_id=student.id, kind="recurring").count()
    assert recurring == 2
