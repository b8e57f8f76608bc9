"""What a verified payment outcome does, whichever provider reported it.

Every change is a conditional update from the states it may come from, so a late or
repeated report never moves a payment backwards (a refunded payment never "succeeds" again,
a failure reported after the success changes nothing). Run inside the caller's transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.expressions import F

from lms_rt.db import PostCommit
from lms_rt.deps import Deps
from lms_rt.enrollments.models import EnrollmentSource
from lms_rt.money import MINOR_UNIT_EXPONENT
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify
from lms_rt.payments.access import covered_by_subscription, grant, suspend
from lms_rt.payments.models import Coupon, Payment, PaymentStatus
from lms_rt.users.models import User

UNSETTLED = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION, PaymentStatus.FAILED)


class AmountMismatch(Exception):
    """The provider reports a different amount or currency than was asked: grant nothing."""


def display_amount(amount: int, currency: str) -> str:
    exponent = MINOR_UNIT_EXPONENT.get(currency.upper(), 2)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f}"


def _event(payment: Payment, **extra: Any) -> dict[str, Any]:
    return {
        "payment_id": str(payment.id),
        "course_id": str(payment.course_id) if payment.course_id else None,
        "amount": payment.amount,
        "currency": payment.currency,
        "provider": payment.provider.value,
        **extra,
    }


async def succeeded(
    deps: Deps, effects: PostCommit, payment: Payment, *, amount: int, currency: str
) -> bool:
    """Grant what was paid for; ``True`` for the one report that settled it."""
    if amount != payment.amount or currency.upper() != payment.currency.upper():
        raise AmountMismatch(
            f"payment {payment.id}: expected {payment.amount} {payment.currency}, "
            f"provider reports {amount} {currency}"
        )
    now = deps.clock.now()
    settled = await Payment.filter(id=payment.id, status__in=UNSETTLED).update(
        status=PaymentStatus.SUCCEEDED, processed_at=now, failure_reason=None
    )
    if not settled:
        return False
    if payment.course_id is not None:
        enrollment = await grant(deps, payment.user_id, payment.course_id, EnrollmentSource.PAYMENT)
        await Payment.filter(id=payment.id).update(enrollment_id=enrollment.id)
    if payment.coupon_id is not None:
        await Coupon.filter(id=payment.coupon_id).update(times_redeemed=F("times_redeemed") + 1)
    effects.publish(f"user:{payment.user_id}", "payment.succeeded", _event(payment))
    await notify(
        effects,
        [payment.user_id],
        NotificationType.PAYMENT_RESULT,
        f"Payment received: {display_amount(payment.amount, payment.currency)} {payment.currency}",
        link="/my-learning",
        data=_event(payment),
        key=f"payment-succeeded:{payment.id}",
    )
    await receipt(deps, effects, payment, now.isoformat())
    return True


async def receipt(deps: Deps, effects: PostCommit, payment: Payment, paid_at: str) -> None:
    user = await User.get(id=payment.user_id)
    title = "Subscription"
    if payment.course_id is not None:
        from lms_rt.courses.models import Course

        title = (await Course.get(id=payment.course_id)).title
    key = f"receipt:{payment.id}"
    effects.enqueue(
        "send_email",
        user.email,
        "payment_receipt",
        {
            "name": user.full_name,
            "course_title": title,
            "amount": display_amount(payment.amount, payment.currency),
            "currency": payment.currency,
            "paid_at": paid_at,
            "reference": payment.provider_reference or str(payment.id),
        },
        key,
        job_id=key,
    )


async def failed(effects: PostCommit, payment: Payment, reason: str | None) -> bool:
    changed = await Payment.filter(
        id=payment.id, status__in=[PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION]
    ).update(status=PaymentStatus.FAILED, failure_reason=(reason or "declined")[:1000])
    if changed:
        effects.publish(
            f"user:{payment.user_id}",
            "payment.failed",
            _event(payment, reason=reason or "declined"),
        )
        await notify(
            effects,
            [payment.user_id],
            NotificationType.PAYMENT_RESULT,
            "Your payment did not go through",
            reason or "declined",
            data=_event(payment, reason=reason or "declined"),
            key=f"payment-failed:{payment.id}",
        )
    return bool(changed)


async def requires_action(payment: Payment) -> bool:
    """3-D Secure and the like: waiting for the customer, not a failure."""
    return bool(
        await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.REQUIRES_ACTION
        )
    )


async def refunded(deps: Deps, effects: PostCommit, payment: Payment, total_refunded: int) -> bool:
    """Record how much has been refunded in all (never less than already known); a full
    refund suspends the course unless a subscription covers it."""
    total = min(total_refunded, payment.amount)
    status = PaymentStatus.REFUNDED if total >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
    changed = await Payment.filter(
        id=payment.id,
        amount_refunded__lt=total,
        status__in=[
            PaymentStatus.SUCCEEDED,
            PaymentStatus.PARTIALLY_REFUNDED,
        ],
    ).update(amount_refunded=total, status=status)
    if not changed:
        return False
    effects.publish(
        f"user:{payment.user_id}", "payment.refunded", _event(payment, amount_refunded=total)
    )
    if (
        status == PaymentStatus.REFUNDED
        and payment.enrollment_id is not None
        and not await covered_by_subscription(payment.user_id, deps.clock.now())
    ):
        await suspend(effects, payment.enrollment_id, "refunded")
    return True
