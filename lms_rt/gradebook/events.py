"""Live updates of the gradebook on ``course:<id>:staff``.

Every change of a grade (an attempt graded or regraded, a counting live session ended, an
assignment submission graded, an override set) calls :func:`grades_changed` inside its own
transaction: the rows are recomputed there, in one pass for all the students concerned, so
they see the new grade, and go out only after the commit as ``gradebook.updated`` with the
current columns and those students' rows. Changing the settings changes every row and maybe
which columns count, so it sends ``gradebook.changed`` (refetch) instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from lms_rt.db import PostCommit
from lms_rt.gradebook.book import Book, load_book
from lms_rt.gradebook.schemas import GradebookChangedEvent, GradebookUpdatedEvent

# Rows per event: a regrade of a large class goes out as several frames of bounded size.
ROWS_PER_EVENT = 100


def staff_channel(course_id: uuid.UUID) -> str:
    return f"course:{course_id}:staff"


async def grades_changed(
    effects: PostCommit, course_id: uuid.UUID, student_ids: Iterable[uuid.UUID]
) -> None:
    """Recompute these students' rows (one pass for all of them) and publish after commit."""
    wanted = list(dict.fromkeys(student_ids))
    if not wanted:
        return
    publish_book(effects, await load_book(course_id, effects.deps.clock.now(), wanted))


async def class_grades_changed(effects: PostCommit, course_id: uuid.UUID) -> None:
    """Every enrolled student's row changed (a column appeared): recomputed in one pass."""
    publish_book(effects, await load_book(course_id, effects.deps.clock.now()))


def publish_book(effects: PostCommit, book: Book) -> None:
    """``gradebook.updated`` with the book's rows, after commit."""
    columns = book.columns
    for start in range(0, len(book.rows), ROWS_PER_EVENT):
        event = GradebookUpdatedEvent(
            course_id=book.course_id,
            columns=columns,
            rows=book.rows[start : start + ROWS_PER_EVENT],
        )
        effects.publish(
            staff_channel(book.course_id), "gradebook.updated", event.model_dump(mode="json")
        )


def gradebook_changed(effects: PostCommit, course_id: uuid.UUID, reason: str) -> None:
    event = GradebookChangedEvent(course_id=course_id, reason=reason)
    effects.publish(staff_channel(course_id), "gradebook.changed", event.model_dump(mode="json"))
