"""The live events of enrollments, published after commit (schemas in ``schemas.py``)."""

from __future__ import annotations

from lms_rt.db import PostCommit
from lms_rt.enrollments.models import Enrollment, LessonProgress
from lms_rt.enrollments.schemas import EnrollmentCompletedEvent, ProgressUpdatedEvent


def enrollment_created(effects: PostCommit, enrollment: Enrollment, student_name: str) -> None:
    effects.publish(
        f"course:{enrollment.course_id}:staff",
        "enrollment.created",
        {
            "enrollment_id": str(enrollment.id),
            "student_id": str(enrollment.student_id),
            "student_name": student_name,
            "source": enrollment.source.value,
        },
    )


def progress_updated(
    effects: PostCommit, enrollment: Enrollment, progress: LessonProgress | None
) -> None:
    data = ProgressUpdatedEvent(
        enrollment_id=enrollment.id,
        course_id=enrollment.course_id,
        student_id=enrollment.student_id,
        lesson_id=progress.lesson_id if progress else None,
        lesson_status=progress.status if progress else None,
        progress_percentage=enrollment.progress_percentage,
        completed_lessons_count=enrollment.completed_lessons_count,
        total_lessons_count=enrollment.total_lessons_count,
    ).model_dump(mode="json")
    effects.publish(f"user:{enrollment.student_id}", "progress.updated", data)
    effects.publish(f"course:{enrollment.course_id}:staff", "progress.updated", data)


def enrollment_completed(effects: PostCommit, enrollment: Enrollment) -> None:
    data = EnrollmentCompletedEvent(
        enrollment_id=enrollment.id,
        course_id=enrollment.course_id,
        student_id=enrollment.student_id,
        completed_at=enrollment.completed_at,
    ).model_dump(mode="json")
    effects.publish(f"user:{enrollment.student_id}", "enrollment.completed", data)
    effects.publish(f"course:{enrollment.course_id}:staff", "enrollment.completed", data)
    # The certificate is rendered by a job once this completion commits; the job id (and the
    # job's own idempotence after ARQ forgets that id) keeps it to one certificate.
    effects.enqueue("issue_certificate", str(enrollment.id), job_id=f"certificate:{enrollment.id}")
