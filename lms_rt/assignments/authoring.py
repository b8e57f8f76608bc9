"""Creating, changing and deleting assignments (course staff)."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from lms_rt.assignments.models import Assignment, LatePolicy, Submission
from lms_rt.assignments.schemas import AssignmentCreate, AssignmentUpdate
from lms_rt.courses.access import editable_course
from lms_rt.courses.models import Lesson, LessonType
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Invalid, NotFound
from lms_rt.gradebook.events import gradebook_changed
from lms_rt.users.models import User

DEFAULT_MAX_POINTS = 100.0
# Rubric points are typed by people: a float sum may be off by a rounding hair.
POINTS_TOLERANCE = 1e-6
# Fields that give graded scores their meaning: fixed once anything is graded.
GRADING_FIELDS = ("rubric", "max_points")
# What the assignment's gradebook column is made of: changing one changes every row.
GRADEBOOK_FIELDS = ("gradebook_category", "due_at", "late_days", "late_policy", "max_points")
NOT_NULL = (
    "title",
    "instructions",
    "submission_types",
    "late_policy",
    "late_penalty_percent",
    "late_days",
    "max_points",
    "rubric",
    "allow_resubmission",
    "gradebook_category",
)


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, details=[{"field": field, "message": message}])


def check_consistency(values: dict[str, Any]) -> None:
    """The whole assignment as it would be stored: 422 naming the first field at fault."""
    types = values["submission_types"]
    if len(set(types)) != len(types):
        raise _invalid("submission_types", "Each submission type may be listed once")
    if values["late_policy"] == LatePolicy.ACCEPT:
        if values["due_at"] is None:
            raise _invalid("due_at", "Accepting late submissions needs a due date")
        if values["late_days"] < 1:
            raise _invalid("late_days", "Accepting late submissions needs late_days of 1 or more")
    elif values["late_days"] or values["late_penalty_percent"]:
        field = "late_days" if values["late_days"] else "late_penalty_percent"
        raise _invalid(field, "A late policy of refuse takes no late_days or late penalty")
    rubric = values["rubric"]
    if rubric:
        ids = [c["id"] for c in rubric]
        if len(set(ids)) != len(ids):
            raise _invalid("rubric", "Rubric criteria need distinct ids")
        total = sum(c["points"] for c in rubric)
        maximum = values["max_points"]
        if abs(total - maximum) > POINTS_TOLERANCE:
            raise _invalid(
                "rubric", f"The rubric's points add up to {total:g}, not max_points ({maximum:g})"
            )


async def _assignment_lesson(user: User, data: AssignmentCreate) -> Lesson:
    lesson = await Lesson.filter(id=data.lesson_id).first()
    if lesson is None:
        raise NotFound("No such lesson")
    await editable_course(user, str(lesson.course_id))  # 404 or 403 as for the course
    if lesson.type != LessonType.ASSIGNMENT:
        raise _invalid("lesson_id", "The lesson is not an assignment lesson")
    return lesson


async def create_assignment(user: User, data: AssignmentCreate) -> Assignment:
    lesson = await _assignment_lesson(user, data)
    values = data.model_dump(exclude={"lesson_id"})
    values["rubric"] = [c.model_dump() for c in data.rubric]
    values["submission_types"] = [t.value for t in data.submission_types]
    if values["title"] is None:
        values["title"] = lesson.title
    if values["max_points"] is None:
        values["max_points"] = (
            sum(c["points"] for c in values["rubric"]) if values["rubric"] else DEFAULT_MAX_POINTS
        )
    check_consistency(values)
    if await Assignment.filter(lesson_id=lesson.id).exists():
        raise Conflict("This lesson already has an assignment")
    try:
        return await Assignment.create(course_id=lesson.course_id, lesson_id=lesson.id, **values)
    except IntegrityError:
        raise Conflict("This lesson already has an assignment") from None


async def update_assignment(
    deps: Deps, assignment: Assignment, data: AssignmentUpdate
) -> Assignment:
    """Changes to the due date and late rules apply to later submissions; those already in
    keep the lateness recorded when they arrived."""
    changes = data.model_dump(exclude_unset=True)
    for name in NOT_NULL:
        if name in changes and changes[name] is None:
            raise _invalid(name, f"{name} cannot be null")
    if "rubric" in changes:
        changes["rubric"] = [c.model_dump() for c in data.rubric or []]
    if "submission_types" in changes:
        changes["submission_types"] = [t.value for t in data.submission_types or []]
    current = {
        name: getattr(assignment, name)
        for name in (*NOT_NULL, "due_at")
        if name not in ("title", "instructions")
    }
    check_consistency({**current, **changes})
    grading_change = [
        name for name in GRADING_FIELDS if name in changes and changes[name] != current[name]
    ]
    if (
        grading_change
        and await Submission.filter(
            assignment_id=assignment.id, raw_score__not_isnull=True
        ).exists()
    ):
        raise Conflict(
            "Submissions have been graded against the rubric and points: they can no longer change",
            details=[{"fields": grading_change}],
        )
    if changes:
        async with atomic(deps) as effects:
            await Assignment.filter(id=assignment.id).update(**changes)
            reshaped = [
                name
                for name in GRADEBOOK_FIELDS
                if name in changes and changes[name] != getattr(assignment, name)
            ]
            if reshaped:
                gradebook_changed(
                    effects, assignment.course_id, f"assignment {', '.join(reshaped)} changed"
                )
    return await Assignment.get(id=assignment.id).select_related("course", "lesson")


async def delete_assignment(assignment: Assignment) -> None:
    if await Submission.filter(assignment_id=assignment.id).exists():
        raise Conflict("This assignment has submissions and can no longer be deleted")
    await assignment.delete()


async def check_lesson_deletable(lesson_id: uuid.UUID) -> None:
    """Inside the transaction deleting a lesson: 409 when its assignment has submissions,
    which would go with it. The assignment row is locked first, so a submission being
    handed in at the same moment is waited for and then seen."""
    assignment = await Assignment.filter(lesson_id=lesson_id).select_for_update().first()
    if assignment is None:
        return
    handed_in = await Submission.filter(assignment_id=assignment.id).count()
    if handed_in:
        raise Conflict(
            f"This lesson's assignment has {handed_in} submission(s): deleting the lesson "
            "would delete them and their files. Unpublish the lesson instead.",
            details=[{"reason": "assignment_has_submissions", "submissions": handed_in}],
        )


async def check_lesson_type(lesson_id: uuid.UUID, new_type: LessonType) -> None:
    """An assignment lesson keeps its type while it has an assignment (409)."""
    if new_type != LessonType.ASSIGNMENT and await Assignment.filter(lesson_id=lesson_id).exists():
        raise Conflict(
            "This lesson has an assignment: it stays an assignment lesson until the assignment "
            "is deleted",
            details=[{"reason": "lesson_has_assignment", "field": "type"}],
        )
