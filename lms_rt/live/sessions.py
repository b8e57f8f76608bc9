"""A live session's life: created, joined, started, questions opened, ended.

Every state change is a conditional update on the session row (``WHERE state = ...``): two
hosts clicking at once, or two processes, change it once.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from lms_rt.auth.service import announce_access_changed
from lms_rt.courses.access import editable_course
from lms_rt.courses.models import Lesson
from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.enrollments.models import Enrollment, EnrollmentStatus
from lms_rt.errors import Conflict, Forbidden, Invalid, NotFound, Unavailable
from lms_rt.gradebook.events import class_grades_changed
from lms_rt.live import closing
from lms_rt.live.access import is_enrolled
from lms_rt.live.attempts import record_attempts
from lms_rt.live.models import (
    LiveAnswer,
    LiveAttendance,
    LiveKind,
    LiveParticipant,
    LiveSession,
    LiveState,
)
from lms_rt.live.presenters import question_public, state_data
from lms_rt.live.schemas import SessionCreate
from lms_rt.live.scoring import LIVE_TYPES
from lms_rt.notifications.models import NotificationType
from lms_rt.notifications.service import notify
from lms_rt.quizzes.grading import key_problems
from lms_rt.quizzes.models import Quiz, QuizQuestion
from lms_rt.users.models import User

if TYPE_CHECKING:
    from lms_rt.live.runtime import LiveRuntime

JOIN_CODE_TRIES = 8
# The backstop job runs a little after the in-process timer, which normally wins.
BACKSTOP_DELAY_SECONDS = 0.5


# --- creating and joining -------------------------------------------------------------------


async def create_session(deps: Deps, user: User, data: SessionCreate) -> LiveSession:
    course = await editable_course(user, str(data.course_id))
    question_ids: list[str] = []
    if data.kind == LiveKind.QUIZ:
        quiz = await Quiz.filter(id=data.quiz_id, course_id=course.id).first()
        if quiz is None:
            raise NotFound("No such quiz in this course")
        question_ids = await _playable_questions(quiz)
        title = data.title or quiz.title
    else:
        lesson = await Lesson.filter(id=data.lesson_id, course_id=course.id).first()
        if lesson is None:
            raise NotFound("No such lesson in this course")
        title = data.title or lesson.title
    fields: dict[str, Any] = {
        "kind": data.kind,
        "course_id": course.id,
        "quiz_id": data.quiz_id,
        "lesson_id": data.lesson_id,
        "host_id": user.id,
        "title": title,
        "question_ids": question_ids,
        "seconds_per_question": data.seconds_per_question,
        "points_per_question": data.points_per_question,
        "speed_bonus": data.speed_bonus,
        "show_leaderboard": data.show_leaderboard,
        "counts_as_attempt": data.counts_as_attempt,
    }
    for _ in range(JOIN_CODE_TRIES):
        # The partial unique index on open sessions' codes decides; a clash draws again.
        code = f"{secrets.randbelow(1_000_000):06d}"
        try:
            async with atomic(deps):
                return await LiveSession.create(join_code=code, **fields)
        except IntegrityError:
            continue
    raise Unavailable("No free join code was found; try again")


async def _playable_questions(quiz: Quiz) -> list[str]:
    questions = await QuizQuestion.filter(quiz_id=quiz.id).order_by("order", "created_at")
    if not questions:
        raise Conflict("The quiz has no questions")
    unplayable = [
        {"question_id": str(q.id), "type": q.type.value}
        for q in questions
        if q.type not in LIVE_TYPES or key_problems(q.type, q.options, q.answer_key)
    ]
    if unplayable:
        raise Invalid(
            "Live quizzes take single choice, multiple choice, true/false and numeric questions "
            "with a usable answer key",
            details=unplayable,
        )
    return [str(q.id) for q in questions]


async def join(deps: Deps, user: User, code: str) -> tuple[LiveSession, LiveParticipant]:
    session = await LiveSession.filter(join_code=code).exclude(state=LiveState.ENDED).first()
    if session is None:
        raise NotFound("No open live session has this code")
    if not await is_enrolled(user, session.course_id):
        raise Forbidden("Only students enrolled in this course may join")
    existing = await LiveParticipant.filter(session_id=session.id, user_id=user.id).first()
    if existing is None:
        try:
            async with atomic(deps) as effects:
                existing = await LiveParticipant.create(
                    session_id=session.id,
                    user_id=user.id,
                    display_name=user.full_name,
                    joined_at=deps.clock.now(),
                )
                count = await LiveParticipant.filter(session_id=session.id, kicked_at=None).count()
                effects.publish(
                    f"live:{session.id}",
                    "participant.joined",
                    {
                        "participant_id": str(existing.id),
                        "user_id": str(user.id),
                        "display_name": existing.display_name,
                        "count": count,
                    },
                )
        except IntegrityError:  # a second tab joined at the same moment
            existing = await LiveParticipant.get(session_id=session.id, user_id=user.id)
    if existing.kicked_at is not None:
        raise Forbidden("You were removed from this session")
    return session, existing


# --- the host's controls --------------------------------------------------------------------


async def start(deps: Deps, session: LiveSession) -> LiveSession:
    now = deps.clock.now()
    started = await LiveSession.filter(id=session.id, state=LiveState.LOBBY).update(
        state=LiveState.RUNNING, started_at=now
    )
    if not started:
        raise Conflict("The session has already started")
    session = await LiveSession.get(id=session.id)
    await deps.bus.publish(f"live:{session.id}", "session.state", state_data(session))
    await _tell_the_class(deps, session)
    return session


async def _tell_the_class(deps: Deps, session: LiveSession) -> None:
    """Enrolled students who have not joined yet hear that the session is starting."""
    joined = await LiveParticipant.filter(session_id=session.id).values_list("user_id", flat=True)
    students = (
        await Enrollment.filter(
            course_id=session.course_id,
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED],
        )
        .exclude(student_id__in=list(joined))
        .values_list("student_id", flat=True)
    )
    async with atomic(deps) as effects:
        await notify(
            effects,
            list(students),  # type: ignore[arg-type]
            NotificationType.LIVE_SESSION_STARTING,
            f"Live now: {session.title}",
            f"Join with the code {session.join_code}",
            "/live/play",
            {"session_id": str(session.id), "join_code": session.join_code},
            key=f"live-start:{session.id}",
        )


async def close_overdue(deps: Deps, session: LiveSession) -> LiveSession:
    """Lazy closing: whoever reads an overdue question closes it first."""
    if closing.overdue(session, deps.clock.now()):
        await closing.close_question(deps, session.id, session.current_index)
        return await LiveSession.get(id=session.id)
    return session


def _quiz_only(session: LiveSession) -> None:
    if session.kind != LiveKind.QUIZ:
        raise Conflict("This is a live lesson, not a live quiz")


async def next_question(
    deps: Deps, runtime: LiveRuntime | None, session: LiveSession
) -> LiveSession:
    _quiz_only(session)
    session = await close_overdue(deps, session)
    if session.state == LiveState.QUESTION_OPEN:
        raise Conflict("Close the open question first")
    if session.state not in (LiveState.RUNNING, LiveState.QUESTION_CLOSED):
        raise Conflict(
            "Start the session first"
            if session.state == LiveState.LOBBY
            else "The session has ended"
        )
    index, question = await _next_existing(session)
    now = deps.clock.now()
    closes = now + timedelta(seconds=session.seconds_per_question)
    async with atomic(deps) as effects:
        opened = await LiveSession.filter(
            id=session.id, state=session.state, current_index=session.current_index
        ).update(state=LiveState.QUESTION_OPEN, current_index=index, opens_at=now, closes_at=closes)
        if not opened:
            raise Conflict("The session changed meanwhile; try again")
        session.state, session.current_index = LiveState.QUESTION_OPEN, index
        session.opens_at, session.closes_at = now, closes
        effects.publish(f"live:{session.id}", "session.state", state_data(session))
        effects.publish(f"live:{session.id}", "question.opened", question_public(session, question))
        effects.enqueue(
            "close_live_question",
            str(session.id),
            index,
            job_id=closing.close_job_id(session.id, index),
            defer_by=session.seconds_per_question
            + closing.GRACE.total_seconds()
            + BACKSTOP_DELAY_SECONDS,
        )
    if runtime is not None:
        runtime.schedule_close(session.id, index, closes)
    return session


async def _next_existing(session: LiveSession) -> tuple[int, QuizQuestion]:
    """The next question still in the quiz (one deleted since the session began is skipped)."""
    for index in range(session.current_index + 1, len(session.question_ids)):
        question = await QuizQuestion.filter(id=uuid.UUID(session.question_ids[index])).first()
        if question is not None:
            return index, question
    raise Conflict("No questions are left; end the session")


async def close_early(deps: Deps, session: LiveSession) -> None:
    _quiz_only(session)
    if session.state != LiveState.QUESTION_OPEN:
        raise Conflict("No question is open")
    await closing.close_question(deps, session.id, session.current_index, early=True)


async def reveal(deps: Deps, session: LiveSession) -> list[dict[str, Any]]:
    """The leaderboard after a question (automatic when ``show_leaderboard`` is on)."""
    _quiz_only(session)
    session = await close_overdue(deps, session)
    if session.state not in (LiveState.QUESTION_CLOSED, LiveState.ENDED):
        raise Conflict("Reveal after a question has closed")
    answers = await LiveAnswer.filter(session_id=session.id, question_index=session.current_index)
    return await closing.publish_standings(deps, session, answers=answers)


async def kick(deps: Deps, session: LiveSession, participant_id: uuid.UUID) -> None:
    participant = await LiveParticipant.filter(id=participant_id, session_id=session.id).first()
    if participant is None:
        raise NotFound("No such participant in this session")
    async with atomic(deps) as effects:
        removed = await LiveParticipant.filter(id=participant.id, kicked_at=None).update(
            kicked_at=deps.clock.now(), hand_raised_at=None
        )
        if not removed:
            return
        count = await LiveParticipant.filter(session_id=session.id, kicked_at=None).count()
        user = str(participant.user_id)
        effects.publish(f"user:{user}", "participant.kicked", {"session_id": str(session.id)})
        effects.publish(
            f"live:{session.id}",
            "participant.left",
            {
                "participant_id": str(participant.id),
                "user_id": user,
                "display_name": participant.display_name,
                "count": count,
                "kicked": True,
            },
        )
        announce_access_changed(participant.user_id)


async def end(deps: Deps, session: LiveSession) -> LiveSession:
    """End the session (closing an open question first); ending twice is harmless."""
    for _ in range(3):
        if session.state == LiveState.ENDED:
            return session
        if session.state == LiveState.QUESTION_OPEN:
            await closing.close_question(deps, session.id, session.current_index, early=True)
            session = await LiveSession.get(id=session.id)
            continue
        now = deps.clock.now()
        async with atomic(deps) as effects:
            ended = await LiveSession.filter(id=session.id, state=session.state).update(
                state=LiveState.ENDED, ended_at=now
            )
            if ended:
                await LiveAttendance.filter(session_id=session.id, left_at=None).update(left_at=now)
                session = await LiveSession.get(id=session.id)
                effects.publish(f"live:{session.id}", "session.state", state_data(session))
                participants = await LiveParticipant.filter(session_id=session.id, kicked_at=None)
                if session.kind == LiveKind.QUIZ and session.counts_as_attempt:
                    await record_attempts(effects, session, participants, now)
                    # A new gradebook column: every enrolled student's row changed (those
                    # who did not take part now have a 0 there).
                    await class_grades_changed(effects, session.course_id)
        if ended:
            await closing.announce_standings(deps, session, participants, event="session.ended")
            return session
        session = await LiveSession.get(id=session.id)
    raise Conflict("The session changed meanwhile; try again")
