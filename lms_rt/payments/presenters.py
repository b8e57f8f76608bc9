"""Payments as clients see them: the response models read straight from the rows."""

from __future__ import annotations

from lms_rt.payments.models import Coupon, Payment, Plan, Refund, Subscription
from lms_rt.payments.schemas import CouponOut, PaymentOut, PlanOut, RefundOut, SubscriptionOut


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut.model_validate(p, from_attributes=True)


def refund_out(r: Refund) -> RefundOut:
    return RefundOut.model_validate(r, from_attributes=True)


def subscription_out(s: Subscription) -> SubscriptionOut:
    return SubscriptionOut.model_validate(s, from_attributes=True)


def plan_out(p: Plan) -> PlanOut:
    return PlanOut.model_validate(p, from_attributes=True)


def coupon_out(c: Coupon) -> CouponOut:
    return CouponOut.model_validate(c, from_attributes=True)
