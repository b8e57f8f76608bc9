"""Payments as clients see them."""

from __future__ import annotations

from lms_rt.payments.models import Coupon, Payment, Plan, Refund, Subscription
from lms_rt.payments.schemas import CouponOut, PaymentOut, PlanOut, RefundOut, SubscriptionOut


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(
        id=p.id,
        provider=p.provider,
        provider_reference=p.provider_reference,
        user_id=p.user_id,
        course_id=p.course_id,
        enrollment_id=p.enrollment_id,
        subscription_id=p.subscription_id,
        kind=p.kind,
        amount=p.amount,
        currency=p.currency,
        amount_refunded=p.amount_refunded,
        status=p.status,
        failure_reason=p.failure_reason,
        created_at=p.created_at,
        processed_at=p.processed_at,
    )


def refund_out(r: Refund) -> RefundOut:
    return RefundOut(
        id=r.id,
        payment_id=r.payment_id,
        amount=r.amount,
        reason=r.reason,
        provider_refund_id=r.provider_refund_id,
        created_at=r.created_at,
    )


def subscription_out(s: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=s.id,
        plan_id=s.plan_id,
        status=s.status,
        current_period_end=s.current_period_end,
        cancel_at_period_end=s.cancel_at_period_end,
        created_at=s.created_at,
    )


def plan_out(p: Plan) -> PlanOut:
    return PlanOut(
        id=p.id,
        name=p.name,
        price_amount=p.price_amount,
        currency=p.currency,
        interval=p.interval,
        is_active=p.is_active,
    )


def coupon_out(c: Coupon) -> CouponOut:
    return CouponOut(
        id=c.id,
        code=c.code,
        percent_off=c.percent_off,
        amount_off=c.amount_off,
        currency=c.currency,
        valid_until=c.valid_until,
        max_redemptions=c.max_redemptions,
        times_redeemed=c.times_redeemed,
    )
