"""Closing a live question exactly once, and telling the room how it went.

Three things close a question: a timer in the process that opened it, a backstop job, and any
read that finds it overdue. Each runs :func:`close_question`, whose conditional update lets
exactly one of them win, whichever process it runs in.

Answers and the close never interleave: an answer's insert holds a key-share lock on the
session row (its foreign key) until it commits and re-checks the state after inserting, while
the close takes the row ``FOR UPDATE`` first. So every stored answer is either scored by the
close or was refused.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession, LiveState
from lms_rt.live.presenters import question_answer, standing, state_data
from lms_rt.live.scoring import distribution, ranked, standing_out
from lms_rt.live.tally import add_question
from lms_rt.quizzes.models import QuizQuestion

log = logging.getLogger(__name__)

# Stated grace for network delay: an answer received up to this long after ``closes_at``
# counts, and ``question.closed`` goes out when it ends.
GRACE = timedelta(milliseconds=250)
LEADERBOARD_SIZE = 10
# Per-user rank events are many small publishes: this many to one pipelined round trip.
RANK_BATCH = 250


def close_job_id(session_id: uuid.UUID, index: int) -> str:
    return f"live-close:{session_id}:{index}"


def overdue(session: LiveSession, now: datetime) -> bool:
    return (
        session.state == LiveState.QUESTION_OPEN
        and session.closes_at is not None
        and now >= session.closes_at + GRACE
    )


async def close_question(
    deps: Deps, session_id: uuid.UUID, index: int, *, early: bool = False
) -> bool:
    """Close question ``index`` if it is still open (and due, unless ``early``); ``True`` only
    for the one call that closed it."""
    now = deps.clock.now()
    async with atomic(deps) as effects:
        session = (
            await LiveSession.filter(
                id=session_id, state=LiveState.QUESTION_OPEN, current_index=index
            )
            .select_for_update()
            .first()
        )
        if session is None or (not early and not overdue(session, now)):
            return False
        changes: dict[str, Any] = {"state": LiveState.QUESTION_CLOSED}
        if early:
            changes["closes_at"] = min(now, session.closes_at or now)
        closed = await LiveSession.filter(
            id=session_id, state=LiveState.QUESTION_OPEN, current_index=index
        ).update(**changes)
        if not closed:
            return False
        session.state = LiveState.QUESTION_CLOSED
        # The question may have been deleted from the quiz meanwhile: the close still happens.
        question = await QuizQuestion.filter(id=uuid.UUID(session.question_ids[index])).first()
        answers = await LiveAnswer.filter(session_id=session_id, question_index=index)
        participants = await _score(session, index)
        fastest = min(
            (a for a in answers if a.correct),
            key=lambda a: (a.elapsed_ms, a.received_at),
            default=None,
        )
        names = {p.id: p.display_name for p in participants}
        correct_count = sum(1 for a in answers if a.correct)
        effects.publish(f"live:{session_id}", "session.state", state_data(session))
        effects.publish(
            f"live:{session_id}",
            "question.closed",
            {
                "index": index,
                "question_id": session.question_ids[index],
                "answer": question_answer(question) if question else None,
                "explanation": question.explanation if question else "",
                "distribution": distribution(
                    question.type if question else None,
                    question.options if question else [],
                    (a.choice.get("value") for a in answers),
                ),
                "answered": len(answers),
                "correct_count": correct_count,
                "participants": len(participants),
                "fastest_correct": {
                    "participant_id": str(fastest.participant_id),
                    "display_name": names.get(fastest.participant_id, ""),
                    "elapsed_ms": fastest.elapsed_ms,
                }
                if fastest is not None
                else None,
            },
        )
    if session.show_leaderboard:
        await announce_standings(deps, session, participants, answers)
    return True


async def announce_standings(
    deps: Deps,
    session: LiveSession,
    participants: list[LiveParticipant] | None = None,
    answers: list[LiveAnswer] | None = None,
    *,
    event: str = "leaderboard",
) -> list[dict[str, Any]]:
    """:func:`publish_standings` after a commit: a Redis failure is logged, never raised,
    because the close or end it follows has already happened (clients can refetch)."""
    try:
        return await publish_standings(deps, session, participants, answers, event=event)
    except Exception:
        log.exception("publishing the standings of live session %s failed", session.id)
        return []


async def _score(session: LiveSession, index: int) -> list[LiveParticipant]:
    """Add this question to every participant's totals (inside the closing transaction)."""
    await add_question(session.id, index, session.seconds_per_question * 1000)
    return await LiveParticipant.filter(session_id=session.id, kicked_at=None)


async def publish_standings(
    deps: Deps,
    session: LiveSession,
    participants: list[LiveParticipant] | None = None,
    answers: list[LiveAnswer] | None = None,
    *,
    event: str = "leaderboard",
) -> list[dict[str, Any]]:
    """The top of the table to the room, and each participant's own rank to them alone."""
    if participants is None:
        participants = await LiveParticipant.filter(session_id=session.id, kicked_at=None)
    table = ranked(standing(p) for p in participants)
    top = [standing_out(rank, s) for rank, s in table[:LEADERBOARD_SIZE]]
    room: dict[str, Any] = {"index": session.current_index, "top": top, "participants": len(table)}
    if event == "session.ended":
        room["podium"] = top[:3]
    await deps.bus.publish(f"live:{session.id}", event, room)
    last = {a.participant_id: a for a in answers or []}
    personal = []
    for rank, entry in table:
        data: dict[str, Any] = {
            "session_id": str(session.id),
            "index": session.current_index,
            "rank": rank,
            "score": entry.score,
            "streak": entry.streak,
            "participants": len(table),
            "ended": event == "session.ended",
        }
        if answers is not None:
            answer = last.get(uuid.UUID(entry.participant_id))
            data["last_points"] = answer.points if answer else 0
            data["last_correct"] = bool(answer and answer.correct)
        personal.append((f"user:{entry.user_id}", "live.rank", data))
    for start in range(0, len(personal), RANK_BATCH):
        await deps.bus.publish_many(personal[start : start + RANK_BATCH])
    return top
