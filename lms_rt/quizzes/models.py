"""Quizzes, questions (answer keys in their own column), accommodations, attempts, answers."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course, Lesson
from lms_rt.users.models import User


class QuizType(StrEnum):
    PRACTICE = "practice"
    GRADED = "graded"


class ReviewPolicy(StrEnum):
    NEVER = "never"
    AFTER_ATTEMPT = "after_attempt"
    AFTER_CLOSE = "after_close"


class ScoringPolicy(StrEnum):
    """Which of a student's graded attempts the gradebook takes."""

    HIGHEST = "highest"
    LATEST = "latest"
    AVERAGE = "average"


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    NUMERIC = "numeric"
    ESSAY = "essay"


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # closed, being graded (momentary)
    NEEDS_GRADING = "needs_grading"  # essays wait for staff
    GRADED = "graded"


class Quiz(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="quizzes", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    lesson: fields.ForeignKeyNullableRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name="quizzes", null=True, on_delete=fields.SET_NULL
    )
    lesson_id: uuid.UUID | None
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    type = fields.CharEnumField(QuizType, max_length=16, default=QuizType.PRACTICE)
    passing_score = fields.SmallIntField(default=60)  # percent
    time_limit_minutes = fields.IntField(null=True)
    max_attempts = fields.IntField(null=True)
    available_from = fields.DatetimeField(null=True)
    available_until = fields.DatetimeField(null=True)
    shuffle_questions = fields.BooleanField(default=False)
    shuffle_options = fields.BooleanField(default=False)
    review_policy = fields.CharEnumField(
        ReviewPolicy, max_length=16, default=ReviewPolicy.AFTER_ATTEMPT
    )
    grace_seconds = fields.IntField(default=30)
    pool_size = fields.IntField(null=True)
    scoring_policy = fields.CharEnumField(
        ScoringPolicy, max_length=8, default=ScoringPolicy.HIGHEST
    )
    gradebook_category = fields.CharField(max_length=40, default="quizzes")
    is_published = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "quizzes"


class QuizQuestion(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    quiz: fields.ForeignKeyRelation[Quiz] = fields.ForeignKeyField(
        "models.Quiz", related_name="questions", on_delete=fields.CASCADE
    )
    quiz_id: uuid.UUID
    text = fields.TextField()
    type = fields.CharEnumField(QuestionType, max_length=16)
    points = fields.FloatField(default=1.0)
    order = fields.IntField(default=0)
    # [{"id": "a", "text": "..."}] for choice questions.
    options: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    # Never part of any student-facing schema; see grading.py for its shape per type.
    answer_key: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    explanation = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quiz_questions"
        ordering = ("order",)


class QuizAccommodation(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    quiz: fields.ForeignKeyRelation[Quiz] = fields.ForeignKeyField(
        "models.Quiz", related_name="accommodations", on_delete=fields.CASCADE
    )
    quiz_id: uuid.UUID
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="quiz_accommodations", on_delete=fields.CASCADE
    )
    student_id: uuid.UUID
    extra_minutes = fields.IntField(default=0)
    time_multiplier = fields.FloatField(default=1.0)
    extra_attempts = fields.IntField(default=0)

    class Meta:
        table = "quiz_accommodations"
        unique_together = (("quiz", "student"),)


class QuizAttempt(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    quiz: fields.ForeignKeyRelation[Quiz] = fields.ForeignKeyField(
        "models.Quiz", related_name="attempts", on_delete=fields.CASCADE
    )
    quiz_id: uuid.UUID
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="quiz_attempts", on_delete=fields.CASCADE
    )
    student_id: uuid.UUID
    number = fields.IntField()
    status = fields.CharEnumField(
        AttemptStatus, max_length=16, default=AttemptStatus.IN_PROGRESS, db_index=True
    )
    started_at = fields.DatetimeField()
    deadline = fields.DatetimeField(null=True)
    submitted_at = fields.DatetimeField(null=True)
    closed_by = fields.CharField(max_length=16, null=True)  # "student" or "deadline"
    # This attempt's own question order and option orders, fixed when it starts.
    question_ids: fields.Field[list[str]] = fields.JSONField(default=list)
    option_orders: fields.Field[dict[str, list[str]]] = fields.JSONField(default=dict)
    score = fields.FloatField(null=True)
    max_score = fields.FloatField(default=0.0)
    percentage = fields.FloatField(null=True)
    passed = fields.BooleanField(null=True)
    graded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "quiz_attempts"
        unique_together = (("quiz", "student", "number"),)


class AttemptAnswer(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    attempt: fields.ForeignKeyRelation[QuizAttempt] = fields.ForeignKeyField(
        "models.QuizAttempt", related_name="answers", on_delete=fields.CASCADE
    )
    attempt_id: uuid.UUID
    question: fields.ForeignKeyRelation[QuizQuestion] = fields.ForeignKeyField(
        "models.QuizQuestion", related_name="answers", on_delete=fields.CASCADE
    )
    question_id: uuid.UUID
    # {"value": <response>}: a bare JSON string would be taken for encoded JSON.
    payload: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    saved_at = fields.DatetimeField()
    points_awarded = fields.FloatField(null=True)
    is_correct = fields.BooleanField(null=True)
    feedback = fields.TextField(default="")
    graded_by_id = fields.UUIDField(null=True)
    graded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "attempt_answers"
        unique_together = (("attempt", "question"),)

    @property
    def response(self) -> Any:
        return self.payload.get("value")
