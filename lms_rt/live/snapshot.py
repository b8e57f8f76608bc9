"""The room as it is now, for a client that (re)connects: state, the open question with the
time left by the server's clock, the caller's own score and rank, the step, messages, hands."""

from __future__ import annotations

import uuid
from typing import Any

from lms_rt.deps import Deps
from lms_rt.live import room
from lms_rt.live.closing import LEADERBOARD_SIZE
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession, LiveState
from lms_rt.live.presenters import question_answer, question_public, session_out, standing
from lms_rt.live.schemas import SnapshotOut
from lms_rt.live.scoring import distribution, ranked, standing_out
from lms_rt.quizzes.models import QuizQuestion
from lms_rt.users.models import User


async def snapshot(deps: Deps, user: User, session: LiveSession, host: bool) -> SnapshotOut:
    now = deps.clock.now()
    participants = await LiveParticipant.filter(session_id=session.id, kicked_at=None)
    table = ranked(standing(p) for p in participants)
    question, remaining = await _question(session, now)
    me = None
    for rank, entry in table:
        if entry.user_id == str(user.id):
            answered = (
                session.state == LiveState.QUESTION_OPEN
                and await LiveAnswer.filter(
                    participant_id=uuid.UUID(entry.participant_id),
                    question_index=session.current_index,
                ).exists()
            )
            me = {**standing_out(rank, entry), "answered_current": answered}
    show_table = session.state in (LiveState.QUESTION_CLOSED, LiveState.ENDED) and (
        session.show_leaderboard or session.state == LiveState.ENDED or host
    )
    return SnapshotOut(
        session=session_out(session, len(participants)),
        server_time=now,
        remaining_ms=remaining,
        question=question,
        me=me,
        leaderboard=[standing_out(r, s) for r, s in table[:LEADERBOARD_SIZE]]
        if show_table
        else None,
        step={"index": session.step_index, "payload": session.step_payload},
        messages=await room.recent_messages(session, staff=host),
        hands=await room.hands(session) if host else None,
    )


async def _question(session: LiveSession, now: Any) -> tuple[dict[str, Any] | None, int | None]:
    """The current question; its answer and distribution only once it has closed."""
    if session.current_index < 0 or session.state not in (
        LiveState.QUESTION_OPEN,
        LiveState.QUESTION_CLOSED,
    ):
        return None, None
    question = await QuizQuestion.filter(
        id=uuid.UUID(session.question_ids[session.current_index])
    ).first()
    if question is None:
        return None, None
    shown = question_public(session, question)
    if session.state == LiveState.QUESTION_OPEN and session.closes_at is not None:
        remaining = max(0, round((session.closes_at - now).total_seconds() * 1000))
        return shown, remaining
    answers = await LiveAnswer.filter(session_id=session.id, question_index=session.current_index)
    shown["answer"] = question_answer(question)
    shown["distribution"] = distribution(
        question.type,
        question.options,
        (a.choice.get("value") for a in answers),
    )
    return shown, None
