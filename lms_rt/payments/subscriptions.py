"""Subscriptions: starting one with Stripe, cancelling at period end, and what access they
give (any paid course while a paid period runs)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from lms_rt.db import PostCommit, atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from lms_rt.errors import Conflict, NotFound
from lms_rt.payments.access import covered_by_subscription, suspend
from lms_rt.payments.customers import stripe_customer
from lms_rt.payments.models import Plan, Provider, Subscription, SubscriptionStatus
from lms_rt.payments.stripe_gateway import StripeGateway
from lms_rt.users.models import User

LIVE = (SubscriptionStatus.INCOMPLETE, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


async def start(
    deps: Deps, gateway: StripeGateway, user: User, plan_id: uuid.UUID
) -> tuple[Subscription, str | None]:
    plan = await Plan.filter(id=plan_id, is_active=True).first()
    if plan is None or not plan.stripe_price_id:
        raise NotFound("No such plan")
    if await Subscription.filter(user_id=user.id, plan_id=plan.id, status__in=LIVE).exists():
        raise Conflict("You already have this subscription")
    customer = await stripe_customer(gateway, user)
    row = await Subscription.create(
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


async def lapse_if_over(deps: Deps, effects: PostCommit, user_id: uuid.UUID) -> int:
    """Suspend the enrollments a subscription gave, once no paid period covers them."""
    if await covered_by_subscription(user_id, deps.clock.now()):
        return 0
    suspended = 0
    for enrollment_id in await Enrollment.filter(
        student_id=user_id,
        source=EnrollmentSource.SUBSCRIPTION,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
    ).values_list("id", flat=True):
        if await suspend(effects, enrollment_id, "subscription ended"):  # type: ignore[arg-type]
            suspended += 1
    return suspended


async def expire_subscriptions(ctx: dict[str, Any]) -> int:
    """Cron: enrollments from subscriptions whose paid period ended without a renewal."""
    deps: Deps = ctx["deps"]
    users = (
        await Enrollment.filter(
            source=EnrollmentSource.SUBSCRIPTION,
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
        )
        .distinct()
        .values_list("student_id", flat=True)
    )
    suspended = 0
    for user_id in users:
        async with atomic(deps) as effects:
            suspended += await lapse_if_over(deps, effects, user_id)  # type: ignore[arg-type]
    return suspended
