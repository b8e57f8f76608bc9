"""Quiz bodies. Student-facing models have no answer-key field at all: a key cannot leak
through them whatever is passed in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, computed_field

from lms_rt.content.markdown import render_markdown
from lms_rt.courses.schemas import Title
from lms_rt.gradebook.rules import CategoryKey
from lms_rt.http.pagination import PageQuery
from lms_rt.quizzes.models import (
    AttemptStatus,
    QuestionType,
    QuizType,
    ReviewPolicy,
    ScoringPolicy,
)
from lms_rt.users.schemas import Strict

Points = Annotated[float, Field(ge=0, le=1000)]


class Option(Strict):
    id: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")]
    text: Annotated[str, Field(min_length=1, max_length=1000)]


class QuizCreate(Strict):
    course_id: uuid.UUID
    lesson_id: uuid.UUID | None = None
    title: Title
    description: str = Field(default="", max_length=20_000)
    type: QuizType = QuizType.PRACTICE
    passing_score: int = Field(default=60, ge=0, le=100)
    time_limit_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    max_attempts: int | None = Field(default=None, ge=1, le=100)
    available_from: datetime | None = None
    available_until: datetime | None = None
    shuffle_questions: bool = False
    shuffle_options: bool = False
    review_policy: ReviewPolicy = ReviewPolicy.AFTER_ATTEMPT
    grace_seconds: int = Field(default=30, ge=0, le=600)
    pool_size: int | None = Field(default=None, ge=1, le=1000)
    scoring_policy: ScoringPolicy = Field(
        default=ScoringPolicy.HIGHEST,
        description="which graded attempts the gradebook takes: highest, latest or average",
    )
    gradebook_category: CategoryKey = Field(
        default="quizzes", description="the gradebook category (settings key) it counts in"
    )


class QuizUpdate(Strict):
    lesson_id: uuid.UUID | None = None
    title: Title | None = None
    description: str | None = Field(default=None, max_length=20_000)
    type: QuizType | None = None
    passing_score: int | None = Field(default=None, ge=0, le=100)
    time_limit_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    max_attempts: int | None = Field(default=None, ge=1, le=100)
    available_from: datetime | None = None
    available_until: datetime | None = None
    shuffle_questions: bool | None = None
    shuffle_options: bool | None = None
    review_policy: ReviewPolicy | None = None
    grace_seconds: int | None = Field(default=None, ge=0, le=600)
    pool_size: int | None = Field(default=None, ge=1, le=1000)
    scoring_policy: ScoringPolicy | None = None
    gradebook_category: CategoryKey | None = None


class QuizOut(BaseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    lesson_id: uuid.UUID | None
    title: str
    description: str
    type: QuizType
    passing_score: int
    time_limit_minutes: int | None
    max_attempts: int | None
    available_from: datetime | None
    available_until: datetime | None
    shuffle_questions: bool
    shuffle_options: bool
    review_policy: ReviewPolicy
    grace_seconds: int
    pool_size: int | None
    scoring_policy: ScoringPolicy
    gradebook_category: str
    is_published: bool
    question_count: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def description_html(self) -> str:
        """``description`` (Markdown) as sanitised HTML."""
        return render_markdown(self.description)


class QuestionCreate(Strict):
    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    type: QuestionType
    points: Points = 1.0
    options: list[Option] = Field(default_factory=list, max_length=26)
    answer_key: dict[str, Any] = Field(default_factory=dict)
    explanation: str = Field(default="", max_length=20_000)


class QuestionUpdate(Strict):
    text: Annotated[str, Field(min_length=1, max_length=20_000)] | None = None
    points: Points | None = None
    options: list[Option] | None = Field(default=None, max_length=26)
    answer_key: dict[str, Any] | None = None
    explanation: str | None = Field(default=None, max_length=20_000)


class QuestionImport(Strict):
    questions: list[QuestionCreate] = Field(min_length=1, max_length=500)


class QuestionStaffOut(BaseModel):
    id: uuid.UUID
    text: str
    type: QuestionType
    points: float
    order: int
    options: list[dict[str, Any]]
    answer_key: dict[str, Any]
    explanation: str


class ReorderQuestions(Strict):
    question_ids: list[uuid.UUID] = Field(max_length=1000)


class Accommodation(Strict):
    extra_minutes: int = Field(default=0, ge=0, le=24 * 60)
    time_multiplier: float = Field(default=1.0, ge=1.0, le=4.0)
    extra_attempts: int = Field(default=0, ge=0, le=100)


class RegradeItem(Strict):
    question_id: uuid.UUID
    answer_key: dict[str, Any] | None = None
    points: Points | None = None


class RegradeIn(Strict):
    questions: list[RegradeItem] = Field(min_length=1, max_length=1000)


class RegradeOut(BaseModel):
    attempts_regraded: int
    scores_changed: int


# --- taking ----------------------------------------------------------------------------------


class AttemptQuestion(BaseModel):
    """A question as a student sees it while answering: no key, no explanation."""

    id: uuid.UUID
    text: str
    type: QuestionType
    points: float
    options: list[dict[str, str]]


class AnswerIn(Strict):
    question_id: uuid.UUID
    response: Any = None


class SaveAnswersIn(Strict):
    answers: list[AnswerIn] = Field(min_length=1, max_length=500)


class SavedAnswer(BaseModel):
    question_id: uuid.UUID
    response: Any
    saved_at: datetime


class ReviewedAnswer(BaseModel):
    """After review opens: what was right, and why."""

    question_id: uuid.UUID
    response: Any
    points_awarded: float | None
    is_correct: bool | None
    feedback: str
    correct_answer: dict[str, Any] | None
    explanation: str


class AttemptOut(BaseModel):
    id: uuid.UUID
    quiz_id: uuid.UUID
    student_id: uuid.UUID
    number: int
    status: AttemptStatus
    started_at: datetime
    deadline: datetime | None
    closes_at: datetime | None = Field(description="deadline plus the grace for network delay")
    submitted_at: datetime | None
    server_time: datetime
    questions: list[AttemptQuestion]
    answers: list[SavedAnswer]
    score: float | None
    max_score: float
    percentage: float | None
    passed: bool | None
    review: list[ReviewedAnswer] | None = Field(
        default=None, description="present once the quiz's review policy allows"
    )


class GradeItem(Strict):
    question_id: uuid.UUID
    points: Points
    feedback: str = Field(default="", max_length=20_000)


class GradeIn(Strict):
    grades: list[GradeItem] = Field(min_length=1, max_length=500)


class AttemptSummary(BaseModel):
    id: uuid.UUID
    quiz_id: uuid.UUID
    student_id: uuid.UUID
    number: int
    status: AttemptStatus
    started_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    score: float | None
    max_score: float
    percentage: float | None
    passed: bool | None


class AttemptsQuery(PageQuery):
    status: AttemptStatus | None = None
    student_id: uuid.UUID | None = None
    format: str = Field(default="json", pattern="^(json|csv)$")
