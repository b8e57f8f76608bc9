"""``live.answer``: accepted for the open question only, before ``closes_at`` + grace, once.

The unique row (participant, question) decides "once" and the write's own transaction decides
"while open" (see :mod:`lms_rt.live.answer_writer`); what this process remembers of the room
only spares a database read per answer. The reply acknowledges receipt and never says whether
the answer was right.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from lms_rt.deps import Deps
from lms_rt.errors import Forbidden, Invalid
from lms_rt.live import closing
from lms_rt.live.answer_writer import PendingAnswer, QuestionNotOpen
from lms_rt.live.models import LiveAnswer, LiveParticipant
from lms_rt.live.scoring import elapsed_ms, points_for
from lms_rt.quizzes.grading import grade, response_problem

if TYPE_CHECKING:
    from datetime import datetime

    from lms_rt.live.runtime import LiveRuntime, OpenQuestion, Seat


async def answer(
    deps: Deps,
    runtime: LiveRuntime,
    user_id: str,
    session_id: uuid.UUID,
    question_id: uuid.UUID,
    choice: Any,
) -> dict[str, Any]:
    received_at = deps.clock.now()  # the server's clock decides, as the frame arrives
    seat, question_open = await _room(runtime, user_id, session_id, question_id, received_at)
    question = await runtime.question(session_id, question_open.index, question_id)
    if question is None:
        raise QuestionNotOpen("This question is not open")
    problem = response_problem(question.type, question.options, choice)
    if choice is None or problem is not None:
        raise Invalid("This is not an answer to the question", details=[{"choice": problem}])
    correct = bool(grade(question.type, 1.0, question.answer_key, choice).correct)
    elapsed = elapsed_ms(question_open.opens_at, received_at)
    row = LiveAnswer(
        session_id=session_id,
        question_id=question_id,
        question_index=question_open.index,
        participant_id=seat.participant_id,
        choice={"value": choice},
        received_at=received_at,
        elapsed_ms=elapsed,
        correct=correct,
        points=points_for(
            correct, elapsed, question_open.seconds, question_open.points, question_open.speed_bonus
        ),
    )
    await runtime.writer.write(PendingAnswer(row, seat.display_name, question_open.course_id))
    runtime.note_answer(session_id, question_open.index)
    return {
        "received": True,
        "question_id": str(question_id),
        "received_at": received_at.isoformat(),
    }


def _admits(question_open: OpenQuestion | None, question_id: uuid.UUID, at: datetime) -> bool:
    return (
        question_open is not None
        and question_open.question_id == str(question_id)
        and at <= question_open.closes_at + closing.GRACE
    )


async def _room(
    runtime: LiveRuntime,
    user_id: str,
    session_id: uuid.UUID,
    question_id: uuid.UUID,
    received_at: datetime,
) -> tuple[Seat, OpenQuestion]:
    """The caller's seat and the open question: as remembered when that admits the answer,
    else as read now."""
    seat = runtime.seat(session_id, user_id)
    question_open = runtime.open_questions.get(session_id)
    if seat is None or not _admits(question_open, question_id, received_at):
        participant = (
            await LiveParticipant.filter(session_id=session_id, user_id=user_id)
            .select_related("session")
            .first()
        )
        if participant is None:
            raise Forbidden("Join the session first")
        if participant.kicked_at is not None:
            raise Forbidden("You were removed from this session")
        runtime.remember(participant, participant.session)
        seat = runtime.seat(session_id, user_id)
        question_open = runtime.open_questions.get(session_id)
        session = participant.session
        if closing.overdue(session, received_at):
            runtime.close_soon(session.id, session.current_index)
        if (
            question_open is not None
            and question_open.question_id == str(question_id)
            and received_at > question_open.closes_at + closing.GRACE
        ):
            raise QuestionNotOpen("Time is up for this question")
    if seat is None or question_open is None or question_open.question_id != str(question_id):
        raise QuestionNotOpen("This question is not open")
    return seat, question_open
