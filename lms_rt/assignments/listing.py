"""The staff's list of an assignment's submissions: filters, pages and the CSV table."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from tortoise.queryset import QuerySet

from lms_rt.assignments.models import Assignment, Submission
from lms_rt.assignments.schemas import SubmissionsQuery

CSV_COLUMNS = (
    "submission_id",
    "student_id",
    "student_name",
    "student_email",
    "attempt",
    "status",
    "submitted_at",
    "is_late",
    "days_late",
    "penalty_percent",
    "raw_score",
    "score",
    "max_points",
    "graded_at",
    "returned_at",
    "url",
    "file_count",
    "feedback",
)


async def newest_ids(assignment_id: uuid.UUID) -> list[uuid.UUID]:
    """Each student's newest attempt, read from three light columns."""
    rows = await Submission.filter(assignment_id=assignment_id).values_list(
        "id", "student_id", "attempt"
    )
    newest: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}
    for submission_id, student_id, attempt in rows:
        if student_id not in newest or attempt > newest[student_id][0]:
            newest[student_id] = (attempt, submission_id)
    return [submission_id for _, submission_id in newest.values()]


async def filtered(assignment: Assignment, query: SubmissionsQuery) -> QuerySet[Submission]:
    """Filters apply to what is listed: by default each student's newest attempt, so
    ``status=submitted`` is the students waiting for a grade."""
    rows = Submission.filter(assignment_id=assignment.id)
    if not query.all_attempts:
        rows = rows.filter(id__in=await newest_ids(assignment.id))
    if query.status is not None:
        rows = rows.filter(status=query.status)
    if query.late is not None:
        rows = rows.filter(is_late=query.late)
    if query.student_id is not None:
        rows = rows.filter(student_id=query.student_id)
    return rows.select_related("student").order_by("submitted_at", "id")


def csv_rows(assignment: Assignment, rows: Iterable[Submission]) -> Iterable[list[object]]:
    for s in rows:
        yield [
            s.id,
            s.student_id,
            s.student.full_name,
            s.student.email,
            s.attempt,
            s.status.value,
            s.submitted_at.isoformat(),
            s.is_late,
            s.days_late,
            s.penalty_percent,
            "" if s.raw_score is None else s.raw_score,
            "" if s.score is None else s.score,
            assignment.max_points,
            s.graded_at.isoformat() if s.graded_at else "",
            s.returned_at.isoformat() if s.returned_at else "",
            s.url or "",
            len(s.file_ids),
            s.feedback,
        ]
