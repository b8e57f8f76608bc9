"""Taking quizzes: attempts held to the server's clock, autosave, closing and grading.

Time: an attempt's ``deadline`` is fixed when it starts; answers count only if received by
``deadline + grace``. Closing is a conditional update (``in_progress`` → ``submitted``), so the
student's submit, the scheduled job and a lazy close on read close an attempt exactly once.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from lms_rt.courses.access import is_staff
from lms_rt.db import PostCommit, atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import Conflict, Forbidden, Invalid, NotFound
from lms_rt.gradebook.events import grades_changed
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify
from lms_rt.quizzes.completion import count_toward_completion
from lms_rt.quizzes.grading import grade, response_problem
from lms_rt.quizzes.models import (
    AttemptAnswer,
    AttemptStatus,
    Quiz,
    QuizAccommodation,
    QuizAttempt,
    QuizQuestion,
    QuizType,
    ReviewPolicy,
)
from lms_rt.quizzes.schemas import AnswerIn, GradeItem
from lms_rt.users.models import User

CLOSE_JOB = "close_quiz_attempt"


def closes_at(attempt: QuizAttempt, quiz: Quiz) -> datetime | None:
    if attempt.deadline is None:
        return None
    return attempt.deadline + timedelta(seconds=quiz.grace_seconds)


def close_job_id(attempt_id: uuid.UUID) -> str:
    return f"close-attempt:{attempt_id}"


# --- starting ------------------------------------------------------------------------------


async def start(deps: Deps, user: User, quiz: Quiz) -> QuizAttempt:
    """The attempt in progress if there is one (a second tab gets the same), else a new one."""
    now = deps.clock.now()
    if not quiz.is_published:
        raise NotFound("No such quiz")
    if quiz.available_from and now < quiz.available_from:
        raise Conflict(
            "This quiz has not opened yet", details=[{"opens_at": quiz.available_from.isoformat()}]
        )
    if quiz.available_until and now >= quiz.available_until:
        raise Conflict("This quiz has closed")
    enrolled = await Enrollment.filter(
        student_id=user.id,
        course_id=quiz.course_id,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
    ).exists()
    if not enrolled:
        raise Forbidden("Enroll in the course to take its quizzes")
    current = await _in_progress(deps, quiz, user)
    if current is not None:
        return current
    accommodation = await QuizAccommodation.filter(quiz_id=quiz.id, student_id=user.id).first()
    allowed = None
    if quiz.max_attempts is not None:
        allowed = quiz.max_attempts + (accommodation.extra_attempts if accommodation else 0)
    taken = await QuizAttempt.filter(quiz_id=quiz.id, student_id=user.id).count()
    if allowed is not None and taken >= allowed:
        # The last allowed attempt may have just been started by another tab: that one.
        current = await _in_progress(deps, quiz, user)
        if current is not None:
            return current
        raise Conflict("No attempts left", details=[{"reason": "max_attempts", "allowed": allowed}])
    attempt_id = uuid.uuid4()
    questions = await QuizQuestion.filter(quiz_id=quiz.id).order_by("order")
    if not questions:
        raise Conflict("This quiz has no questions yet")
    chosen, option_orders = _layout(quiz, questions, seed=attempt_id.int)
    try:
        async with atomic(deps) as effects:
            attempt = await QuizAttempt.create(
                id=attempt_id,
                quiz=quiz,
                student=user,
                number=taken + 1,
                started_at=now,
                deadline=_deadline(quiz, accommodation, now),
                question_ids=[str(q.id) for q in chosen],
                option_orders=option_orders,
                max_score=sum(q.points for q in chosen),
            )
            _started(effects, quiz, attempt, user)
    except IntegrityError:
        # Another tab or a racing request started one first: the same attempt for both,
        # and never more than the allowed number.
        current = await _in_progress(deps, quiz, user)
        if current is None:
            raise Conflict("No attempts left", details=[{"reason": "max_attempts"}]) from None
        return current
    ends = closes_at(attempt, quiz)
    if ends is not None:
        await deps.jobs.enqueue(
            CLOSE_JOB,
            str(attempt.id),
            job_id=close_job_id(attempt.id),
            defer_by=max(0.0, (ends - now).total_seconds()) + 0.5,
        )
    return attempt


def _deadline(
    quiz: Quiz, accommodation: QuizAccommodation | None, now: datetime
) -> datetime | None:
    if quiz.time_limit_minutes is None:
        return quiz.available_until
    minutes = float(quiz.time_limit_minutes)
    if accommodation is not None:
        minutes = minutes * accommodation.time_multiplier + accommodation.extra_minutes
    deadline = now + timedelta(minutes=minutes)
    if quiz.available_until is not None:
        deadline = min(deadline, quiz.available_until)
    return deadline


def _layout(
    quiz: Quiz, questions: list[QuizQuestion], seed: int
) -> tuple[list[QuizQuestion], dict[str, list[str]]]:
    """This attempt's questions and option orders: random, but fixed by the attempt's seed."""
    rng = random.Random(seed)  # noqa: S311 - a layout, not a secret
    chosen = list(questions)
    if quiz.pool_size is not None and quiz.pool_size < len(chosen):
        picked = set(rng.sample(range(len(chosen)), quiz.pool_size))
        chosen = [q for i, q in enumerate(chosen) if i in picked]
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    orders: dict[str, list[str]] = {}
    for question in chosen:
        ids = [str(option["id"]) for option in question.options]
        if quiz.shuffle_options:
            rng.shuffle(ids)
        orders[str(question.id)] = ids
    return chosen, orders


def _started(effects: PostCommit, quiz: Quiz, attempt: QuizAttempt, user: User) -> None:
    effects.publish(
        f"course:{quiz.course_id}:staff",
        "attempt.started",
        {
            "attempt_id": str(attempt.id),
            "quiz_id": str(quiz.id),
            "student_id": str(user.id),
            "student_name": user.full_name,
            "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        },
    )


async def _in_progress(deps: Deps, quiz: Quiz, user: User) -> QuizAttempt | None:
    attempt = await QuizAttempt.filter(
        quiz_id=quiz.id, student_id=user.id, status=AttemptStatus.IN_PROGRESS
    ).first()
    if attempt is not None and await close_if_overdue(deps, attempt, quiz):
        return None
    return attempt


# --- finding -------------------------------------------------------------------------------


async def find_attempt(
    deps: Deps, user: User, attempt_id: uuid.UUID
) -> tuple[QuizAttempt, Quiz, bool]:
    """The student's own attempt, or any attempt for its course's staff; else 404. An
    overdue attempt is closed on the way (the outcome never waits for the job)."""
    attempt = await QuizAttempt.filter(id=attempt_id).first()
    if attempt is None:
        raise NotFound("No such attempt")
    quiz = await Quiz.get(id=attempt.quiz_id).select_related("course")
    staff = attempt.student_id != user.id and await is_staff(user, quiz.course)
    if attempt.student_id != user.id and not staff:
        raise NotFound("No such attempt")
    if await close_if_overdue(deps, attempt, quiz):
        attempt = await QuizAttempt.get(id=attempt.id)
    return attempt, quiz, staff


# --- answering -----------------------------------------------------------------------------


async def save_answers(
    deps: Deps, user: User, attempt_id: uuid.UUID, answers: list[AnswerIn]
) -> QuizAttempt:
    """Autosave; refused (409 ``attempt_closed``) from deadline + grace on, storing nothing."""
    attempt, quiz, _ = await find_attempt(deps, user, attempt_id)
    if attempt.student_id != user.id:
        raise Forbidden("Only the student answers their attempt")
    questions = {str(q.id): q for q in await QuizQuestion.filter(id__in=attempt.question_ids)}
    problems = []
    for answer in answers:
        question = questions.get(str(answer.question_id))
        if question is None:
            problems.append(
                {"question_id": str(answer.question_id), "message": "not in this attempt"}
            )
            continue
        problem = response_problem(question.type, question.options, answer.response)
        if problem:
            problems.append({"question_id": str(answer.question_id), "message": problem})
    if problems:
        raise Invalid("Some answers do not fit their questions", details=problems)
    received = deps.clock.now()
    async with atomic(deps):
        # The row lock orders concurrent saves and a racing close: no save lands after it.
        locked = await QuizAttempt.filter(id=attempt.id).select_for_update().get()
        ends = closes_at(locked, quiz)
        if locked.status != AttemptStatus.IN_PROGRESS or (ends is not None and received > ends):
            raise AttemptClosed()
        for answer in answers:
            updated = await AttemptAnswer.filter(
                attempt_id=locked.id, question_id=answer.question_id
            ).update(payload={"value": answer.response}, saved_at=received)
            if not updated:
                await AttemptAnswer.create(
                    attempt=locked,
                    question_id=answer.question_id,
                    payload={"value": answer.response},
                    saved_at=received,
                )
    return attempt


class AttemptClosed(Conflict):
    code = "attempt_closed"
    default_message = "This attempt is closed; answers are no longer accepted"


async def submit(deps: Deps, user: User, attempt_id: uuid.UUID) -> QuizAttempt:
    attempt, _, _ = await find_attempt(deps, user, attempt_id)
    if attempt.student_id != user.id:
        raise Forbidden("Only the student submits their attempt")
    if attempt.status == AttemptStatus.IN_PROGRESS:
        await close(deps, attempt.id, by="student")
    return await QuizAttempt.get(id=attempt.id)


async def close_if_overdue(deps: Deps, attempt: QuizAttempt, quiz: Quiz) -> bool:
    ends = closes_at(attempt, quiz)
    if attempt.status != AttemptStatus.IN_PROGRESS or ends is None:
        return False
    if deps.clock.now() <= ends:
        return False
    await close(deps, attempt.id, by="deadline")
    return True


async def close(deps: Deps, attempt_id: uuid.UUID, by: str) -> bool:
    """Close and grade, exactly once however many callers race; True for the one that did."""
    async with atomic(deps) as effects:
        attempt = await QuizAttempt.filter(id=attempt_id).select_for_update().get()
        quiz = await Quiz.get(id=attempt.quiz_id)
        now = deps.clock.now()
        # A deadline close records the deadline: nothing after it counted anyway.
        submitted_at = attempt.deadline if by == "deadline" and attempt.deadline else now
        closed = await QuizAttempt.filter(id=attempt.id, status=AttemptStatus.IN_PROGRESS).update(
            status=AttemptStatus.SUBMITTED, submitted_at=submitted_at, closed_by=by
        )
        if not closed:
            return False
        await _grade(attempt, quiz, now)
        graded = await QuizAttempt.get(id=attempt.id)
        await _closed_events(effects, quiz, graded)
        await count_toward_completion(effects, quiz, graded)
        await gradebook_cell_changed(effects, quiz, [graded.student_id])
    return True


async def _grade(attempt: QuizAttempt, quiz: Quiz, now: datetime) -> None:
    questions = {str(q.id): q for q in await QuizQuestion.filter(id__in=attempt.question_ids)}
    answers = {str(a.question_id): a for a in await AttemptAnswer.filter(attempt_id=attempt.id)}
    waiting = False
    for question_id in attempt.question_ids:
        question = questions.get(question_id)
        if question is None:
            continue
        answer = answers.get(question_id)
        if answer is not None and answer.graded_by_id is not None:
            continue  # a person's mark stands
        mark = grade(
            question.type, question.points, question.answer_key, answer.response if answer else None
        )
        if mark.points is None:
            waiting = waiting or answer is not None
            if answer is None:
                await AttemptAnswer.create(
                    attempt_id=attempt.id,
                    question_id=question.id,
                    payload={"value": None},
                    saved_at=now,
                    points_awarded=0.0,
                    is_correct=False,
                )
            continue
        if answer is None:
            await AttemptAnswer.create(
                attempt_id=attempt.id,
                question_id=question.id,
                payload={"value": None},
                saved_at=now,
                points_awarded=mark.points,
                is_correct=mark.correct,
            )
        else:
            await AttemptAnswer.filter(id=answer.id).update(
                points_awarded=mark.points, is_correct=mark.correct
            )
    await _total(attempt, quiz, now, waiting)


async def _total(attempt: QuizAttempt, quiz: Quiz, now: datetime, waiting: bool) -> None:
    # Points may have been regraded since the attempt started: today's points count.
    points = await QuizQuestion.filter(id__in=attempt.question_ids).values_list("points", flat=True)
    attempt.max_score = float(sum(points))  # type: ignore[arg-type]
    await QuizAttempt.filter(id=attempt.id).update(max_score=attempt.max_score)
    rows = await AttemptAnswer.filter(attempt_id=attempt.id)
    if waiting or any(r.points_awarded is None for r in rows):
        await QuizAttempt.filter(id=attempt.id).update(status=AttemptStatus.NEEDS_GRADING)
        return
    score = round(sum(r.points_awarded or 0.0 for r in rows), 4)
    percentage = round(100.0 * score / attempt.max_score, 2) if attempt.max_score else 100.0
    await QuizAttempt.filter(id=attempt.id).update(
        status=AttemptStatus.GRADED,
        score=score,
        percentage=percentage,
        passed=percentage >= quiz.passing_score,
        graded_at=now,
    )


async def _closed_events(effects: PostCommit, quiz: Quiz, attempt: QuizAttempt) -> None:
    summary = {
        "attempt_id": str(attempt.id),
        "quiz_id": str(quiz.id),
        "student_id": str(attempt.student_id),
        "status": attempt.status.value,
        "closed_by": attempt.closed_by,
    }
    effects.publish(f"user:{attempt.student_id}", "attempt.closed", summary)
    effects.publish(f"course:{quiz.course_id}:staff", "attempt.submitted", summary)
    if attempt.status == AttemptStatus.GRADED:
        await graded_events(effects, quiz, attempt)


async def graded_events(effects: PostCommit, quiz: Quiz, attempt: QuizAttempt) -> None:
    """``attempt.graded`` to the student and the course staff, and the grade in the
    student's inbox."""
    data = {
        "attempt_id": str(attempt.id),
        "quiz_id": str(quiz.id),
        "student_id": str(attempt.student_id),
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percentage": attempt.percentage,
        "passed": attempt.passed,
    }
    effects.publish(f"user:{attempt.student_id}", "attempt.graded", data)
    effects.publish(f"course:{quiz.course_id}:staff", "attempt.graded", data)
    graded_at = attempt.graded_at.isoformat() if attempt.graded_at else ""
    await notify(
        effects,
        [attempt.student_id],
        NotificationType.GRADE_RELEASED,
        f"Graded: {quiz.title}",
        f"{attempt.percentage} %",
        f"/api/v1/attempts/{attempt.id}",
        data,
        key=f"graded:{attempt.id}:{graded_at}",
    )


async def gradebook_cell_changed(
    effects: PostCommit, quiz: Quiz, student_ids: list[uuid.UUID]
) -> None:
    """Graded quizzes are gradebook columns: their students' rows are recomputed (a closed
    attempt waiting for an essay grade changes the cell too: it becomes pending)."""
    if quiz.type == QuizType.GRADED and quiz.is_published and student_ids:
        await grades_changed(effects, quiz.course_id, student_ids)


# --- staff grading -------------------------------------------------------------------------


async def grade_manually(
    deps: Deps, grader: User, attempt: QuizAttempt, quiz: Quiz, grades: list[GradeItem]
) -> QuizAttempt:
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise Conflict("The attempt is still in progress")
    questions = {str(q.id): q for q in await QuizQuestion.filter(id__in=attempt.question_ids)}
    for item in grades:
        question = questions.get(str(item.question_id))
        if question is None:
            raise Invalid(
                "A graded question is not part of this attempt",
                details=[{"question_id": str(item.question_id)}],
            )
        if item.points > question.points:
            raise Invalid(
                "More points than the question is worth",
                details=[{"question_id": str(item.question_id), "max": question.points}],
            )
    now = deps.clock.now()
    async with atomic(deps) as effects:
        locked = await QuizAttempt.filter(id=attempt.id).select_for_update().get()
        for item in grades:
            question = questions[str(item.question_id)]
            updated = await AttemptAnswer.filter(
                attempt_id=locked.id, question_id=item.question_id
            ).update(
                points_awarded=item.points,
                is_correct=item.points >= question.points,
                feedback=item.feedback,
                graded_by_id=grader.id,
                graded_at=now,
            )
            if not updated:
                await AttemptAnswer.create(
                    attempt_id=locked.id,
                    question_id=item.question_id,
                    payload={"value": None},
                    saved_at=now,
                    points_awarded=item.points,
                    feedback=item.feedback,
                    is_correct=item.points >= question.points,
                    graded_by_id=grader.id,
                    graded_at=now,
                )
        await _total(locked, quiz, now, waiting=False)
        result = await QuizAttempt.get(id=locked.id)
        if result.status == AttemptStatus.GRADED:
            await graded_events(effects, quiz, result)
            await count_toward_completion(effects, quiz, result)
            await gradebook_cell_changed(effects, quiz, [result.student_id])
    return result


# --- review --------------------------------------------------------------------------------


def review_open(quiz: Quiz, attempt: QuizAttempt, now: datetime, staff: bool) -> bool:
    if staff:
        return True
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return False
    if quiz.review_policy == ReviewPolicy.AFTER_ATTEMPT:
        return True
    if quiz.review_policy == ReviewPolicy.AFTER_CLOSE:
        # Not before the last late-but-in-grace answer can no longer arrive.
        return quiz.available_until is not None and now >= quiz.available_until + timedelta(
            seconds=quiz.grace_seconds
        )
    return False


async def attempt_material(
    attempt: QuizAttempt,
) -> tuple[list[QuizQuestion], dict[str, AttemptAnswer]]:
    by_id = {str(q.id): q for q in await QuizQuestion.filter(id__in=attempt.question_ids)}
    questions = [by_id[i] for i in attempt.question_ids if i in by_id]
    answers = {str(a.question_id): a for a in await AttemptAnswer.filter(attempt_id=attempt.id)}
    return questions, answers
