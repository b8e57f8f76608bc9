"""A live quiz that counts: each participant's play becomes a graded attempt of its quiz.

The attempt's score is the live score and its maximum the most that could be earned
(``points_per_question`` for each question asked), so live play feeds progress and completion
exactly like a self-paced attempt.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.functions import Max

from lms_rt.db import PostCommit
from lms_rt.live.models import LiveAnswer, LiveParticipant, LiveSession
from lms_rt.quizzes.attempts import graded_events
from lms_rt.quizzes.completion import count_toward_completion
from lms_rt.quizzes.models import AttemptAnswer, AttemptStatus, Quiz, QuizAttempt, QuizQuestion


async def record_attempts(
    effects: PostCommit, session: LiveSession, participants: list[LiveParticipant], now: datetime
) -> None:
    """Inside the transaction that ends the session, so it happens once."""
    quiz = await Quiz.filter(id=session.quiz_id).first()
    if quiz is None or not participants:
        return
    points = {
        str(q.id): q.points
        for q in await QuizQuestion.filter(
            id__in=[uuid.UUID(i) for i in session.question_ids[: session.current_index + 1]]
        )
    }
    # Questions deleted from the quiz since they were played are left out of the attempt.
    asked = [i for i in session.question_ids[: session.current_index + 1] if i in points]
    if not asked:
        return
    maximum = session.points_per_question * len(asked)
    answers: dict[uuid.UUID, list[LiveAnswer]] = {}
    for answer in await LiveAnswer.filter(session_id=session.id):
        answers.setdefault(answer.participant_id, []).append(answer)
    numbers = dict(
        await QuizAttempt.filter(quiz_id=quiz.id, student_id__in=[p.user_id for p in participants])
        .group_by("student_id")
        .annotate(last=Max("number"))
        .values_list("student_id", "last")
    )
    for participant in participants:
        percentage = round(100.0 * participant.score / maximum, 2) if maximum else 0.0
        attempt = await QuizAttempt.create(
            quiz_id=quiz.id,
            student_id=participant.user_id,
            number=(numbers.get(participant.user_id) or 0) + 1,
            status=AttemptStatus.GRADED,
            started_at=session.started_at or session.created_at,
            submitted_at=now,
            closed_by="live",
            question_ids=asked,
            score=float(participant.score),
            max_score=float(maximum),
            percentage=percentage,
            passed=percentage >= quiz.passing_score,
            graded_at=now,
        )
        await AttemptAnswer.bulk_create(
            [
                AttemptAnswer(
                    attempt_id=attempt.id,
                    question_id=answer.question_id,
                    payload={"value": answer.choice.get("value")},
                    saved_at=answer.received_at,
                    points_awarded=points.get(str(answer.question_id), 0.0)
                    if answer.correct
                    else 0.0,
                    is_correct=answer.correct,
                )
                for answer in answers.get(participant.id, [])
                if str(answer.question_id) in points
            ]
        )
        await graded_events(effects, quiz, attempt)
        await count_toward_completion(effects, quiz, attempt)
