"""``live.answer``: accepted for the open question only, before ``closes_at`` + grace, once.

The unique row (participant, question) decides "once"; the insert-then-check against the
session row decides "while open" (see :mod:`lms_rt.live.closing`). The reply acknowledges
receipt and never says whether the answer was right.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from lms_rt.db import atomic
from lms_rt.deps import Deps
from lms_rt.errors import Conflict, Forbidden, Invalid
from lms_rt.live import closing
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession, LiveState
from lms_rt.live.scoring import elapsed_ms, points_for
from lms_rt.quizzes.grading import grade, response_problem

if TYPE_CHECKING:
    from lms_rt.live.runtime import LiveRuntime


class QuestionNotOpen(Conflict):
    code = "question_closed"


class AlreadyAnswered(Conflict):
    code = "already_answered"


async def answer(
    deps: Deps,
    runtime: LiveRuntime,
    user_id: str,
    session_id: uuid.UUID,
    question_id: uuid.UUID,
    choice: Any,
) -> dict[str, Any]:
    received_at = deps.clock.now()  # the server's clock decides, as the frame arrives
    participant = (
        await LiveParticipant.filter(session_id=session_id, user_id=user_id)
        .select_related("session")
        .first()
    )
    if participant is None:
        raise Forbidden("Join the session first")
    if participant.kicked_at is not None:
        raise Forbidden("You were removed from this session")
    session: LiveSession = participant.session
    index = session.current_index
    if (
        session.state != LiveState.QUESTION_OPEN
        or not 0 <= index < len(session.question_ids)
        or session.question_ids[index] != str(question_id)
        or session.opens_at is None
        or session.closes_at is None
    ):
        raise QuestionNotOpen("This question is not open")
    if received_at > session.closes_at + closing.GRACE:
        runtime.close_soon(session.id, index)
        raise QuestionNotOpen("Time is up for this question")
    question = await runtime.question(session.id, index, question_id)
    if question is None:
        raise QuestionNotOpen("This question is not open")
    problem = response_problem(question.type, question.options, choice)
    if choice is None or problem is not None:
        raise Invalid("This is not an answer to the question", details=[{"choice": problem}])
    correct = bool(grade(question.type, 1.0, question.answer_key, choice).correct)
    elapsed = elapsed_ms(session.opens_at, received_at)
    points = points_for(
        correct,
        elapsed,
        session.seconds_per_question,
        session.points_per_question,
        session.speed_bonus,
    )
    try:
        async with atomic(deps) as effects:
            await LiveAnswer.create(
                session_id=session.id,
                question_id=question_id,
                question_index=index,
                participant_id=participant.id,
                choice={"value": choice},
                received_at=received_at,
                elapsed_ms=elapsed,
                correct=correct,
                points=points,
            )
            still_open = await LiveSession.filter(
                id=session.id, state=LiveState.QUESTION_OPEN, current_index=index
            ).exists()
            if not still_open:
                raise QuestionNotOpen("Time is up for this question")
            effects.publish(
                f"live:{session.id}:host",
                "answer.received",
                {
                    "index": index,
                    "question_id": str(question_id),
                    "participant_id": str(participant.id),
                    "display_name": participant.display_name,
                    "choice": choice,
                    "elapsed_ms": elapsed,
                    "correct": correct,
                    "points": points,
                },
            )
    except IntegrityError:
        raise AlreadyAnswered("You have already answered this question") from None
    runtime.note_answer(session.id, index)
    return {
        "received": True,
        "question_id": str(question_id),
        "received_at": received_at.isoformat(),
    }
