"""Access that follows verified payments: granting a course, and suspending it again."""

from __future__ import annotations

import uuid
from datetime import datetime

from lms_rt.courses.models import Course
from lms_rt.db import PostCommit
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from lms_rt.enrollments.service import admit
from lms_rt.payments.models import Subscription, SubscriptionStatus
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
    return await admit(deps, user, course, source)


async def covered_by_subscription(user_id: uuid.UUID, now: datetime) -> bool:
    """A paid period still running: access lasts to its end, even once the subscription is
    past due or canceled (an ``incomplete`` one was never paid)."""
    return await Subscription.filter(
        user_id=user_id,
        status__in=[
            SubscriptionStatus.ACTIVE,
            SubscriptionStatus.PAST_DUE,
            SubscriptionStatus.CANCELED,
        ],
        current_period_end__gt=now,
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
