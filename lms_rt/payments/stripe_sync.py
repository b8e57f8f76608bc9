"""Bringing our records in line with Stripe's objects.

Webhook events say *that* something changed; what changed is read back from Stripe (the
PaymentIntent, the Subscription) and applied. Events may arrive late, twice or out of order:
applying the object's current state, with conditional updates that never go backwards, makes
the order irrelevant.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from lms_rt.db import PostCommit
from lms_rt.deps import Deps
from lms_rt.payments import outcomes, subscriptions
from lms_rt.payments.models import (
    Payment,
    PaymentKind,
    PaymentStatus,
    Plan,
    Provider,
    Subscription,
    SubscriptionStatus,
)
from lms_rt.payments.stripe_gateway import (
    StripeGateway,
    StripeIntent,
    StripeSubscription,
    invoice_subscription_id,
)

log = logging.getLogger(__name__)

INTENT_EVENTS = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.requires_action",
        "payment_intent.canceled",
    }
)
SUBSCRIPTION_EVENTS = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    }
)
INVOICE_EVENTS = frozenset({"invoice.paid", "invoice.payment_failed"})
HANDLED = INTENT_EVENTS | SUBSCRIPTION_EVENTS | INVOICE_EVENTS | {"charge.refunded"}


async def apply_event(
    deps: Deps, effects: PostCommit, gateway: StripeGateway, event: dict[str, Any]
) -> str:
    kind = str(event.get("type", ""))
    obj: dict[str, Any] = event.get("data", {}).get("object", {}) or {}
    if kind in INTENT_EVENTS:
        return await sync_intent(deps, effects, gateway, str(obj.get("id")))
    if kind == "charge.refunded":
        intent_id = obj.get("payment_intent")
        return (
            await sync_intent(deps, effects, gateway, str(intent_id)) if intent_id else "no intent"
        )
    if kind in SUBSCRIPTION_EVENTS:
        return await sync_subscription(deps, effects, gateway, str(obj.get("id")))
    if kind in INVOICE_EVENTS:
        subscription_id = invoice_subscription_id(obj)
        if not subscription_id:
            return "invoice without subscription"
        result = await sync_subscription(deps, effects, gateway, str(subscription_id))
        if kind == "invoice.paid":
            await _record_invoice(deps, effects, str(subscription_id), obj)
        else:
            await _renewal_failed(effects, str(subscription_id), obj)
        return result
    return "ignored"


async def sync_intent(
    deps: Deps, effects: PostCommit, gateway: StripeGateway, intent_id: str
) -> str:
    payment = await Payment.filter(provider=Provider.STRIPE, provider_reference=intent_id).first()
    if payment is None:
        return "not ours"
    intent = await gateway.retrieve_payment_intent(intent_id)
    return await apply_intent(deps, effects, payment, intent)


async def apply_intent(
    deps: Deps, effects: PostCommit, payment: Payment, intent: StripeIntent
) -> str:
    if intent.status == "succeeded":
        try:
            await outcomes.succeeded(
                deps, effects, payment, amount=intent.amount, currency=intent.currency
            )
        except outcomes.AmountMismatch as exc:
            log.error("%s", exc)
            await outcomes.failed(effects, payment, "amount does not match the price")
            return "amount mismatch"
        if intent.amount_refunded:
            fresh = await Payment.get(id=payment.id)
            await outcomes.refunded(deps, effects, fresh, intent.amount_refunded)
        return "succeeded"
    if intent.status in ("requires_action", "requires_confirmation"):
        await outcomes.requires_action(payment)
        return "requires action"
    if intent.status == "canceled" or intent.failure_message:
        await outcomes.failed(effects, payment, intent.failure_message or intent.status)
        return "failed"
    return intent.status


_STATUS = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.PAST_DUE,
    "canceled": SubscriptionStatus.CANCELED,
    "incomplete_expired": SubscriptionStatus.CANCELED,
    "incomplete": SubscriptionStatus.INCOMPLETE,
}


async def sync_subscription(
    deps: Deps, effects: PostCommit, gateway: StripeGateway, subscription_id: str
) -> str:
    # Locked first, read from Stripe second: of two jobs for one subscription, the later
    # reads the later state, so an older answer never lands last.
    row = (
        await Subscription.filter(
            provider=Provider.STRIPE, provider_subscription_id=subscription_id
        )
        .select_for_update()
        .first()
    )
    if row is None:
        return "not ours"
    remote = await gateway.retrieve_subscription(subscription_id)
    await apply_subscription(deps, effects, row, remote)
    return remote.status


async def apply_subscription(
    deps: Deps, effects: PostCommit, row: Subscription, remote: StripeSubscription
) -> None:
    status = _STATUS.get(remote.status, row.status)
    period_end = (
        datetime.fromtimestamp(remote.current_period_end, UTC)
        if remote.current_period_end
        else None
    )
    paid_through = row.paid_through
    if status == SubscriptionStatus.ACTIVE and period_end is not None:
        # Only an active subscription has paid for the period it is in.
        paid_through = max(paid_through or period_end, period_end)
    await Subscription.filter(id=row.id).update(
        status=status,
        current_period_end=period_end,
        paid_through=paid_through,
        cancel_at_period_end=remote.cancel_at_period_end,
    )
    if status != row.status:
        effects.publish(
            f"user:{row.user_id}",
            "subscription.updated",
            {"subscription_id": str(row.id), "status": status.value},
        )
    await subscriptions.follow_subscription(deps, effects, row.user_id)


async def _renewal_failed(
    effects: PostCommit, subscription_id: str, invoice: dict[str, Any]
) -> None:
    row = await Subscription.filter(
        provider=Provider.STRIPE, provider_subscription_id=subscription_id
    ).first()
    if row is None:
        return
    effects.publish(
        f"user:{row.user_id}",
        "payment.failed",
        {
            "subscription_id": str(row.id),
            "invoice": str(invoice.get("id", "")),
            "amount": int(invoice.get("amount_due") or 0),
            "currency": str(invoice.get("currency") or "").upper(),
            "provider": "stripe",
            "reason": "the renewal payment failed",
        },
    )


async def _record_invoice(
    deps: Deps, effects: PostCommit, subscription_id: str, invoice: dict[str, Any]
) -> None:
    """A renewal paid: one recurring payment per invoice (the unique reference decides)."""
    row = await Subscription.filter(
        provider=Provider.STRIPE, provider_subscription_id=subscription_id
    ).first()
    invoice_id = invoice.get("id")
    if row is None or not invoice_id:
        return
    if await Payment.filter(provider=Provider.STRIPE, provider_reference=str(invoice_id)).exists():
        return
    amount = int(invoice.get("amount_paid") or 0)
    currency = str(invoice.get("currency") or "egp").upper()
    plan = await Plan.get(id=row.plan_id)
    if (amount, currency) != (plan.price_amount, plan.currency.upper()):
        # Money was taken (a proration, a price changed in Stripe): recorded as it is, and said.
        log.warning(
            "invoice %s paid %d %s for plan %s priced %d %s",
            invoice_id,
            amount,
            currency,
            plan.id,
            plan.price_amount,
            plan.currency,
        )
    try:
        # A savepoint: on PostgreSQL a failed insert must not abort the whole processing.
        async with in_transaction():
            payment = await Payment.create(
                provider=Provider.STRIPE,
                provider_reference=str(invoice_id),
                user_id=row.user_id,
                subscription_id=row.id,
                kind=PaymentKind.RECURRING,
                amount=amount,
                currency=currency,
                status=PaymentStatus.SUCCEEDED,
                processed_at=deps.clock.now(),
            )
    except IntegrityError:
        return
    await outcomes.receipt(deps, effects, payment, deps.clock.now().isoformat())
    effects.publish(
        f"user:{row.user_id}",
        "payment.succeeded",
        {
            "payment_id": str(payment.id),
            "subscription_id": str(row.id),
            "amount": payment.amount,
            "currency": payment.currency,
            "provider": "stripe",
        },
    )
