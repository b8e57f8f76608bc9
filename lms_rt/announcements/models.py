"""An announcement to a course's class, published at once or at a set time."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course
from lms_rt.users.models import User


class Announcement(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="announcements", on_delete=fields.CASCADE
    )
    course_id: uuid.UUID
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="announcements", on_delete=fields.RESTRICT
    )
    author_id: uuid.UUID
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    pinned = fields.BooleanField(default=False)
    publish_at = fields.DatetimeField()
    # Set once, by whichever run publishes it first (a conditional update).
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "announcements"
        indexes = (("course", "published_at"),)
