"""Handing in an assignment: what may be sent, when, and as which attempt.

Every attempt is a new row (history is kept). The attempt number comes from the newest row.
The student's enrollment row is locked first, which queues one student's submits on
PostgreSQL; where locks do not exist (SQLite) two submits racing for one number meet the
unique (assignment, student, attempt) pair, and the loser starts over from the new state, so
the rules decide it as if it had come second.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from lms_rt.assignments import events
from lms_rt.assignments.access import LEARNING
from lms_rt.assignments.models import Assignment, Submission, SubmissionType
from lms_rt.assignments.rules import next_attempt_timing
from lms_rt.assignments.schemas import SubmissionIn
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment
from lms_rt.errors import Conflict, Forbidden, Invalid
from lms_rt.files.models import FilePurpose, StoredFile
from lms_rt.users.models import User

# A racing submit that loses its attempt number tries again from the new state; more than a
# few losses in a row means something else is wrong.
RACE_RETRIES = 3


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def check_content(assignment: Assignment, data: SubmissionIn) -> None:
    """Only the kinds the assignment takes, and at least one of them."""
    allowed = set(assignment.submission_types)
    given = {
        SubmissionType.TEXT: bool(data.body.strip()),
        SubmissionType.URL: data.url is not None,
        SubmissionType.FILE: bool(data.file_ids),
    }
    fields = {
        SubmissionType.TEXT: "body",
        SubmissionType.URL: "url",
        SubmissionType.FILE: "file_ids",
    }
    problems = [
        _problem(fields[kind], f"This assignment does not take {kind.value} submissions")
        for kind, present in given.items()
        if present and kind.value not in allowed
    ]
    if problems:
        raise Invalid("The submission has parts this assignment does not take", details=problems)
    if not any(present for kind, present in given.items() if kind.value in allowed):
        wanted = ", ".join(fields[SubmissionType(kind)] for kind in sorted(allowed))
        raise Invalid(
            f"Submit at least one of: {wanted}",
            details=[_problem(fields[SubmissionType(kind)], "missing") for kind in sorted(allowed)],
        )
    if len(set(data.file_ids)) != len(data.file_ids):
        raise Invalid(
            "A file is listed twice", details=[_problem("file_ids", "each file may appear once")]
        )


async def check_files(user: User, assignment: Assignment, data: SubmissionIn) -> None:
    """Each file must be the student's own ``submission`` upload for this assignment's lesson.
    Anything else (someone else's file, an avatar, another lesson's) is refused the same way,
    so the answer says nothing about files the student may not see."""
    if not data.file_ids:
        return
    own = set(
        await StoredFile.filter(
            id__in=data.file_ids,
            owner_id=user.id,
            purpose=FilePurpose.SUBMISSION,
            lesson_id=assignment.lesson_id,
        ).values_list("id", flat=True)
    )
    problems = [
        _problem(
            f"file_ids.{i}",
            "not one of your uploads for this assignment (upload it with purpose=submission "
            "and this assignment's lesson_id)",
        )
        for i, file_id in enumerate(data.file_ids)
        if file_id not in own
    ]
    if problems:
        raise Invalid("Some files cannot be handed in with this assignment", details=problems)


async def submit(deps: Deps, user: User, assignment: Assignment, data: SubmissionIn) -> Submission:
    check_content(assignment, data)
    await check_files(user, assignment, data)
    for _ in range(RACE_RETRIES):
        try:
            return await _new_attempt(deps, user, assignment, data)
        except IntegrityError:
            continue
    raise Conflict(
        "Another submission of yours arrived at the same moment; reload and try again",
        details=[{"reason": "concurrent_submission"}],
    )


async def _new_attempt(
    deps: Deps, user: User, assignment: Assignment, data: SubmissionIn
) -> Submission:
    now = deps.clock.now()
    async with atomic(deps) as effects:
        enrollment = (
            await Enrollment.filter(
                student_id=user.id, course_id=assignment.course_id, status__in=LEARNING
            )
            .select_for_update()
            .first()
        )
        if enrollment is None:
            raise Forbidden("Enroll in the course to hand in its assignments")
        latest = (
            await Submission.filter(assignment_id=assignment.id, student_id=user.id)
            .order_by("-attempt")
            .first()
        )
        timing = next_attempt_timing(assignment, latest, now)
        submission = await Submission.create(
            assignment_id=assignment.id,
            student_id=user.id,
            attempt=latest.attempt + 1 if latest else 1,
            body=data.body if data.body.strip() else "",
            url=str(data.url) if data.url is not None else None,
            file_ids=[str(file_id) for file_id in data.file_ids],
            submitted_at=now,
            is_late=timing.is_late,
            days_late=timing.days_late,
            penalty_percent=timing.penalty_percent,
        )
        events.submission_created(effects, assignment, submission, user)
    return submission
