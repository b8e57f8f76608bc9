"""Who may see, download and delete a stored file.

Owners and admins always; course thumbnails of published courses anyone (signed out too) and
drafts' only their staff; lesson attachments the course's staff and its students (enrollment
active or completed) once the lesson is published and, for drip lessons, unlocked; a student's
submission files and the submission archives only the course's staff besides. A data
export only its owner (not even an admin), and only until the export expires. Everyone else
is told the file does not exist (404), so ids reveal nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lms_rt.courses.access import is_staff
from lms_rt.courses.models import Course, Lesson
from lms_rt.courses.service import unlock_time
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import NotFound
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.privacy.models import DataExport, ExportStatus
from lms_rt.users.models import Role, User

_LEARNING = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)
# Besides their owner: a student's hand-in and the ZIPs of them are for the course's staff.
_COURSE_STAFF_ONLY = (FilePurpose.SUBMISSION, FilePurpose.SUBMISSION_ARCHIVE)


def is_owner_or_admin(user: User | None, row: StoredFile) -> bool:
    return user is not None and (user.id == row.owner_id or user.role == Role.ADMIN)


async def _export_open(row: StoredFile, now: datetime) -> bool:
    return await DataExport.filter(
        file_id=row.id, user_id=row.owner_id, status=ExportStatus.READY, expires_at__gt=now
    ).exists()


async def may_read(user: User | None, row: StoredFile, now: datetime) -> bool:
    if row.purpose == FilePurpose.DATA_EXPORT:
        return user is not None and user.id == row.owner_id and await _export_open(row, now)
    if is_owner_or_admin(user, row):
        return True
    if row.purpose == FilePurpose.COURSE_THUMBNAIL and row.course_id is not None:
        course = await Course.get_or_none(id=row.course_id)
        return course is not None and (course.is_published or await is_staff(user, course))
    if row.purpose == FilePurpose.LESSON_ATTACHMENT and row.lesson_id is not None:
        return await _may_read_attachment(user, row.lesson_id, now)
    if row.purpose in _COURSE_STAFF_ONLY and row.course_id is not None:
        course = await Course.get_or_none(id=row.course_id)
        return course is not None and await is_staff(user, course)
    return False


async def _may_read_attachment(user: User | None, lesson_id: uuid.UUID, now: datetime) -> bool:
    if user is None:
        return False
    lesson = await Lesson.get_or_none(id=lesson_id).select_related("course")
    if lesson is None:
        return False
    if await is_staff(user, lesson.course):
        return True
    if not lesson.is_published:
        return False
    enrollment = await Enrollment.filter(
        student_id=user.id, course_id=lesson.course_id, status__in=_LEARNING
    ).first()
    if enrollment is None:
        return False
    unlocks = unlock_time(enrollment.enrolled_at, lesson)
    return unlocks is None or unlocks <= now


async def readable_file(user: User | None, file_id: uuid.UUID, now: datetime) -> StoredFile:
    row = await StoredFile.get_or_none(id=file_id)
    if row is None or not await may_read(user, row, now):
        raise NotFound("No such file")
    return row
