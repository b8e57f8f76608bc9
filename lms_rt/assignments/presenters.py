"""Rows into response models."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from lms_rt.assignments.models import (
    Assignment,
    Submission,
    SubmissionArchive,
    SubmissionStatus,
)
from lms_rt.assignments.rules import closes_at
from lms_rt.assignments.schemas import (
    ArchiveOut,
    AssignmentOut,
    AssignmentStaffOut,
    CriterionOut,
    StudentRef,
    SubmissionOut,
    SubmittedFile,
)
from lms_rt.files.models import StoredFile
from lms_rt.http.openapi import API_PREFIX


def download_link(file_id: uuid.UUID) -> str:
    return f"{API_PREFIX}/files/download/{file_id}"


def assignment_out(assignment: Assignment, now: datetime) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.id,
        course_id=assignment.course_id,
        lesson_id=assignment.lesson_id,
        title=assignment.title,
        instructions=assignment.instructions,
        submission_types=assignment.submission_types,
        due_at=assignment.due_at,
        late_policy=assignment.late_policy,
        late_penalty_percent=assignment.late_penalty_percent,
        late_days=assignment.late_days,
        closes_at=closes_at(assignment),
        max_points=assignment.max_points,
        rubric=[CriterionOut.model_validate(c) for c in assignment.rubric],
        allow_resubmission=assignment.allow_resubmission,
        server_time=now,
    )


async def assignment_staff_out(assignment: Assignment, now: datetime) -> AssignmentStaffOut:
    rows = await Submission.filter(assignment_id=assignment.id).values_list(
        "student_id", "attempt", "status"
    )
    newest: dict[uuid.UUID, tuple[int, str]] = {}
    for student_id, attempt, status in rows:
        if student_id not in newest or attempt > newest[student_id][0]:
            newest[student_id] = (attempt, status)
    return AssignmentStaffOut(
        **assignment_out(assignment, now).model_dump(),
        gradebook_category=assignment.gradebook_category,
        students_submitted=len(newest),
        awaiting_grading=sum(1 for _, s in newest.values() if s == SubmissionStatus.SUBMITTED),
        created_at=assignment.created_at,
        updated_at=assignment.updated_at,
    )


async def files_by_id(submissions: Iterable[Submission]) -> dict[str, StoredFile]:
    ids = {file_id for s in submissions for file_id in s.file_ids}
    if not ids:
        return {}
    return {str(f.id): f for f in await StoredFile.filter(id__in=list(ids))}


def submission_out(
    submission: Submission, assignment: Assignment, files: dict[str, StoredFile]
) -> SubmissionOut:
    """Needs ``submission.student`` fetched; files deleted since are left out."""
    student = submission.student
    return SubmissionOut(
        id=submission.id,
        assignment_id=submission.assignment_id,
        student=StudentRef(id=student.id, full_name=student.full_name, email=student.email),
        attempt=submission.attempt,
        body=submission.body,
        url=submission.url,
        files=[
            SubmittedFile(
                id=f.id,
                original_name=f.original_name,
                content_type=f.content_type,
                size=f.size,
                download_url=download_link(f.id),
            )
            for file_id in submission.file_ids
            if (f := files.get(file_id)) is not None
        ],
        submitted_at=submission.submitted_at,
        is_late=submission.is_late,
        days_late=submission.days_late,
        status=submission.status,
        penalty_percent=submission.penalty_percent,
        raw_score=submission.raw_score,
        score=submission.score,
        max_points=assignment.max_points,
        rubric_scores=submission.rubric_scores,
        feedback=submission.feedback,
        graded_by_id=submission.graded_by_id,
        graded_at=submission.graded_at,
        returned_at=submission.returned_at,
    )


async def submissions_out(
    submissions: list[Submission], assignment: Assignment
) -> list[SubmissionOut]:
    files = await files_by_id(submissions)
    return [submission_out(s, assignment, files) for s in submissions]


def archive_out(archive: SubmissionArchive) -> ArchiveOut:
    ready = archive.file_id is not None
    return ArchiveOut(
        id=archive.id,
        assignment_id=archive.assignment_id,
        requested_by_id=archive.requested_by_id,
        status=archive.status,
        file_count=archive.file_count,
        error=archive.error,
        created_at=archive.created_at,
        finished_at=archive.finished_at,
        file_id=archive.file_id,
        download_url=download_link(archive.file_id) if ready else None,  # type: ignore[arg-type]
    )
