"""Uploading, listing, downloading and deleting stored files; the rules, not the HTTP."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from tortoise.functions import Sum

from lms_rt.assignments.access import learning_enrollment
from lms_rt.assignments.models import Assignment, Submission, SubmissionType
from lms_rt.courses.access import editable_course, is_staff
from lms_rt.courses.models import Lesson
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Forbidden, Invalid, NotFound, UnsupportedMedia
from lms_rt.files import sniffing
from lms_rt.files.access import is_owner_or_admin, readable_file
from lms_rt.files.intake import Head, Meter
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.files.names import download_name, sanitize_filename
from lms_rt.files.schemas import MyFilesQuery, UploadForm
from lms_rt.users.models import Role, User

log = logging.getLogger(__name__)

_IMAGES = (sniffing.PNG, sniffing.JPEG, sniffing.GIF, sniffing.WEBP)
ACCEPTED: dict[FilePurpose, tuple[sniffing.FileType, ...]] = {
    FilePurpose.AVATAR: _IMAGES,
    FilePurpose.COURSE_THUMBNAIL: _IMAGES,
    FilePurpose.LESSON_ATTACHMENT: (
        *_IMAGES,
        sniffing.PDF,
        sniffing.MP4,
        sniffing.WEBM,
        sniffing.MP3,
        sniffing.OGG,
        sniffing.ZIP,
        sniffing.TEXT,
    ),
    # Documents (PDF; Office and OpenDocument files are ZIP containers), images, archives
    # and plain text (code, notes, CSV).
    FilePurpose.SUBMISSION: (*_IMAGES, sniffing.PDF, sniffing.ZIP, sniffing.TEXT),
}
_LABELS = {
    FilePurpose.AVATAR: "An avatar",
    FilePurpose.COURSE_THUMBNAIL: "A course thumbnail",
    FilePurpose.LESSON_ATTACHMENT: "A lesson attachment",
    FilePurpose.SUBMISSION: "A submission file",
}
# Made by the server for the user, not uploaded: they do not count against the quota.
_SERVER_MADE = (FilePurpose.CERTIFICATE, FilePurpose.SUBMISSION_ARCHIVE)


def size_limit(deps: Deps, purpose: FilePurpose) -> int:
    settings = deps.settings
    return settings.avatar_max_bytes if purpose == FilePurpose.AVATAR else settings.upload_max_bytes


async def quota_used(user_id: uuid.UUID) -> int:
    """Bytes the user has uploaded; certificates and archives the server made do not count."""
    rows: list[Any] = (
        await StoredFile.filter(owner_id=user_id)
        .exclude(purpose__in=_SERVER_MADE)
        .annotate(total=Sum("size"))
        .values_list("total", flat=True)
    )
    return int(rows[0] or 0) if rows else 0


async def upload_target(
    user: User, form: UploadForm, now: datetime
) -> tuple[FilePurpose, uuid.UUID | None, uuid.UUID | None]:
    """The purpose and the course and lesson the file belongs to, once the caller may upload
    it there: thumbnails need the course's staff, attachments the lesson's course's staff,
    submission files a student who may hand in that lesson's assignment."""
    purpose = FilePurpose(form.purpose)
    if purpose == FilePurpose.SUBMISSION:
        return await _submission_target(user, form, now)
    if purpose == FilePurpose.AVATAR:
        if form.course_id or form.lesson_id:
            raise _invalid("course_id", "An avatar belongs to no course or lesson")
        return purpose, None, None
    if purpose == FilePurpose.COURSE_THUMBNAIL:
        if form.course_id is None:
            raise _invalid("course_id", "A course thumbnail needs course_id")
        if form.lesson_id is not None:
            raise _invalid("lesson_id", "A course thumbnail belongs to no lesson")
        course = await editable_course(user, str(form.course_id))
        return purpose, course.id, None
    if form.lesson_id is None:
        raise _invalid("lesson_id", "A lesson attachment needs lesson_id")
    lesson = await Lesson.get_or_none(id=form.lesson_id)
    if lesson is None:
        raise NotFound("No such lesson")
    if form.course_id is not None and form.course_id != lesson.course_id:
        raise _invalid("course_id", "The lesson is not in that course")
    course = await editable_course(user, str(lesson.course_id))
    return purpose, course.id, lesson.id


async def _submission_target(
    user: User, form: UploadForm, now: datetime
) -> tuple[FilePurpose, uuid.UUID | None, uuid.UUID | None]:
    """An enrolled student's file for the assignment of a published (and unlocked) lesson;
    the lesson is *not found* for anyone who could not see the assignment."""
    if form.lesson_id is None:
        raise _invalid("lesson_id", "A submission file needs the assignment's lesson_id")
    lesson = await Lesson.get_or_none(id=form.lesson_id).select_related("course")
    assignment = await Assignment.get_or_none(lesson_id=form.lesson_id) if lesson else None
    if lesson is None or assignment is None:
        raise NotFound("No such assignment lesson")
    if await is_staff(user, lesson.course):
        raise Forbidden("Submission files are uploaded by the course's students")
    if await learning_enrollment(user, lesson, now) is None:
        raise NotFound("No such assignment lesson")
    if form.course_id is not None and form.course_id != lesson.course_id:
        raise _invalid("course_id", "The lesson is not in that course")
    if SubmissionType.FILE not in assignment.submission_types:
        raise _invalid("purpose", "This assignment does not take file submissions")
    return FilePurpose.SUBMISSION, lesson.course_id, lesson.id


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, details=[{"field": field, "message": message, "type": "value_error"}])


def _accepted_type(head: Head, purpose: FilePurpose) -> sniffing.FileType:
    if not head.data:
        raise _invalid("file", "The file is empty")
    accepted = ACCEPTED[purpose]
    names = ", ".join(t.name.upper() for t in accepted)
    file_type = sniffing.sniff(head.data, complete=head.complete)
    if file_type is None:
        raise UnsupportedMedia(
            f"The file's content is not a type we accept here ({names})",
            details=[{"reason": "unrecognised", "accepted": [t.mime for t in accepted]}],
        )
    if file_type not in accepted:
        raise UnsupportedMedia(
            f"{_LABELS[purpose]} may not be {file_type.name.upper()}; send one of {names}",
            details=[
                {
                    "reason": "not_accepted",
                    "detected": file_type.mime,
                    "accepted": [t.mime for t in accepted],
                }
            ],
        )
    return file_type


async def upload(
    deps: Deps,
    user: User,
    form: UploadForm,
    filename: str | None,
    chunks: AsyncIterator[bytes],
) -> StoredFile:
    """Stream ``chunks`` into storage and record them; all or nothing.

    The type comes from the first bytes; the size limit and the quota are enforced as the
    bytes arrive. Any refusal or failure removes whatever was written, object and row.
    """
    purpose, course_id, lesson_id = await upload_target(user, form, deps.clock.now())
    settings = deps.settings
    meter = Meter(
        limit=size_limit(deps, purpose),
        what=_LABELS[purpose],
        quota=settings.user_quota_bytes,
        quota_used=await quota_used(user.id),
    )
    if meter.quota_left <= 0:
        raise meter.quota_exceeded()
    head = await Head.read(meter.count(chunks))
    file_type = _accepted_type(head, purpose)
    # The client's name never reaches the key: it is a label only.
    key = f"uploads/{user.id}/{uuid.uuid4()}"
    row: StoredFile | None = None
    try:
        await deps.storage.put_stream(key, head.stream(file_type), file_type.mime)
        row = await StoredFile.create(
            owner_id=user.id,
            key=key,
            original_name=sanitize_filename(filename),
            content_type=file_type.mime,
            size=meter.size,
            sha256=meter.sha256,
            purpose=purpose,
            course_id=course_id,
            lesson_id=lesson_id,
        )
        # Checked again with the row in place: of two uploads racing past the quota, at least
        # the later one sees both and is refused.
        if await quota_used(user.id) > settings.user_quota_bytes:
            raise meter.quota_exceeded()
    except BaseException:
        await _discard(deps, key, row)
        raise
    return row


async def _discard(deps: Deps, key: str, row: StoredFile | None) -> None:
    try:
        if row is not None:
            await row.delete()
        await deps.storage.delete(key)
    except Exception:
        log.exception("could not clean up refused upload %s", key)


async def my_files(user: User, query: MyFilesQuery) -> tuple[list[StoredFile], int]:
    """Data exports are not listed here: ``/users/me/exports`` lists them with their expiry."""
    rows = StoredFile.filter(owner_id=user.id).exclude(purpose=FilePurpose.DATA_EXPORT)
    if query.purpose is not None:
        rows = rows.filter(purpose=query.purpose)
    total = await rows.count()
    items = await rows.order_by("-created_at", "id").offset(query.offset).limit(query.limit)
    return items, total


async def find_file(deps: Deps, user: User | None, file_id: uuid.UUID) -> StoredFile:
    return await readable_file(user, file_id, deps.clock.now())


async def download_url(deps: Deps, user: User | None, file_id: uuid.UUID) -> str:
    """A short-lived URL serving the file as an attachment with its detected type."""
    row = await find_file(deps, user, file_id)
    file_type = sniffing.BY_MIME.get(row.content_type)
    if file_type is None:
        # Stored by the server itself under a type uploads never get.
        name, content_type = row.original_name, row.content_type
    else:
        name, content_type = download_name(row.original_name, file_type), file_type.served_as
    return await deps.storage.download_url(
        row.key, name, content_type, deps.settings.download_url_seconds
    )


async def delete_file(deps: Deps, user: User, file_id: uuid.UUID) -> None:
    """The object goes first: if that fails the row stays and the delete can be retried."""
    row = await find_file(deps, user, file_id)
    if not is_owner_or_admin(user, row):
        raise Forbidden("Only the file's owner or an admin may delete it")
    if row.purpose == FilePurpose.CERTIFICATE and user.role != Role.ADMIN:
        raise Forbidden("Certificates are managed by the server")
    if user.role != Role.ADMIN and await _handed_in(row):
        raise Conflict("This file was handed in with a submission and is kept as submitted")
    await deps.storage.delete(row.key)
    await row.delete()


async def _handed_in(row: StoredFile) -> bool:
    """Whether a submission of the file's owner lists it (file ids are kept in JSON)."""
    if row.purpose != FilePurpose.SUBMISSION or row.lesson_id is None:
        return False
    lists = await Submission.filter(
        assignment__lesson_id=row.lesson_id, student_id=row.owner_id
    ).values_list("file_ids", flat=True)
    return any(str(row.id) in ids for ids in lists)
