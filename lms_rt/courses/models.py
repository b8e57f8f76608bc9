"""Courses, sections, lessons and course staff."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from lms_rt.users.models import User


class Difficulty(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class LessonType(StrEnum):
    VIDEO = "video"
    TEXT = "text"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"


class StaffRole(StrEnum):
    INSTRUCTOR = "instructor"
    ASSISTANT = "assistant"


class Course(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    title = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=220, unique=True)
    description = fields.TextField(default="")
    # Title and description lower-cased in one column: PostgreSQL's full-text index covers it,
    # and SQLite's fallback search is a plain substring match on it.
    search_document = fields.TextField(default="")
    instructor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="courses_taught", on_delete=fields.RESTRICT
    )
    instructor_id: uuid.UUID
    category = fields.CharField(max_length=100, default="", db_index=True)
    difficulty = fields.CharEnumField(Difficulty, max_length=16, default=Difficulty.BEGINNER)
    price_amount = fields.IntField(default=0)  # minor units of ``currency``; 0 is free
    currency = fields.CharField(max_length=3, default="EGP")
    is_published = fields.BooleanField(default=False, db_index=True)
    published_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)
    thumbnail_url = fields.CharField(max_length=500, null=True)
    estimated_duration_minutes = fields.IntField(default=0)
    metadata: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    # Kept in step by enrollment and review writes, so sorting the catalog needs no joins.
    enrollment_count = fields.IntField(default=0)
    rating_count = fields.IntField(default=0)
    rating_average = fields.FloatField(default=0.0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "courses"


class Section(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="sections", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    title = fields.CharField(max_length=200)
    order = fields.IntField(default=0)

    class Meta:
        table = "sections"
        ordering = ("order",)


class Lesson(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="lessons", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    section: fields.ForeignKeyNullableRelation[Section] = fields.ForeignKeyField(
        "models.Section", related_name="lessons", null=True, on_delete=fields.SET_NULL
    )
    section_id: uuid.UUID | None
    title = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=220)
    description = fields.TextField(default="")
    content = fields.TextField(default="")
    type = fields.CharEnumField(LessonType, max_length=16, default=LessonType.TEXT)
    order = fields.IntField(default=0)
    duration_minutes = fields.IntField(default=0)
    video_url = fields.CharField(max_length=500, null=True)
    is_preview = fields.BooleanField(default=False)
    is_optional = fields.BooleanField(default=False)
    available_after_days = fields.IntField(default=0)
    is_published = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "lessons"
        unique_together = (("course", "slug"),)
        ordering = ("order",)


class CourseStaff(Model):
    """Instructors and teaching assistants beyond the course's owner."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="staff", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="staffed_courses", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    role = fields.CharEnumField(StaffRole, max_length=16, default=StaffRole.ASSISTANT)
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course_staff"
        unique_together = (("course", "user"),)
