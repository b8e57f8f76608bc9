"""Ending an erased user's subscriptions: marked cancelled in the erasure's transaction, and
told to the provider by a job after the commit (with retries while Stripe is away)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from arq import Retry

from lms_rt.db import PostCommit
from lms_rt.deps import Deps
from lms_rt.payments.models import Provider, Subscription, SubscriptionStatus
from lms_rt.payments.providers import open_gateways
from lms_rt.payments.stripe_gateway import GatewayError, PaymentDeclined
from lms_rt.payments.subscriptions import LIVE

log = logging.getLogger(__name__)

JOB = "cancel_erased_subscription"
RETRY_BASE_SECONDS = 5


async def end_subscriptions(effects: PostCommit, user_id: uuid.UUID) -> int:
    """Inside the erasure's transaction: live subscriptions become cancelled here, and each
    one Stripe knows is cancelled there after the commit."""
    rows = await Subscription.filter(user_id=user_id, status__in=LIVE)
    await Subscription.filter(id__in=[r.id for r in rows]).update(
        status=SubscriptionStatus.CANCELED, cancel_at_period_end=True
    )
    for row in rows:
        if row.provider == Provider.STRIPE and row.provider_subscription_id:
            effects.enqueue(JOB, str(row.id), job_id=f"{JOB}:{row.id}")
    return len(rows)


async def cancel_erased_subscription(ctx: dict[str, Any], subscription_id: str) -> str:
    """No renewal is ever charged again. Stripe ends the subscription at the end of the
    period already paid for (refunds stay an admin's decision)."""
    deps: Deps = ctx["deps"]
    row = await Subscription.filter(id=uuid.UUID(subscription_id)).first()
    if row is None or not row.provider_subscription_id:
        return "nothing to cancel"
    try:
        async with open_gateways(deps.settings) as gateways:
            await gateways.stripe.cancel_at_period_end(
                row.provider_subscription_id, idempotency_key=f"erasure-cancel:{row.id}"
            )
    except PaymentDeclined as exc:
        # Already over at Stripe (cancelled, expired or unknown): nothing left to stop.
        log.warning("subscription %s: Stripe refused the cancellation: %s", row.id, exc.code)
        return "refused"
    except GatewayError as exc:
        attempt = int(ctx.get("job_try", 1))
        log.warning("subscription %s (try %d): Stripe away: %s", row.id, attempt, exc)
        raise Retry(defer=RETRY_BASE_SECONDS * 2 ** (attempt - 1)) from exc
    return "cancelled"
