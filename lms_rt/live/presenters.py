"""What clients see of sessions, questions, participants and messages.

A question shown while open carries no answer key; the key is shown only by
:func:`question_answer`, which only the close of that question publishes.
"""

from __future__ import annotations

from typing import Any

from lms_rt.live.models import LiveMessage, LiveParticipant, LiveSession
from lms_rt.live.schemas import ParticipantOut, SessionOut
from lms_rt.live.scoring import Standing
from lms_rt.quizzes.models import QuestionType, QuizQuestion


def session_out(session: LiveSession, participant_count: int) -> SessionOut:
    return SessionOut(
        id=session.id,
        kind=session.kind,
        course_id=session.course_id,
        quiz_id=session.quiz_id,
        lesson_id=session.lesson_id,
        host_id=session.host_id,
        title=session.title,
        join_code=session.join_code,
        state=session.state,
        current_index=session.current_index,
        question_count=len(session.question_ids),
        opens_at=session.opens_at,
        closes_at=session.closes_at,
        seconds_per_question=session.seconds_per_question,
        points_per_question=session.points_per_question,
        speed_bonus=session.speed_bonus,
        show_leaderboard=session.show_leaderboard,
        counts_as_attempt=session.counts_as_attempt,
        step_index=session.step_index,
        participant_count=participant_count,
        created_at=session.created_at,
        started_at=session.started_at,
        ended_at=session.ended_at,
    )


def state_data(session: LiveSession) -> dict[str, Any]:
    """``session.state``: where the session is, sent on every change of state."""
    return {
        "state": session.state.value,
        "index": session.current_index,
        "question_count": len(session.question_ids),
    }


def participant_out(participant: LiveParticipant) -> ParticipantOut:
    return ParticipantOut.model_validate(participant, from_attributes=True)


def standing(participant: LiveParticipant) -> Standing:
    return Standing(
        participant_id=str(participant.id),
        user_id=str(participant.user_id),
        display_name=participant.display_name,
        score=participant.score,
        streak=participant.streak,
        correct_count=participant.correct_count,
        answer_ms=participant.answer_ms,
        joined_at=participant.joined_at,
    )


def question_public(session: LiveSession, question: QuizQuestion) -> dict[str, Any]:
    """The open question as everyone sees it: text, options and the clock, never the key."""
    return {
        "index": session.current_index,
        "question_id": str(question.id),
        "question_count": len(session.question_ids),
        "text": question.text,
        "type": question.type.value,
        "options": [{"id": str(o["id"]), "text": str(o.get("text", ""))} for o in question.options]
        if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
        else [],
        "seconds": session.seconds_per_question,
        "points": session.points_per_question,
        "opens_at": session.opens_at.isoformat() if session.opens_at else None,
        "closes_at": session.closes_at.isoformat() if session.closes_at else None,
    }


def question_answer(question: QuizQuestion) -> dict[str, Any]:
    """The right answer, for after the question has closed."""
    key = question.answer_key
    if question.type == QuestionType.NUMERIC:
        return {"value": key.get("value"), "tolerance": key.get("tolerance", 0)}
    return {"correct": key.get("correct")}


def message_out(message: LiveMessage) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "kind": message.kind.value,
        "author_id": str(message.author_id),
        "author_name": message.author_name,
        "text": message.text,
        "upvotes": message.upvotes,
        "answered": message.answered,
        "hidden": message.hidden_by_host,
        "created_at": message.created_at.isoformat(),
    }
