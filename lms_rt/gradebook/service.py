"""Changing a gradebook: its settings, and manual overrides of one cell or of the final grade.

Overrides are append-only: each PUT adds a row (the newest row of a cell is in force, one with
no percentage lifts it), so the history of a cell, reasons included, is never lost. Rows of one
cell get strictly increasing ``created_at`` even when the clock stands still (tests) or two
land within the same microsecond, so "the newest" is always one row.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from lms_rt.audit import trail as audit
from lms_rt.courses.models import Course
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment
from lms_rt.errors import Conflict, Invalid, NotFound
from lms_rt.gradebook.book import GRADED_STATUSES, load_book, overrides_in_force
from lms_rt.gradebook.calculator import FINAL
from lms_rt.gradebook.events import gradebook_changed, publish_book
from lms_rt.gradebook.models import GradebookSettings, GradeOverride
from lms_rt.gradebook.rules import Rules, check
from lms_rt.gradebook.schemas import OverrideIn, RowOut
from lms_rt.gradebook.sources import load_columns
from lms_rt.users.models import User

TICK = timedelta(microseconds=1)


async def save_rules(deps: Deps, course: Course, rules: Rules) -> None:
    """Replace the course's rules (all checked first: nothing is stored if one is broken)."""
    check(rules)
    values: dict[str, Any] = {
        "categories": [c.model_dump() for c in rules.categories],
        "letter_scale": [b.model_dump() for b in rules.letter_scale],
        "updated_at": deps.clock.now(),
    }
    for _ in range(2):
        try:
            async with atomic(deps) as effects:
                updated = await GradebookSettings.filter(course_id=course.id).update(**values)
                if not updated:
                    await GradebookSettings.create(course_id=course.id, **values)
                gradebook_changed(effects, course.id, "settings")
            return
        except IntegrityError:
            continue  # a concurrent first save created the row: update it instead
    raise Conflict("The settings changed meanwhile; try again")


async def set_override(
    deps: Deps, author: User, course: Course, data: OverrideIn
) -> tuple[GradeOverride, RowOut]:
    """Override (or lift the override of) one cell or the final grade of an enrolled student;
    returns the new history row and the student's recomputed row."""
    enrolled = await Enrollment.filter(
        course_id=course.id, student_id=data.student_id, status__in=GRADED_STATUSES
    ).exists()
    if not enrolled:
        raise NotFound("No such student in this course")
    if data.item != FINAL and data.item not in (await load_columns(course.id)).by_key:
        raise Invalid(
            "No such gradebook item in this course",
            details=[
                {
                    "field": "item",
                    "message": 'a column key of the gradebook (e.g. "quiz:<id>") or "final"',
                }
            ],
        )
    if data.percentage is None:
        in_force = await overrides_in_force(course.id, [data.student_id])
        if data.item not in in_force.get(data.student_id, {}):
            raise Conflict("This cell has no override in force to lift")
    async with atomic(deps) as effects:
        now = deps.clock.now()
        newest = (
            await GradeOverride.filter(
                course_id=course.id, student_id=data.student_id, item=data.item
            )
            .order_by("-created_at")
            .first()
        )
        if newest is not None and newest.created_at >= now:
            now = newest.created_at + TICK
        row = await GradeOverride.create(
            course_id=course.id,
            student_id=data.student_id,
            item=data.item,
            percentage=data.percentage,
            reason=data.reason,
            author_id=author.id,
            created_at=now,
        )
        await audit.record(
            "grade.override_lifted" if data.percentage is None else "grade.overridden",
            "course",
            course.id,
            actor_id=author.id,
            before=None if newest is None else {"percentage": newest.percentage},
            after={
                "student_id": str(data.student_id),
                "item": data.item,
                "percentage": data.percentage,
            },
            reason=data.reason,
        )
        book = await load_book(course.id, deps.clock.now(), [data.student_id])
        publish_book(effects, book)
    return row, book.rows[0]


async def history(
    course: Course,
    student_id: uuid.UUID | None,
    item: str | None,
    limit: int,
    offset: int,
) -> tuple[list[GradeOverride], int]:
    rows = GradeOverride.filter(course_id=course.id)
    if student_id is not None:
        rows = rows.filter(student_id=student_id)
    if item is not None:
        rows = rows.filter(item=item)
    total = await rows.count()
    page = await rows.order_by("-created_at").offset(offset).limit(limit)
    return page, total
