"""``/api/v1`` routes of the assignments."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from lms_rt import keys
from lms_rt.assignments import access, archives, authoring, grading, listing, submitting
from lms_rt.assignments.models import Assignment, Submission
from lms_rt.assignments.presenters import (
    archive_out,
    assignment_out,
    assignment_staff_out,
    files_by_id,
    submission_out,
    submissions_out,
)
from lms_rt.assignments.schemas import (
    ArchiveOut,
    AssignmentCreate,
    AssignmentOut,
    AssignmentStaffOut,
    AssignmentUpdate,
    GradeIn,
    ReturnIn,
    SubmissionIn,
    SubmissionOut,
    SubmissionsQuery,
)
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, STAFF
from lms_rt.errors import Forbidden
from lms_rt.files.models import StoredFile
from lms_rt.http.csv_export import csv_response
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.http.parsing import path_uuid
from lms_rt.users.models import User

api = ApiRoutes(tag="assignments")


def _now(request: web.Request) -> datetime:
    return request.app[keys.DEPS].clock.now()


async def _out(request: web.Request, assignment: Assignment, staff: bool) -> AssignmentOut:
    if staff:
        return await assignment_staff_out(assignment, _now(request))
    return assignment_out(assignment, _now(request))


# --- authoring -----------------------------------------------------------------------------


@api.post(
    "/assignments",
    summary="Create the assignment of an assignment lesson",
    body=AssignmentCreate,
    response=AssignmentStaffOut,
    status=201,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def create_assignment(
    request: web.Request, body: AssignmentCreate, user: User
) -> AssignmentStaffOut:
    """One per lesson of type ``assignment`` (409 for a second). ``max_points`` defaults to the
    rubric's total (or 100); with a rubric, its criteria's points must add up to it.
    ``late_policy=accept`` needs a ``due_at`` and ``late_days`` ≥ 1."""
    assignment = await authoring.create_assignment(user, body)
    assignment = await Assignment.get(id=assignment.id)
    return await assignment_staff_out(assignment, _now(request))


@api.get(
    "/assignments/{assignment_id}",
    summary="An assignment",
    response=AssignmentStaffOut | AssignmentOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def get_assignment(request: web.Request, user: User) -> AssignmentOut:
    """Staff see submission counts and the gradebook category; enrolled students see the
    assignment once its lesson is published and unlocked; anyone else gets 404."""
    assignment, staff = await access.find_assignment(
        user, path_uuid(request, "assignment_id"), _now(request)
    )
    return await _out(request, assignment, staff)


@api.get(
    "/lessons/{lesson_id}/assignment",
    summary="The assignment of a lesson",
    response=AssignmentStaffOut | AssignmentOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def lesson_assignment(request: web.Request, user: User) -> AssignmentOut:
    assignment, staff = await access.assignment_of_lesson(
        user, path_uuid(request, "lesson_id"), _now(request)
    )
    return await _out(request, assignment, staff)


@api.patch(
    "/assignments/{assignment_id}",
    summary="Change an assignment",
    body=AssignmentUpdate,
    response=AssignmentStaffOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def update_assignment(
    request: web.Request, body: AssignmentUpdate, user: User
) -> AssignmentStaffOut:
    """New due dates and late rules apply to later submissions. The rubric and max_points are
    fixed once a submission is graded (409)."""
    assignment = await access.editable_assignment(
        user, path_uuid(request, "assignment_id"), _now(request)
    )
    assignment = await authoring.update_assignment(request.app[keys.DEPS], assignment, body)
    return await assignment_staff_out(assignment, _now(request))


@api.delete(
    "/assignments/{assignment_id}",
    summary="Delete an assignment without submissions",
    status=204,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def delete_assignment(request: web.Request, user: User) -> None:
    assignment = await access.editable_assignment(
        user, path_uuid(request, "assignment_id"), _now(request)
    )
    await authoring.delete_assignment(assignment)


# --- submitting ----------------------------------------------------------------------------


@api.post(
    "/assignments/{assignment_id}/submissions",
    summary="Hand in an assignment (a new attempt)",
    body=SubmissionIn,
    response=SubmissionOut,
    status=201,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404, 409],
)
async def submit(request: web.Request, body: SubmissionIn, user: User) -> SubmissionOut:
    """``body``, ``url`` and ``file_ids`` as the assignment's ``submission_types`` allow; files
    are your own uploads with ``purpose=submission`` and this assignment's ``lesson_id``.

    Judged on the server's clock: on time up to ``due_at``; after it 409 under the ``refuse``
    policy, or late with ``late_penalty_percent`` off per started day under ``accept`` until
    ``late_days`` after it (then 409 saying when the window closed). Another attempt is allowed
    while resubmission is and the window is open, and always once staff returned your latest
    (it keeps that attempt's lateness, or is on time before ``due_at``)."""
    deps = request.app[keys.DEPS]
    assignment, staff = await access.find_assignment(
        user, path_uuid(request, "assignment_id"), deps.clock.now()
    )
    if staff:
        raise Forbidden("Course staff do not hand in assignments")
    submission = await submitting.submit(deps, user, assignment, body)
    submission.student = user
    return submission_out(submission, assignment, await _files(submission))


async def _files(submission: Submission) -> dict[str, StoredFile]:
    return await files_by_id([submission])


@api.get(
    "/assignments/{assignment_id}/submissions/mine",
    summary="Your attempts, newest first",
    response=list[SubmissionOut],
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def my_submissions(request: web.Request, user: User) -> list[SubmissionOut]:
    """With score, penalty, feedback and rubric scores once graded."""
    assignment, _ = await access.find_assignment(
        user, path_uuid(request, "assignment_id"), _now(request)
    )
    rows = (
        await Submission.filter(assignment_id=assignment.id, student_id=user.id)
        .select_related("student")
        .order_by("-attempt")
    )
    return await submissions_out(rows, assignment)


@api.get(
    "/assignments/{assignment_id}/submissions",
    summary="Submissions of an assignment (staff; JSON or CSV)",
    query=SubmissionsQuery,
    response=Page[SubmissionOut],
    roles=STAFF,
    errors=[403, 404],
)
async def list_submissions(
    request: web.Request, query: SubmissionsQuery, user: User
) -> web.StreamResponse | Page[SubmissionOut]:
    """Each student's newest attempt unless ``all_attempts=true``; filters by ``status``,
    ``late`` and ``student_id``; oldest first. ``format=csv`` gives every matching row (text
    cells that a spreadsheet would run as formulas are neutralised)."""
    assignment = await access.editable_assignment(
        user, path_uuid(request, "assignment_id"), _now(request)
    )
    rows = await listing.filtered(assignment, query)
    if query.format == "csv":
        return csv_response(
            f"assignment-{assignment.id}-submissions.csv",
            listing.CSV_COLUMNS,
            listing.csv_rows(assignment, await rows),
        )
    total = await rows.count()
    page = await rows.offset(query.offset).limit(query.limit)
    return Page[SubmissionOut](
        items=await submissions_out(page, assignment),
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@api.get(
    "/submissions/{submission_id}",
    summary="A submission (its student or the course staff)",
    response=SubmissionOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def get_submission(request: web.Request, user: User) -> SubmissionOut:
    submission, _ = await access.find_submission(user, path_uuid(request, "submission_id"))
    return submission_out(submission, submission.assignment, await _files(submission))


@api.post(
    "/submissions/{submission_id}/grade",
    summary="Grade (or regrade) a submission",
    body=GradeIn,
    response=SubmissionOut,
    roles=STAFF,
    errors=[403, 404],
)
async def grade_submission(request: web.Request, body: GradeIn, user: User) -> SubmissionOut:
    """With a rubric: ``rubric_scores`` for every criterion, each 0..its points, summed into
    the raw score. Without: ``raw_score`` 0..max_points. The late penalty recorded at
    submission applies: ``score = raw_score * (1 - penalty_percent / 100)``, to two decimals.
    The student is told (``submission.graded`` and the inbox), the gradebook updates, and the
    assignment's lesson counts as completed."""
    submission = await access.staff_submission(user, path_uuid(request, "submission_id"))
    graded = await grading.grade(request.app[keys.DEPS], user, submission, body)
    return submission_out(graded, submission.assignment, await _files(graded))


@api.post(
    "/submissions/{submission_id}/return",
    summary="Return a submission and ask for a new attempt",
    body=ReturnIn,
    response=SubmissionOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def return_submission(request: web.Request, body: ReturnIn, user: User) -> SubmissionOut:
    """Only the student's newest attempt, once (409 otherwise). The student may then submit
    again whatever the dates; a grade already given stays until the new attempt is graded."""
    submission = await access.staff_submission(user, path_uuid(request, "submission_id"))
    returned = await grading.return_submission(request.app[keys.DEPS], submission, body.feedback)
    return submission_out(returned, submission.assignment, await _files(returned))


# --- archives --------------------------------------------------------------------------------


@api.post(
    "/assignments/{assignment_id}/submissions/archive",
    summary="Ask for a ZIP of every student's newest submission",
    response=ArchiveOut,
    status=202,
    roles=STAFF,
    errors=[403, 404],
)
async def request_archive(request: web.Request, user: User) -> ArchiveOut:
    """A job builds it; follow ``GET /submission-archives/{id}`` (or wait for
    ``submission_archive.ready`` on ``user:<id>``) for its download link."""
    deps = request.app[keys.DEPS]
    assignment = await access.editable_assignment(
        user, path_uuid(request, "assignment_id"), deps.clock.now()
    )
    archive = await archives.request_archive(deps, user, assignment)
    return archive_out(archive)


@api.get(
    "/submission-archives/{archive_id}",
    summary="A submissions archive: its state and, once ready, its download link",
    response=ArchiveOut,
    roles=STAFF,
    errors=[404],
)
async def get_archive(request: web.Request, user: User) -> ArchiveOut:
    return archive_out(await access.find_archive(user, path_uuid(request, "archive_id")))
