"""A course's gradebook settings and the manual overrides of its cells."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course
from lms_rt.users.models import User


class GradebookSettings(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.OneToOneRelation[Course] = fields.OneToOneField(
        "models.Course", related_name="gradebook_settings", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    # [{"key": "quizzes", "name": "Quizzes", "weight": 40, "aggregate": "mean",
    #   "drop_lowest": 0}]; weights sum to 100.
    categories: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    # [{"letter": "A", "min": 90}, ...], highest first; the last one's min is 0.
    letter_scale: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "gradebook_settings"


class GradeOverride(Model):
    """Append-only: the newest row for a (student, item) is the one in force; a row with no
    score lifts the override. Earlier rows are the cell's history, reasons included."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="grade_overrides", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="grade_overrides", on_delete=fields.CASCADE
    )
    student_id: uuid.UUID
    # "quiz:<id>", "assignment:<id>", "live:<id>", or "final".
    item = fields.CharField(max_length=80)
    percentage = fields.FloatField(null=True)  # null: the override is lifted
    reason = fields.TextField()
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="grade_overrides_made", null=True, on_delete=fields.SET_NULL
    )
    author_id: uuid.UUID | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "grade_overrides"
        indexes = (("course", "student", "item"),)
