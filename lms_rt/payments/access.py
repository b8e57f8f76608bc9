"""Access that follows verified payments: granting a course, and suspending it again."""

from __future__ import annotations

import uuid
from datetime import datetime

from lms_rt.courses.models import Course
from lms_rt.db import PostCommit
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from lms_rt.enrollments.service import admit
from lms_rt.errors import Conflict
from lms_rt.payments.models import Payment, PaymentStatus, Subscription
from lms_rt.users.models import User

OPEN = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


async def grant(
    deps: Deps, user_id: uuid.UUID, course_id: uuid.UUID, source: EnrollmentSource
) -> Enrollment:
    """The user's enrollment in the course, active (created, or reactivated if it was dropped
    or suspended); one already open is left as it is."""
    current = await Enrollment.filter(student_id=user_id, course_id=course_id).first()
    if current is not None and current.status in OPEN:
        return current
    user = await User.get(id=user_id)
    course = await Course.get(id=course_id)
    try:
        return await admit(deps, user, course, source)
    except Conflict:
        # Another grant (the other provider, a subscription enrollment) got there first.
        return await Enrollment.get(student_id=user_id, course_id=course_id)


async def covered_by_subscription(user_id: uuid.UUID, now: datetime) -> bool:
    """A paid period still running: access lasts to the end of what was paid, even once the
    subscription is past due or canceled (never beyond it, however far Stripe moved on)."""
    return await Subscription.filter(user_id=user_id, paid_through__gt=now).exists()


async def paid_for(user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """A payment for the course that stands (not refunded in full)."""
    return await Payment.filter(
        user_id=user_id,
        course_id=course_id,
        status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED],
    ).exists()


async def suspend(effects: PostCommit, enrollment_id: uuid.UUID, reason: str) -> bool:
    """Suspend an open enrollment (a refund, a lapsed subscription); ``True`` if it was open."""
    enrollment = await Enrollment.filter(id=enrollment_id).first()
    if enrollment is None:
        return False
    changed = await Enrollment.filter(id=enrollment_id, status__in=OPEN).update(
        status=EnrollmentStatus.SUSPENDED
    )
    if changed:
        effects.publish(
            f"user:{enrollment.student_id}",
            "enrollment.suspended",
            {
                "enrollment_id": str(enrollment_id),
                "course_id": str(enrollment.course_id),
                "reason": reason,
            },
        )
        effects.publish(
            f"course:{enrollment.course_id}:staff",
            "enrollment.suspended",
            {
                "enrollment_id": str(enrollment_id),
                "student_id": str(enrollment.student_id),
                "reason": reason,
            },
        )
        effects.publish(f"auth:{enrollment.student_id}", "access.changed", {})
    return bool(changed)
