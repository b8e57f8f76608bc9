"""Grading and returning submissions (course staff).

A grade is raw points (the rubric's criteria summed, or a single score without a rubric) and
the score after the late penalty recorded when the submission arrived. Regrading overwrites.
Each change of a score reaches the student (event and inbox), the gradebook (recomputed in
this transaction) and the student's progress (a graded assignment completes its lesson).
"""

from __future__ import annotations

from lms_rt.assignments import completion, events
from lms_rt.assignments.models import Assignment, Submission, SubmissionStatus
from lms_rt.assignments.rules import penalised
from lms_rt.assignments.schemas import GradeIn
from lms_rt.audit import trail as audit
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Invalid
from lms_rt.gradebook.events import grades_changed
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify
from lms_rt.users.models import User


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def raw_score(assignment: Assignment, data: GradeIn) -> tuple[float, dict[str, float]]:
    """The raw score and the per-criterion scores; 422 naming every problem."""
    if not assignment.rubric:
        if data.rubric_scores:
            raise Invalid(
                "This assignment has no rubric: give raw_score",
                details=[_problem("rubric_scores", "no rubric to score against")],
            )
        if data.raw_score is None:
            raise Invalid("raw_score is required", details=[_problem("raw_score", "missing")])
        if data.raw_score > assignment.max_points:
            raise Invalid(
                f"raw_score is at most max_points ({assignment.max_points:g})",
                details=[_problem("raw_score", f"at most {assignment.max_points:g}")],
            )
        return data.raw_score, {}
    if data.raw_score is not None:
        raise Invalid(
            "With a rubric the raw score is the sum of rubric_scores; do not send raw_score",
            details=[_problem("raw_score", "comes from the rubric")],
        )
    given = data.rubric_scores or {}
    criteria = {c["id"]: float(c["points"]) for c in assignment.rubric}
    problems = [_problem(f"rubric_scores.{cid}", "missing") for cid in criteria if cid not in given]
    problems += [
        _problem(f"rubric_scores.{cid}", "not a criterion of this rubric")
        for cid in given
        if cid not in criteria
    ]
    problems += [
        _problem(f"rubric_scores.{cid}", f"at most {criteria[cid]:g} points")
        for cid, points in given.items()
        if cid in criteria and points > criteria[cid]
    ]
    if problems:
        raise Invalid("Every rubric criterion needs a score within its points", details=problems)
    scores = {cid: float(given[cid]) for cid in criteria}
    return round(sum(scores.values()), 4), scores


async def grade(deps: Deps, grader: User, submission: Submission, data: GradeIn) -> Submission:
    """Grading a returned submission keeps it returned: the request for a new attempt stands."""
    assignment = submission.assignment
    raw, scores = raw_score(assignment, data)
    now = deps.clock.now()
    async with atomic(deps) as effects:
        locked = await Submission.filter(id=submission.id).select_for_update().get()
        status = (
            SubmissionStatus.RETURNED
            if locked.status == SubmissionStatus.RETURNED
            else SubmissionStatus.GRADED
        )
        if locked.raw_score is not None:
            await audit.record(
                "submission.regraded",
                "submission",
                locked.id,
                actor_id=grader.id,
                before={"raw_score": locked.raw_score, "score": locked.score},
                after={"raw_score": raw, "score": penalised(raw, locked.penalty_percent)},
            )
        await Submission.filter(id=locked.id).update(
            status=status,
            raw_score=raw,
            score=penalised(raw, locked.penalty_percent),
            rubric_scores=scores,
            feedback=data.feedback,
            graded_by_id=grader.id,
            graded_at=now,
        )
        graded = await Submission.get(id=locked.id).select_related("student")
        events.submission_graded(effects, assignment, graded)
        late = f" (late penalty {graded.penalty_percent:g} %)" if graded.penalty_percent else ""
        await notify(
            effects,
            [graded.student_id],
            NotificationType.GRADE_RELEASED,
            f"Graded: {assignment.title}",
            f"{graded.score:g} / {assignment.max_points:g}{late}",
            f"/api/v1/submissions/{graded.id}",
            events.graded_data(assignment, graded).model_dump(mode="json"),
            key=f"submission-graded:{graded.id}:{now.isoformat()}",
        )
        await grades_changed(effects, assignment.course_id, [graded.student_id])
        await completion.count_toward_completion(effects, assignment, graded)
    return graded


async def return_submission(deps: Deps, submission: Submission, feedback: str) -> Submission:
    """Asks the student for a new attempt. Only their newest attempt can be returned, once;
    a grade it already has stays (the gradebook keeps it until a new attempt is graded), and
    the return's feedback replaces the submission's."""
    assignment = submission.assignment
    now = deps.clock.now()
    async with atomic(deps) as effects:
        locked = await Submission.filter(id=submission.id).select_for_update().get()
        newer = await Submission.filter(
            assignment_id=locked.assignment_id,
            student_id=locked.student_id,
            attempt__gt=locked.attempt,
        ).exists()
        if newer:
            raise Conflict(
                "Only the student's newest attempt can be returned",
                details=[{"reason": "not_newest"}],
            )
        returned = await Submission.filter(
            id=locked.id, status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.GRADED]
        ).update(status=SubmissionStatus.RETURNED, returned_at=now, feedback=feedback)
        if not returned:
            raise Conflict(
                "This submission has already been returned", details=[{"reason": "returned"}]
            )
        row = await Submission.get(id=locked.id).select_related("student")
        events.submission_returned(effects, assignment, row)
        await notify(
            effects,
            [row.student_id],
            NotificationType.SUBMISSION_RETURNED,
            f"Returned for another attempt: {assignment.title}",
            feedback,
            f"/api/v1/assignments/{assignment.id}",
            {
                "submission_id": str(row.id),
                "assignment_id": str(assignment.id),
                "course_id": str(assignment.course_id),
                "attempt": row.attempt,
            },
            key=f"submission-returned:{row.id}",
        )
        await grades_changed(effects, assignment.course_id, [row.student_id])
    return row
