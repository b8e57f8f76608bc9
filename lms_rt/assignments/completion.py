"""A graded submission completes its assignment lesson, and may complete the course.

Runs inside the grading transaction: the lesson's progress, the enrollment's numbers and the
grade commit together. The enrollment row is locked first, as every progress write does, so
a lesson completed at the same moment is counted too.
"""

from __future__ import annotations

import uuid

from lms_rt.assignments.access import LEARNING
from lms_rt.assignments.models import Assignment, Submission
from lms_rt.db import PostCommit
from lms_rt.enrollments import events
from lms_rt.enrollments.models import Enrollment, LessonProgress, ProgressStatus
from lms_rt.enrollments.progress import recompute


async def count_toward_completion(
    effects: PostCommit, assignment: Assignment, submission: Submission
) -> None:
    if submission.score is None:
        return
    enrollment = (
        await Enrollment.filter(
            student_id=submission.student_id, course_id=assignment.course_id, status__in=LEARNING
        )
        .select_for_update()
        .first()
    )
    if enrollment is None:
        return
    moment = effects.deps.clock.now()
    progress, _ = await LessonProgress.get_or_create(
        enrollment_id=enrollment.id,
        lesson_id=assignment.lesson_id,
        defaults={"started_at": moment, "status": ProgressStatus.IN_PROGRESS},
    )
    changed = await LessonProgress.filter(id=progress.id, completed_at=None).update(
        status=ProgressStatus.COMPLETED, completed_at=moment, completion_percentage=100
    )
    await Enrollment.filter(id=enrollment.id, started_at=None).update(started_at=moment)
    # Recounted even when the lesson was already marked done: the course's completion also
    # waits for graded assignments, and this grade may be the last one it waited for.
    refreshed, just_completed = await recompute(enrollment)
    if changed:
        events.progress_updated(effects, refreshed, await LessonProgress.get(id=progress.id))
    if just_completed:
        events.enrollment_completed(effects, refreshed)


async def awaiting_grade(lesson_id: uuid.UUID, student_id: uuid.UUID) -> bool:
    """The lesson has an assignment and none of the student's submissions has a score yet:
    such a lesson is completed by grading, not by the student marking it done."""
    assignment = await Assignment.filter(lesson_id=lesson_id).first()
    if assignment is None:
        return False
    return not await Submission.filter(
        assignment_id=assignment.id, student_id=student_id, score__not_isnull=True
    ).exists()
