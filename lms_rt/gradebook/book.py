"""A course's gradebook read whole (or for some students) in a fixed number of queries:
settings, overrides, enrollments, the columns and their scores; then pure arithmetic."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.gradebook.calculator import Override, grade_row
from lms_rt.gradebook.models import GradebookSettings, GradeOverride
from lms_rt.gradebook.rules import Rules, RulesOut, default_rules, stored_rules
from lms_rt.gradebook.schemas import ColumnOut, GradebookOut, RowOut
from lms_rt.gradebook.sources import Columns, load_columns, load_scores

GRADED_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


@dataclass
class Book:
    course_id: uuid.UUID
    rules: Rules
    is_default: bool
    found: Columns
    rows: list[RowOut]

    @property
    def settings(self) -> RulesOut:
        return RulesOut(
            categories=self.rules.categories,
            letter_scale=self.rules.letter_scale,
            is_default=self.is_default,
        )

    @property
    def columns(self) -> list[ColumnOut]:
        return [column.out(self.rules) for column in self.found.columns]

    def out(self) -> GradebookOut:
        return GradebookOut(
            course_id=self.course_id, settings=self.settings, columns=self.columns, rows=self.rows
        )


async def load_rules(course_id: uuid.UUID) -> tuple[Rules, bool]:
    """The course's rules and whether they are still the defaults."""
    row = await GradebookSettings.filter(course_id=course_id).first()
    if row is None:
        return default_rules(), True
    return stored_rules(row.categories, row.letter_scale), False


async def overrides_in_force(
    course_id: uuid.UUID, student_ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, dict[str, Override]]:
    """The newest override row of each cell, unless it lifted the override."""
    rows = GradeOverride.filter(course_id=course_id)
    if student_ids is not None:
        rows = rows.filter(student_id__in=student_ids)
    found: dict[uuid.UUID, dict[str, Override]] = defaultdict(dict)
    for student_id, item, percentage, reason in await rows.order_by("created_at").values_list(
        "student_id", "item", "percentage", "reason"
    ):
        cells = found[student_id]
        if percentage is None:
            cells.pop(item, None)
        else:
            cells[item] = Override(float(percentage), reason)
    return found


async def load_book(
    course_id: uuid.UUID, now: datetime, student_ids: list[uuid.UUID] | None = None
) -> Book:
    """The gradebook of the enrolled (active or completed) students, or of those of
    ``student_ids`` who are enrolled; rows ordered by name."""
    rules, is_default = await load_rules(course_id)
    enrollments = Enrollment.filter(course_id=course_id, status__in=GRADED_STATUSES)
    if student_ids is not None:
        enrollments = enrollments.filter(student_id__in=student_ids)
    enrolled = sorted(
        await enrollments.select_related("student"),
        key=lambda e: (e.student.full_name.casefold(), e.student.email),
    )
    found = await load_columns(course_id)
    if not enrolled:
        return Book(course_id, rules, is_default, found, [])
    ids = [e.student_id for e in enrolled]
    overrides = await overrides_in_force(course_id, None if student_ids is None else ids)
    scores = await load_scores(
        found, {e.student_id: e.enrolled_at for e in enrolled}, now, whole_class=student_ids is None
    )
    rows = []
    for enrollment in enrolled:
        graded = grade_row(
            found.columns,
            scores[enrollment.student_id],
            overrides.get(enrollment.student_id, {}),
            rules,
        )
        rows.append(
            RowOut(
                student_id=enrollment.student_id,
                full_name=enrollment.student.full_name,
                email=enrollment.student.email,
                enrollment_status=enrollment.status,
                cells=graded.cells,
                categories=graded.categories,
                computed_percentage=graded.computed_percentage,
                final_percentage=graded.final_percentage,
                letter=graded.letter,
                final_overridden=graded.final_overridden,
                final_override_reason=graded.final_override_reason,
                weights_redistributed=graded.weights_redistributed,
                notes=graded.notes,
            )
        )
    return Book(course_id, rules, is_default, found, rows)
