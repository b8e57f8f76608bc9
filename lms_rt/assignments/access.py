"""Who may see an assignment, hand one in, and read a submission.

Course staff (owner, ``CourseStaff``, admins) see everything of their course's assignments.
A student sees an assignment while enrolled (active or completed) once its lesson is published
and, for drip lessons, unlocked. A submission is its student's and the course staff's. Anyone
else is told the object does not exist (404), so ids reveal nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lms_rt.assignments.models import Assignment, Submission, SubmissionArchive
from lms_rt.courses.access import is_staff
from lms_rt.courses.models import Course, Lesson
from lms_rt.courses.service import unlock_time
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import Forbidden, NotFound
from lms_rt.users.models import Role, User

LEARNING = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


async def learning_enrollment(user: User, lesson: Lesson, now: datetime) -> Enrollment | None:
    """The student's open enrollment if the lesson is published and unlocked for them."""
    if not lesson.is_published:
        return None
    enrollment = await Enrollment.filter(
        student_id=user.id, course_id=lesson.course_id, status__in=LEARNING
    ).first()
    if enrollment is None:
        return None
    unlocks = unlock_time(enrollment.enrolled_at, lesson)
    if unlocks is not None and unlocks > now:
        return None
    return enrollment


async def find_assignment(
    user: User, assignment_id: uuid.UUID, now: datetime
) -> tuple[Assignment, bool]:
    """The assignment and whether the caller is its course's staff; 404 for anyone who may
    not see it."""
    assignment = (
        await Assignment.filter(id=assignment_id).select_related("course", "lesson").first()
    )
    if assignment is None:
        raise NotFound("No such assignment")
    if await is_staff(user, assignment.course):
        return assignment, True
    if await learning_enrollment(user, assignment.lesson, now) is None:
        raise NotFound("No such assignment")
    return assignment, False


async def assignment_of_lesson(
    user: User, lesson_id: uuid.UUID, now: datetime
) -> tuple[Assignment, bool]:
    found = await Assignment.filter(lesson_id=lesson_id).first()
    if found is None:
        raise NotFound("No such assignment")
    return await find_assignment(user, found.id, now)


async def editable_assignment(user: User, assignment_id: uuid.UUID, now: datetime) -> Assignment:
    """For staff routes: the course's students are refused (403), everyone else 404."""
    assignment, staff = await find_assignment(user, assignment_id, now)
    if not staff:
        raise Forbidden("Only this course's instructors and admins may do this")
    return assignment


async def find_submission(user: User, submission_id: uuid.UUID) -> tuple[Submission, bool]:
    """The student's own submission, or any for the course's staff (``True``); else 404."""
    submission = (
        await Submission.filter(id=submission_id)
        .select_related("assignment__course", "student")
        .first()
    )
    if submission is None:
        raise NotFound("No such submission")
    if submission.student_id == user.id:
        return submission, False
    if await is_staff(user, submission.assignment.course):
        return submission, True
    raise NotFound("No such submission")


async def staff_submission(user: User, submission_id: uuid.UUID) -> Submission:
    submission, staff = await find_submission(user, submission_id)
    if not staff:
        raise Forbidden("Only this course's instructors and admins may do this")
    return submission


async def find_archive(user: User, archive_id: uuid.UUID) -> SubmissionArchive:
    """Whoever asked for it, admins, and the course's current staff; else 404."""
    archive = await SubmissionArchive.filter(id=archive_id).select_related("assignment").first()
    if archive is None:
        raise NotFound("No such archive")
    if archive.requested_by_id == user.id or user.role == Role.ADMIN:
        return archive
    course = await Course.get(id=archive.assignment.course_id)
    if await is_staff(user, course):
        return archive
    raise NotFound("No such archive")
