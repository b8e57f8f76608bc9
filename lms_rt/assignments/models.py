"""Assignments (one per ``assignment`` lesson), students' submissions and ZIP exports."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course, Lesson
from lms_rt.files.models import StoredFile
from lms_rt.users.models import User


class SubmissionType(StrEnum):
    TEXT = "text"
    URL = "url"
    FILE = "file"


class LatePolicy(StrEnum):
    REFUSE = "refuse"  # nothing after due_at
    ACCEPT = "accept"  # up to late_days after due_at, late_penalty_percent off per started day


class SubmissionStatus(StrEnum):
    SUBMITTED = "submitted"
    GRADED = "graded"
    RETURNED = "returned"  # staff asked for another attempt


class ArchiveStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Assignment(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="assignments", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    lesson: fields.OneToOneRelation[Lesson] = fields.OneToOneField(
        "models.Lesson", related_name="assignment", on_delete=fields.CASCADE
    )
    lesson_id: uuid.UUID
    title = fields.CharField(max_length=200)
    instructions = fields.TextField(default="")
    # Any of "text", "url", "file".
    submission_types: fields.Field[list[str]] = fields.JSONField(default=list)
    due_at = fields.DatetimeField(null=True)
    late_policy = fields.CharEnumField(LatePolicy, max_length=8, default=LatePolicy.REFUSE)
    late_penalty_percent = fields.FloatField(default=0.0)  # per started day late
    late_days = fields.IntField(default=0)  # how many days after due_at are still accepted
    max_points = fields.FloatField(default=100.0)
    # [{"id": "clarity", "title": "...", "description": "...", "points": 10}]; when present,
    # their points sum to max_points and grading gives a score per criterion.
    rubric: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    allow_resubmission = fields.BooleanField(default=True)
    gradebook_category = fields.CharField(max_length=40, default="assignments")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "assignments"


class Submission(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "models.Assignment", related_name="submissions", on_delete=fields.CASCADE
    )
    assignment_id: uuid.UUID
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="submissions", on_delete=fields.CASCADE
    )
    student_id: uuid.UUID
    attempt = fields.IntField()  # 1, 2, ...: earlier attempts are kept as history
    body = fields.TextField(default="")
    url = fields.CharField(max_length=2000, null=True)
    file_ids: fields.Field[list[str]] = fields.JSONField(default=list)
    submitted_at = fields.DatetimeField()
    is_late = fields.BooleanField(default=False)
    days_late = fields.IntField(default=0)
    status = fields.CharEnumField(
        SubmissionStatus, max_length=16, default=SubmissionStatus.SUBMITTED, db_index=True
    )
    raw_score = fields.FloatField(null=True)  # as graded, before the late penalty
    penalty_percent = fields.FloatField(default=0.0)
    score = fields.FloatField(null=True)  # after the late penalty; what the gradebook uses
    rubric_scores: fields.Field[dict[str, float]] = fields.JSONField(default=dict)
    feedback = fields.TextField(default="")
    graded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="graded_submissions", null=True, on_delete=fields.SET_NULL
    )
    graded_by_id: uuid.UUID | None
    graded_at = fields.DatetimeField(null=True)
    returned_at = fields.DatetimeField(null=True)

    class Meta:
        table = "submissions"
        unique_together = (("assignment", "student", "attempt"),)
        indexes = (("assignment", "status"),)


class SubmissionArchive(Model):
    """A ZIP of an assignment's submitted files, built by a job for the staff who asked."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "models.Assignment", related_name="archives", on_delete=fields.CASCADE
    )
    assignment_id: uuid.UUID
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="submission_archives", on_delete=fields.CASCADE
    )
    requested_by_id: uuid.UUID
    status = fields.CharEnumField(ArchiveStatus, max_length=8, default=ArchiveStatus.PENDING)
    file: fields.ForeignKeyNullableRelation[StoredFile] = fields.ForeignKeyField(
        "models.StoredFile", related_name="archives", null=True, on_delete=fields.SET_NULL
    )
    file_id: uuid.UUID | None
    file_count = fields.IntField(default=0)
    error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "submission_archives"
