"""Assignment and submission bodies, responses and live events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, computed_field

from lms_rt.assignments.models import (
    ArchiveStatus,
    LatePolicy,
    SubmissionStatus,
    SubmissionType,
)
from lms_rt.content.markdown import render_markdown
from lms_rt.courses.schemas import Title
from lms_rt.http.pagination import PageQuery
from lms_rt.users.schemas import Strict

Points = Annotated[float, Field(ge=0, le=100_000)]
Instructions = Annotated[str, Field(max_length=100_000)]
Feedback = Annotated[str, Field(max_length=20_000)]
Category = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]
Types = Annotated[list[SubmissionType], Field(min_length=1, max_length=3)]
CriterionId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class Criterion(Strict):
    id: CriterionId
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=5_000)] = ""
    points: Annotated[float, Field(gt=0, le=100_000)]


Rubric = Annotated[list[Criterion], Field(max_length=50)]


class AssignmentCreate(Strict):
    lesson_id: uuid.UUID
    title: Title | None = Field(default=None, description="The lesson's title when omitted")
    instructions: Instructions = ""
    submission_types: Types
    due_at: AwareDatetime | None = None
    late_policy: LatePolicy = LatePolicy.REFUSE
    late_penalty_percent: float = Field(default=0.0, ge=0, le=100, description="per started day")
    late_days: int = Field(default=0, ge=0, le=365, description="days after due_at accepted")
    max_points: float | None = Field(
        default=None, gt=0, le=100_000, description="100, or the rubric's total when omitted"
    )
    rubric: Rubric = Field(default_factory=list)
    allow_resubmission: bool = True
    gradebook_category: Category = "assignments"


class AssignmentUpdate(Strict):
    title: Title | None = None
    instructions: Instructions | None = None
    submission_types: Types | None = None
    due_at: AwareDatetime | None = None
    late_policy: LatePolicy | None = None
    late_penalty_percent: float | None = Field(default=None, ge=0, le=100)
    late_days: int | None = Field(default=None, ge=0, le=365)
    max_points: float | None = Field(default=None, gt=0, le=100_000)
    rubric: Rubric | None = None
    allow_resubmission: bool | None = None
    gradebook_category: Category | None = None


class CriterionOut(BaseModel):
    id: str
    title: str
    description: str
    points: float


class AssignmentOut(BaseModel):
    """What an enrolled student sees."""

    id: uuid.UUID
    course_id: uuid.UUID
    lesson_id: uuid.UUID
    title: str
    instructions: str
    submission_types: list[SubmissionType]
    due_at: datetime | None
    late_policy: LatePolicy
    late_penalty_percent: float
    late_days: int
    closes_at: datetime | None = Field(description="the last moment a submission is accepted")
    max_points: float
    rubric: list[CriterionOut]
    allow_resubmission: bool
    server_time: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def instructions_html(self) -> str:
        """``instructions`` (Markdown) as sanitised HTML."""
        return render_markdown(self.instructions)


class AssignmentStaffOut(AssignmentOut):
    """What the course's staff see besides."""

    gradebook_category: str
    students_submitted: int
    awaiting_grading: int
    created_at: datetime
    updated_at: datetime


# --- submissions -----------------------------------------------------------------------------


class SubmissionIn(Strict):
    # A text answer is kept exactly as typed (code keeps its indentation).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    body: Annotated[str, Field(max_length=100_000)] = ""
    url: Annotated[HttpUrl, Field(max_length=2000)] | None = None
    file_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class SubmittedFile(BaseModel):
    id: uuid.UUID
    original_name: str
    content_type: str
    size: int
    download_url: str


class StudentRef(BaseModel):
    id: uuid.UUID
    full_name: str
    email: str


class SubmissionOut(BaseModel):
    id: uuid.UUID
    assignment_id: uuid.UUID
    student: StudentRef
    attempt: int
    body: str
    url: str | None
    files: list[SubmittedFile]
    submitted_at: datetime
    is_late: bool
    days_late: int
    status: SubmissionStatus
    penalty_percent: float = Field(description="off the raw score for lateness")
    raw_score: float | None = Field(description="as graded, before the late penalty")
    score: float | None = Field(description="after the late penalty")
    max_points: float
    rubric_scores: dict[str, float]
    feedback: str
    graded_by_id: uuid.UUID | None
    graded_at: datetime | None
    returned_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def feedback_html(self) -> str:
        """``feedback`` (Markdown) as sanitised HTML."""
        return render_markdown(self.feedback)


class SubmissionsQuery(PageQuery):
    status: SubmissionStatus | None = None
    late: bool | None = None
    student_id: uuid.UUID | None = None
    all_attempts: bool = Field(
        default=False, description="every attempt instead of each student's newest"
    )
    format: str = Field(default="json", pattern="^(json|csv)$")


class GradeIn(Strict):
    rubric_scores: dict[CriterionId, Points] | None = Field(
        default=None, description="one score per rubric criterion, all of them"
    )
    raw_score: Points | None = Field(default=None, description="without a rubric: 0..max_points")
    feedback: Feedback = ""


class ReturnIn(Strict):
    feedback: Annotated[str, Field(min_length=1, max_length=20_000)]


class ArchiveOut(BaseModel):
    id: uuid.UUID
    assignment_id: uuid.UUID
    requested_by_id: uuid.UUID
    status: ArchiveStatus
    file_count: int = Field(description="entries in the ZIP")
    error: str = Field(description="why it failed; once ready, anything left out")
    created_at: datetime
    finished_at: datetime | None
    file_id: uuid.UUID | None
    download_url: str | None = Field(description="once ready")


# --- events ----------------------------------------------------------------------------------


class SubmissionCreatedEvent(BaseModel):
    """``submission.created`` on ``course:<id>:staff``: a summary, never the files."""

    submission_id: uuid.UUID
    assignment_id: uuid.UUID
    lesson_id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    student_name: str
    attempt: int
    submitted_at: datetime
    is_late: bool
    days_late: int
    penalty_percent: float
    has_text: bool
    url: str | None
    file_count: int


class SubmissionGradedEvent(BaseModel):
    """``submission.graded`` on ``user:<student_id>`` and ``course:<id>:staff``."""

    submission_id: uuid.UUID
    assignment_id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    attempt: int
    status: SubmissionStatus
    raw_score: float
    penalty_percent: float
    score: float
    max_points: float
    rubric_scores: dict[str, float]
    feedback: str
    graded_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def feedback_html(self) -> str:
        """``feedback`` (Markdown) as sanitised HTML."""
        return render_markdown(self.feedback)


class SubmissionReturnedEvent(BaseModel):
    """``submission.returned`` on ``user:<student_id>``: a new attempt is asked for."""

    submission_id: uuid.UUID
    assignment_id: uuid.UUID
    course_id: uuid.UUID
    student_id: uuid.UUID
    attempt: int
    feedback: str
    returned_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def feedback_html(self) -> str:
        """``feedback`` (Markdown) as sanitised HTML."""
        return render_markdown(self.feedback)


class ArchiveReadyEvent(BaseModel):
    """``submission_archive.ready`` on ``user:<requested_by_id>``."""

    archive_id: uuid.UUID
    assignment_id: uuid.UUID
    file_count: int
    download_url: str
