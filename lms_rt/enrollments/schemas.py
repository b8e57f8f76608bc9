"""What clients send and receive about enrollments and progress, and the events' shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from lms_rt.courses.schemas import CourseOut, LessonSummary
from lms_rt.enrollments.models import EnrollmentSource, EnrollmentStatus, ProgressStatus
from lms_rt.http.pagination import PageQuery
from lms_rt.users.schemas import Email, Strict

# One report covers at most an hour: a longer gap is a tab left open, not study time.
MAX_REPORT_SECONDS = 3600
MAX_POSITION_SECONDS = 24 * 3600


class EnrollIn(Strict):
    course_id: uuid.UUID


class EnrollmentOut(BaseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    status: EnrollmentStatus
    source: EnrollmentSource
    enrolled_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    last_activity_at: datetime | None
    progress_percentage: float
    completed_lessons_count: int
    total_lessons_count: int
    total_time_spent_seconds: int
    rating: int | None
    review: str | None


class LessonProgressOut(BaseModel):
    lesson_id: uuid.UUID
    status: ProgressStatus
    started_at: datetime | None
    completed_at: datetime | None
    time_spent_seconds: int
    completion_percentage: int
    last_position_seconds: int


class EnrollmentDetailOut(EnrollmentOut):
    lessons: list[LessonProgressOut]


class MyCourseOut(BaseModel):
    enrollment: EnrollmentOut
    course: CourseOut
    next_lesson: LessonSummary | None


class ProgressIn(Strict):
    time_spent_seconds: int = Field(default=0, ge=0, le=MAX_REPORT_SECONDS)
    completion_percentage: int | None = Field(default=None, ge=0, le=100)
    last_position_seconds: int | None = Field(default=None, ge=0, le=MAX_POSITION_SECONDS)
    report_id: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="repeat a report with the same id and it adds no time"
    )


class ReviewIn(Strict):
    rating: int = Field(ge=1, le=5)
    review: str | None = Field(default=None, max_length=5000)


class RosterQuery(PageQuery):
    status: EnrollmentStatus | None = None
    q: str | None = Field(default=None, max_length=100, description="student name or email")
    format: str = Field(default="json", pattern="^(json|csv)$")


class RosterEntry(EnrollmentOut):
    student_name: str
    student_email: str


class BulkEnrollIn(Strict):
    emails: list[Email] = Field(min_length=1, max_length=500)


class BulkEnrollOut(BaseModel):
    added: list[str]
    already_enrolled: list[str]
    unknown: list[str]


class ProgressUpdatedEvent(BaseModel):
    """``progress.updated`` on ``user:<student>`` and ``course:<course>:staff``."""

    enrollment_id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    lesson_id: uuid.UUID | None
    lesson_status: ProgressStatus | None
    progress_percentage: float
    completed_lessons_count: int
    total_lessons_count: int


class EnrollmentCompletedEvent(BaseModel):
    """``enrollment.completed`` on ``user:<student>`` and ``course:<course>:staff``."""

    enrollment_id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    completed_at: datetime | None
