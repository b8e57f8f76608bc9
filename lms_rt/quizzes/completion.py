"""A passed graded quiz may be the last thing a course's completion was waiting for."""

from __future__ import annotations

from lms_rt.db import PostCommit
from lms_rt.enrollments import events
from lms_rt.enrollments.models import Enrollment
from lms_rt.enrollments.progress import recompute
from lms_rt.quizzes.models import Quiz, QuizAttempt, QuizType


async def count_toward_completion(effects: PostCommit, quiz: Quiz, attempt: QuizAttempt) -> None:
    if quiz.type != QuizType.GRADED or not attempt.passed:
        return
    enrollment = (
        await Enrollment.filter(student_id=attempt.student_id, course_id=quiz.course_id)
        .select_for_update()
        .first()
    )
    if enrollment is None:
        return
    refreshed, just_completed = await recompute(enrollment)
    if just_completed:
        events.enrollment_completed(effects, refreshed)
