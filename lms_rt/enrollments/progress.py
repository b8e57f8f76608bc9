"""Progress arithmetic, kept in the same transaction as the change that moves it.

Progress is completed published lessons ÷ published lessons. An enrollment completes when
every published *required* lesson (not ``is_optional``) is completed, every published graded
quiz is passed, and the assignment of every published required lesson has a graded submission.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from lms_rt.assignments.models import Assignment, Submission
from lms_rt.courses.models import Lesson
from lms_rt.enrollments.models import (
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    ProgressStatus,
)
from lms_rt.quizzes.models import Quiz, QuizAttempt, QuizType


async def recompute(enrollment: Enrollment) -> tuple[Enrollment, bool]:
    """Recount from the rows (never increments), store, and say whether it just completed.

    Callers hold the enrollment row locked (``select_for_update``) in their transaction, so
    two lessons completed at once are both counted.
    """
    published = Lesson.filter(course_id=enrollment.course_id, is_published=True)
    total = await published.count()
    required_ids = await published.filter(is_optional=False).values_list("id", flat=True)
    done = LessonProgress.filter(
        enrollment_id=enrollment.id,
        status=ProgressStatus.COMPLETED,
        lesson__is_published=True,
    )
    completed = await done.count()
    required_done = await done.filter(lesson_id__in=required_ids).count() if required_ids else 0
    percentage = round(100.0 * completed / total, 2) if total else 0.0
    await Enrollment.filter(id=enrollment.id).update(
        completed_lessons_count=completed,
        total_lessons_count=total,
        progress_percentage=percentage,
    )
    just_completed = False
    if required_ids and required_done == len(required_ids) and await graded_work_done(enrollment):
        # Conditional: of two requests finishing the course, one completes it.
        just_completed = bool(
            await Enrollment.filter(
                id=enrollment.id, completed_at=None, status=EnrollmentStatus.ACTIVE
            ).update(completed_at=datetime.now(UTC), status=EnrollmentStatus.COMPLETED)
        )
    return await Enrollment.get(id=enrollment.id), just_completed


async def graded_work_done(enrollment: Enrollment) -> bool:
    return await passed_graded_quizzes(enrollment) and await graded_assignments(enrollment)


async def passed_graded_quizzes(enrollment: Enrollment) -> bool:
    """Every published graded quiz of the course has a passing attempt of this student."""
    graded = set(
        await Quiz.filter(
            course_id=enrollment.course_id, is_published=True, type=QuizType.GRADED
        ).values_list("id", flat=True)
    )
    if not graded:
        return True
    passed = set(
        await QuizAttempt.filter(
            quiz_id__in=graded, student_id=enrollment.student_id, passed=True
        ).values_list("quiz_id", flat=True)
    )
    return graded <= passed


async def graded_assignments(enrollment: Enrollment) -> bool:
    """The assignment of every published required lesson has a graded submission (a score)
    of this student: marking such a lesson done by hand does not complete the course."""
    required = set(
        await Assignment.filter(
            course_id=enrollment.course_id, lesson__is_published=True, lesson__is_optional=False
        ).values_list("id", flat=True)
    )
    if not required:
        return True
    graded = set(
        await Submission.filter(
            assignment_id__in=required, student_id=enrollment.student_id, score__not_isnull=True
        ).values_list("assignment_id", flat=True)
    )
    return required <= graded


async def refresh_course_totals(course_id: uuid.UUID) -> list[Enrollment]:
    """After lessons are published, unpublished, made optional or deleted: every enrollment's
    numbers, in a fixed number of queries whatever the class size. Returns the enrollments
    that this completed (a required lesson went away); completion is never taken back.
    """
    published = Lesson.filter(course_id=course_id, is_published=True)
    total = await published.count()
    required = set(await published.filter(is_optional=False).values_list("id", flat=True))
    rows = await LessonProgress.filter(
        enrollment__course_id=course_id,
        status=ProgressStatus.COMPLETED,
        lesson__is_published=True,
    ).values_list("enrollment_id", "lesson_id")
    done: dict[uuid.UUID, set[uuid.UUID]] = {}
    for enrollment_id, lesson_id in rows:
        done.setdefault(enrollment_id, set()).add(lesson_id)
    enrollments = await Enrollment.filter(course_id=course_id).select_for_update()
    for enrollment in enrollments:
        completed = len(done.get(enrollment.id, ()))
        enrollment.total_lessons_count = total
        enrollment.completed_lessons_count = completed
        enrollment.progress_percentage = round(100.0 * completed / total, 2) if total else 0.0
    if enrollments:
        await Enrollment.bulk_update(
            enrollments,
            fields=["total_lessons_count", "completed_lessons_count", "progress_percentage"],
            batch_size=500,
        )
    newly: list[Enrollment] = []
    for enrollment in enrollments:
        finished = required and required <= done.get(enrollment.id, set())
        if enrollment.completed_at is not None or not finished:
            continue
        if not await graded_work_done(enrollment):
            continue
        if await Enrollment.filter(
            id=enrollment.id, completed_at=None, status=EnrollmentStatus.ACTIVE
        ).update(completed_at=datetime.now(UTC), status=EnrollmentStatus.COMPLETED):
            newly.append(await Enrollment.get(id=enrollment.id))
    return newly
