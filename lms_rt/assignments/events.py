"""The live events of assignments, published after commit (schemas in ``schemas.py``)."""

from __future__ import annotations

from lms_rt.assignments.models import Assignment, Submission, SubmissionArchive
from lms_rt.assignments.presenters import download_link
from lms_rt.assignments.schemas import (
    ArchiveReadyEvent,
    SubmissionCreatedEvent,
    SubmissionGradedEvent,
    SubmissionReturnedEvent,
)
from lms_rt.db import PostCommit
from lms_rt.users.models import User


def staff_channel(assignment: Assignment) -> str:
    return f"course:{assignment.course_id}:staff"


def submission_created(
    effects: PostCommit, assignment: Assignment, submission: Submission, student: User
) -> None:
    data = SubmissionCreatedEvent(
        submission_id=submission.id,
        assignment_id=assignment.id,
        lesson_id=assignment.lesson_id,
        course_id=assignment.course_id,
        student_id=student.id,
        student_name=student.full_name,
        attempt=submission.attempt,
        submitted_at=submission.submitted_at,
        is_late=submission.is_late,
        days_late=submission.days_late,
        penalty_percent=submission.penalty_percent,
        has_text=bool(submission.body),
        url=submission.url,
        file_count=len(submission.file_ids),
    ).model_dump(mode="json")
    effects.publish(staff_channel(assignment), "submission.created", data)


def graded_data(assignment: Assignment, submission: Submission) -> SubmissionGradedEvent:
    assert submission.raw_score is not None and submission.score is not None
    assert submission.graded_at is not None
    return SubmissionGradedEvent(
        submission_id=submission.id,
        assignment_id=assignment.id,
        course_id=assignment.course_id,
        student_id=submission.student_id,
        attempt=submission.attempt,
        status=submission.status,
        raw_score=submission.raw_score,
        penalty_percent=submission.penalty_percent,
        score=submission.score,
        max_points=assignment.max_points,
        rubric_scores=submission.rubric_scores,
        feedback=submission.feedback,
        graded_at=submission.graded_at,
    )


def submission_graded(effects: PostCommit, assignment: Assignment, submission: Submission) -> None:
    data = graded_data(assignment, submission).model_dump(mode="json")
    effects.publish(f"user:{submission.student_id}", "submission.graded", data)
    effects.publish(staff_channel(assignment), "submission.graded", data)


def submission_returned(
    effects: PostCommit, assignment: Assignment, submission: Submission
) -> None:
    assert submission.returned_at is not None
    data = SubmissionReturnedEvent(
        submission_id=submission.id,
        assignment_id=assignment.id,
        course_id=assignment.course_id,
        student_id=submission.student_id,
        attempt=submission.attempt,
        feedback=submission.feedback,
        returned_at=submission.returned_at,
    ).model_dump(mode="json")
    effects.publish(f"user:{submission.student_id}", "submission.returned", data)
    effects.publish(staff_channel(assignment), "submission.returned", data)


def archive_ready(effects: PostCommit, archive: SubmissionArchive) -> None:
    assert archive.file_id is not None
    data = ArchiveReadyEvent(
        archive_id=archive.id,
        assignment_id=archive.assignment_id,
        file_count=archive.file_count,
        download_url=download_link(archive.file_id),
    ).model_dump(mode="json")
    effects.publish(f"user:{archive.requested_by_id}", "submission_archive.ready", data)
