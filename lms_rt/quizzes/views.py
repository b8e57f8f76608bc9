"""``/api/v1/quizzes`` and ``/api/v1/attempts``."""

from __future__ import annotations

from aiohttp import web

from lms_rt import keys
from lms_rt.auth.permissions import ANYONE_SIGNED_IN, STAFF, optional_user
from lms_rt.errors import NotFound
from lms_rt.http.csv_export import csv_response
from lms_rt.http.openapi import ApiRoutes
from lms_rt.http.pagination import Page
from lms_rt.http.parsing import path_uuid
from lms_rt.quizzes import attempts, authoring
from lms_rt.quizzes.models import Quiz, QuizAttempt, QuizQuestion
from lms_rt.quizzes.presenters import attempt_out, attempt_summary
from lms_rt.quizzes.regrade import regrade
from lms_rt.quizzes.schemas import (
    Accommodation,
    AttemptOut,
    AttemptsQuery,
    AttemptSummary,
    GradeIn,
    QuestionCreate,
    QuestionImport,
    QuestionStaffOut,
    QuestionUpdate,
    QuizCreate,
    QuizOut,
    QuizUpdate,
    RegradeIn,
    RegradeOut,
    ReorderQuestions,
    SaveAnswersIn,
)
from lms_rt.users.models import User

api = ApiRoutes(tag="quizzes")
ATTEMPT_COLUMNS = (
    "attempt_id",
    "student_id",
    "number",
    "status",
    "started_at",
    "submitted_at",
    "score",
    "max_score",
    "percentage",
    "passed",
)


async def _out(quiz: Quiz) -> QuizOut:
    return authoring.quiz_out(quiz, await QuizQuestion.filter(quiz_id=quiz.id).count())


@api.post(
    "/quizzes",
    summary="Create a quiz in a course",
    body=QuizCreate,
    response=QuizOut,
    status=201,
    roles=STAFF,
    errors=[403, 404],
)
async def create_quiz(request: web.Request, body: QuizCreate, user: User) -> QuizOut:
    quiz = await authoring.create_quiz(user, body)
    return authoring.quiz_out(quiz, 0)


@api.get("/quizzes/{quiz_id}", summary="A quiz", response=QuizOut, errors=[404])
async def get_quiz(request: web.Request) -> QuizOut:
    user = await optional_user(request)
    quiz, _ = await authoring.find_quiz(user, path_uuid(request, "quiz_id"))
    return await _out(quiz)


@api.patch(
    "/quizzes/{quiz_id}",
    summary="Change a quiz",
    body=QuizUpdate,
    response=QuizOut,
    roles=STAFF,
    errors=[403, 404],
)
async def update_quiz(request: web.Request, body: QuizUpdate, user: User) -> QuizOut:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    quiz = await authoring.update_quiz(request.app[keys.DEPS], quiz, body)
    return await _out(quiz)


@api.delete(
    "/quizzes/{quiz_id}",
    summary="Delete a quiz without attempts",
    status=204,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def delete_quiz(request: web.Request, user: User) -> None:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    await authoring.delete_quiz(request.app[keys.DEPS], quiz)


@api.post(
    "/quizzes/{quiz_id}/publish",
    summary="Publish a quiz",
    response=QuizOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def publish_quiz(request: web.Request, user: User) -> QuizOut:
    """Needs at least one question and a usable answer key for each auto-graded one."""
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    quiz = await authoring.publish_quiz(request.app[keys.DEPS], quiz)
    return await _out(quiz)


@api.post(
    "/quizzes/{quiz_id}/unpublish",
    summary="Unpublish a quiz",
    response=QuizOut,
    roles=STAFF,
    errors=[403, 404],
)
async def unpublish_quiz(request: web.Request, user: User) -> QuizOut:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    quiz = await authoring.unpublish_quiz(request.app[keys.DEPS], quiz)
    return await _out(quiz)


@api.get(
    "/quizzes/{quiz_id}/questions",
    summary="Questions with answer keys (staff)",
    response=list[QuestionStaffOut],
    roles=STAFF,
    errors=[403, 404],
)
async def list_questions(request: web.Request, user: User) -> list[QuestionStaffOut]:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    questions = await QuizQuestion.filter(quiz_id=quiz.id).order_by("order")
    return [authoring.question_staff_out(q) for q in questions]


@api.post(
    "/quizzes/{quiz_id}/questions",
    summary="Add a question",
    body=QuestionCreate,
    response=QuestionStaffOut,
    status=201,
    roles=STAFF,
    errors=[403, 404],
)
async def add_question(request: web.Request, body: QuestionCreate, user: User) -> QuestionStaffOut:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    [question] = await authoring.add_questions(request.app[keys.DEPS], quiz, [body])
    return authoring.question_staff_out(question)


@api.post(
    "/quizzes/{quiz_id}/questions/import",
    summary="Add many questions from JSON",
    body=QuestionImport,
    response=list[QuestionStaffOut],
    status=201,
    roles=STAFF,
    errors=[403, 404],
)
async def import_questions(
    request: web.Request, body: QuestionImport, user: User
) -> list[QuestionStaffOut]:
    """All or nothing: one invalid question and none are added."""
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    added = await authoring.add_questions(request.app[keys.DEPS], quiz, body.questions)
    return [authoring.question_staff_out(q) for q in added]


@api.post(
    "/quizzes/{quiz_id}/questions/reorder",
    summary="Set the order of every question",
    body=ReorderQuestions,
    status=204,
    roles=STAFF,
    errors=[403, 404],
)
async def reorder_questions(request: web.Request, body: ReorderQuestions, user: User) -> None:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    await authoring.reorder_questions(request.app[keys.DEPS], quiz, body.question_ids)


@api.patch(
    "/quizzes/{quiz_id}/questions/{question_id}",
    summary="Change a question",
    body=QuestionUpdate,
    response=QuestionStaffOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def update_question(
    request: web.Request, body: QuestionUpdate, user: User
) -> QuestionStaffOut:
    """Once a quiz has attempts, keys and points change only through regrade."""
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    question = await authoring.quiz_question(quiz, path_uuid(request, "question_id"))
    return authoring.question_staff_out(await authoring.update_question(quiz, question, body))


@api.delete(
    "/quizzes/{quiz_id}/questions/{question_id}",
    summary="Remove a question",
    status=204,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def delete_question(request: web.Request, user: User) -> None:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    question = await authoring.quiz_question(quiz, path_uuid(request, "question_id"))
    await authoring.delete_question(quiz, question)


@api.post(
    "/quizzes/{quiz_id}/regrade",
    summary="Change keys or points and re-score attempts",
    body=RegradeIn,
    response=RegradeOut,
    roles=STAFF,
    errors=[403, 404],
)
async def regrade_quiz(request: web.Request, body: RegradeIn, user: User) -> RegradeOut:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    return await regrade(request.app[keys.DEPS], quiz, body)


@api.put(
    "/quizzes/{quiz_id}/accommodations/{student_id}",
    summary="Extra time or attempts for one student",
    body=Accommodation,
    status=204,
    roles=STAFF,
    errors=[403, 404],
)
async def accommodate(request: web.Request, body: Accommodation, user: User) -> None:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    await authoring.set_accommodation(quiz, path_uuid(request, "student_id"), body)


# --- attempts ------------------------------------------------------------------------------


@api.post(
    "/quizzes/{quiz_id}/attempts",
    summary="Start (or resume) an attempt",
    response=AttemptOut,
    status=201,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404, 409],
)
async def start_attempt(request: web.Request, user: User) -> AttemptOut:
    """An attempt already in progress is returned as it is: a second tab gets the same one.
    ``deadline`` is fixed now; ``server_time`` lets the client sync its countdown."""
    deps = request.app[keys.DEPS]
    quiz, _ = await authoring.find_quiz(user, path_uuid(request, "quiz_id"))
    attempt = await attempts.start(deps, user, quiz)
    return await attempt_out(attempt, quiz, deps.clock.now(), staff=False)


@api.get(
    "/quizzes/{quiz_id}/attempts/mine",
    summary="Your attempts at a quiz",
    response=list[AttemptSummary],
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def my_attempts(request: web.Request, user: User) -> list[AttemptSummary]:
    quiz, _ = await authoring.find_quiz(user, path_uuid(request, "quiz_id"))
    rows = await QuizAttempt.filter(quiz_id=quiz.id, student_id=user.id).order_by("number")
    return [attempt_summary(a) for a in rows]


@api.get(
    "/quizzes/{quiz_id}/attempts",
    summary="Every attempt (staff; JSON or CSV)",
    query=AttemptsQuery,
    response=Page[AttemptSummary],
    roles=STAFF,
    errors=[403, 404],
)
async def all_attempts(
    request: web.Request, query: AttemptsQuery, user: User
) -> web.StreamResponse | Page[AttemptSummary]:
    quiz = await authoring.editable_quiz(user, path_uuid(request, "quiz_id"))
    rows = QuizAttempt.filter(quiz_id=quiz.id)
    if query.status is not None:
        rows = rows.filter(status=query.status)
    if query.student_id is not None:
        rows = rows.filter(student_id=query.student_id)
    total = await rows.count()
    ordered = rows.order_by("started_at", "id")
    if query.format == "csv":
        return csv_response(
            f"quiz-{quiz.id}-attempts.csv",
            ATTEMPT_COLUMNS,
            (
                [
                    a.id,
                    a.student_id,
                    a.number,
                    a.status.value,
                    a.started_at.isoformat(),
                    a.submitted_at.isoformat() if a.submitted_at else "",
                    a.score,
                    a.max_score,
                    a.percentage,
                    a.passed,
                ]
                for a in await ordered
            ),
        )
    page = await ordered.offset(query.offset).limit(query.limit)
    return Page[AttemptSummary](
        items=[attempt_summary(a) for a in page],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@api.get(
    "/attempts/{attempt_id}",
    summary="An attempt",
    response=AttemptOut,
    roles=ANYONE_SIGNED_IN,
    errors=[404],
)
async def get_attempt(request: web.Request, user: User) -> AttemptOut:
    """Correct answers and explanations appear only as the quiz's review policy allows."""
    deps = request.app[keys.DEPS]
    attempt, quiz, staff = await attempts.find_attempt(deps, user, path_uuid(request, "attempt_id"))
    return await attempt_out(attempt, quiz, deps.clock.now(), staff)


@api.put(
    "/attempts/{attempt_id}/answers",
    summary="Save answers (autosave)",
    body=SaveAnswersIn,
    response=AttemptOut,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404, 409],
)
async def save_answers(request: web.Request, body: SaveAnswersIn, user: User) -> AttemptOut:
    """409 ``attempt_closed`` from deadline + grace on; nothing late is stored."""
    deps = request.app[keys.DEPS]
    attempt = await attempts.save_answers(
        deps, user, path_uuid(request, "attempt_id"), body.answers
    )
    attempt, quiz, _ = await attempts.find_attempt(deps, user, attempt.id)
    return await attempt_out(attempt, quiz, deps.clock.now(), staff=False)


@api.post(
    "/attempts/{attempt_id}/submit",
    summary="Submit and grade",
    response=AttemptOut,
    roles=ANYONE_SIGNED_IN,
    errors=[403, 404],
)
async def submit_attempt(request: web.Request, user: User) -> AttemptOut:
    """Graded once, however many submits race; essays wait for staff (``needs_grading``)."""
    deps = request.app[keys.DEPS]
    attempt = await attempts.submit(deps, user, path_uuid(request, "attempt_id"))
    attempt, quiz, _ = await attempts.find_attempt(deps, user, attempt.id)
    return await attempt_out(attempt, quiz, deps.clock.now(), staff=False)


@api.post(
    "/attempts/{attempt_id}/grade",
    summary="Grade essay answers (staff)",
    body=GradeIn,
    response=AttemptOut,
    roles=STAFF,
    errors=[403, 404, 409],
)
async def grade_attempt(request: web.Request, body: GradeIn, user: User) -> AttemptOut:
    deps = request.app[keys.DEPS]
    attempt, quiz, staff = await attempts.find_attempt(deps, user, path_uuid(request, "attempt_id"))
    if not staff:
        raise NotFound("No such attempt")
    graded = await attempts.grade_manually(deps, user, attempt, quiz, body.grades)
    return await attempt_out(graded, quiz, deps.clock.now(), staff=True)
