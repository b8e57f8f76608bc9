"""Paying for a course: what it costs is decided here, from the course and the coupon."""

from __future__ import annotations

import uuid
from datetime import timedelta

from lms_rt.courses.models import Course
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import Conflict, NotFound
from lms_rt.payments.customers import stripe_customer
from lms_rt.payments.models import Payment, PaymentStatus, Provider
from lms_rt.payments.pricing import Quote, quote
from lms_rt.payments.stripe_gateway import StripeGateway, StripeIntent
from lms_rt.users.models import User

# A pending intent for the same course and price is handed out again rather than doubled.
REUSE_PENDING = timedelta(hours=1)


async def payable_course(
    deps: Deps, user: User, course_id: uuid.UUID, coupon: str | None
) -> tuple[Course, Quote]:
    course = await Course.filter(id=course_id, is_published=True, archived_at=None).first()
    if course is None:
        raise NotFound("No such course open for enrollment")
    owned = await Enrollment.filter(
        student_id=user.id,
        course_id=course.id,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
    ).exists()
    if owned:
        raise Conflict("You already have this course")
    return course, await quote(course, coupon, deps.clock.now())


async def stripe_intent(
    deps: Deps, gateway: StripeGateway, user: User, course: Course, price: Quote
) -> tuple[Payment, StripeIntent]:
    pending = (
        await Payment.filter(
            provider=Provider.STRIPE,
            user_id=user.id,
            course_id=course.id,
            amount=price.amount,
            currency=price.currency,
            coupon_id=price.coupon.id if price.coupon else None,
            status__in=[PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION],
            created_at__gte=deps.clock.now() - REUSE_PENDING,
            provider_reference__not_isnull=True,
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None and pending.provider_reference:
        return pending, await gateway.retrieve_payment_intent(pending.provider_reference)
    customer = await stripe_customer(gateway, user)
    payment = await Payment.create(
        provider=Provider.STRIPE,
        user_id=user.id,
        course_id=course.id,
        coupon_id=price.coupon.id if price.coupon else None,
        amount=price.amount,
        currency=price.currency,
    )
    intent = await gateway.create_payment_intent(
        amount=price.amount,
        currency=price.currency,
        customer=customer,
        metadata={
            "payment_id": str(payment.id),
            "course_id": str(course.id),
            "user_id": str(user.id),
        },
        idempotency_key=f"payment-intent:{payment.id}",
    )
    await Payment.filter(id=payment.id).update(provider_reference=intent.id)
    return await Payment.get(id=payment.id), intent
