"""Enrolling, dropping, reviewing, and recording progress."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from lms_rt.assignments.completion import awaiting_grade
from lms_rt.auth.service import announce_access_changed
from lms_rt.courses.models import Course, Lesson
from lms_rt.courses.service import unlock_time
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments import events
from lms_rt.enrollments.models import (
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
    ProgressReport,
    ProgressStatus,
)
from lms_rt.enrollments.progress import recompute
from lms_rt.enrollments.schemas import (
    BulkEnrollOut,
    EnrollmentOut,
    ProgressIn,
    ReviewIn,
    RosterQuery,
)
from lms_rt.errors import Conflict, Forbidden, NotFound, PaymentRequired
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify
from lms_rt.payments.models import Subscription, SubscriptionStatus
from lms_rt.users.models import Role, User

OPEN = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


def now() -> datetime:
    return datetime.now(UTC)


def enrollment_out(e: Enrollment) -> EnrollmentOut:
    return EnrollmentOut(
        id=e.id,
        course_id=e.course_id,
        student_id=e.student_id,
        status=e.status,
        source=e.source,
        enrolled_at=e.enrolled_at,
        started_at=e.started_at,
        completed_at=e.completed_at,
        last_activity_at=e.last_activity_at,
        progress_percentage=e.progress_percentage,
        completed_lessons_count=e.completed_lessons_count,
        total_lessons_count=e.total_lessons_count,
        total_time_spent_seconds=e.total_time_spent_seconds,
        rating=e.rating,
        review=e.review,
    )


# --- enrolling -----------------------------------------------------------------------------


async def enroll(deps: Deps, user: User, course_id: uuid.UUID) -> Enrollment:
    course = await Course.filter(id=course_id, is_published=True, archived_at=None).first()
    if course is None:
        raise NotFound("No such course open for enrollment")
    if course.price_amount > 0:
        if await _subscribed(user, deps):
            return await admit(deps, user, course, EnrollmentSource.SUBSCRIPTION)
        raise PaymentRequired(
            "This course is paid: pay first and the enrollment follows the verified payment",
            details=[
                {
                    "price_amount": course.price_amount,
                    "currency": course.currency,
                    "endpoints": [
                        "/api/v1/payments/create-payment-intent",
                        "/api/v1/payments/myfatoorah/initiate",
                    ],
                }
            ],
        )
    return await admit(deps, user, course, EnrollmentSource.FREE)


async def admit(deps: Deps, student: User, course: Course, source: EnrollmentSource) -> Enrollment:
    """Create (or reactivate a dropped) enrollment; 409 when already enrolled.

    The unique (student, course) pair makes concurrent requests create one enrollment.
    """
    try:
        async with atomic(deps) as effects:
            # A dropped enrollment comes back, and so does one suspended when its payment
            # was refunded or its subscription lapsed, once paid for again.
            reactivated = await Enrollment.filter(
                student_id=student.id,
                course_id=course.id,
                status__in=[EnrollmentStatus.DROPPED, EnrollmentStatus.SUSPENDED],
            ).update(status=EnrollmentStatus.ACTIVE, source=source)
            if reactivated:
                enrollment = await Enrollment.get(student_id=student.id, course_id=course.id)
            else:
                enrollment = await Enrollment.create(
                    student=student,
                    course=course,
                    source=source,
                    total_lessons_count=await Lesson.filter(
                        course_id=course.id, is_published=True
                    ).count(),
                )
                await Course.filter(id=course.id).update(enrollment_count=F("enrollment_count") + 1)
            enrollment, _ = await recompute(enrollment)
            events.enrollment_created(effects, enrollment, student.full_name)
            key = f"enrollment-confirmation:{enrollment.id}:{now().isoformat()}"
            await notify(
                effects,
                [student.id],
                NotificationType.ENROLLMENT_CONFIRMED,
                f"You are enrolled in {course.title}",
                link=f"/courses/{course.slug}",
                data={"course_id": str(course.id), "enrollment_id": str(enrollment.id)},
                key=key,
            )
            effects.enqueue(
                "send_email",
                student.email,
                "enrollment_confirmation",
                {
                    "name": student.full_name,
                    "course_title": course.title,
                    "course_url": f"{deps.settings.base_url}/courses/{course.slug}",
                },
                key,
                job_id=key,
            )
    except IntegrityError as exc:
        raise Conflict("Already enrolled in this course") from exc
    return enrollment


async def _subscribed(user: User, deps: Deps) -> bool:
    """An active subscription opens every paid course while its period runs."""
    return await Subscription.filter(
        user_id=user.id,
        status=SubscriptionStatus.ACTIVE,
        current_period_end__gt=deps.clock.now(),
    ).exists()


async def own_enrollment(user: User, enrollment_id: uuid.UUID) -> Enrollment:
    """Another student's enrollment is *not found*. Course staff may read their students'."""
    enrollment = await Enrollment.filter(id=enrollment_id).select_related("course").first()
    if enrollment is None:
        raise NotFound("No such enrollment")
    if enrollment.student_id == user.id or user.role == Role.ADMIN:
        return enrollment
    from lms_rt.courses.access import is_staff

    if await is_staff(user, enrollment.course):
        return enrollment
    raise NotFound("No such enrollment")


def _ensure_student(user: User, enrollment: Enrollment) -> None:
    if enrollment.student_id != user.id:
        raise Forbidden("Only the enrolled student can do this")


async def drop(deps: Deps, user: User, enrollment: Enrollment) -> Enrollment:
    _ensure_student(user, enrollment)
    async with atomic(deps) as effects:
        dropped = await Enrollment.filter(id=enrollment.id, status=EnrollmentStatus.ACTIVE).update(
            status=EnrollmentStatus.DROPPED
        )
        if not dropped:
            raise Conflict(f"An enrollment that is {enrollment.status.value} cannot be dropped")
        effects.publish(
            f"course:{enrollment.course_id}:staff",
            "enrollment.dropped",
            {"enrollment_id": str(enrollment.id), "student_id": str(enrollment.student_id)},
        )
        announce_access_changed(enrollment.student_id)
    return await Enrollment.get(id=enrollment.id)


async def review(deps: Deps, user: User, enrollment: Enrollment, data: ReviewIn) -> Enrollment:
    """Once the student has made progress; the course's rating is recomputed with it."""
    _ensure_student(user, enrollment)
    if enrollment.started_at is None:
        raise Conflict("Review a course once you have started it")
    async with atomic(deps):
        await Enrollment.filter(id=enrollment.id).update(
            rating=data.rating, review=data.review, reviewed_at=now()
        )
        # Summed and divided here: an average over an integer column comes back truncated.
        ratings: list[int] = await Enrollment.filter(
            course_id=enrollment.course_id, rating__not_isnull=True
        ).values_list("rating", flat=True)  # type: ignore[assignment]
        count = len(ratings)
        average = sum(ratings) / count if count else 0.0
        await Course.filter(id=enrollment.course_id).update(
            rating_average=average, rating_count=count
        )
    return await Enrollment.get(id=enrollment.id)


# --- progress ------------------------------------------------------------------------------


async def _lesson_for(enrollment: Enrollment, lesson_id: uuid.UUID) -> Lesson:
    if enrollment.status not in OPEN:
        raise Conflict(f"This enrollment is {enrollment.status.value}")
    lesson = await Lesson.filter(
        id=lesson_id, course_id=enrollment.course_id, is_published=True
    ).first()
    if lesson is None:
        raise NotFound("No such lesson in this course")
    unlocks = unlock_time(enrollment.enrolled_at, lesson)
    if unlocks is not None and unlocks > now():
        raise Forbidden(
            "This lesson unlocks later",
            details=[{"reason": "drip_locked", "available_at": unlocks.isoformat()}],
        )
    return lesson


async def record_progress(
    deps: Deps, user: User, enrollment: Enrollment, lesson_id: uuid.UUID, data: ProgressIn
) -> LessonProgress:
    """Time is added (never overwritten); a repeated ``report_id`` adds nothing."""
    _ensure_student(user, enrollment)
    lesson = await _lesson_for(enrollment, lesson_id)
    moment = now()
    async with atomic(deps) as effects:
        locked = await Enrollment.filter(id=enrollment.id).select_for_update().get()
        _still_open(locked)
        progress = await _progress_row(locked, lesson, moment)
        seconds = data.time_spent_seconds
        if data.report_id is not None and seconds:
            # The enrollment row is locked, so a retried report cannot race its original.
            seen = ProgressReport.filter(enrollment_id=locked.id, report_id=data.report_id)
            if await seen.exists():
                seconds = 0
            else:
                await ProgressReport.create(enrollment=locked, report_id=data.report_id)
        changes: dict[str, object] = {}
        if data.completion_percentage is not None:
            changes["completion_percentage"] = max(
                progress.completion_percentage, data.completion_percentage
            )
        if data.last_position_seconds is not None:
            changes["last_position_seconds"] = data.last_position_seconds
        if progress.status == ProgressStatus.NOT_STARTED:
            changes["status"] = ProgressStatus.IN_PROGRESS
        await LessonProgress.filter(id=progress.id).update(
            time_spent_seconds=F("time_spent_seconds") + seconds, **changes
        )
        await Enrollment.filter(id=locked.id).update(
            total_time_spent_seconds=F("total_time_spent_seconds") + seconds,
            last_activity_at=moment,
        )
        if locked.started_at is None:
            await Enrollment.filter(id=locked.id, started_at=None).update(started_at=moment)
        progress = await LessonProgress.get(id=progress.id)
        refreshed = await Enrollment.get(id=locked.id)
        events.progress_updated(effects, refreshed, progress)
    return progress


def _still_open(locked: Enrollment) -> None:
    """Checked again under the lock: the student may have dropped the course meanwhile."""
    if locked.status not in OPEN:
        raise Conflict(f"This enrollment is {locked.status.value}")


async def _progress_row(enrollment: Enrollment, lesson: Lesson, moment: datetime) -> LessonProgress:
    progress, _ = await LessonProgress.get_or_create(
        enrollment_id=enrollment.id,
        lesson_id=lesson.id,
        defaults={"started_at": moment, "status": ProgressStatus.IN_PROGRESS},
    )
    return progress


async def complete_lesson(
    deps: Deps, user: User, enrollment: Enrollment, lesson_id: uuid.UUID
) -> LessonProgress:
    """Idempotent: completing twice (or twice at once) counts once."""
    _ensure_student(user, enrollment)
    lesson = await _lesson_for(enrollment, lesson_id)
    if await awaiting_grade(lesson.id, user.id):
        raise Conflict(
            "An assignment lesson is completed when a submission is graded",
            details=[{"reason": "assignment_not_graded"}],
        )
    moment = now()
    async with atomic(deps) as effects:
        # Serialises progress writes of one enrollment so the recount sees them all.
        locked = await Enrollment.filter(id=enrollment.id).select_for_update().get()
        _still_open(locked)
        progress = await _progress_row(locked, lesson, moment)
        changed = await LessonProgress.filter(id=progress.id, completed_at=None).update(
            status=ProgressStatus.COMPLETED, completed_at=moment, completion_percentage=100
        )
        if not changed:
            return progress
        await Enrollment.filter(id=locked.id).update(last_activity_at=moment)
        await Enrollment.filter(id=locked.id, started_at=None).update(started_at=moment)
        refreshed, just_completed = await recompute(locked)
        progress = await LessonProgress.get(id=progress.id)
        events.progress_updated(effects, refreshed, progress)
        if just_completed:
            events.enrollment_completed(effects, refreshed)
    return progress


# --- lists ---------------------------------------------------------------------------------


async def my_enrollments(user: User) -> list[Enrollment]:
    return (
        await Enrollment.filter(student_id=user.id, status__in=list(OPEN))
        .select_related("course__instructor")
        .order_by("-last_activity_at", "-enrolled_at")
    )


async def next_lessons(enrollments: list[Enrollment]) -> dict[uuid.UUID, Lesson | None]:
    """The first published lesson not yet completed, per enrollment, in two queries."""
    if not enrollments:
        return {}
    course_ids = {e.course_id for e in enrollments}
    lessons = await Lesson.filter(course_id__in=course_ids, is_published=True).order_by("order")
    done = await LessonProgress.filter(
        enrollment_id__in=[e.id for e in enrollments], status=ProgressStatus.COMPLETED
    ).values_list("enrollment_id", "lesson_id")
    completed: dict[uuid.UUID, set[uuid.UUID]] = {}
    for enrollment_id, lesson_id in done:
        completed.setdefault(enrollment_id, set()).add(lesson_id)
    result: dict[uuid.UUID, Lesson | None] = {}
    for enrollment in enrollments:
        finished = completed.get(enrollment.id, set())
        result[enrollment.id] = next(
            (
                lesson
                for lesson in lessons
                if lesson.course_id == enrollment.course_id and lesson.id not in finished
            ),
            None,
        )
    return result


async def roster(course: Course, query: RosterQuery) -> tuple[list[Enrollment], int]:
    rows = Enrollment.filter(course_id=course.id)
    if query.status is not None:
        rows = rows.filter(status=query.status)
    if query.q:
        rows = rows.filter(
            Q(student__email__icontains=query.q) | Q(student__full_name__icontains=query.q)
        )
    total = await rows.count()
    ordered = rows.select_related("student").order_by("enrolled_at", "id")
    if query.format == "json":
        ordered = ordered.offset(query.offset).limit(query.limit)
    return await ordered, total


ROSTER_COLUMNS = (
    "student_name",
    "student_email",
    "status",
    "enrolled_at",
    "progress_percentage",
    "completed_lessons",
    "total_lessons",
    "time_spent_seconds",
    "completed_at",
)


def roster_rows(enrollments: list[Enrollment]) -> list[list[object]]:
    return [
        [
            e.student.full_name,
            e.student.email,
            e.status.value,
            e.enrolled_at.isoformat(),
            e.progress_percentage,
            e.completed_lessons_count,
            e.total_lessons_count,
            e.total_time_spent_seconds,
            e.completed_at.isoformat() if e.completed_at else "",
        ]
        for e in enrollments
    ]


async def bulk_enroll(deps: Deps, course: Course, emails: list[str]) -> BulkEnrollOut:
    report = BulkEnrollOut(added=[], already_enrolled=[], unknown=[])
    unique = list(dict.fromkeys(emails))
    users = {u.email: u for u in await User.filter(email__in=unique, is_active=True)}
    for email in unique:
        user = users.get(email)
        if user is None:
            report.unknown.append(email)
            continue
        try:
            await admit(deps, user, course, EnrollmentSource.STAFF)
        except Conflict:
            report.already_enrolled.append(email)
        else:
            report.added.append(email)
    return report
