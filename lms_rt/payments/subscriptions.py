"""Subscriptions: starting one with Stripe, cancelling at period end, and what access they
give (any paid course while a paid period runs)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from lms_rt.db import PostCommit, atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from lms_rt.errors import Conflict, NotFound
from lms_rt.payments.access import covered_by_subscription, paid_for, suspend
from lms_rt.payments.customers import stripe_customer
from lms_rt.payments.models import (
    Payment,
    PaymentStatus,
    Plan,
    Provider,
    Subscription,
    SubscriptionStatus,
)
from lms_rt.payments.stripe_gateway import StripeGateway
from lms_rt.users.models import User

LIVE = (SubscriptionStatus.INCOMPLETE, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)
RENEWAL_GRACE = timedelta(hours=1)


async def start(
    deps: Deps, gateway: StripeGateway, user: User, plan_id: uuid.UUID
) -> tuple[Subscription, str | None]:
    plan = await Plan.filter(id=plan_id, is_active=True).first()
    if plan is None or not plan.stripe_price_id:
        raise NotFound("No such plan")
    current = await Subscription.filter(user_id=user.id, plan_id=plan.id, status__in=LIVE).first()
    if current is not None and current.status != SubscriptionStatus.INCOMPLETE:
        raise Conflict("You already have this subscription")
    if current is not None and current.provider_subscription_id:
        # A checkout left unfinished: pick it up where it stopped.
        remote = await gateway.retrieve_subscription(current.provider_subscription_id)
        return current, remote.latest_invoice_client_secret
    customer = await stripe_customer(gateway, user)
    # A row whose creation at Stripe failed is tried again under the same key.
    row = current or await Subscription.create(
        provider=Provider.STRIPE, provider_customer_id=customer, user_id=user.id, plan_id=plan.id
    )
    remote = await gateway.create_subscription(
        customer=customer,
        price_id=plan.stripe_price_id,
        metadata={"subscription_id": str(row.id), "user_id": str(user.id)},
        idempotency_key=f"subscription:{row.id}",
    )
    await Subscription.filter(id=row.id).update(
        provider_subscription_id=remote.id,
        current_period_end=datetime.fromtimestamp(remote.current_period_end, UTC)
        if remote.current_period_end
        else None,
    )
    return await Subscription.get(id=row.id), remote.latest_invoice_client_secret


async def cancel_at_period_end(
    deps: Deps, gateway: StripeGateway, user: User, subscription_id: uuid.UUID
) -> Subscription:
    row = await Subscription.filter(id=subscription_id, user_id=user.id).first()
    if row is None:
        raise NotFound("No such subscription")
    if row.status == SubscriptionStatus.CANCELED:
        raise Conflict("This subscription has already ended")
    if not row.cancel_at_period_end and row.provider_subscription_id:
        await gateway.cancel_at_period_end(
            row.provider_subscription_id, idempotency_key=f"cancel:{row.id}"
        )
    await Subscription.filter(id=row.id).update(cancel_at_period_end=True)
    return await Subscription.get(id=row.id)


async def follow_subscription(deps: Deps, effects: PostCommit, user_id: uuid.UUID) -> int:
    """Access follows the subscription: with a paid period running, what an earlier lapse
    suspended comes back; without one, the courses only a subscription paid for are suspended
    (enrolled through it, or with their own payment refunded) unless a payment still stands.
    Returns how many enrollments were suspended."""
    if await covered_by_subscription(user_id, deps.clock.now()):
        await _restore(effects, user_id)
        return 0
    suspended = 0
    for enrollment in await Enrollment.filter(
        student_id=user_id,
        source__in=[EnrollmentSource.SUBSCRIPTION, EnrollmentSource.PAYMENT],
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
    ):
        if await paid_for(user_id, enrollment.course_id):
            continue
        refunded = await Payment.filter(
            user_id=user_id, course_id=enrollment.course_id, status=PaymentStatus.REFUNDED
        ).exists()
        lapsed = enrollment.source == EnrollmentSource.SUBSCRIPTION or refunded
        if lapsed and await suspend(effects, enrollment.id, "subscription ended"):
            suspended += 1
    return suspended


async def _restore(effects: PostCommit, user_id: uuid.UUID) -> int:
    """A renewal processed after a lapse was declared: the subscription's courses return."""
    restored = 0
    for enrollment in await Enrollment.filter(
        student_id=user_id,
        source=EnrollmentSource.SUBSCRIPTION,
        status=EnrollmentStatus.SUSPENDED,
    ):
        changed = await Enrollment.filter(
            id=enrollment.id, status=EnrollmentStatus.SUSPENDED
        ).update(status=EnrollmentStatus.ACTIVE)
        if changed:
            restored += 1
            effects.publish(
                f"user:{user_id}",
                "enrollment.reactivated",
                {"enrollment_id": str(enrollment.id), "course_id": str(enrollment.course_id)},
            )
    return restored


async def expire_subscriptions(ctx: dict[str, Any]) -> int:
    """Cron: the courses of subscriptions whose paid period ended a while ago without a
    renewal (the grace leaves time for a renewal's events to be processed first)."""
    deps: Deps = ctx["deps"]
    lapsed = (
        await Subscription.filter(paid_through__lt=deps.clock.now() - RENEWAL_GRACE)
        .distinct()
        .values_list("user_id", flat=True)
    )
    suspended = 0
    for user_id in lapsed:
        async with atomic(deps) as effects:
            suspended += await follow_subscription(deps, effects, user_id)  # type: ignore[arg-type]
    return suspended
