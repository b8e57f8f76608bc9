"""Files users upload, kept in the storage backend under keys the server chooses."""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course, Lesson
from lms_rt.users.models import User


class FilePurpose(StrEnum):
    AVATAR = "avatar"
    COURSE_THUMBNAIL = "course_thumbnail"
    LESSON_ATTACHMENT = "lesson_attachment"
    CERTIFICATE = "certificate"
    SUBMISSION = "submission"  # a student's file for an assignment (lesson_id is its lesson)
    SUBMISSION_ARCHIVE = "submission_archive"  # a ZIP of an assignment's files, for staff
    DATA_EXPORT = "data_export"  # a ZIP of a user's personal data, for that user


class StoredFile(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="files", on_delete=fields.CASCADE
    )
    owner_id: uuid.UUID
    key = fields.CharField(max_length=512, unique=True)
    original_name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=127)
    size = fields.BigIntField()
    sha256 = fields.CharField(max_length=64)
    purpose = fields.CharEnumField(FilePurpose, max_length=24)
    course: fields.ForeignKeyNullableRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="files", null=True, on_delete=fields.CASCADE
    )
    course_id: uuid.UUID | None
    lesson: fields.ForeignKeyNullableRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name="files", null=True, on_delete=fields.CASCADE
    )
    lesson_id: uuid.UUID | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stored_files"
        indexes = (("owner", "created_at"),)
