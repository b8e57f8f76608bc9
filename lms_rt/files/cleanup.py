"""Stored objects of files whose course or lesson is being deleted.

The rows go with their course or lesson (``ON DELETE CASCADE``); their objects are removed
after the deletion commits, best effort: an object left behind by a failure is unreachable
(nothing names it) and is logged.
"""

from __future__ import annotations

import logging
import uuid

from tortoise.expressions import Q

from lms_rt.deps import Deps
from lms_rt.files.models import StoredFile

log = logging.getLogger(__name__)


async def keys_of(
    *, course_id: uuid.UUID | None = None, lesson_id: uuid.UUID | None = None
) -> list[str]:
    """Inside the deleting transaction: what the cascade is about to take."""
    if course_id is not None:
        rows = StoredFile.filter(Q(course_id=course_id) | Q(lesson__course_id=course_id))
    else:
        rows = StoredFile.filter(lesson_id=lesson_id)
    return list(await rows.values_list("key", flat=True))  # type: ignore[arg-type]


async def delete_objects(deps: Deps, keys: list[str]) -> None:
    """After the commit: remove the objects the deleted rows named."""
    for key in keys:
        try:
            await deps.storage.delete(key)
        except Exception:
            log.exception("stored object %s of a deleted course or lesson was not removed", key)
