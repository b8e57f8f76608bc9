"""A certificate per completed enrollment, with what was printed on it."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from lms_rt.courses.models import Course
from lms_rt.enrollments.models import Enrollment
from lms_rt.users.models import User


class Certificate(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    enrollment: fields.OneToOneRelation[Enrollment] = fields.OneToOneField(
        "models.Enrollment", related_name="certificate", on_delete=fields.RESTRICT
    )
    enrollment_id: uuid.UUID
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="certificates", on_delete=fields.RESTRICT
    )
    student_id: uuid.UUID
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="certificates", on_delete=fields.RESTRICT
    )
    course_id: uuid.UUID
    # A readable prefix and at least 128 random bits: the public verification code.
    number = fields.CharField(max_length=64, unique=True)
    # What was printed, as it was printed (a later rename does not change an issued document).
    student_name = fields.CharField(max_length=200)
    course_title = fields.CharField(max_length=200)
    instructor_name = fields.CharField(max_length=200)
    completion_date = fields.DateField()
    # Set once the PDF is stored; until then the certificate is being rendered.
    file_key = fields.CharField(max_length=512, null=True)
    issued_at = fields.DatetimeField(auto_now_add=True)
    is_revoked = fields.BooleanField(default=False)
    revoked_at = fields.DatetimeField(null=True)
    revoke_reason = fields.TextField(null=True)
    # The holder's data was erased: verification still answers, without a name.
    holder_erased = fields.BooleanField(default=False)

    class Meta:
        table = "certificates"
