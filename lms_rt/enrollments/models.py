"""Who takes which course, and how far each lesson is."""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course, Lesson
from lms_rt.users.models import User


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    DROPPED = "dropped"
    SUSPENDED = "suspended"


class EnrollmentSource(StrEnum):
    FREE = "free"
    PAYMENT = "payment"
    SUBSCRIPTION = "subscription"
    STAFF = "staff"


class ProgressStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Enrollment(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="enrollments", on_delete=fields.CASCADE
    )
    student_id: uuid.UUID
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="enrollments", on_delete=fields.RESTRICT
    )
    course_id: uuid.UUID
    status = fields.CharEnumField(
        EnrollmentStatus, max_length=16, default=EnrollmentStatus.ACTIVE, db_index=True
    )
    source = fields.CharEnumField(EnrollmentSource, max_length=16, default=EnrollmentSource.FREE)
    enrolled_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    last_activity_at = fields.DatetimeField(null=True)
    progress_percentage = fields.FloatField(default=0.0)
    completed_lessons_count = fields.IntField(default=0)
    total_lessons_count = fields.IntField(default=0)
    total_time_spent_seconds = fields.IntField(default=0)
    rating = fields.SmallIntField(null=True)
    review = fields.TextField(null=True)
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "enrollments"
        unique_together = (("student", "course"),)


class LessonProgress(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    enrollment: fields.ForeignKeyRelation[Enrollment] = fields.ForeignKeyField(
        "models.Enrollment", related_name="lesson_progress", on_delete=fields.CASCADE
    )
    enrollment_id: uuid.UUID
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name="progress", on_delete=fields.CASCADE
    )
    lesson_id: uuid.UUID
    status = fields.CharEnumField(ProgressStatus, max_length=16, default=ProgressStatus.NOT_STARTED)
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    time_spent_seconds = fields.IntField(default=0)
    completion_percentage = fields.SmallIntField(default=0)
    last_position_seconds = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "lesson_progress"
        unique_together = (("enrollment", "lesson"),)


class ProgressReport(Model):
    """A client's report id, remembered so that a retried report adds no time."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    enrollment: fields.ForeignKeyRelation[Enrollment] = fields.ForeignKeyField(
        "models.Enrollment", related_name="reports", on_delete=fields.CASCADE
    )
    enrollment_id: uuid.UUID
    report_id = fields.CharField(max_length=64)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "progress_reports"
        unique_together = (("enrollment", "report_id"),)
