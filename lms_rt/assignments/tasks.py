"""The ZIP job: ``build_submission_archive`` on the "default" queue."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from arq import Retry
from tortoise.exceptions import IntegrityError

from lms_rt.assignments import archives
from lms_rt.assignments.models import ArchiveStatus, Assignment, SubmissionArchive
from lms_rt.deps import Deps
from lms_rt.errors import LmsError
from lms_rt.jobs.registry import MAX_TRIES

log = logging.getLogger(__name__)

# 5 s, 10 s, 20 s, 40 s: a storage backend or database restarting is usually back by then.
RETRY_BASE_SECONDS = 5


async def build_submission_archive(ctx: dict[str, Any], archive_id: str) -> str:
    """Build, store and record the ZIP of a pending archive.

    Enqueued after the request commits with job id ``submission-archive:<id>``. Safe to run
    twice, at once or after a crash (see :mod:`lms_rt.assignments.archives`). Transient
    failures try again later; the last try marks the archive failed so nobody waits forever.
    """
    deps: Deps = ctx["deps"]
    attempt = int(ctx.get("job_try", 1))
    try:
        return await _build(deps, uuid.UUID(archive_id))
    except (IntegrityError, LmsError):
        await archives.mark_failed(deps, uuid.UUID(archive_id), "The archive could not be built")
        raise  # a bug, not an outage
    except Exception as exc:
        if attempt >= MAX_TRIES:
            log.exception("archive %s failed for good", archive_id)
            await archives.mark_failed(
                deps, uuid.UUID(archive_id), f"The archive could not be built: {exc}"
            )
            return "failed"
        log.warning("archive %s (try %d) failed, will retry: %s", archive_id, attempt, exc)
        raise Retry(defer=RETRY_BASE_SECONDS * 2 ** (attempt - 1)) from exc


async def _build(deps: Deps, archive_id: uuid.UUID) -> str:
    archive = await SubmissionArchive.filter(id=archive_id).first()
    if archive is None:
        return "gone"
    if archive.status != ArchiveStatus.PENDING:
        return archive.status.value
    assignment = await Assignment.get(id=archive.assignment_id)
    written = await archives.write_zip(deps, archive, assignment)
    if await archives.mark_ready(deps, archive, assignment, written):
        return "ready"
    return "made ready by another run"
