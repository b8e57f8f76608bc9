"""What clients send and receive about files."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.http.openapi import API_PREFIX
from lms_rt.http.pagination import PageQuery


class UploadForm(BaseModel):
    """The form fields that precede the file part of an upload."""

    model_config = ConfigDict(extra="forbid")

    # Certificates and submission archives are made by the server, never uploaded.
    purpose: Literal["avatar", "course_thumbnail", "lesson_attachment", "submission"]
    course_id: uuid.UUID | None = None
    lesson_id: uuid.UUID | None = None


class UploadBody(UploadForm):
    """The whole multipart body as documented: the fields, then the file as the last part."""

    file: bytes = Field(description="The file itself; it must be the last part of the form")


class MyFilesQuery(PageQuery):
    purpose: FilePurpose | None = None


class FileOut(BaseModel):
    id: uuid.UUID
    purpose: FilePurpose
    original_name: str
    # Detected from the file's bytes when it was uploaded.
    content_type: str
    size: int
    sha256: str
    course_id: uuid.UUID | None
    lesson_id: uuid.UUID | None
    created_at: datetime
    # Redirects to a short-lived signed URL; ask again when it has expired.
    download_url: str

    @classmethod
    def of(cls, row: StoredFile) -> FileOut:
        return cls(
            id=row.id,
            purpose=row.purpose,
            original_name=row.original_name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            course_id=row.course_id,
            lesson_id=row.lesson_id,
            created_at=row.created_at,
            download_url=f"{API_PREFIX}/files/download/{row.id}",
        )
