"""What clients send and receive about certificates, and the shape of ``certificate.issued``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from lms_rt.http.pagination import PageQuery
from lms_rt.users.schemas import Strict


class CertificateStatus(StrEnum):
    RENDERING = "rendering"  # the row exists, the PDF is not stored yet
    ISSUED = "issued"
    REVOKED = "revoked"


class CertificateOut(BaseModel):
    """A certificate as its owner, the course's staff and admins see it."""

    id: uuid.UUID
    number: str
    status: CertificateStatus
    enrollment_id: uuid.UUID
    student_id: uuid.UUID
    course_id: uuid.UUID
    student_name: str
    course_title: str
    instructor_name: str
    completion_date: date
    issued_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    verify_url: str
    # The API path of the PDF; null while it is being rendered or once revoked.
    download_url: str | None


class CertificatesQuery(PageQuery):
    pass


class VerificationOut(BaseModel):
    """The public answer about a number: what it certifies, never who to contact."""

    valid: bool
    revoked: bool
    number: str
    course_title: str
    student_name: str | None = Field(description="none once the holder's data was erased")
    completion_date: date
    issued_at: datetime
    revoked_at: datetime | None = None


class RevokeIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class CertificateIssuedEvent(BaseModel):
    """``certificate.issued`` on ``user:<student_id>``, once the PDF can be downloaded."""

    certificate_id: uuid.UUID
    number: str
    enrollment_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    verify_url: str
    download_url: str
