"""ZIP exports of an assignment's submissions, built by a job, in idempotent steps.

1. :func:`request_archive` records a pending ``SubmissionArchive`` and queues the job after
   commit.
2. :func:`write_zip` streams each student's newest attempt (files by their original names,
   the text answer and the link as small text files) into storage under a key fixed by the
   archive's id: a run killed half-way is simply overwritten by the next.
3. :func:`mark_ready` records the ``StoredFile`` (found again by its key on a re-run, never
   made twice) and sets the archive ready with ``WHERE status = 'pending'``: one run wins and
   only it announces the archive.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from lms_rt.assignments import events
from lms_rt.assignments.listing import newest_ids
from lms_rt.assignments.models import (
    ArchiveStatus,
    Assignment,
    Submission,
    SubmissionArchive,
)
from lms_rt.assignments.zipping import Member, MemberNames, zip_stream
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import NotFound
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.files.names import sanitize_filename
from lms_rt.users.models import User

log = logging.getLogger(__name__)

JOB = "build_submission_archive"
ZIP_TYPE = "application/zip"


def job_id(archive_id: uuid.UUID) -> str:
    return f"submission-archive:{archive_id}"


def storage_key(archive_id: uuid.UUID) -> str:
    return f"archives/{archive_id}.zip"


async def request_archive(deps: Deps, user: User, assignment: Assignment) -> SubmissionArchive:
    async with atomic(deps) as effects:
        archive = await SubmissionArchive.create(
            assignment_id=assignment.id, requested_by_id=user.id
        )
        effects.enqueue(JOB, str(archive.id), job_id=job_id(archive.id))
    return archive


@dataclass
class Written:
    size: int
    sha256: str
    members: int
    skipped: list[str]


def _reader(deps: Deps, key: str) -> Callable[[], Awaitable[bytes | None]]:
    async def read() -> bytes | None:
        try:
            return await deps.storage.get(key)
        except NotFound:
            log.warning("submitted file %s is gone from storage; left out of the archive", key)
            return None

    return read


def _constant(data: bytes) -> Callable[[], Awaitable[bytes | None]]:
    async def read() -> bytes | None:
        return data

    return read


async def members(deps: Deps, assignment: Assignment) -> list[Member]:
    """One folder per student (name and the start of their id, so namesakes stay apart)."""
    newest = (
        await Submission.filter(id__in=await newest_ids(assignment.id))
        .select_related("student")
        .order_by("student__full_name", "student_id")
    )
    file_ids = {file_id for s in newest for file_id in s.file_ids}
    files = {str(f.id): f for f in await StoredFile.filter(id__in=list(file_ids))}
    names = MemberNames()
    found: list[Member] = []
    for submission in newest:
        name = submission.student.full_name.replace("/", "_").replace("\\", "_")
        folder = f"{name} {str(submission.student_id)[:8]}"
        when = submission.submitted_at
        for file_id in submission.file_ids:
            row = files.get(file_id)
            if row is None:
                continue  # deleted by an admin since
            found.append(
                Member(names.claim(folder, row.original_name), when, _reader(deps, row.key))
            )
        if submission.body:
            text = submission.body.encode()
            found.append(Member(names.claim(folder, "submission.txt"), when, _constant(text)))
        if submission.url:
            link = f"{submission.url}\n".encode()
            found.append(Member(names.claim(folder, "link.txt"), when, _constant(link)))
    return found


async def write_zip(deps: Deps, archive: SubmissionArchive, assignment: Assignment) -> Written:
    listed = await members(deps, assignment)
    skipped: list[str] = []
    digest = hashlib.sha256()
    size = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal size
        async for chunk in zip_stream(listed, skipped):
            size += len(chunk)
            digest.update(chunk)
            yield chunk

    await deps.storage.put_stream(storage_key(archive.id), counted(), ZIP_TYPE)
    return Written(size, digest.hexdigest(), len(listed) - len(skipped), skipped)


async def mark_ready(
    deps: Deps, archive: SubmissionArchive, assignment: Assignment, written: Written
) -> bool:
    """Record the stored ZIP; ``True`` for the one run that made the archive ready."""
    key = storage_key(archive.id)
    try:
        async with atomic(deps) as effects:
            stored = await StoredFile.filter(key=key).first()
            if stored is None:
                stored = await StoredFile.create(
                    owner_id=archive.requested_by_id,
                    key=key,
                    original_name=sanitize_filename(f"{assignment.title} submissions.zip"),
                    content_type=ZIP_TYPE,
                    size=written.size,
                    sha256=written.sha256,
                    purpose=FilePurpose.SUBMISSION_ARCHIVE,
                    course_id=assignment.course_id,
                    lesson_id=assignment.lesson_id,
                )
            else:
                await StoredFile.filter(id=stored.id).update(
                    size=written.size, sha256=written.sha256
                )
            ready = await SubmissionArchive.filter(
                id=archive.id, status=ArchiveStatus.PENDING
            ).update(
                status=ArchiveStatus.READY,
                file_id=stored.id,
                file_count=written.members,
                error=_skipped_note(written.skipped),
                finished_at=deps.clock.now(),
            )
            if ready:
                events.archive_ready(effects, await SubmissionArchive.get(id=archive.id))
    except IntegrityError:
        # A racing run recorded the same key first; it made the archive ready.
        return False
    return bool(ready)


def _skipped_note(skipped: list[str]) -> str:
    if not skipped:
        return ""
    return "Left out (no longer in storage): " + ", ".join(skipped)


async def mark_failed(deps: Deps, archive_id: uuid.UUID, reason: str) -> None:
    await SubmissionArchive.filter(id=archive_id, status=ArchiveStatus.PENDING).update(
        status=ArchiveStatus.FAILED, error=reason, finished_at=deps.clock.now()
    )
